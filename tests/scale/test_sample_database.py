"""A generated database is one the app could have written: same schema, full search index.

The generator writes without a journal, with indexes and the full-text trigger set
aside while it loads; these tests check that everything set aside is put back.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from conference_tui.sample_data import SampleDatabase, generate_database
from conference_tui.store import Store

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> SampleDatabase:
    path = tmp_path_factory.mktemp("sample") / "small.db"
    return generate_database(
        path, classes=2, students_per_class=5, total_conferences=600, today=TODAY
    )


def schema(path: Path) -> set[tuple[str, str, str]]:
    connection = sqlite3.connect(path)
    try:
        return set(connection.execute("SELECT type, name, sql FROM sqlite_master"))
    finally:
        connection.close()


def test_the_schema_is_the_one_the_store_makes(small: SampleDatabase, tmp_path: Path) -> None:
    Store.open(str(tmp_path / "empty.db")).close()
    assert schema(small.path) == schema(tmp_path / "empty.db")


def test_every_note_is_in_the_search_index(small: SampleDatabase) -> None:
    connection = sqlite3.connect(small.path)
    try:
        # rank 1: FTS5 checks its index against the content table, not only itself.
        connection.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        (answers,) = connection.execute("SELECT count(*) FROM answer").fetchone()
        (indexed,) = connection.execute(
            "SELECT count(*) FROM search_doc WHERE kind = 'answer'"
        ).fetchone()
        (journal,) = connection.execute("PRAGMA journal_mode").fetchone()
    finally:
        connection.close()
    assert answers == indexed == small.answer_count
    assert journal == "wal"
    store = Store.open(str(small.path))
    try:
        assert len(store.search(small.rare_word)) == small.rare_word_conferences
    finally:
        store.close()


def test_the_search_rows_are_the_ones_the_triggers_write(
    small: SampleDatabase, tmp_path: Path
) -> None:
    """The load sets answer_search_ai aside and fills search_doc in one pass (migration
    0005's backfill): the rows, keys included, must be those the triggers give the same
    rows written one by one."""
    replayed = tmp_path / "replayed.db"
    Store.open(str(replayed)).close()
    connection = sqlite3.connect(replayed)
    try:
        connection.execute("ATTACH ? AS small", (str(small.path),))
        with connection:
            for table in ("school_class", "student", "conference", "answer", "goal"):
                connection.execute(
                    f"INSERT INTO {table} SELECT * FROM small.{table} ORDER BY rowid"
                )
        written, generated = (
            connection.execute(f"SELECT * FROM {schema}.search_doc ORDER BY id").fetchall()
            for schema in ("main", "small")
        )
    finally:
        connection.close()
    assert len(written) > small.answer_count
    assert written == generated


def test_a_generation_that_fails_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "too-many.db"
    with pytest.raises(ValueError, match="larger than population"):
        # More conferences than there are school days to put them on.
        generate_database(
            path,
            classes=1,
            students_per_class=2,
            conferences_per_student=5_000,
            heavy_student_conferences=1,
            today=TODAY,
        )
    assert not path.exists()
