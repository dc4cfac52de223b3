"""Answers written in bulk, given their search rows in one pass rather than one by one.

On SQLite, trigger answer_search_ai (migration 0005) gives each new answer its row in
search_doc, whose own trigger hands it to FTS5. An import inserts answers with one
statement per answer (executemany), and FTS5 writes out what it has gathered at the
end of every statement: one new index segment per answer, merged into ever larger
ones. That made an import's time grow faster than its archive (at 25,000 conferences
the answers' inserts took 40 of the import's 79 s; 66,066 leaves written for 66,033
answers at 5,000).

Within `answers_indexed_at_end` the trigger is set aside, and the answers inserted
meanwhile get their search rows at the end in one pass, under the very keys the
trigger would have given them one by one (migration 0005's `dated_key`, in the order
they were inserted) and in key order, so that FTS5 takes them in large pieces.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from functools import cache
from types import ModuleType

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from conference_tui.store.engine import page_cache
from conference_tui.store.location import MIGRATIONS_DIR

SEARCH_MIGRATION = "0005_search_newest_first.py"
ANSWER_TRIGGER = "answer_search_ai"
REF_INDEX = "ix_search_doc_ref"


@cache
def search_migration() -> ModuleType:
    """Migration 0005, which defines the search keys: the one place they are written."""
    path = MIGRATIONS_DIR / "versions" / SEARCH_MIGRATION
    spec = importlib.util.spec_from_file_location("search_newest_first", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


KEYS_TABLE = "import_search_keys"


def _keys_of_answers_after() -> str:
    """The search key of each answer whose rowid is above :last (those inserted since it
    was read), as migration 0005's backfill gives every answer its key. Only keys and
    rowids are sorted (to number the answers of each second), not the answers' text."""
    migration = search_migration()
    return f"""
        INSERT INTO {KEYS_TABLE} (key, answer_rowid)
        SELECT {migration.dated_key("c.started_at", "a.rowid")} AS key, a.rowid
        FROM answer a JOIN conference c ON c.id = a.conference_id
        WHERE a.rowid > :last
        """


def _search_rows_by_key() -> str:
    """The answers' search rows, read in the order of their keys (the keys table's own
    order: nothing left to sort), so that FTS5 is handed them in that order."""
    return f"""
        INSERT INTO search_doc({search_migration().DOC_COLUMNS})
        SELECT k.key, 'answer', a.id, c.student_id, a.conference_id, a.stage_key,
               a.field_key, a.value
        FROM {KEYS_TABLE} k
        JOIN answer a ON a.rowid = k.answer_rowid
        JOIN conference c ON c.id = a.conference_id
        ORDER BY k.key
        """


def _sql_of(connection: Connection, kind: str, name: str) -> str:
    sql: str = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE type = :kind AND name = :name"),
        {"kind": kind, "name": name},
    ).scalar_one()
    return sql


@contextlib.contextmanager
def _index_set_aside(connection: Connection, name: str, *, aside: bool) -> Iterator[None]:
    """With `aside`, the index is dropped within the block and built again after it,
    from all its rows at once (SQLite sorts them), rather than kept up to date row by
    row: an index of random UUIDs larger than the page cache costs a read from the file
    per row. Within the write transaction, as the trigger: a failure puts it back."""
    if not aside:
        yield
        return
    index = _sql_of(connection, "index", name)
    connection.execute(text(f"DROP INDEX {name}"))
    yield
    connection.execute(text(index))


@contextlib.contextmanager
def answers_indexed_at_end(
    session: Session, page_cache_mib: int, *, first_answers: bool
) -> Iterator[None]:
    """Answers inserted within the block are indexed for search as it ends, in one
    pass. The block and that pass write with a page cache of `page_cache_mib` (see
    `page_cache`); the sort of the keys in between, with SQLite's small default, since
    its sorter may take as much memory as the cache. With `first_answers` (the database
    held none before the block: nearly every search row is written here), the search
    rows' index of answer ids is built after them rather than row by row. The block must
    run in the session's write transaction: should it fail, the rollback that follows
    puts the trigger and the index back as it undoes the rest. Elsewhere than on SQLite
    there is no index to keep, and this does nothing."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    trigger = _sql_of(connection, "trigger", ANSWER_TRIGGER)
    # Rows get rowids above the largest there: those above this one are the block's.
    last = connection.execute(text("SELECT coalesce(max(rowid), 0) FROM answer")).scalar_one()
    connection.execute(text(f"DROP TRIGGER {ANSWER_TRIGGER}"))
    with page_cache(connection, page_cache_mib):
        yield
    connection.execute(
        text(f"CREATE TEMPORARY TABLE {KEYS_TABLE} (key INTEGER PRIMARY KEY, answer_rowid INTEGER)")
    )
    connection.execute(text(_keys_of_answers_after()), {"last": last})
    # The index is built again once the cache is back to its default: its sort takes
    # memory by that measure.
    with (
        _index_set_aside(connection, REF_INDEX, aside=first_answers),
        page_cache(connection, page_cache_mib),
    ):
        connection.execute(text(_search_rows_by_key()))
    connection.execute(text(f"DROP TABLE {KEYS_TABLE}"))
    connection.execute(text(trigger))
