"""One learner's story: their conferences, newest first, and habits over time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import and_, func, select

from conference_tui.field_kinds import Kind
from conference_tui.store.base import StoreBase
from conference_tui.store.models import Answer, Conference, Goal, HabitObservation
from conference_tui.store.records import ConferenceSummary, HabitTally, RubricScore


class HistoryStore(StoreBase):
    def history(
        self, student_id: str, limit: int = 100, offset: int = 0
    ) -> list[ConferenceSummary]:
        """A page of the student's conferences, newest first (drafts included)."""
        teaching = Answer.__table__.alias("teaching")
        # One goal per line even where a conference set several: the first it set.
        goal_set = (
            select(Goal.text)
            .where(Goal.set_by_conference_id == Conference.id)
            .order_by(Goal.set_at)
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(
                Conference.id,
                Conference.status,
                Conference.started_at,
                Conference.piece_title,
                Conference.amended_at,
                Conference.group_id,
                teaching.c.value,
                goal_set,
            )
            .outerjoin(
                teaching,
                and_(
                    teaching.c.conference_id == Conference.id,
                    teaching.c.kind == Kind.TEACHING_POINT,
                ),
            )
            .where(Conference.student_id == student_id)
            # The id breaks ties, so that pages never repeat or skip a conference.
            .order_by(Conference.started_at.desc(), Conference.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._read() as session:
            return [
                ConferenceSummary(
                    id=cid,
                    student_id=student_id,
                    status=status,
                    started_at=started_at,
                    piece_title=piece,
                    teaching_point=point or "",
                    goal_set=goal or "",
                    amended_at=amended_at,
                    in_group=group_id is not None,
                )
                for (
                    cid,
                    status,
                    started_at,
                    piece,
                    amended_at,
                    group_id,
                    point,
                    goal,
                ) in session.execute(query).all()
            ]

    def conference_count(self, student_id: str) -> int:
        with self._read() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(Conference)
                    .where(Conference.student_id == student_id)
                )
                or 0
            )

    def habit_tally(self, student_id: str) -> list[HabitTally]:
        """Habits of Mind observed in the student's conferences, most often first."""
        query = (
            select(HabitObservation.habit, Conference.started_at)
            .join(Conference, Conference.id == HabitObservation.conference_id)
            .where(Conference.student_id == student_id)
            .order_by(Conference.started_at)
        )
        with self._read() as session:
            rows = session.execute(query).all()
        counts: Counter[str] = Counter()
        first: dict[str, datetime] = {}
        last: dict[str, datetime] = {}
        for habit, started_at in rows:
            counts[habit] += 1
            first.setdefault(habit, started_at)
            last[habit] = started_at
        return [
            HabitTally(habit, count, first[habit], last[habit])
            for habit, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]

    def rubric_scores(self, student_id: str) -> list[RubricScore]:
        """Every rubric level chosen for the student (the teacher's and the student's
        own), oldest conference first, in one query: what a trend is drawn from."""
        query = (
            select(
                Conference.id,
                Conference.started_at,
                Conference.status,
                Answer.field_key,
                Answer.kind,
                Answer.value,
            )
            .join(Answer, Answer.conference_id == Conference.id)
            .where(
                Conference.student_id == student_id,
                Answer.kind.in_([Kind.RUBRIC_TEACHER, Kind.RUBRIC_STUDENT]),
                Answer.value != "",
            )
            .order_by(Conference.started_at, Conference.id, Answer.field_key)
        )
        with self._read() as session:
            return [
                RubricScore(conference_id, started_at, status, field_key, Kind(kind), value)
                for conference_id, started_at, status, field_key, kind, value in session.execute(
                    query
                )
            ]
