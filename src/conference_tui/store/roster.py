"""Classes and students: the roster and who is due for a conference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, true
from sqlmodel import Session, col, select

from conference_tui.store.base import StoreBase, require
from conference_tui.store.models import Answer, Conference, Goal, SchoolClass, Student
from conference_tui.store.records import (
    COMPLETE,
    DRAFT,
    GOAL_ACTIVE,
    ClassInfo,
    RosterRow,
    StudentInfo,
)
from conference_tui.store.text_rules import check_text, clean_name, clean_optional_name

DEFAULT_DUE_AFTER_DAYS = 14


def class_info(row: SchoolClass, student_count: int = 0) -> ClassInfo:
    return ClassInfo(row.id, row.name, row.school_year, row.archived, student_count)


def student_info(row: Student) -> StudentInfo:
    return StudentInfo(
        id=row.id,
        class_id=row.class_id,
        name=row.name,
        preferred_name=row.preferred_name,
        interests=row.interests,
        strengths=row.strengths,
        needs=row.needs,
        archived=row.archived,
    )


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


class RosterStore(StoreBase):
    # -- classes -----------------------------------------------------------------

    def add_class(self, name: str, school_year: str = "") -> ClassInfo:
        now = self.clock()
        row = SchoolClass(
            name=clean_name(name, "class name"),
            school_year=clean_optional_name(school_year, "school year"),
            created_at=now,
            updated_at=now,
        )
        with self._write() as session:
            session.add(row)
            session.flush()
            return class_info(row)

    def rename_class(self, class_id: str, name: str, school_year: str | None = None) -> ClassInfo:
        with self._write() as session:
            row = require(session.get(SchoolClass, class_id), "class", class_id)
            row.name = clean_name(name, "class name")
            if school_year is not None:
                row.school_year = clean_optional_name(school_year, "school year")
            row.updated_at = self.clock()
            session.flush()
            return class_info(row)

    def archive_class(self, class_id: str, archived: bool = True) -> None:
        with self._write() as session:
            row = require(session.get(SchoolClass, class_id), "class", class_id)
            row.archived = archived
            row.updated_at = self.clock()

    def list_classes(self, include_archived: bool = False) -> list[ClassInfo]:
        """Classes by name, with how many current students each holds."""
        counts = (
            select(Student.class_id, func.count().label("n"))
            .where(Student.archived == False)  # noqa: E712
            .group_by(Student.class_id)
            .subquery()
        )
        query = (
            select(SchoolClass, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.class_id == SchoolClass.id)
            .order_by(col(SchoolClass.archived), func.lower(SchoolClass.name))
        )
        if not include_archived:
            query = query.where(SchoolClass.archived == False)  # noqa: E712
        with self._read() as session:
            return [class_info(row, int(n)) for row, n in session.execute(query).all()]

    def get_class(self, class_id: str) -> ClassInfo:
        with self._read() as session:
            return class_info(require(session.get(SchoolClass, class_id), "class", class_id))

    # -- students ----------------------------------------------------------------

    def add_student(
        self,
        class_id: str,
        name: str,
        preferred_name: str = "",
        *,
        interests: str = "",
        strengths: str = "",
        needs: str = "",
    ) -> StudentInfo:
        now = self.clock()
        row = Student(
            class_id=class_id,
            name=clean_name(name),
            preferred_name=clean_optional_name(preferred_name, "preferred name"),
            interests=check_text(interests),
            strengths=check_text(strengths),
            needs=check_text(needs),
            created_at=now,
            updated_at=now,
        )
        with self._write() as session:
            require(session.get(SchoolClass, class_id), "class", class_id)
            session.add(row)
            session.flush()
            return student_info(row)

    def update_student(
        self,
        student_id: str,
        *,
        name: str | None = None,
        preferred_name: str | None = None,
        class_id: str | None = None,
        interests: str | None = None,
        strengths: str | None = None,
        needs: str | None = None,
    ) -> StudentInfo:
        """Change only the fields given."""
        with self._write() as session:
            row = require(session.get(Student, student_id), "student", student_id)
            if name is not None:
                row.name = clean_name(name)
            if preferred_name is not None:
                row.preferred_name = clean_optional_name(preferred_name, "preferred name")
            if class_id is not None:
                require(session.get(SchoolClass, class_id), "class", class_id)
                row.class_id = class_id
            if interests is not None:
                row.interests = check_text(interests)
            if strengths is not None:
                row.strengths = check_text(strengths)
            if needs is not None:
                row.needs = check_text(needs)
            row.updated_at = self.clock()
            session.flush()
            return student_info(row)

    def archive_student(self, student_id: str, archived: bool = True) -> None:
        """Hide a student from the roster; their notes stay (never hard-deleted from the UI)."""
        with self._write() as session:
            row = require(session.get(Student, student_id), "student", student_id)
            row.archived = archived
            row.updated_at = self.clock()

    def get_student(self, student_id: str) -> StudentInfo:
        with self._read() as session:
            return student_info(require(session.get(Student, student_id), "student", student_id))

    def roster(
        self,
        class_id: str | None,
        *,
        include_archived: bool = False,
        due_after_days: int = DEFAULT_DUE_AFTER_DAYS,
    ) -> list[RosterRow]:
        """One row per student of a class (all classes when None), sorted by name."""
        # Only this class's conferences: otherwise the subquery reads every conference.
        in_class = (
            col(Conference.student_id).in_(select(Student.id).where(Student.class_id == class_id))
            if class_id is not None
            else true()
        )
        completed = (
            select(
                col(Conference.student_id).label("student_id"),
                func.count().label("n"),
                func.max(Conference.started_at).label("last_at"),
            )
            .where(Conference.status == COMPLETE, in_class)
            .group_by(Conference.student_id)
            .subquery()
        )
        query = select(Student, completed.c.n, completed.c.last_at).outerjoin(
            completed, completed.c.student_id == Student.id
        )
        if class_id is not None:
            query = query.where(Student.class_id == class_id)
        if not include_archived:
            query = query.where(Student.archived == False)  # noqa: E712
        query = query.order_by(func.lower(Student.name))
        with self._read() as session:
            rows = session.execute(query).all()
            ids = [student.id for student, _, _ in rows]
            goals = self._active_goal_by_student(session, ids)
            latest = self._latest_completed_by_student(session, ids)
            drafts = self._draft_by_student(session, ids)
        today = self.today()
        result = []
        for student, count, last_at in rows:
            last_day = last_at.astimezone().date() if last_at else None
            latest_conference = latest.get(student.id)
            follow_up = latest_conference.follow_up_on if latest_conference else None
            reason = due_reason(today, last_day, follow_up, due_after_days)
            result.append(
                RosterRow(
                    student=student_info(student),
                    conference_count=int(count or 0),
                    last_conference_at=last_at,
                    days_since_last_conference=(today - last_day).days if last_day else None,
                    active_goal=goals.get(student.id, ""),
                    last_next_step=latest_conference.next_step if latest_conference else "",
                    follow_up_on=follow_up,
                    draft_conference_id=drafts.get(student.id),
                    is_due=bool(reason),
                    due_reason=reason,
                )
            )
        return result

    # -- helpers for roster(): one query each, never one per student -------------

    def _active_goal_by_student(self, session: Session, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        query = (
            select(Goal.student_id, Goal.text)
            .where(Goal.status == GOAL_ACTIVE, col(Goal.student_id).in_(ids))
            .order_by(col(Goal.set_at))
        )
        # Later goals overwrite earlier ones: the newest active goal is the one shown.
        return {student_id: text for student_id, text in session.execute(query).all()}

    def _latest_completed_by_student(self, session: Session, ids: list[str]) -> dict[str, _Latest]:
        if not ids:
            return {}
        newest = (
            select(Conference.student_id, func.max(Conference.started_at).label("at"))
            .where(Conference.status == COMPLETE, col(Conference.student_id).in_(ids))
            .group_by(Conference.student_id)
            .subquery()
        )
        query = (
            select(Conference.student_id, col(Conference.follow_up_on), Answer.value)
            .join(
                newest,
                and_(
                    newest.c.student_id == col(Conference.student_id),
                    newest.c.at == col(Conference.started_at),
                ),
            )
            .outerjoin(
                Answer,
                and_(
                    col(Answer.conference_id) == Conference.id,
                    col(Answer.field_key) == "next_step",
                ),
            )
            .where(Conference.status == COMPLETE)
        )
        return {
            student_id: _Latest(follow_up_on, next_step or "")
            for student_id, follow_up_on, next_step in session.execute(query).all()
        }

    def _draft_by_student(self, session: Session, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        query = (
            select(Conference.student_id, Conference.id)
            .where(Conference.status == DRAFT, col(Conference.student_id).in_(ids))
            .order_by(col(Conference.updated_at))
        )
        return dict(session.execute(query).all())


@dataclass(frozen=True)
class _Latest:
    follow_up_on: date | None
    next_step: str
