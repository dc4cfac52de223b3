"""Conferences: start, autosave answers, complete, amend, reopen a draft."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy import select as select_columns
from sqlalchemy.orm import Session

from conference_tui.field_kinds import Kind, kind_of
from conference_tui.store.base import StoreBase, require
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.follow_up import resolve_follow_up
from conference_tui.store.models import (
    Answer,
    AnswerRevision,
    Base,
    Conference,
    Goal,
    HabitObservation,
    Student,
    new_id,
)
from conference_tui.store.records import (
    AnswerEdit,
    AnswerInfo,
    AnswerRevisionInfo,
    BatchSaved,
    ConferenceInfo,
    PreviousPiece,
    Progress,
)
from conference_tui.store.roster_records import ConferenceStatus
from conference_tui.store.text_rules import check_text
from conference_tui.store.upsert import insert_unless_present

# Answers to these fields are also kept on the conference row, where lists and
# exports need them without reading every answer.
COLUMN_FIELDS = ("piece_title", "genre", "process_stage")
# What names the piece a conference is about: carried over when it is the same piece.
PIECE_FIELDS = ("piece_title", "genre")
# Drafts are inserted through Core, to give way to a draft another copy just added.
CONFERENCE_TABLE = Base.metadata.tables["conference"]


def conference_info(
    session: Session, row: Conference, with_revisions: bool = False
) -> ConferenceInfo:
    return conference_infos(session, [row], with_revisions)[0]


def conference_infos(
    session: Session,
    rows: Sequence[Conference],
    with_revisions: bool = False,
) -> list[ConferenceInfo]:
    """Whole conferences, in the order given, read set-based: their answers, habits and
    revisions in one query each, however many conferences there are. (An export reads
    less of each conference, and reads it otherwise: see export_reads.py.)"""
    ids = [row.id for row in rows]
    answers: dict[str, list[AnswerInfo]] = {conference_id: [] for conference_id in ids}
    habits: dict[str, list[str]] = {conference_id: [] for conference_id in ids}
    revisions: dict[str, list[AnswerRevisionInfo]] = {conference_id: [] for conference_id in ids}
    connection = session.connection()
    for chunk in chunked(ids):
        for (
            conference_id,
            stage_key,
            field_key,
            value,
            private,
            updated_at,
            version,
            kind,
            by_student,
        ) in connection.execute(
            select_columns(
                Answer.conference_id,
                Answer.stage_key,
                Answer.field_key,
                Answer.value,
                Answer.private,
                Answer.updated_at,
                Answer.version,
                Answer.kind,
                Answer.by_student,
            ).where(Answer.conference_id.in_(chunk))
        ):
            answers[conference_id].append(
                AnswerInfo(
                    stage_key,
                    field_key,
                    value,
                    private,
                    updated_at,
                    version,
                    kind_of(kind),
                    bool(by_student),
                )
            )
        for conference_id, habit in connection.execute(
            select(HabitObservation.conference_id, HabitObservation.habit)
            .where(HabitObservation.conference_id.in_(chunk))
            .order_by(HabitObservation.habit)
        ):
            habits[conference_id].append(habit)
        if with_revisions:
            for conference_id, field_key, value, private, replaced_at in connection.execute(
                select_columns(
                    AnswerRevision.conference_id,
                    AnswerRevision.field_key,
                    AnswerRevision.value,
                    AnswerRevision.private,
                    AnswerRevision.replaced_at,
                )
                .where(AnswerRevision.conference_id.in_(chunk))
                .order_by(AnswerRevision.replaced_at)
            ):
                revisions[conference_id].append(
                    AnswerRevisionInfo(field_key, value, private, replaced_at)
                )
    return [
        ConferenceInfo(
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
            answers={answer.field_key: answer for answer in answers[row.id]},
            habits=tuple(habits[row.id]),
            revisions=tuple(revisions[row.id]),
            editor_id=row.editor_id,
            editor_seen_at=row.editor_seen_at,
            group_id=row.group_id,
        )
        for row in rows
    ]


# SQLite binds at most 32,766 parameters in one statement; stay well under it.
IN_CHUNK = 900


def chunked(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


def answer_info(row: Answer) -> AnswerInfo:
    return AnswerInfo(
        row.stage_key,
        row.field_key,
        row.value,
        row.private,
        row.updated_at,
        row.version,
        kind_of(row.kind),
        row.by_student,
    )


class ConferenceStore(StoreBase):
    def start_conference(
        self,
        student_id: str,
        form_id: str,
        form_version: int,
        first_stage: str = "",
        editor_id: str = "",
    ) -> ConferenceInfo:
        """Open a draft of this form for the student, or return the one already open.
        A draft started here is marked open by `editor_id` as it is made (as
        `open_elsewhere` would mark it): its `editor_id` says whether it is this one.

        Two copies of the app starting at once both open the same draft: a second
        draft of one student and form is refused by the database (migration 0006), so
        the insert that loses does nothing and the winner's draft is read instead."""
        existing_draft = self.draft_for_student(student_id, form_id)
        if existing_draft is not None:
            return existing_draft  # reopening writes nothing (a read-only file too)
        now = self.clock()
        with self._write() as session:
            require(session.get(Student, student_id), "student", student_id)
            if self._open_draft(session, student_id, form_id) is None:
                session.execute(
                    insert_unless_present(self.dialect, CONFERENCE_TABLE).values(
                        id=new_id(),
                        student_id=student_id,
                        form_id=form_id,
                        form_version=form_version,
                        status=ConferenceStatus.DRAFT,
                        started_at=now,
                        updated_at=now,
                        current_stage=first_stage,
                        editor_id=editor_id,
                        editor_seen_at=now if editor_id else None,
                    )
                )
            draft = require(
                self._open_draft(session, student_id, form_id), "draft for student", student_id
            )
            return conference_info(session, draft)

    def rehearse_conference(
        self,
        student_id: str,
        form_id: str,
        form_version: int,
        first: AnswerEdit,
        editor_id: str = "",
    ) -> None:
        """A conference started, its first field typed (`first`) and completed with
        ctrl+s, as the app makes them, in one transaction that is rolled back: nothing
        is kept. SQLAlchemy builds each statement's SQL on its first use in a process
        (the first save took 13 ms here, the next 5), which the teacher's first `n`
        and first ctrl+s of the day would otherwise wait for."""
        with self._rehearsal():
            draft = self.start_conference(
                student_id, form_id, form_version, first.stage_key, editor_id
            )
            where = Progress(first.stage_key, first.field_key, 0)
            self.save_answers(draft.id, [first], where, editor_id=editor_id, complete=True)

    @staticmethod
    def _open_draft(
        session: Session, student_id: str, form_id: str | None = None
    ) -> Conference | None:
        """The student's newest open draft (of this form, if one is named)."""
        query = select(Conference).where(
            Conference.student_id == student_id, Conference.status == ConferenceStatus.DRAFT
        )
        if form_id is not None:
            query = query.where(Conference.form_id == form_id)
        return session.scalars(query.order_by(Conference.updated_at.desc())).first()

    def get_conference(self, conference_id: str) -> ConferenceInfo:
        with self._read() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            return conference_info(session, row, with_revisions=True)

    def draft_forms(self, student_id: str) -> set[str]:
        """The forms the student has a draft of, open now."""
        with self._read() as session:
            return set(
                session.scalars(
                    select(Conference.form_id).where(
                        Conference.student_id == student_id,
                        Conference.status == ConferenceStatus.DRAFT,
                    )
                )
            )

    def draft_for_student(
        self, student_id: str, form_id: str | None = None
    ) -> ConferenceInfo | None:
        """The student's newest open draft (of this form, if one is named)."""
        with self._read() as session:
            row = self._open_draft(session, student_id, form_id)
            return conference_info(session, row) if row else None

    def save_answer(
        self,
        conference_id: str,
        stage_key: str,
        field_key: str,
        value: str,
        private: bool,
        kind: Kind | None = None,
    ) -> None:
        """Save one field, whatever is stored. On a completed conference this is an
        amendment: the text from before the amendment began is kept as a revision.
        Refuses (InvalidInputError) a follow-up that is not a date."""
        edit = AnswerEdit(stage_key, field_key, value, private, kind)
        saved = self.save_answers(conference_id, [edit])
        if field_key in saved.refused:
            raise InvalidInputError(saved.refused[field_key])

    def save_answers(
        self,
        conference_id: str,
        edits: Sequence[AnswerEdit],
        progress: Progress | None = None,
        *,
        begin_amendment: bool = False,
        editor_id: str = "",
        complete: bool = False,
    ) -> BatchSaved:
        """Autosave a batch of fields, and where the teacher is, in one transaction.

        A field the store refuses (a follow-up that is not a date) is left out and named;
        so is a field another editor changed since `edit.seen_version` (its text is
        returned and kept: nothing is overwritten unseen). The rest is saved. With
        `begin_amendment` a completed conference starts an amendment first. `editor_id`
        marks this copy of the app as the one that has the draft open. With `complete`,
        the conference is completed in the same transaction (ctrl+s right after typing:
        one write synced to disk, not two), unless a field was refused or changed
        elsewhere: then the batch is only saved, and `completed` says so."""
        refused: dict[str, str] = {}
        checked: list[tuple[AnswerEdit, str, date | None]] = []
        for edit in edits:
            try:
                value = check_text(edit.value)
                follow_up = None
                if edit.kind == Kind.FOLLOW_UP:
                    # Kept as the date a shortcut stands for: "tomorrow" read next
                    # week would be wrong.
                    follow_up = resolve_follow_up(value, self.today())
                    value = follow_up.isoformat() if follow_up else ""
            except InvalidInputError as exc:
                refused[edit.field_key] = str(exc)
                continue
            checked.append((edit, value, follow_up))
        versions: dict[str, int] = {}
        conflicts: dict[str, AnswerInfo] = {}
        now = self.clock()
        with self._write() as session:
            # Locked for the transaction (SQLite's BEGIN IMMEDIATE already locks the
            # file): two copies saving one conference on a server take turns, so each
            # compares its seen_version with what the other committed, and the first
            # save of a field by two copies at once is an insert, then a conflict.
            conference = require(
                session.get(Conference, conference_id, with_for_update=True),
                "conference",
                conference_id,
            )
            if begin_amendment and conference.status == ConferenceStatus.COMPLETE:
                conference.amended_at = now
            # One read for the whole batch, under the conference's lock.
            keys = sorted({edit.field_key for edit, _, _ in checked})
            stored = {
                answer.field_key: answer
                for answer in session.scalars(
                    select(Answer).where(
                        Answer.conference_id == conference_id, Answer.field_key.in_(keys)
                    )
                )
            }
            for edit, value, follow_up in checked:
                answer = stored.get(edit.field_key)
                stored_version = answer.version if answer is not None else 0
                if edit.seen_version is not None and edit.seen_version != stored_version:
                    assert answer is not None  # a version above 0 is an answer's
                    conflicts[edit.field_key] = answer_info(answer)
                    continue
                answer = self._write_answer(session, conference, answer, edit, value, now)
                stored[edit.field_key] = answer
                versions[edit.field_key] = answer.version
                self._sync_conference_columns(session, conference, edit, value)
                if edit.kind == Kind.FOLLOW_UP:
                    conference.follow_up_on = follow_up
                if edit.kind == Kind.HABITS:
                    self._replace_habits(session, conference_id, value.split("\n"))
                conference.updated_at = now
            if progress is not None:
                conference.current_stage = progress.stage_key
                conference.current_field = progress.field_key
                conference.elapsed_seconds = max(0, int(progress.elapsed_seconds))
            if editor_id:
                conference.editor_id = editor_id
                conference.editor_seen_at = now
            completed = complete and not refused and not conflicts
            if completed:
                mark_complete(conference, now)
        return BatchSaved(versions, refused, conflicts, completed)

    def _write_answer(
        self,
        session: Session,
        conference: Conference,
        answer: Answer | None,
        edit: AnswerEdit,
        value: str,
        now: datetime,
    ) -> Answer:
        if answer is None:
            answer = Answer(
                conference_id=conference.id,
                stage_key=edit.stage_key,
                field_key=edit.field_key,
                value=value,
                private=edit.private,
                updated_at=now,
                kind=edit.kind or "",
                by_student=edit.by_student,
            )
            session.add(answer)
            if conference.status == ConferenceStatus.COMPLETE:
                session.flush()  # the revision refers to it: inserted first
                self._keep_original(
                    session, conference, answer.id, edit.field_key, "", edit.private
                )
        elif answer.value != value or answer.private != edit.private:
            if conference.status == ConferenceStatus.COMPLETE:
                self._keep_original(
                    session, conference, answer.id, edit.field_key, answer.value, answer.private
                )
            if answer.value != value:
                answer.by_student = edit.by_student
            answer.value = value
            answer.private = edit.private
            answer.updated_at = now
            answer.version += 1
        return answer

    def _sync_conference_columns(
        self, session: Session, conference: Conference, edit: AnswerEdit, value: str
    ) -> None:
        if edit.field_key in COLUMN_FIELDS:
            setattr(conference, edit.field_key, value.strip())
        elif edit.kind == Kind.GOAL:
            self._sync_goal_set_by(session, conference, value)

    def open_elsewhere(self, conference_id: str, editor_id: str, within_seconds: int) -> bool:
        """Whether another copy of the app (not `editor_id`) saved this conference in the
        last `within_seconds`: it has the draft open now. Marks it open by `editor_id`
        (a store opened only to read marks nothing)."""
        if self.read_only_because:
            return False
        now = self.clock()
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            seen = row.editor_seen_at
            elsewhere = (
                row.editor_id not in ("", editor_id)
                and seen is not None
                and (now - seen).total_seconds() < within_seconds
            )
            row.editor_id = editor_id
            row.editor_seen_at = now
            return elsewhere

    def close_editing(self, conference_id: str, editor_id: str) -> None:
        """This copy of the app has left the conference: nobody has it open now."""
        with self._write() as session:
            row = session.get(Conference, conference_id)
            if row is not None and row.editor_id == editor_id:
                row.editor_id = ""
                row.editor_seen_at = None

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
                AnswerRevision.replaced_at >= conference.amended_at,
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
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            self._replace_habits(session, conference_id, habits)
            row.updated_at = self.clock()

    def _replace_habits(self, session: Session, conference_id: str, habits: Iterable[str]) -> None:
        wanted = {h.strip() for h in habits if h.strip()}
        session.execute(
            delete(HabitObservation).where(HabitObservation.conference_id == conference_id)
        )
        session.add_all(HabitObservation(conference_id=conference_id, habit=h) for h in wanted)

    def complete_conference(
        self, conference_id: str, progress: Progress | None = None
    ) -> ConferenceInfo:
        """Mark the conference complete; with `progress`, where the teacher was and the
        time spent are written in the same transaction (one write for ctrl+s, not two)."""
        now = self.clock()
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            if progress is not None:
                row.current_stage = progress.stage_key
                row.current_field = progress.field_key
                row.elapsed_seconds = max(0, int(progress.elapsed_seconds))
            mark_complete(row, now)
            session.flush()
            return conference_info(session, row)

    def begin_amendment(self, conference_id: str) -> ConferenceInfo:
        """Open a completed conference for changes; what it said before is kept."""
        now = self.clock()
        with self._write() as session:
            row = require(session.get(Conference, conference_id), "conference", conference_id)
            if row.status == ConferenceStatus.COMPLETE:
                row.amended_at = now
            session.flush()
            return conference_info(session, row)

    def discard_draft(self, conference_id: str) -> bool:
        """Delete a draft with nothing written in it; returns whether it was deleted."""
        with self._write() as session:
            row = session.get(Conference, conference_id)
            if row is None or row.status != ConferenceStatus.DRAFT:
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
            session.execute(delete(Answer).where(Answer.conference_id == conference_id))
            session.execute(delete(Goal).where(Goal.set_by_conference_id == conference_id))
            session.delete(row)
            return True

    def previous_piece(
        self, student_id: str, conference_id: str | None = None
    ) -> PreviousPiece | None:
        """The piece of the student's last completed conference started before this one
        (an amended old conference looks further back, never forward; a new one not
        written yet, None, looks at the last); None if there is none. Read from the
        conference row, where the piece's fields are kept too."""
        with self._read() as session:
            query = select(Conference).where(
                Conference.student_id == student_id,
                Conference.status == ConferenceStatus.COMPLETE,
            )
            if conference_id is not None:
                conference = require(
                    session.get(Conference, conference_id), "conference", conference_id
                )
                query = query.where(
                    Conference.id != conference.id,
                    Conference.started_at <= conference.started_at,
                )
            previous = session.scalars(
                query.order_by(Conference.started_at.desc()).limit(1)
            ).first()
            if previous is None:
                return None
            return PreviousPiece(
                previous.started_at,
                {key: getattr(previous, key) or "" for key in PIECE_FIELDS},
            )

    def latest_conference_id(
        self, student_id: str, status: str = ConferenceStatus.COMPLETE
    ) -> str | None:
        with self._read() as session:
            return session.scalars(
                select(Conference.id)
                .where(Conference.student_id == student_id, Conference.status == status)
                .order_by(Conference.started_at.desc())
                .limit(1)
            ).first()


def mark_complete(conference: Conference, now: datetime) -> None:
    """Completed now (an amendment keeps when it first ended), and open nowhere."""
    if conference.status != ConferenceStatus.COMPLETE:
        conference.status = ConferenceStatus.COMPLETE
        conference.ended_at = now
    conference.updated_at = now
    conference.editor_id = ""
    conference.editor_seen_at = None
