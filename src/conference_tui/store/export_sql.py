"""The export's reads as plain SQL: run by the store through SQLAlchemy, and by the
sqlite3 module alone for an export from a file (export_file_reads.py), so both give the
same records. Every read is set-based (`IN (...)` over a batch of students, answers and
habits joined to their conferences), never a query per conference or per student.

The SQL is written once for SQLite and PostgreSQL (`:name` parameters suit both sqlite3
and SQLAlchemy's `text`); values come back as each driver gives them (SQLite's times are
text, its booleans 0 and 1) and are made the records' types here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conference_tui.field_kinds import kind_of
from conference_tui.store.opening_reads import goal_from_row
from conference_tui.store.records import ExportAnswer, ExportConference, GoalInfo
from conference_tui.store.roster_reads import stored_datetime
from conference_tui.store.roster_records import ConferenceStatus

# Runs one query with its parameters; its rows are taken one at a time.
StreamSql = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]

# Ids per `IN (...)`: under the 999 parameters older SQLite builds allow.
IDS_PER_QUERY = 900

TALLIES_SQL = """
SELECT c.student_id, c.form_id, count(*), min(c.started_at)
FROM conference c
WHERE {which}
GROUP BY c.student_id, c.form_id
"""

# Only the columns an export shows: each column skipped is a value not converted,
# hundreds of thousands of times over.
CONFERENCES_SQL = """
SELECT c.id, c.student_id, c.form_id, c.status, c.started_at, c.ended_at, c.amended_at,
       c.elapsed_seconds, c.piece_title
FROM conference c
WHERE {which}
ORDER BY c.started_at, c.id
"""

ANSWERS_SQL = """
SELECT a.conference_id, a.stage_key, a.field_key, a.value, a.private, a.kind, a.by_student
FROM answer a JOIN conference c ON c.id = a.conference_id
WHERE {which}
"""

HABITS_SQL = """
SELECT h.conference_id, h.habit
FROM habit_observation h JOIN conference c ON c.id = h.conference_id
WHERE {which}
ORDER BY h.habit
"""

GOALS_SQL = """
SELECT g.id, g.student_id, g.text, g.status, g.set_at, g.set_by_conference_id,
       g.closed_at, g.closed_by_conference_id
FROM goal g
WHERE g.student_id IN ({ids})
ORDER BY g.set_at
"""


@dataclass(frozen=True)
class StudentTally:
    """How many conferences of a student an export covers, and their forms' ids in the
    order the conferences first used them."""

    conferences: int
    form_ids: tuple[str, ...]


@dataclass(frozen=True)
class _Which:
    """A WHERE clause over `conference c` and its parameters."""

    sql: str
    params: dict[str, Any]


def _id_chunks(ids: Sequence[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """`ids` in runs of IDS_PER_QUERY, each as an `IN` list of named parameters."""
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        params = {f"id_{number}": value for number, value in enumerate(chunk)}
        yield ", ".join(f":{name}" for name in params), params


def _of_students(ids: Sequence[str], include_drafts: bool) -> Iterator[_Which]:
    for names, params in _id_chunks(ids):
        sql = f"c.student_id IN ({names})"
        if not include_drafts:
            sql = f"c.status = :complete AND {sql}"
            params["complete"] = ConferenceStatus.COMPLETE.value
        yield _Which(sql, params)


def read_tallies(
    run: StreamSql, student_ids: Sequence[str], *, include_drafts: bool
) -> dict[str, StudentTally]:
    """For each student with conferences in scope: how many, and with which forms."""
    firsts: dict[str, list[tuple[Any, str]]] = {}
    counts: dict[str, int] = {}
    for which in _of_students(student_ids, include_drafts):
        for student_id, form_id, count, first in run(
            TALLIES_SQL.format(which=which.sql), which.params
        ):
            counts[student_id] = counts.get(student_id, 0) + int(count)
            firsts.setdefault(student_id, []).append((stored_datetime(first), form_id))
    return {
        student_id: StudentTally(
            counts[student_id], tuple(form_id for _, form_id in sorted(used, key=_first_use))
        )
        for student_id, used in firsts.items()
    }


def _first_use(pair: tuple[Any, str]) -> Any:
    return pair[0]


def read_conferences_of_students(
    run: StreamSql, student_ids: Sequence[str], *, include_drafts: bool
) -> dict[str, list[ExportConference]]:
    """Every conference of each student as an export shows it, oldest first."""
    found: dict[str, list[ExportConference]] = {student_id: [] for student_id in student_ids}
    for which in _of_students(student_ids, include_drafts):
        for conference in _export_conferences(run, which):
            found[conference.student_id].append(conference)
    return found


def read_conferences_by_id(
    run: StreamSql, conference_ids: Sequence[str]
) -> dict[str, ExportConference]:
    """The conferences with these ids (those that exist), as an export shows them."""
    found: dict[str, ExportConference] = {}
    for names, params in _id_chunks(conference_ids):
        for conference in _export_conferences(run, _Which(f"c.id IN ({names})", params)):
            found[conference.id] = conference
    return found


def read_goal_chains(run: StreamSql, student_ids: Sequence[str]) -> dict[str, list[GoalInfo]]:
    """Each student's goals, oldest first (as `goal_chain` gives one student's)."""
    found: dict[str, list[GoalInfo]] = {student_id: [] for student_id in student_ids}
    for names, params in _id_chunks(student_ids):
        for row in run(GOALS_SQL.format(ids=names), params):
            goal = goal_from_row(row)
            found[goal.student_id].append(goal)
    return found


def _export_conferences(run: StreamSql, which: _Which) -> list[ExportConference]:
    """The conferences `which` selects, oldest first, with their answers and habits: three
    queries however many conferences there are."""
    rows = list(run(CONFERENCES_SQL.format(which=which.sql), which.params))
    answers: dict[str, dict[str, ExportAnswer]] = {row[0]: {} for row in rows}
    habits: dict[str, list[str]] = {row[0]: [] for row in rows}
    # Rows taken one at a time, not all at once: each is gone before the next instead of
    # tens of thousands piling up, which set off a full garbage collection per batch.
    answer_rows = run(ANSWERS_SQL.format(which=which.sql), which.params)
    for conference_id, stage_key, field_key, value, private, kind, by_student in answer_rows:
        # A conference added after its siblings were read is not in this export.
        shown = answers.get(conference_id)
        if shown is not None:
            shown[field_key] = ExportAnswer(
                stage_key, field_key, value, bool(private), kind_of(kind), bool(by_student)
            )
    for conference_id, habit in run(HABITS_SQL.format(which=which.sql), which.params):
        observed = habits.get(conference_id)
        if observed is not None:
            observed.append(habit)
    conferences = []
    for id_, student_id, form_id, status, started, ended, amended, elapsed, piece in rows:
        started_at = stored_datetime(started)
        assert started_at is not None  # the column is NOT NULL
        conferences.append(
            ExportConference(
                id=id_,
                student_id=student_id,
                form_id=form_id,
                status=status,
                started_at=started_at,
                ended_at=stored_datetime(ended),
                amended_at=stored_datetime(amended),
                elapsed_seconds=elapsed,
                piece_title=piece,
                answers=answers[id_],
                habits=tuple(habits[id_]),
            )
        )
    return conferences
