"""A 6,000-conference database (a school's year or two), generated once per test run and
shared by the xdist workers (tests/built_once.py), with a summary of what it holds next
to it. Big enough that a full scan or a command that reads everything at once shows;
25,000 took half a minute of the run to generate, and the benchmarks measure that size."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from tests.built_once import built_once

from conference_tui.sample_data import SampleDatabase, generate_database

SCALE_TODAY = date(2026, 11, 23)
SCALE_CONFERENCES = 6_000


def write_sample(summary: Path) -> None:
    """The database next to `summary`, which then says what it holds."""
    database = summary.with_suffix(".db")
    database.unlink(missing_ok=True)  # left by a run that was stopped mid-way
    generated = generate_database(
        database, total_conferences=SCALE_CONFERENCES, seed=0, today=SCALE_TODAY
    )
    summary.write_text(json.dumps(asdict(generated), default=str))


@pytest.fixture(scope="session")
def sample_scale(tmp_path_factory: pytest.TempPathFactory) -> SampleDatabase:
    summary = built_once(tmp_path_factory, "scale.json", write_sample)
    fields = json.loads(summary.read_text())
    return SampleDatabase(
        **{
            **fields,
            "path": Path(fields["path"]),
            "class_ids": tuple(fields["class_ids"]),
            "student_ids": tuple(fields["student_ids"]),
        }
    )
