"""Search keyed newest first, so that a page of results reads only the rows it shows.

Results come newest first. With search_doc keyed in the order notes were written, a
common word made SQLite read, rank and sort every matching note before returning the
first 200 (778 ms at 250,000 conferences, growing with the database). Here each note's
key is its conference's start time, `started_at` in whole seconds times SEARCH_KEY_SPAN,
and a count that keeps the notes of one second apart. FTS5 hands back matches in key
order, so the first page stops after the rows it needs, and a date range is a range
of keys. Notes with no conference (learner profiles, goals set outside a conference)
have negative keys: they come after every dated note.

A key is the largest key already in its second plus one (or plus the row's number among
the rows one statement inserts there), so keys never repeat, and notes written later
come first within a conference too: newest first throughout. Keys counting up as notes
are written also let FTS5 gather a bulk load's rows before writing them (a smaller key
than the last makes it write out what it holds, row by row). A conference whose start
time or student changes has its notes taken out and put back under new keys.
SEARCH_KEY_SPAN allows 2,097,152 notes per second of start time; keys stay below 2**63
until the year 2106.

The prefix indexes answer a last word of one to three letters (typed so far) without
merging the postings of every word it begins.

Nothing looks search_doc up by student (a student's notes go with their rows, by
ref_id), so its student index is gone.

On PostgreSQL the search reads the source tables, so there is nothing to change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEARCH_KEY_SPAN = 2**21

STUDENT_BODY = (
    "{p}.name || ' ' || {p}.preferred_name || ' ' || {p}.interests || ' ' "
    "|| {p}.strengths || ' ' || {p}.needs"
)


def dated_key(started_at: str, order: str = "") -> str:
    """The key of a row for a conference started at `started_at` (an SQL expression):
    after the largest key already in that second. With `order`, the keys of the rows
    one statement inserts, in that order."""
    second = f"max(0, coalesce(CAST(strftime('%s', {started_at}) AS INTEGER), 0))"
    first = f"({second} * {SEARCH_KEY_SPAN})"
    count = f"row_number() OVER (PARTITION BY {second} ORDER BY {order})" if order else "1"
    return (
        f"coalesce((SELECT max(k.id) FROM search_doc k WHERE k.id >= {first} "
        f"AND k.id < {first} + {SEARCH_KEY_SPAN}), {first} - 1) + {count}"
    )


def undated_key(order: str = "") -> str:
    """Keys below zero for notes with no conference, below any already there."""
    count = f"row_number() OVER (ORDER BY {order})" if order else "1"
    return f"coalesce((SELECT min(k.id) FROM search_doc k WHERE k.id < 0), 0) - {count}"


DOC_COLUMNS = "id, kind, ref_id, student_id, conference_id, stage_key, field_key, body"

# Every answer already written, under the keys answer_search_ai would have given them
# one by one in the order they were written, into a search_doc that holds none yet
# (sample_data's bulk load uses it too).
ANSWERS_BACKFILL = f"""
    INSERT INTO search_doc({DOC_COLUMNS})
    SELECT {dated_key("c.started_at", "a.rowid")} AS key, 'answer', a.id, c.student_id,
           a.conference_id, a.stage_key, a.field_key, a.value
    FROM answer a JOIN conference c ON c.id = a.conference_id
    ORDER BY key
    """

STATEMENTS = [
    """
    CREATE TABLE search_doc (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        conference_id TEXT,
        stage_key TEXT NOT NULL DEFAULT '',
        field_key TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        body, content='search_doc', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
    )
    """,
    # Backfill first and index afterwards: building an index from sorted rows is several
    # times faster than growing it row by row.
    ANSWERS_BACKFILL,
    f"""
    INSERT INTO search_doc({DOC_COLUMNS})
    SELECT {undated_key("s.rowid")}, 'student', s.id, s.id, NULL, '', '',
           {STUDENT_BODY.format(p="s")}
    FROM student s
    """,
    f"""
    INSERT INTO search_doc({DOC_COLUMNS})
    SELECT {undated_key("g.rowid")}, 'goal', g.id, g.student_id, NULL, '', 'goal', g.text
    FROM goal g WHERE g.set_by_conference_id IS NULL
    """,
    "CREATE UNIQUE INDEX ix_search_doc_ref ON search_doc (ref_id)",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    """
    CREATE TRIGGER search_doc_ai AFTER INSERT ON search_doc BEGIN
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
    END
    """,
    """
    CREATE TRIGGER search_doc_ad AFTER DELETE ON search_doc BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END
    """,
    """
    CREATE TRIGGER search_doc_au AFTER UPDATE ON search_doc BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
    END
    """,
    f"""
    CREATE TRIGGER answer_search_ai AFTER INSERT ON answer BEGIN
        INSERT INTO search_doc({DOC_COLUMNS})
        SELECT {dated_key("c.started_at")}, 'answer', new.id, c.student_id,
               new.conference_id, new.stage_key, new.field_key, new.value
        FROM conference c WHERE c.id = new.conference_id;
    END
    """,
    """
    CREATE TRIGGER answer_search_au AFTER UPDATE OF value ON answer BEGIN
        UPDATE search_doc SET body = new.value WHERE ref_id = new.id;
    END
    """,
    """
    CREATE TRIGGER answer_search_ad AFTER DELETE ON answer BEGIN
        DELETE FROM search_doc WHERE ref_id = old.id;
    END
    """,
    f"""
    CREATE TRIGGER conference_search_au AFTER UPDATE OF started_at, student_id ON conference
    WHEN old.started_at IS NOT new.started_at OR old.student_id IS NOT new.student_id BEGIN
        DELETE FROM search_doc WHERE ref_id IN (SELECT a.id FROM answer a
                                                 WHERE a.conference_id = new.id);
        INSERT INTO search_doc({DOC_COLUMNS})
        SELECT {dated_key("new.started_at", "a.rowid")}, 'answer', a.id, new.student_id,
               a.conference_id, a.stage_key, a.field_key, a.value
        FROM answer a WHERE a.conference_id = new.id;
    END
    """,
    f"""
    CREATE TRIGGER goal_search_ai AFTER INSERT ON goal
    WHEN new.set_by_conference_id IS NULL BEGIN
        INSERT INTO search_doc({DOC_COLUMNS})
        SELECT {undated_key()}, 'goal', new.id, new.student_id, NULL, '', 'goal',
               new.text;
    END
    """,
    """
    CREATE TRIGGER goal_search_au AFTER UPDATE OF text ON goal BEGIN
        UPDATE search_doc SET body = new.text WHERE ref_id = new.id;
    END
    """,
    """
    CREATE TRIGGER goal_search_ad AFTER DELETE ON goal BEGIN
        DELETE FROM search_doc WHERE ref_id = old.id;
    END
    """,
    f"""
    CREATE TRIGGER student_search_ai AFTER INSERT ON student BEGIN
        INSERT INTO search_doc({DOC_COLUMNS})
        SELECT {undated_key()}, 'student', new.id, new.id, NULL, '', '',
               {STUDENT_BODY.format(p="new")};
    END
    """,
    f"""
    CREATE TRIGGER student_search_au
    AFTER UPDATE OF name, preferred_name, interests, strengths, needs ON student BEGIN
        UPDATE search_doc SET body = {STUDENT_BODY.format(p="new")} WHERE ref_id = new.id;
    END
    """,
    """
    CREATE TRIGGER student_search_ad AFTER DELETE ON student BEGIN
        DELETE FROM search_doc WHERE ref_id = old.id;
    END
    """,
]


def search_index_0002() -> ModuleType:
    """The first search index's migration: this one replaces what it made, and a
    downgrade makes it again."""
    path = Path(__file__).with_name("0002_search_index.py")
    spec = importlib.util.spec_from_file_location("search_index_0002", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drop_search_index() -> None:
    op.execute("DROP TRIGGER conference_search_au")
    for table in ("answer", "goal", "student"):
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER {table}_search_{suffix}")
    op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_doc")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    search_index_0002().downgrade()
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    drop_search_index()
    search_index_0002().upgrade()
