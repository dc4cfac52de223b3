"""The generated databases the benchmarks run on, made once and cached.

A database is kept in benchmarks/results/ (gitignored) and reused while the
generator's code, the schema and the size are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from conference_tui import sample_data, sample_load
from conference_tui.sample_data import SampleDatabase, generate_database
from conference_tui.store.location import head_revision

RESULTS = Path(__file__).resolve().parent / "results"
TODAY = date(2026, 11, 23)
STUDENTS_PER_CLASS = 33
# A bigger database is more classes (a department, a school on one server), not longer
# histories: every class keeps 33 students and the heavy student keeps 300 conferences.
CONFERENCES_PER_CLASS = 5_000


def classes_for(conferences: int) -> int:
    return max(1, conferences // CONFERENCES_PER_CLASS)


def fingerprint(conferences: int) -> str:
    """What a cached database depends on: the generator's code, the schema and the size."""
    digest = hashlib.sha256()
    for module in (sample_data, sample_load):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(f"{head_revision()} {conferences} {classes_for(conferences)} {TODAY}".encode())
    return digest.hexdigest()[:16]


def label(conferences: int) -> str:
    return f"{conferences // 1000}k" if conferences % 1000 == 0 else str(conferences)


def sample_database(
    conferences: int, *, regenerate: bool = False, folder: Path = RESULTS
) -> tuple[SampleDatabase, float | None]:
    """The pristine database of that size, and how long generating it took (None: reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"sample-{label(conferences)}.db"
    summary_path = path.with_suffix(".json")
    key = fingerprint(conferences)
    if not regenerate and path.exists() and summary_path.exists():
        saved = json.loads(summary_path.read_text())
        if saved.get("fingerprint") == key:
            fields = saved["database"]
            return (
                SampleDatabase(
                    **{
                        **fields,
                        "path": path,
                        "class_ids": tuple(fields["class_ids"]),
                        "student_ids": tuple(fields["student_ids"]),
                    }
                ),
                None,
            )
    for stale in (path, summary_path, path.with_name(path.name + "-wal")):
        stale.unlink(missing_ok=True)
    print(f"Generating {conferences:,} conferences into {path} ...", flush=True)
    started = time.perf_counter()
    generated = generate_database(
        path,
        classes=classes_for(conferences),
        students_per_class=STUDENTS_PER_CLASS,
        total_conferences=conferences,
        today=TODAY,
    )
    seconds = time.perf_counter() - started
    print(f"Generated in {seconds:.1f} s.", flush=True)
    summary_path.write_text(
        json.dumps(
            {"fingerprint": key, "seconds": seconds, "database": asdict(generated)}, default=str
        )
    )
    return generated, seconds


@dataclass(frozen=True)
class Names:
    """What the benchmarks look for on screen, read from the database itself."""

    heavy_student: str
    students: frozenset[str]
    class_size: int


def names(db: SampleDatabase) -> Names:
    connection = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    try:
        (heavy,) = connection.execute(
            "SELECT name FROM student WHERE id = ?", (db.heavy_student_id,)
        ).fetchone()
        students = frozenset(name for (name,) in connection.execute("SELECT name FROM student"))
        (size,) = connection.execute(
            "SELECT count(*) FROM student WHERE class_id = ?", (db.class_ids[0],)
        ).fetchone()
    finally:
        connection.close()
    return Names(heavy_student=heavy, students=students, class_size=size)
