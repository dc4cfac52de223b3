"""The reads an export needs: what a scope holds, whole conferences of many students at
once, and finding by name. Every read is set-based (`IN (...)` over a batch of
students, answers and habits joined to their conferences), never a query per
conference or per student."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Integer, func, true, type_coerce
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from conference_tui.field_kinds import kind_of
from conference_tui.store.base import StoreBase
from conference_tui.store.conferences import chunked
from conference_tui.store.goals import goal_info
from conference_tui.store.models import (
    Answer,
    Conference,
    Goal,
    HabitObservation,
    SchoolClass,
    Student,
)
from conference_tui.store.names import name_key
from conference_tui.store.records import (
    ClassInfo,
    ConferenceStatus,
    ExportAnswer,
    ExportConference,
    GoalInfo,
    StudentInfo,
)
from conference_tui.store.roster import class_info, student_info


@dataclass(frozen=True)
class StudentTally:
    """How many conferences of a student an export covers, and their forms' ids in the
    order the conferences first used them."""

    conferences: int
    form_ids: tuple[str, ...]


# Only the columns an export shows, as plain rows: ORM objects cost more to build than
# to read, and each column skipped is a value not converted, hundreds of thousands of
# times over.
EXPORT_CONFERENCE_COLUMNS = (
    col(Conference.id),
    col(Conference.student_id),
    col(Conference.form_id),
    col(Conference.status),
    col(Conference.started_at),
    col(Conference.ended_at),
    col(Conference.amended_at),
    col(Conference.elapsed_seconds),
    col(Conference.piece_title),
)
EXPORT_ANSWER_COLUMNS = (
    col(Answer.conference_id),
    col(Answer.stage_key),
    col(Answer.field_key),
    col(Answer.value),
    # As the driver gives it (0 or 1 from SQLite, a bool from PostgreSQL), made a bool
    # below: converting even one column makes SQLAlchemy handle every row in Python,
    # which made reading the answers a quarter to a half slower.
    type_coerce(col(Answer.private), Integer),
    col(Answer.kind),
    type_coerce(col(Answer.by_student), Integer),
)
GOAL_COLUMNS = (
    col(Goal.id),
    col(Goal.student_id),
    col(Goal.text),
    col(Goal.status),
    col(Goal.set_at),
    col(Goal.set_by_conference_id),
    col(Goal.closed_at),
    col(Goal.closed_by_conference_id),
)


def _in_scope(include_drafts: bool) -> ColumnElement[bool]:
    return true() if include_drafts else col(Conference.status) == ConferenceStatus.COMPLETE


class ExportReadStore(StoreBase):
    def conference_tallies(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, StudentTally]:
        """For each student with conferences in scope: how many, and with which forms."""
        firsts: dict[str, list[tuple[object, str]]] = {}
        counts: dict[str, int] = {}
        with self._read() as session:
            for chunk in chunked(student_ids):
                query = (
                    select_columns(
                        col(Conference.student_id),
                        col(Conference.form_id),
                        func.count(),
                        func.min(Conference.started_at),
                    )
                    .where(_in_scope(include_drafts), col(Conference.student_id).in_(chunk))
                    .group_by(col(Conference.student_id), col(Conference.form_id))
                )
                for student_id, form_id, count, first in session.execute(query):
                    counts[student_id] = counts.get(student_id, 0) + int(count)
                    firsts.setdefault(student_id, []).append((first, form_id))
        return {
            student_id: StudentTally(
                counts[student_id],
                tuple(form_id for _, form_id in sorted(used, key=lambda pair: str(pair[0]))),
            )
            for student_id, used in firsts.items()
        }

    def conferences_of_students(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, list[ExportConference]]:
        """Every conference of each student as an export shows it, oldest first."""
        found: dict[str, list[ExportConference]] = {student_id: [] for student_id in student_ids}
        with self._read() as session:
            connection = session.connection()
            for chunk in chunked(student_ids):
                which = (_in_scope(include_drafts), col(Conference.student_id).in_(chunk))
                for conference in _export_conferences(connection, which):
                    found[conference.student_id].append(conference)
        return found

    def conferences_by_id(self, conference_ids: Sequence[str]) -> dict[str, ExportConference]:
        """The conferences with these ids (those that exist), as an export shows them."""
        found: dict[str, ExportConference] = {}
        with self._read() as session:
            connection = session.connection()
            for chunk in chunked(conference_ids):
                for conference in _export_conferences(connection, (col(Conference.id).in_(chunk),)):
                    found[conference.id] = conference
        return found

    def goal_chains(self, student_ids: Sequence[str]) -> dict[str, list[GoalInfo]]:
        """Each student's goals, oldest first (as `goal_chain` gives one student's)."""
        found: dict[str, list[GoalInfo]] = {student_id: [] for student_id in student_ids}
        with self._read() as session:
            connection = session.connection()
            for chunk in chunked(student_ids):
                query = (
                    select_columns(*GOAL_COLUMNS)
                    .where(col(Goal.student_id).in_(chunk))
                    .order_by(col(Goal.set_at))
                )
                for row in connection.execute(query).all():
                    found[row.student_id].append(goal_info(row))
        return found

    def students_named(self, name: str) -> list[StudentInfo]:
        """Students (archived too) whose name or preferred name is `name`, ignoring case
        and spacing (compared in Python: SQLite's lower() knows only ASCII)."""
        wanted = name_key(name)
        query = select(Student).order_by(func.lower(Student.name), col(Student.id))
        with self._read() as session:
            return [
                student_info(row)
                for row in session.scalars(query).all()
                if wanted in (name_key(row.name), name_key(row.preferred_name))
            ]

    def classes_named(self, name: str) -> list[ClassInfo]:
        """Classes (archived too) named `name`, ignoring case."""
        wanted = name_key(name)
        query = select(SchoolClass).order_by(col(SchoolClass.archived), col(SchoolClass.id))
        with self._read() as session:
            return [
                class_info(row)
                for row in session.scalars(query).all()
                if name_key(row.name) == wanted
            ]


def _export_conferences(
    connection: Connection, which: Sequence[ColumnElement[bool]]
) -> list[ExportConference]:
    """The conferences `which` selects, oldest first, with their answers and habits: three
    queries however many conferences there are."""
    rows = connection.execute(
        select_columns(*EXPORT_CONFERENCE_COLUMNS)
        .where(*which)
        .order_by(col(Conference.started_at), col(Conference.id))
    ).all()
    answers: dict[str, dict[str, ExportAnswer]] = {row.id: {} for row in rows}
    habits: dict[str, list[str]] = {row.id: [] for row in rows}
    # Rows taken one at a time, not all at once: each is gone before the next instead of
    # tens of thousands piling up, which set off a full garbage collection per batch.
    answer_rows = connection.execute(
        select_columns(*EXPORT_ANSWER_COLUMNS)
        .join(Conference, col(Conference.id) == col(Answer.conference_id))
        .where(*which)
    )
    for conference_id, stage_key, field_key, value, private, kind, by_student in answer_rows:
        # A conference added after its siblings were read is not in this export.
        shown = answers.get(conference_id)
        if shown is not None:
            shown[field_key] = ExportAnswer(
                stage_key, field_key, value, bool(private), kind_of(kind), bool(by_student)
            )
    habit_rows = connection.execute(
        select_columns(col(HabitObservation.conference_id), col(HabitObservation.habit))
        .join(Conference, col(Conference.id) == col(HabitObservation.conference_id))
        .where(*which)
        .order_by(col(HabitObservation.habit))
    )
    for conference_id, habit in habit_rows:
        observed = habits.get(conference_id)
        if observed is not None:
            observed.append(habit)
    return [
        ExportConference(
            id=row.id,
            student_id=row.student_id,
            form_id=row.form_id,
            status=row.status,
            started_at=row.started_at,
            ended_at=row.ended_at,
            amended_at=row.amended_at,
            elapsed_seconds=row.elapsed_seconds,
            piece_title=row.piece_title,
            answers=answers[row.id],
            habits=tuple(habits[row.id]),
        )
        for row in rows
    ]
