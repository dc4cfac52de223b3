"""Export, backup and import stream: each runs in a process whose peak memory stays
under a bound that the whole database read at once exceeds (before streaming: about
250 MiB, 1.2 GiB and 0.7 GiB at 25,000 conferences), and export's does not grow with
the data. No timings: the speed is measured in benchmarks/."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conference_tui.sample_data import SampleDatabase, generate_database

from .conftest import SCALE_TODAY

pytestmark = pytest.mark.slow  # the scale database, then full passes over it

PEAK_LIMIT_KIB = 150 * 1024
EXPORT_GROWTH_LIMIT_KIB = 40 * 1024

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


def test_backup_and_import_run_in_bounded_memory(
    sample_scale: SampleDatabase, tmp_path: Path
) -> None:
    """Read whole, 6,000 conferences took about 290 MiB to back up and 160 MiB more
    than the app itself to import; streamed, each stays under the bound, the import with
    the fixed 32 MiB page cache it writes the answers with (store/archive_io.py)."""
    backup_peak = _peak_kib(
        "--db", str(sample_scale.path), "backup", "--out", str(tmp_path / "backup"),
        home=tmp_path,
    )  # fmt: skip
    (archive,) = (tmp_path / "backup").glob("*.json")
    imported = tmp_path / "imported.db"
    import_peak = _peak_kib("--db", str(imported), "import", str(archive), home=tmp_path)
    peaks = {"backup": backup_peak, "import": import_peak}
    assert all(peak < PEAK_LIMIT_KIB for peak in peaks.values()), peaks
    with sqlite3.connect(imported) as connection:
        (conferences,) = connection.execute("SELECT count(*) FROM conference").fetchone()
    connection.close()
    assert conferences == sample_scale.conference_count


def test_export_memory_does_not_grow_with_the_data(
    sample_scale: SampleDatabase, tmp_path: Path
) -> None:
    """Twelve times the conferences, and export's peak grows by what one class's file
    holds while it is written (about 20 MiB here), not by the whole database (read at
    once, about 10 KiB a conference: 55 MiB more)."""
    small = generate_database(
        tmp_path / "small.db", total_conferences=500, seed=0, today=SCALE_TODAY
    )
    peaks = {}
    for name, sample in (("small", small), ("scale", sample_scale)):
        out = tmp_path / f"md-{name}"
        peaks[name] = _peak_kib(
            "--db", str(sample.path), "export", "--all", "--per", "class", "--out", str(out),
            home=tmp_path,
        )  # fmt: skip
        assert len(list(out.glob("*.md"))) == len(sample.class_ids)
    assert peaks["scale"] < PEAK_LIMIT_KIB, peaks
    assert peaks["scale"] - peaks["small"] < EXPORT_GROWTH_LIMIT_KIB, peaks
