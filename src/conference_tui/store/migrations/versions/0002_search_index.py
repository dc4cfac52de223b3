"""Full-text search: a search_doc table mirrored into FTS5, kept in step by triggers.

A goal set by a conference is found through that conference's goal answer, so
only goals set outside a conference are indexed as goals.

search_doc has a stable INTEGER key for FTS5's external content (a table without one
may have its rowids renumbered by VACUUM). On PostgreSQL the search falls back to
ILIKE over the source tables, so there is nothing to create.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STUDENT_BODY = (
    "{p}.name || ' ' || {p}.preferred_name || ' ' || {p}.interests || ' ' "
    "|| {p}.strengths || ' ' || {p}.needs"
)

STATEMENTS = [
    """
    CREATE TABLE search_doc (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        ref_id TEXT NOT NULL UNIQUE,
        student_id TEXT NOT NULL,
        conference_id TEXT,
        stage_key TEXT NOT NULL DEFAULT '',
        field_key TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX ix_search_doc_student ON search_doc (student_id)",
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        body, content='search_doc', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
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
    """
    CREATE TRIGGER answer_search_ai AFTER INSERT ON answer BEGIN
        INSERT INTO search_doc(kind, ref_id, student_id, conference_id, stage_key, field_key, body)
        SELECT 'answer', new.id, c.student_id, new.conference_id, new.stage_key, new.field_key,
               new.value
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
    """
    CREATE TRIGGER goal_search_ai AFTER INSERT ON goal
    WHEN new.set_by_conference_id IS NULL BEGIN
        INSERT INTO search_doc(kind, ref_id, student_id, conference_id, stage_key, field_key, body)
        VALUES ('goal', new.id, new.student_id, new.set_by_conference_id, '', 'goal', new.text);
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
        INSERT INTO search_doc(kind, ref_id, student_id, body)
        VALUES ('student', new.id, new.id, {STUDENT_BODY.format(p="new")});
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
    # Backfill what an older schema already holds.
    f"""
    INSERT INTO search_doc(kind, ref_id, student_id, body)
    SELECT 'student', s.id, s.id, {STUDENT_BODY.format(p="s")} FROM student s
    """,
    """
    INSERT INTO search_doc(kind, ref_id, student_id, conference_id, stage_key, field_key, body)
    SELECT 'answer', a.id, c.student_id, a.conference_id, a.stage_key, a.field_key, a.value
    FROM answer a JOIN conference c ON c.id = a.conference_id
    """,
    """
    INSERT INTO search_doc(kind, ref_id, student_id, conference_id, stage_key, field_key, body)
    SELECT 'goal', g.id, g.student_id, NULL, '', 'goal', g.text FROM goal g
    WHERE g.set_by_conference_id IS NULL
    """,
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ("answer", "goal", "student"):
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER {table}_search_{suffix}")
    op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_doc")
