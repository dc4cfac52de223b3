"""Goals carry from one conference to the next: that is the spiral."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, aliased

from conference_tui.store.base import StoreBase, require
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.models import Answer, Conference, Goal, Student
from conference_tui.store.opening_reads import read_last_time_now
from conference_tui.store.records import GoalInfo, LastTime
from conference_tui.store.roster_records import GOAL_CLOSING_STATUSES, ConferenceStatus, GoalStatus
from conference_tui.store.text_rules import check_text


def goal_info(row: Goal | Row[*tuple[Any, ...]]) -> GoalInfo:
    """A goal as the store hands it out, from the ORM or a plain row of its columns."""
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


# How a goal stood when a conference was held: what that conference may show and mark.
OPEN = "open"  # open then (or closed by this very conference): shown, and may be marked
SET_LATER = "set later"  # set after the conference: never shown, never marked from it
CLOSED_BEFORE = "closed before"  # closed before the conference: not shown
CLOSED_LATER = "closed later"  # open then, closed afterwards: shown as it stood, not marked


def standing_at(
    goal: Goal,
    setter_started: datetime | None,
    closer_started: datetime | None,
    conference: Conference,
) -> str:
    """How `goal` stood at `conference`. A conference's own time is when it started; a
    draft is the present, so only what other conferences did after it began is later.
    `setter_started` and `closer_started`: when the conferences that set and closed the
    goal started (None for a goal set or closed outside any conference)."""
    as_of = conference.started_at
    amending = conference.status == ConferenceStatus.COMPLETE
    if goal.set_by_conference_id == conference.id:
        return OPEN
    if setter_started is not None:
        if setter_started > as_of:
            return SET_LATER
    elif amending and goal.set_at > as_of:
        return SET_LATER
    if goal.status == GoalStatus.ACTIVE or goal.closed_by_conference_id == conference.id:
        return OPEN
    if closer_started is not None:
        return CLOSED_LATER if closer_started > as_of else CLOSED_BEFORE
    closed_at = goal.closed_at
    return (
        CLOSED_LATER if amending and closed_at is not None and closed_at > as_of else CLOSED_BEFORE
    )


def local_day(moment: datetime | None) -> str:
    return moment.astimezone().date().isoformat() if moment is not None else "an unknown day"


def refusal(goal: Goal, standing: str, conference: Conference) -> str:
    """Why `conference` may not mark `goal`, in the teacher's words."""
    held = local_day(conference.started_at)
    if standing == SET_LATER:
        return (
            f"The goal “{goal.text[:60]}” was set on {local_day(goal.set_at)}, after this "
            f"conference of {held}: it can be marked only from a conference held after it "
            "was set. Nothing was changed."
        )
    when = "after" if standing == CLOSED_LATER else "before"
    fix = (
        " To change it, open that later conference from the history."
        if standing == CLOSED_LATER
        else ""
    )
    return (
        f"The goal “{goal.text[:60]}” was marked {goal.status} on {local_day(goal.closed_at)}, "
        f"{when} this conference of {held}, so it was not this conference's to mark. Nothing "
        f"was changed.{fix}"
    )


def goals_with_standing(
    session: Session, conference: Conference, *, goal_id: str | None = None
) -> list[tuple[Goal, str]]:
    """The student's goals that may have been open at `conference` (or just `goal_id`),
    each with how it stood then, oldest first."""
    setter = aliased(Conference)
    closer = aliased(Conference)
    query = (
        select(Goal, setter.started_at, closer.started_at)
        .join(setter, Goal.set_by_conference_id == setter.id, isouter=True)
        .join(closer, Goal.closed_by_conference_id == closer.id, isouter=True)
        .where(Goal.student_id == conference.student_id)
        .order_by(Goal.set_at)
    )
    if goal_id is not None:
        query = query.where(Goal.id == goal_id)
    else:
        # Any goal closed before the conference is out; closed_at comes after the start
        # of the conference that closed it, so this keeps every goal that could be open.
        query = query.where(
            (Goal.status == GoalStatus.ACTIVE)
            | (Goal.closed_by_conference_id == conference.id)
            | (Goal.closed_at > conference.started_at)
        )
    return [
        (goal, standing_at(goal, setter_started, closer_started, conference))
        for goal, setter_started, closer_started in session.execute(query).all()
    ]


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
        """Mark a goal met, revised or dropped (closed by `conference_id`), or active again.
        A conference marks only goals open when it was held: one set after it, or closed
        by another conference, is refused (InvalidInputError) and left as it is."""
        if status not in (*GOAL_CLOSING_STATUSES, GoalStatus.ACTIVE):
            raise InvalidInputError(f"Unknown goal status “{status}”.")
        with self._write() as session:
            row = require(session.get(Goal, goal_id), "goal", goal_id)
            if conference_id is not None:
                conference = require(
                    session.get(Conference, conference_id), "conference", conference_id
                )
                ((_goal, standing),) = goals_with_standing(session, conference, goal_id=goal_id)
                if standing != OPEN:
                    raise InvalidInputError(refusal(row, standing, conference))
            row.status = status
            if status == GoalStatus.ACTIVE:
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
                .where(Goal.student_id == student_id, Goal.status == GoalStatus.ACTIVE)
                .order_by(Goal.set_at)
            ).all()
            return [goal_info(row) for row in rows]

    def goal_chain(self, student_id: str) -> list[GoalInfo]:
        """Every goal the student has had, oldest first, with how each was closed."""
        with self._read() as session:
            rows = session.scalars(
                select(Goal).where(Goal.student_id == student_id).order_by(Goal.set_at)
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
                .order_by(Goal.set_at)
            ).all()
            return [goal_info(row) for row in rows]

    def last_time(
        self,
        student_id: str,
        current_conference_id: str | None = None,
        answer_keys: Sequence[str] = (),
    ) -> LastTime:
        """What the current conference revisits, as it stood when that conference was
        held: the goals open then (not any it set; any it closed stay in view, so a
        mis-keyed mark can be undone) and the conference before it, with its answers to
        `answer_keys`. Without a current conference: the goals active now and the last
        completed conference."""
        if not current_conference_id:
            with self._read() as session:
                return read_last_time_now(self._run_sql(session), student_id, answer_keys)
        with self._read() as session:
            current = require(
                session.get(Conference, current_conference_id), "conference", current_conference_id
            )
            goals, closed_later = self._goals_open_at(session, current)
            previous_query = (
                select(Conference)
                .where(
                    Conference.student_id == student_id,
                    Conference.status == ConferenceStatus.COMPLETE,
                    Conference.id != current.id,
                )
                .order_by(Conference.started_at.desc())
                .limit(1)  # without it the ORM loads every conference before taking the first
            )
            if current.status == ConferenceStatus.COMPLETE:
                previous_query = previous_query.where(Conference.started_at < current.started_at)
            previous = session.scalars(previous_query).first()
            if previous is None:
                return LastTime(goals, None, {}, closed_later)
            answers = (
                dict(
                    session.execute(
                        select(Answer.field_key, Answer.value).where(
                            Answer.conference_id == previous.id,
                            Answer.field_key.in_(tuple(answer_keys)),
                        )
                    ).all()
                )
                if answer_keys
                else {}
            )
            return LastTime(goals, previous.started_at, answers, closed_later)

    def _goals_open_at(
        self, session: Session, current: Conference
    ) -> tuple[tuple[GoalInfo, ...], frozenset[str]]:
        """The goals to show for `current` (as they stood then), and which of them were
        closed after it."""
        shown: list[GoalInfo] = []
        closed_later: set[str] = set()
        for goal, standing in goals_with_standing(session, current):
            if goal.set_by_conference_id == current.id or standing in (SET_LATER, CLOSED_BEFORE):
                continue
            info = goal_info(goal)
            if standing == CLOSED_LATER:
                closed_later.add(goal.id)
                info = replace(
                    info, status=GoalStatus.ACTIVE, closed_at=None, closed_by_conference_id=None
                )
            shown.append(info)
        return tuple(shown), frozenset(closed_later)
