"""Discarding an amendment: a completed conference, and the goals it marked, put back
exactly as they were before it was opened to change."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from conference_tui.store.base import StoreBase, require
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.models import Answer, AnswerRevision, Conference, Goal, HabitObservation
from conference_tui.store.records import AmendmentStart, GoalInfo
from conference_tui.store.roster_records import ConferenceStatus


class AmendmentStore(StoreBase):
    def discard_amendment(self, start: AmendmentStart) -> None:
        """Put the conference of `start` back as it was then: every answer, habit and
        column, when it was last amended (the texts kept for this amendment go), and the
        goals it set or marked as they stood (text, marks; a goal it set since removed).
        Anything else written since (another conference's marks) is left alone."""
        was = start.conference
        with self._write() as session:
            row = require(session.get(Conference, was.id), "conference", was.id)
            if row.status != ConferenceStatus.COMPLETE or was.status != ConferenceStatus.COMPLETE:
                raise InvalidInputError(
                    "Only changes to a completed conference can be discarded; a draft keeps "
                    "what is typed. Nothing was changed."
                )
            if row.amended_at is not None and row.amended_at != was.amended_at:
                session.execute(
                    delete(AnswerRevision).where(
                        AnswerRevision.conference_id == was.id,
                        AnswerRevision.replaced_at >= row.amended_at,
                    )
                )
            self._restore_answers(session, start)
            session.execute(
                delete(HabitObservation).where(HabitObservation.conference_id == was.id)
            )
            session.add_all(HabitObservation(conference_id=was.id, habit=h) for h in was.habits)
            row.piece_title, row.genre = was.piece_title, was.genre
            row.process_stage, row.follow_up_on = was.process_stage, was.follow_up_on
            row.amended_at, row.updated_at = was.amended_at, was.updated_at
            self._restore_goals(session, start)

    @staticmethod
    def _restore_answers(session: Session, start: AmendmentStart) -> None:
        was = start.conference
        now = {
            answer.field_key: answer
            for answer in session.scalars(select(Answer).where(Answer.conference_id == was.id))
        }
        for key, answer in now.items():
            before = was.answers.get(key)
            if before is None:
                session.delete(answer)  # first written in this amendment
            elif (answer.value, answer.private) != (before.value, before.private):
                answer.value, answer.private = before.value, before.private
                answer.updated_at = before.updated_at
                # A change all the same: a copy that saw the amended text must not save
                # over this one unseen.
                answer.version += 1
        for key, before in was.answers.items():
            if key not in now:
                session.add(
                    Answer(
                        conference_id=was.id,
                        stage_key=before.stage_key,
                        field_key=key,
                        value=before.value,
                        private=before.private,
                        updated_at=before.updated_at,
                        version=before.version + 1,
                    )
                )

    @staticmethod
    def _restore_goals(session: Session, start: AmendmentStart) -> None:
        was = start.conference
        rows = {
            goal.id: goal
            for goal in session.scalars(select(Goal).where(Goal.student_id == was.student_id))
        }
        for goal in start.goals:
            row = rows.get(goal.id)
            if not (touched_by(goal, was.id) or (row is not None and touched_by(row, was.id))):
                continue  # no mark of this conference's, then or now: not its to restore
            if row is None:
                session.add(goal_row(goal))  # the goal this conference set, then emptied
            else:
                row.text, row.status = goal.text, goal.status
                row.set_at, row.set_by_conference_id = goal.set_at, goal.set_by_conference_id
                row.closed_at, row.closed_by_conference_id = (
                    goal.closed_at,
                    goal.closed_by_conference_id,
                )
        kept = {goal.id for goal in start.goals}
        for goal_id, row in rows.items():
            if goal_id not in kept and row.set_by_conference_id == was.id:
                session.delete(row)  # set by this amendment


def touched_by(goal: GoalInfo | Goal, conference_id: str) -> bool:
    return conference_id in (goal.set_by_conference_id, goal.closed_by_conference_id)


def goal_row(goal: GoalInfo) -> Goal:
    return Goal(
        id=goal.id,
        student_id=goal.student_id,
        text=goal.text,
        status=goal.status,
        set_by_conference_id=goal.set_by_conference_id,
        closed_by_conference_id=goal.closed_by_conference_id,
        set_at=goal.set_at,
        closed_at=goal.closed_at,
    )
