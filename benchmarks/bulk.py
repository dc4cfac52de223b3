"""The command-line bulk jobs (export --all, backup, import), timed with their peak memory.

Each job runs as its own process, as the teacher runs it; its peak resident memory
comes from the kernel's accounting of that one child (wait4), so nothing else the
benchmark does is counted.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.tui import APP, Sandbox, base_env


@dataclass(frozen=True)
class Job:
    seconds: float
    peak_kib: int


class JobFailed(Exception):
    pass


def run_job(argv: list[str], env: dict[str, str], log: Path) -> Job:
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise JobFailed(f"{' '.join(argv)} exited {process.returncode}:\n{log.read_text()}")
    return Job(seconds=seconds, peak_kib=usage.ru_maxrss)  # Linux: KiB


def bulk_jobs(database: Path, box: Sandbox) -> dict[str, Job]:
    """export --all, backup, then import of the backup's archive into an empty database."""
    env = base_env(box.env)
    with tempfile.TemporaryDirectory(prefix="conference-tui-bulk-") as folder:
        work = Path(folder)
        app = [str(APP), "--db"]
        jobs = {
            "export --all": run_job(
                [*app, str(database), "export", "--all", "--out", str(work / "export")],
                env,
                work / "export.log",
            ),
            "backup": run_job(
                [*app, str(database), "backup", "--out", str(work / "backup")],
                env,
                work / "backup.log",
            ),
        }
        (archive,) = (work / "backup").glob("*.json")
        jobs["import (of the backup's archive)"] = run_job(
            [*app, str(work / "imported.db"), "import", str(archive)], env, work / "import.log"
        )
    return jobs
