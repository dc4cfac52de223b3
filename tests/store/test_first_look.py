"""The first frame's roster, read by the sqlite3 module alone, is the store's roster."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conference_tui.sample_data import generate_database
from conference_tui.store import Store
from conference_tui.store.first_look import first_look
from conference_tui.store.location import locate

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first-look") / "conferences.db"
    generate_database(path, classes=2, students_per_class=7, total_conferences=150, today=TODAY)
    store = Store.open(str(path))
    try:
        student = store.roster(store.list_classes()[0].id)[2].student
        store.start_conference(student.id, "writing-conference", 1, "clarify")
    finally:
        store.close()
    return path


def test_the_first_look_shows_exactly_what_the_store_shows(sample: Path) -> None:
    today = datetime.now(UTC).astimezone().date()
    look = first_look(locate(str(sample)), today, due_after_days=10)
    assert look is not None
    store = Store.open(str(sample))
    try:
        classes = store.list_classes()
        assert look.classes == classes
        assert look.current == classes[0]
        rows = store.roster(classes[0].id, due_after_days=10)
    finally:
        store.close()
    assert look.rows == rows
    # The sample has what the roster must get right: goals, drafts, follow-ups, counts.
    assert any(row.active_goal for row in rows)
    assert any(row.draft_conference_id for row in rows)
    assert any(row.follow_up_on for row in rows)
    assert any(row.is_due for row in rows) and any(row.last_next_step for row in rows)


def test_reading_the_first_look_writes_nothing(sample: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(sample.read_bytes())
    before = sorted(p.name for p in tmp_path.iterdir())
    assert first_look(locate(str(copy)), TODAY, 14) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_an_empty_database_shows_no_class(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store.open(str(path)).close()
    look = first_look(locate(str(path)), TODAY, 14)
    assert look is not None
    assert (look.classes, look.current, look.rows) == ([], None, [])


def old_schema(path: Path) -> None:
    Store.open(str(path)).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0003'")


def not_ours(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")


def garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\n" * 200)


def truncated(path: Path) -> None:
    generate_database(path, classes=1, students_per_class=3, total_conferences=20, today=TODAY)
    path.write_bytes(path.read_bytes()[:8192])


@pytest.mark.parametrize(
    "make",
    [
        lambda path: None,  # no file yet
        lambda path: path.touch(),  # empty
        old_schema,
        not_ours,
        garbage,
        truncated,
    ],
    ids=["missing", "empty", "old-schema", "not-ours", "garbage", "truncated"],
)
def test_anything_unusual_leaves_it_to_the_store_to_open_first(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "conferences.db"
    make(path)
    assert first_look(locate(str(path)), TODAY, 14) is None


def test_a_server_has_no_first_look() -> None:
    assert first_look(locate("postgresql://teacher@localhost/notes"), TODAY, 14) is None
