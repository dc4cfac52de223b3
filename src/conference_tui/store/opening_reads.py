"""What a new conference opens with, as plain SQL: run by the store through SQLAlchemy
(`last_time` without a conference), and by the sqlite3 module alone while the store is
still opening (conference_first_look.py), so both show the same. See roster_reads.py
for how the SQL is written for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conference_tui.store.records import GoalInfo, LastTime
from conference_tui.store.roster_reads import RunSql, stored_datetime
from conference_tui.store.roster_records import ConferenceStatus, GoalStatus

CLASS_SQL = """
SELECT id, name, school_year, archived, default_form FROM school_class WHERE id = :id
"""

STUDENT_SQL = """
SELECT id, class_id, name, preferred_name, interests, strengths, needs, archived
FROM student WHERE id = :id
"""

ACTIVE_GOALS_SQL = """
SELECT id, student_id, text, status, set_at, set_by_conference_id, closed_at,
       closed_by_conference_id
FROM goal
WHERE student_id = :student AND status = :active
ORDER BY set_at
"""

LAST_COMPLETED_SQL = """
SELECT id, started_at FROM conference
WHERE student_id = :student AND status = :complete
ORDER BY started_at DESC
LIMIT 1
"""

ANSWERS_SQL = """
SELECT field_key, value FROM answer WHERE conference_id = :conference AND field_key IN ({keys})
"""

HAS_DRAFT_SQL = """
SELECT count(*) FROM conference WHERE student_id = :student AND status = :draft
"""


def goal_from_row(row: Sequence[Any]) -> GoalInfo:
    """A goal from its columns in the order of ACTIVE_GOALS_SQL (and export_sql's)."""
    id_, student_id, text, status, set_at, set_by, closed_at, closed_by = row
    set_moment = stored_datetime(set_at)
    assert set_moment is not None  # the column is NOT NULL
    return GoalInfo(
        id=id_,
        student_id=student_id,
        text=text,
        status=status,
        set_at=set_moment,
        set_by_conference_id=set_by,
        closed_at=stored_datetime(closed_at),
        closed_by_conference_id=closed_by,
    )


def read_last_time_now(run: RunSql, student_id: str, answer_keys: Sequence[str]) -> LastTime:
    """What a new conference revisits: the goals active now, oldest first, and the last
    completed conference, with its answers to `answer_keys`."""
    goals = tuple(
        goal_from_row(row)
        for row in run(ACTIVE_GOALS_SQL, {"student": student_id, "active": GoalStatus.ACTIVE})
    )
    last = run(LAST_COMPLETED_SQL, {"student": student_id, "complete": ConferenceStatus.COMPLETE})
    if not last:
        return LastTime(goals, None)
    conference_id, started_at = last[0]
    answers: dict[str, str] = {}
    if answer_keys:
        names = {f"k{number}": key for number, key in enumerate(answer_keys)}
        sql = ANSWERS_SQL.format(keys=", ".join(f":{name}" for name in names))
        answers = {
            str(key): str(value) for key, value in run(sql, {"conference": conference_id, **names})
        }
    return LastTime(goals, stored_datetime(started_at), answers)


def has_draft(run: RunSql, student_id: str) -> bool:
    rows = run(HAS_DRAFT_SQL, {"student": student_id, "draft": ConferenceStatus.DRAFT})
    return bool(rows[0][0])
