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

from sqlalchemy import text
from sqlalchemy.orm import Session

from conference_tui.store.engine import page_cache
from conference_tui.store.location import MIGRATIONS_DIR

SEARCH_MIGRATION = "0005_search_newest_first.py"
ANSWER_TRIGGER = "answer_search_ai"


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


@contextlib.contextmanager
def answers_indexed_at_end(session: Session, page_cache_mib: int) -> Iterator[None]:
    """Answers inserted within the block are indexed for search as it ends, in one
    pass. The block and that pass write with a page cache of `page_cache_mib` (see
    `page_cache`); the sort of the keys in between, with SQLite's small default, since
    its sorter may take as much memory as the cache. The block must run in the
    session's write transaction: should it fail, the rollback that follows puts the
    trigger back as it undoes the rest. Elsewhere than on SQLite there is no index to
    keep, and this does nothing."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    trigger = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": ANSWER_TRIGGER},
    ).scalar_one()
    # Rows get rowids above the largest there: those above this one are the block's.
    last = connection.execute(text("SELECT coalesce(max(rowid), 0) FROM answer")).scalar_one()
    connection.execute(text(f"DROP TRIGGER {ANSWER_TRIGGER}"))
    with page_cache(connection, page_cache_mib):
        yield
    connection.execute(
        text(f"CREATE TEMPORARY TABLE {KEYS_TABLE} (key INTEGER PRIMARY KEY, answer_rowid INTEGER)")
    )
    connection.execute(text(_keys_of_answers_after()), {"last": last})
    with page_cache(connection, page_cache_mib):
        connection.execute(text(_search_rows_by_key()))
    connection.execute(text(f"DROP TABLE {KEYS_TABLE}"))
    connection.execute(text(trigger))
