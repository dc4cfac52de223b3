"""The classes and the roster as plain SQL: run by the store through SQLAlchemy, and by
the sqlite3 module alone for the first frame (first_look.py), so both show the same rows.

The SQL is written once for SQLite and PostgreSQL (`:name` parameters suit both sqlite3
and SQLAlchemy's `text`); values come back as each driver gives them (SQLite's dates and
times are text) and are read by `stored_date` and `stored_datetime`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from conference_tui.field_kinds import Kind
from conference_tui.store.roster_records import (
    ClassInfo,
    ConferenceStatus,
    GoalStatus,
    RosterRow,
    StudentInfo,
)

DEFAULT_DUE_AFTER_DAYS = 14

# Runs one query with its parameters and returns every row.
RunSql = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]

CLASSES_SQL = """
SELECT c.id, c.name, c.school_year, c.archived, COALESCE(counts.n, 0), c.default_form
FROM school_class c
LEFT JOIN (
    SELECT class_id, count(*) AS n FROM student WHERE NOT archived GROUP BY class_id
) counts ON counts.class_id = c.id
{where}
ORDER BY c.archived, lower(c.name)
"""

STUDENTS_SQL = """
SELECT s.id, s.class_id, s.name, s.preferred_name, s.interests, s.strengths, s.needs,
       s.archived, done.n, done.last_at
FROM student s
LEFT JOIN (
    SELECT student_id, count(*) AS n, max(started_at) AS last_at
    FROM conference
    WHERE status = :complete AND student_id IN (SELECT s.id FROM student s WHERE {students})
    GROUP BY student_id
) done ON done.student_id = s.id
WHERE {students}
ORDER BY lower(s.name)
"""

# Oldest first: a later active goal overwrites an earlier one, so the newest is shown.
ACTIVE_GOALS_SQL = """
SELECT g.student_id, g.text
FROM goal g JOIN student s ON s.id = g.student_id
WHERE g.status = :active AND {students}
ORDER BY g.set_at
"""

LATEST_NEXT_STEP_SQL = """
SELECT c.student_id, a.value
FROM conference c
JOIN (
    SELECT student_id, max(started_at) AS at
    FROM conference
    WHERE status = :complete AND student_id IN (SELECT s.id FROM student s WHERE {students})
    GROUP BY student_id
) newest ON newest.student_id = c.student_id AND newest.at = c.started_at
LEFT JOIN answer a ON a.conference_id = c.id AND a.kind = :next_step
WHERE c.status = :complete
"""

# The newest follow-up planned, and when the conference that planned it was held.
# Per student, the newest completed conference's index entries walked back to the first
# with a follow-up: one or two rows each. Grouping every follow-up of the class to find
# the newest read all of them (10 to 16 ms of each roster read at 5,000 a class).
LATEST_FOLLOW_UP_SQL = """
SELECT c.student_id, c.follow_up_on, c.started_at
FROM student s
JOIN conference c ON c.id = (
    SELECT f.id FROM conference f
    WHERE f.student_id = s.id AND f.status = :complete AND f.follow_up_on IS NOT NULL
    ORDER BY f.started_at DESC, f.id DESC
    LIMIT 1
)
WHERE {students}
"""

# Oldest first: if a student somehow has two drafts, the newest is the one resumed.
DRAFTS_SQL = """
SELECT c.student_id, c.id
FROM conference c
WHERE c.status = :draft AND c.student_id IN (SELECT s.id FROM student s WHERE {students})
ORDER BY c.updated_at
"""


def stored_datetime(value: Any) -> datetime | None:
    """A time as the store keeps it (naive UTC; text on SQLite) as an aware UTC time."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stored_date(value: Any) -> date | None:
    if value is None:
        return None
    day = date.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(day, date)
    return day


def standing_follow_up(
    planned: tuple[date | None, datetime | None] | None, last_at: datetime | None
) -> date | None:
    """The follow-up planned last stands until a later conference is held on or after its
    day: a quick compliment in between (a conference that plans none) leaves it planned."""
    if planned is None:
        return None
    day, planned_at = planned
    if day is None or planned_at is None:
        return day
    if last_at is not None and last_at > planned_at and last_at.astimezone().date() >= day:
        return None
    return day


def due_reason(
    today: date,
    last_conference_on: date | None,
    follow_up_on: date | None,
    due_after_days: int,
) -> str:
    """Why a student is due, or "" when they are not: an overdue follow-up comes first."""
    if follow_up_on is not None and follow_up_on <= today:
        late = (today - follow_up_on).days
        return "follow-up today" if late == 0 else f"follow-up {late}d overdue"
    if last_conference_on is None:
        return "never conferred"
    days = (today - last_conference_on).days
    if days >= due_after_days:
        return f"not seen for {days}d"
    return ""


def read_classes(run: RunSql, include_archived: bool = False) -> list[ClassInfo]:
    """Classes by name (archived last), with how many current students each holds."""
    where = "" if include_archived else "WHERE NOT c.archived"
    return [
        ClassInfo(str(id_), str(name), str(year), bool(archived), int(n), str(form))
        for id_, name, year, archived, n, form in run(CLASSES_SQL.format(where=where), {})
    ]


def pick_class(classes: Sequence[ClassInfo], wanted: str | None) -> ClassInfo | None:
    """The class the roster shows: the one asked for while it exists, else the first."""
    chosen = next((c for c in classes if c.id == wanted), None)
    return chosen if chosen is not None or not classes else classes[0]


def read_roster(
    run: RunSql,
    class_id: str | None,
    today: date,
    *,
    include_archived: bool = False,
    due_after_days: int = DEFAULT_DUE_AFTER_DAYS,
) -> list[RosterRow]:
    """One row per student of a class (all classes when None), sorted by name: five
    queries whatever the class's size, never one per student."""
    conditions = [] if class_id is None else ["s.class_id = :class_id"]
    if not include_archived:
        conditions.append("NOT s.archived")
    students = " AND ".join(conditions) or "1 = 1"
    params: dict[str, Any] = {
        "class_id": class_id,
        "complete": ConferenceStatus.COMPLETE,
        "draft": ConferenceStatus.DRAFT,
        "active": GoalStatus.ACTIVE,
        "next_step": Kind.NEXT_STEP,
    }

    def query(sql: str) -> Sequence[Sequence[Any]]:
        return run(sql.format(students=students), params)

    rows = query(STUDENTS_SQL)
    goals = {str(student_id): str(text) for student_id, text in query(ACTIVE_GOALS_SQL)}
    next_steps = {
        str(student_id): str(next_step or "")
        for student_id, next_step in query(LATEST_NEXT_STEP_SQL)
    }
    planned = {
        str(student_id): (stored_date(follow_up), stored_datetime(at))
        for student_id, follow_up, at in query(LATEST_FOLLOW_UP_SQL)
    }
    drafts = {str(student_id): str(draft_id) for student_id, draft_id in query(DRAFTS_SQL)}
    result = []
    for id_, class_, name, preferred, interests, strengths, needs, archived, n, last in rows:
        last_at = stored_datetime(last)
        last_day = last_at.astimezone().date() if last_at else None
        follow_up = standing_follow_up(planned.get(id_), last_at)
        next_step = next_steps.get(id_, "")
        reason = due_reason(today, last_day, follow_up, due_after_days)
        result.append(
            RosterRow(
                student=StudentInfo(
                    id=id_,
                    class_id=class_,
                    name=name,
                    preferred_name=preferred,
                    interests=interests,
                    strengths=strengths,
                    needs=needs,
                    archived=bool(archived),
                ),
                conference_count=int(n or 0),
                last_conference_at=last_at,
                days_since_last_conference=(today - last_day).days if last_day else None,
                active_goal=goals.get(id_, ""),
                last_next_step=next_step,
                follow_up_on=follow_up,
                draft_conference_id=drafts.get(id_),
                is_due=bool(reason),
                due_reason=reason,
            )
        )
    return result
