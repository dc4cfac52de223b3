"""On 25,000 conferences export, backup and import stream: each runs in a process whose
peak memory stays under a bound that the whole database read at once exceeds several
times over (before streaming: about 250 MiB, 1.2 GiB and 0.7 GiB). No timings: the
speed is measured in benchmarks/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conference_tui.sample_data import SampleDatabase, generate_database

from .conftest import SCALE_TODAY

pytestmark = pytest.mark.slow  # the 25k database, then three full passes over it

PEAK_LIMIT_KIB = 150 * 1024

# Runs the command in this process, then reports the process's own peak RSS.
RUN_AND_MEASURE = """
import json, resource, sys
from conference_tui.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="conference-tui", standalone_mode=False)
    status = 0
except SystemExit as exc:
    status = exc.code or 0
try:
    # This program's own high-water mark: ru_maxrss on Linux keeps the peak of the
    # process before exec, that is of the test run that started it.
    with open("/proc/self/status") as proc:
        peak = next(int(l.split()[1]) for l in proc if l.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":
        peak //= 1024
print(json.dumps({"status": status, "peak_kib": peak}))
"""


def _peak_kib(*args: str, home: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_MEASURE, *args],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 0, done.stdout + done.stderr
    return int(outcome["peak_kib"])


def test_export_and_backup_run_in_bounded_memory(
    sample_25k: SampleDatabase, tmp_path: Path
) -> None:
    database = str(sample_25k.path)
    export_peak = _peak_kib(
        "--db", database, "export", "--all", "--per", "class", "--out", str(tmp_path / "md"),
        home=tmp_path,
    )  # fmt: skip
    backup_peak = _peak_kib(
        "--db", database, "backup", "--out", str(tmp_path / "backup"), home=tmp_path
    )
    peaks = {"export": export_peak, "backup": backup_peak}
    assert all(peak < PEAK_LIMIT_KIB for peak in peaks.values()), peaks
    assert len(list((tmp_path / "md").glob("*.md"))) == len(sample_25k.class_ids)


def test_import_runs_in_bounded_memory(tmp_path: Path) -> None:
    """On 5,000 conferences (importing 25,000 takes half a minute here): reading the
    archive whole took about 160 MiB more than the app itself at this size; streamed,
    it stays under the bound of the commands above, with the fixed 32 MiB page cache
    it writes the answers with (store/archive_io.py)."""
    source = tmp_path / "source.db"
    generate_database(source, total_conferences=5_000, today=SCALE_TODAY)
    _peak_kib("--db", str(source), "backup", "--out", str(tmp_path / "backup"), home=tmp_path)
    (archive,) = (tmp_path / "backup").glob("*.json")
    peak = _peak_kib("--db", str(tmp_path / "imported.db"), "import", str(archive), home=tmp_path)
    assert peak < PEAK_LIMIT_KIB, peak
