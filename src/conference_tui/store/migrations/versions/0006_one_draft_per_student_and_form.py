"""One open draft per student and form, as a constraint of the database.

Two copies of the app starting a conference for one student at the same moment (two
teachers on a school server) each found no draft and each inserted one: the student
had two drafts, and notes typed into one were not in the other. A partial unique
index (on drafts only) now refuses the second, and the store opens the draft that
won instead (ConferenceStore.start_conference).

A database may already hold such twins. Which one is kept open: among the drafts of
one student and form, the one with something written in it (an answer with text, a
habit, a goal it set or closed), the most recently saved first. The others are never
deleted while anything was typed in them: each is completed (ended at its last
save), so that it stands in the student's history with its text, where the teacher
can read it and amend it. Only a twin with nothing written in it is removed, as the
app discards an empty draft.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "uq_conference_one_draft"

TWINS = """
SELECT student_id, form_id FROM conference WHERE status = 'draft'
GROUP BY student_id, form_id HAVING count(*) > 1
"""

DRAFTS_OF = """
SELECT c.id,
       (EXISTS (SELECT 1 FROM answer a WHERE a.conference_id = c.id AND a.value <> '')
        OR EXISTS (SELECT 1 FROM habit_observation h WHERE h.conference_id = c.id)
        OR EXISTS (SELECT 1 FROM goal g WHERE g.closed_by_conference_id = c.id
                                          OR g.set_by_conference_id = c.id)) AS written
FROM conference c
WHERE c.student_id = :student AND c.form_id = :form AND c.status = 'draft'
ORDER BY c.updated_at DESC, c.started_at DESC, c.id
"""


def _settle_twins(connection: sa.Connection) -> None:
    for student_id, form_id in connection.execute(sa.text(TWINS)).all():
        drafts = connection.execute(
            sa.text(DRAFTS_OF), {"student": student_id, "form": form_id}
        ).all()
        # Written drafts first, newest first within each (sorted is stable).
        _kept, *others = sorted(drafts, key=lambda row: not row.written)
        for other in others:
            params = {"id": other.id}
            if other.written:
                connection.execute(
                    sa.text(
                        "UPDATE conference SET status = 'complete', ended_at = updated_at,"
                        " editor_id = '', editor_seen_at = NULL WHERE id = :id"
                    ),
                    params,
                )
                continue
            connection.execute(sa.text("DELETE FROM answer WHERE conference_id = :id"), params)
            connection.execute(sa.text("DELETE FROM conference WHERE id = :id"), params)


def upgrade() -> None:
    _settle_twins(op.get_bind())
    op.create_index(
        INDEX,
        "conference",
        ["student_id", "form_id"],
        unique=True,
        sqlite_where=sa.text("status = 'draft'"),
        postgresql_where=sa.text("status = 'draft'"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="conference")
