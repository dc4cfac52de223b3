"""The command-line bulk jobs (export --all, backup, import), timed with their peak memory.

Each job runs as its own process, as the teacher runs it; its peak resident memory
comes from the kernel's accounting of that one process (wait4), so nothing else the
benchmark does is counted. The job is started by a small Python process in between:
a child forked from this one starts with its resident pages (a database generated a
moment ago: gigabytes), and its peak would keep them after exec.
"""

from __future__ import annotations

import subprocess
import sys
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


# Runs the job, then writes its exit code and peak (KiB on Linux) to the file in argv[1].
STARTER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_job(argv: list[str], env: dict[str, str], log: Path) -> Job:
    report = log.with_suffix(".peak")
    with log.open("wb") as output:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", STARTER, str(report), *argv],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
        seconds = time.perf_counter() - started
    code, peak = (int(part) for part in report.read_text().split())
    if code != 0:
        raise JobFailed(f"{' '.join(argv)} exited {code}:\n{log.read_text()}")
    return Job(seconds=seconds, peak_kib=peak)


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
