"""Conferences: start, autosave answers, complete, amend, reopen a draft."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from conference_tui.store.base import StoreBase, check_text, require
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.models import (
    Answer,
    AnswerRevision,
    Conference,
    Goal,
    HabitObservation,
    Student,
)
from conference_tui.store.records import (
    COMPLETE,
    DRAFT,
    AnswerInfo,
    AnswerRevisionInfo,
    ConferenceInfo,
)

# Answers to these fields are also kept on the conference row, where lists and
# exports need them without reading every answer.
COLUMN_FIELDS = ("piece_title", "genre", "process_stage")
FOLLOW_UP_FIELD = "follow_up"
GOAL_FIELD = "goal"
NEXT_STEP_FIELD = "next_step"
TEACHING_POINT_FIELD = "teaching_point"


def parse_follow_up(value: str) -> date | None:
    """A follow-up date as the teacher typed it: YYYY-MM-DD, or empty for none."""
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            f"“{text[:40]}” is not a date: write the follow-up as YYYY-MM-DD, e.g. 2026-12-01."
        ) from None


def conference_info(
    session: Session, row: Conference, with_revisions: bool = False
) -> ConferenceInfo:
    answers = session.scalars(select(Answer).where(Answer.conference_id == row.id)).all()
    habits = session.scalars(
        select(HabitObservation.habit)
        .where(HabitObservation.conference_id == row.id)
        .order_by(HabitObservation.habit)
    ).all()
    revisions: tuple[AnswerRevisionInfo, ...] = ()
    if with_revisions:
        revisions = tuple(
            AnswerRevisionInfo(r.field_key, r.value, r.private, r.replaced_at)
            for r in session.scalars(
                select(AnswerRevision)
                .where(AnswerRevision.conference_id == row.id)
                .order_by(col(AnswerRevision.replaced_at))
            ).all()
        )
    return ConferenceInfo(
        id=row.id,
        student_id=row.student_id,
        form_id=row.form_id,
        form_version=row.form_version,
        status=row.status,
        started_at=row.started_at,
        ended_at=row.ended_at,
        updated_at=row.updated_at,
        amended_at=row.amended_at,
        piece_title=row.piece_title,
        genre=row.genre,
        process_stage=row.process_stage,
        follow_up_on=row.follow_up_on,
        current_stage=row.current_stage,
        current_field=row.current_field,
        elapsed_seconds=row.elapsed_seconds,
        answers={
            a.field_key: AnswerInfo(a.stage_key, a.field_key, a.value, a.private, a.updated_at)
            for a in answers
        },
        habits=tuple(habits),
        revisions=revisions,
    )


class ConferenceStore(StoreBase):
    def start_conference(
        self, student_id: str, form_id: str, form_version: int, first_stage: str = ""
    ) -> ConferenceInfo:
        """Open a draft for the student, or return the draft already open: one at a time."""
        now = self.clock()
        with self._write() as session:
            require(session.get(Student, student_id), "student", student_id)
            existing = session.scalars(
                select(Conference)
                .where(Conference.student_id == student_id, Conference.status == DRAFT)
                .order_by(col(Conference.updated_at).desc())
            ).first()
            if existing is not None:
                return conference_info(session, existing)
            row = Conference(
                student_id=student_id,
                form_id=form_id,
                form_version=form_version,
                started_at=now,
                updated_at=now,
                current_stage=first_stage,
            )
            session.add(row)
            session.flush()
            return conference_info(session, row)

    def get_conference(self, conference_id: str) -> ConferenceInfo:
        with self._read() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            return conference_info(session, row, with_revisions=True)

    def draft_for_student(self, student_id: str) -> ConferenceInfo | None:
        with self._read() as session:
            row = session.scalars(
                select(Conference)
                .where(Conference.student_id == student_id, Conference.status == DRAFT)
                .order_by(col(Conference.updated_at).desc())
            ).first()
            return conference_info(session, row) if row else None

    def save_answer(
        self,
        conference_id: str,
        stage_key: str,
        field_key: str,
        value: str,
        private: bool,
    ) -> None:
        """Autosave one field. On a completed conference this is an amendment:
        the text from before the amendment began is kept as a revision."""
        value = check_text(value)
        follow_up = parse_follow_up(value) if field_key == FOLLOW_UP_FIELD else None
        now = self.clock()
        with self._write() as session:
            conference = require(
                session.get(Conference, conference_id), "conference", conference_id
            )
            answer = session.scalars(
                select(Answer).where(
                    Answer.conference_id == conference_id, Answer.field_key == field_key
                )
            ).first()
            if answer is None:
                answer = Answer(
                    conference_id=conference_id,
                    stage_key=stage_key,
                    field_key=field_key,
                    value=value,
                    private=private,
                    updated_at=now,
                )
                session.add(answer)
                session.flush()
                if conference.status == COMPLETE:
                    self._keep_original(session, conference, answer.id, field_key, "", private)
            elif answer.value != value or answer.private != private:
                if conference.status == COMPLETE:
                    self._keep_original(
                        session, conference, answer.id, field_key, answer.value, answer.private
                    )
                answer.value = value
                answer.private = private
                answer.updated_at = now
            if field_key in COLUMN_FIELDS:
                setattr(conference, field_key, value.strip())
            elif field_key == FOLLOW_UP_FIELD:
                conference.follow_up_on = follow_up
            elif field_key == GOAL_FIELD:
                self._sync_goal_set_by(session, conference, value)
            conference.updated_at = now

    def _keep_original(
        self,
        session: Session,
        conference: Conference,
        answer_id: str,
        field_key: str,
        value: str,
        private: bool,
    ) -> None:
        """Record the pre-amendment text once per amendment, not once per keystroke."""
        if conference.amended_at is None:
            raise InvalidInputError(
                "This conference is complete; open it for amendment before changing it."
            )
        already = session.scalars(
            select(AnswerRevision.id).where(
                AnswerRevision.conference_id == conference.id,
                AnswerRevision.field_key == field_key,
                col(AnswerRevision.replaced_at) >= conference.amended_at,
            )
        ).first()
        if already is None:
            session.add(
                AnswerRevision(
                    answer_id=answer_id,
                    conference_id=conference.id,
                    field_key=field_key,
                    value=value,
                    private=private,
                    replaced_at=self.clock(),
                )
            )

    def _sync_goal_set_by(self, session: Session, conference: Conference, text: str) -> None:
        """The goal field of a conference is the goal that conference sets."""
        goal = session.scalars(
            select(Goal).where(Goal.set_by_conference_id == conference.id)
        ).first()
        cleaned = text.strip()
        if goal is None and cleaned:
            session.add(
                Goal(
                    student_id=conference.student_id,
                    text=cleaned,
                    set_by_conference_id=conference.id,
                    set_at=self.clock(),
                )
            )
        elif goal is not None and not cleaned:
            session.delete(goal)
        elif goal is not None and goal.text != cleaned:
            goal.text = cleaned

    def save_progress(
        self, conference_id: str, stage_key: str, field_key: str, elapsed_seconds: int
    ) -> None:
        """Where the teacher is, so that a reopened draft lands there."""
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            row.current_stage = stage_key
            row.current_field = field_key
            row.elapsed_seconds = max(0, int(elapsed_seconds))

    def set_habits(self, conference_id: str, habits: Iterable[str]) -> None:
        wanted = {h.strip() for h in habits if h.strip()}
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            session.execute(
                delete(HabitObservation).where(col(HabitObservation.conference_id) == conference_id)
            )
            session.add_all(HabitObservation(conference_id=conference_id, habit=h) for h in wanted)
            row.updated_at = self.clock()

    def complete_conference(self, conference_id: str) -> ConferenceInfo:
        now = self.clock()
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            if row.status != COMPLETE:
                row.status = COMPLETE
                row.ended_at = now
            row.updated_at = now
            session.flush()
            return conference_info(session, row)

    def begin_amendment(self, conference_id: str) -> ConferenceInfo:
        """Open a completed conference for changes; what it said before is kept."""
        now = self.clock()
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            if row.status == COMPLETE:
                row.amended_at = now
            session.flush()
            return conference_info(session, row)

    def discard_draft(self, conference_id: str) -> bool:
        """Delete a draft with nothing written in it; returns whether it was deleted."""
        with self._write() as session:
            row = session.get(Conference, conference_id)
            if row is None or row.status != DRAFT:
                return False
            written = session.scalar(
                select(func.count())
                .select_from(Answer)
                .where(Answer.conference_id == conference_id, Answer.value != "")
            )
            habits = session.scalar(
                select(func.count())
                .select_from(HabitObservation)
                .where(HabitObservation.conference_id == conference_id)
            )
            closed = session.scalar(
                select(func.count())
                .select_from(Goal)
                .where(Goal.closed_by_conference_id == conference_id)
            )
            if written or habits or closed:
                return False
            session.execute(delete(Answer).where(col(Answer.conference_id) == conference_id))
            session.execute(delete(Goal).where(col(Goal.set_by_conference_id) == conference_id))
            session.delete(row)
            return True

    def latest_conference_id(self, student_id: str, status: str = COMPLETE) -> str | None:
        with self._read() as session:
            return session.scalars(
                select(Conference.id)
                .where(Conference.student_id == student_id, Conference.status == status)
                .order_by(col(Conference.started_at).desc())
                .limit(1)
            ).first()
