"""Goals carry from one conference to the next: that is the spiral."""

from __future__ import annotations

from sqlmodel import col, select

from conference_tui.store.base import StoreBase, require
from conference_tui.store.conferences import NEXT_STEP_FIELD, TEACHING_POINT_FIELD
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.models import Answer, Conference, Goal, Student
from conference_tui.store.records import (
    COMPLETE,
    GOAL_ACTIVE,
    GOAL_CLOSING_STATUSES,
    GoalInfo,
    LastTime,
)
from conference_tui.store.text_rules import check_text


def goal_info(row: Goal) -> GoalInfo:
    return GoalInfo(
        id=row.id,
        student_id=row.student_id,
        text=row.text,
        status=row.status,
        set_at=row.set_at,
        set_by_conference_id=row.set_by_conference_id,
        closed_at=row.closed_at,
        closed_by_conference_id=row.closed_by_conference_id,
    )


class GoalStore(StoreBase):
    def set_goal(self, student_id: str, text: str, conference_id: str | None = None) -> GoalInfo:
        """A goal set outside the conference form (a conference's own goal field sets its goal)."""
        cleaned = check_text(text, "goal").strip()
        if not cleaned:
            raise InvalidInputError("A goal needs some words.")
        with self._write() as session:
            require(session.get(Student, student_id), "student", student_id)
            row = Goal(
                student_id=student_id,
                text=cleaned,
                set_by_conference_id=conference_id,
                set_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return goal_info(row)

    def update_goal_status(
        self, goal_id: str, status: str, conference_id: str | None = None
    ) -> GoalInfo:
        """Mark a goal met, revised or dropped (closed by `conference_id`), or active again."""
        if status not in (*GOAL_CLOSING_STATUSES, GOAL_ACTIVE):
            raise InvalidInputError(f"Unknown goal status “{status}”.")
        with self._write() as session:
            row = require(session.get(Goal, goal_id), "goal", goal_id)
            row.status = status
            if status == GOAL_ACTIVE:
                row.closed_at = None
                row.closed_by_conference_id = None
            else:
                row.closed_at = self.clock()
                row.closed_by_conference_id = conference_id
            session.flush()
            return goal_info(row)

    def active_goals(self, student_id: str) -> list[GoalInfo]:
        with self._read() as session:
            rows = session.scalars(
                select(Goal)
                .where(Goal.student_id == student_id, Goal.status == GOAL_ACTIVE)
                .order_by(col(Goal.set_at))
            ).all()
            return [goal_info(row) for row in rows]

    def goal_chain(self, student_id: str) -> list[GoalInfo]:
        """Every goal the student has had, oldest first, with how each was closed."""
        with self._read() as session:
            rows = session.scalars(
                select(Goal).where(Goal.student_id == student_id).order_by(col(Goal.set_at))
            ).all()
            return [goal_info(row) for row in rows]

    def goals_touching(self, conference_id: str) -> list[GoalInfo]:
        """Goals this conference set or closed."""
        with self._read() as session:
            rows = session.scalars(
                select(Goal)
                .where(
                    (Goal.set_by_conference_id == conference_id)
                    | (Goal.closed_by_conference_id == conference_id)
                )
                .order_by(col(Goal.set_at))
            ).all()
            return [goal_info(row) for row in rows]

    def last_time(self, student_id: str, current_conference_id: str | None = None) -> LastTime:
        """The active goals (except any the current conference set, or closed) and the
        last completed conference's next step: what the next conference revisits."""
        with self._read() as session:
            still_open = Goal.status == GOAL_ACTIVE
            if current_conference_id:
                # Goals this conference closed stay in view, so a mis-keyed mark can be undone.
                still_open = still_open | (Goal.closed_by_conference_id == current_conference_id)
            goals = session.scalars(
                select(Goal)
                .where(Goal.student_id == student_id, still_open)
                .order_by(col(Goal.set_at))
            ).all()
            shown = tuple(
                goal_info(g)
                for g in goals
                if current_conference_id is None or g.set_by_conference_id != current_conference_id
            )
            last = session.scalars(
                select(Conference)
                .where(Conference.student_id == student_id, Conference.status == COMPLETE)
                .where(Conference.id != (current_conference_id or ""))
                .order_by(col(Conference.started_at).desc())
                .limit(1)  # without it the ORM loads every conference before taking the first
            ).first()
            if last is None:
                return LastTime(shown, "", None, "")
            answers = dict(
                session.execute(
                    select(Answer.field_key, Answer.value).where(
                        Answer.conference_id == last.id,
                        col(Answer.field_key).in_((NEXT_STEP_FIELD, TEACHING_POINT_FIELD)),
                    )
                ).all()
            )
            return LastTime(
                shown,
                answers.get(NEXT_STEP_FIELD, ""),
                last.started_at,
                answers.get(TEACHING_POINT_FIELD, ""),
            )
