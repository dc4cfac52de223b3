"""A 25,000-conference database, generated once per test session and shared.

Under pytest-xdist every worker has its own base temp folder inside one shared
parent: the file goes there, behind a lock, so that the workers generate it once.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from conference_tui.sample_data import SampleDatabase, generate_database

SCALE_TODAY = date(2026, 11, 23)
SCALE_CONFERENCES = 25_000


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: no workers share a folder there in practice
        yield
        return
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_25k(tmp_path_factory: pytest.TempPathFactory) -> SampleDatabase:
    folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = folder.parent
    path = folder / "scale-25k.db"
    summary = folder / "scale-25k.json"
    with exclusive(folder / "scale-25k.lock"):
        if not summary.exists():
            path.unlink(missing_ok=True)
            generated = generate_database(
                path, total_conferences=SCALE_CONFERENCES, seed=0, today=SCALE_TODAY
            )
            summary.write_text(json.dumps(asdict(generated), default=str))
    fields = json.loads(summary.read_text())
    return SampleDatabase(
        **{
            **fields,
            "path": Path(fields["path"]),
            "class_ids": tuple(fields["class_ids"]),
            "student_ids": tuple(fields["student_ids"]),
        }
    )
