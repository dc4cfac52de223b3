"""The reads an export needs: whole conferences of a student, and finding by name."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from conference_tui.store.base import StoreBase
from conference_tui.store.conferences import conference_infos
from conference_tui.store.models import Conference, SchoolClass, Student
from conference_tui.store.records import COMPLETE, ClassInfo, ConferenceInfo, StudentInfo
from conference_tui.store.roster import class_info, student_info
from conference_tui.store.roster_import import name_key


class ExportReadStore(StoreBase):
    def student_conferences(
        self, student_id: str, *, include_drafts: bool = False
    ) -> list[ConferenceInfo]:
        """Every conference of the student in full (answers, habits, revisions), oldest first."""
        query = select(Conference).where(col(Conference.student_id) == student_id)
        if not include_drafts:
            query = query.where(col(Conference.status) == COMPLETE)
        query = query.order_by(col(Conference.started_at), col(Conference.id))
        with self._read() as session:
            return conference_infos(session, session.scalars(query).all(), with_revisions=True)

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
