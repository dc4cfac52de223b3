"""The reads an export needs: what a scope holds, whole conferences of many students at
once, and finding by name. Every read is set-based (`IN (...)` over a batch of
students), never a query per conference or per student."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, true
from sqlalchemy import select as select_columns
from sqlmodel import SQLModel, col, select

from conference_tui.store.base import StoreBase
from conference_tui.store.conferences import chunked, conference_infos
from conference_tui.store.goals import goal_info
from conference_tui.store.models import Conference, Goal, SchoolClass, Student
from conference_tui.store.names import name_key
from conference_tui.store.records import (
    ClassInfo,
    ConferenceInfo,
    ConferenceStatus,
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


# Plain rows of the conference table: ORM objects cost more to build than to read.
CONFERENCE_COLUMNS = tuple(SQLModel.metadata.tables[str(Conference.__tablename__)].columns)


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
    ) -> dict[str, list[ConferenceInfo]]:
        """Every conference of each student in full (answers, habits), oldest first."""
        found: dict[str, list[ConferenceInfo]] = {student_id: [] for student_id in student_ids}
        with self._read() as session:
            for chunk in chunked(student_ids):
                query = (
                    select_columns(*CONFERENCE_COLUMNS)
                    .where(_in_scope(include_drafts), col(Conference.student_id).in_(chunk))
                    .order_by(col(Conference.started_at), col(Conference.id))
                )
                for conference in conference_infos(
                    session, session.connection().execute(query).all()
                ):
                    found[conference.student_id].append(conference)
        return found

    def conferences_by_id(self, conference_ids: Sequence[str]) -> dict[str, ConferenceInfo]:
        """The conferences with these ids (those that exist), in full but for revisions."""
        found: dict[str, ConferenceInfo] = {}
        with self._read() as session:
            for chunk in chunked(conference_ids):
                query = select_columns(*CONFERENCE_COLUMNS).where(col(Conference.id).in_(chunk))
                for conference in conference_infos(
                    session, session.connection().execute(query).all()
                ):
                    found[conference.id] = conference
        return found

    def goal_chains(self, student_ids: Sequence[str]) -> dict[str, list[GoalInfo]]:
        """Each student's goals, oldest first (as `goal_chain` gives one student's)."""
        found: dict[str, list[GoalInfo]] = {student_id: [] for student_id in student_ids}
        with self._read() as session:
            for chunk in chunked(student_ids):
                query = (
                    select(Goal).where(col(Goal.student_id).in_(chunk)).order_by(col(Goal.set_at))
                )
                for row in session.scalars(query):
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
