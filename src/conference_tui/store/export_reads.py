"""The reads an export needs: what a scope holds, whole conferences of many students at
once, and finding by name. The set-based reads are plain SQL shared with the sqlite3
reader of a file (export_sql.py); finding by name goes through the ORM."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, func, select, text

from conference_tui.store.base import StoreBase
from conference_tui.store.export_sql import (
    StreamSql,
    StudentTally,
    read_conferences_by_id,
    read_conferences_of_students,
    read_goal_chains,
    read_tallies,
)
from conference_tui.store.models import SchoolClass, Student
from conference_tui.store.names import name_key
from conference_tui.store.records import ExportConference, GoalInfo
from conference_tui.store.roster import class_info, student_info
from conference_tui.store.roster_records import ClassInfo, StudentInfo


def _streamed(connection: Connection) -> StreamSql:
    """Plain SQL on this connection, its rows taken one at a time (no ORM, no types:
    each value as the driver gives it, read by export_sql.py)."""

    def run(sql: str, params: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
        return connection.execute(text(sql), params)

    return run


class ExportReadStore(StoreBase):
    def conference_tallies(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, StudentTally]:
        """For each student with conferences in scope: how many, and with which forms."""
        with self._read() as session:
            return read_tallies(
                _streamed(session.connection()), student_ids, include_drafts=include_drafts
            )

    def conferences_of_students(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, list[ExportConference]]:
        """Every conference of each student as an export shows it, oldest first."""
        with self._read() as session:
            return read_conferences_of_students(
                _streamed(session.connection()), student_ids, include_drafts=include_drafts
            )

    def conferences_by_id(self, conference_ids: Sequence[str]) -> dict[str, ExportConference]:
        """The conferences with these ids (those that exist), as an export shows them."""
        with self._read() as session:
            return read_conferences_by_id(_streamed(session.connection()), conference_ids)

    def goal_chains(self, student_ids: Sequence[str]) -> dict[str, list[GoalInfo]]:
        """Each student's goals, oldest first (as `goal_chain` gives one student's)."""
        with self._read() as session:
            return read_goal_chains(_streamed(session.connection()), student_ids)

    def students_named(self, name: str) -> list[StudentInfo]:
        """Students (archived too) whose name or preferred name is `name`, ignoring case
        and spacing (compared in Python: SQLite's lower() knows only ASCII)."""
        wanted = name_key(name)
        query = select(Student).order_by(func.lower(Student.name), Student.id)
        with self._read() as session:
            return [
                student_info(row)
                for row in session.scalars(query).all()
                if wanted in (name_key(row.name), name_key(row.preferred_name))
            ]

    def classes_named(self, name: str) -> list[ClassInfo]:
        """Classes (archived too) named `name`, ignoring case."""
        wanted = name_key(name)
        query = select(SchoolClass).order_by(SchoolClass.archived, SchoolClass.id)
        with self._read() as session:
            return [
                class_info(row)
                for row in session.scalars(query).all()
                if name_key(row.name) == wanted
            ]
