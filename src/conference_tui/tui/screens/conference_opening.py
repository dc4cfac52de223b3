"""What a conference opens with, read in a thread before its screen is pushed (or,
as the app settles, read once for nothing to warm the statements up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from conference_tui.forms import Form
from conference_tui.store.diagnosis import Fault
from conference_tui.store.errors import DatabaseUnavailableError
from conference_tui.store.records import (
    AmendmentStart,
    AnswerEdit,
    ConferenceInfo,
    LastTime,
    unwritten_draft,
)
from conference_tui.store.roster_records import StudentInfo
from conference_tui.store.text_rules import visible
from conference_tui.tui.draft_session import PROGRESS_EVERY_SECONDS
from conference_tui.tui.widgets.spiral import last_time_fields

if TYPE_CHECKING:
    from conference_tui.store import Store


# A copy of the app that saved a draft this recently has it open: its autosave marks
# where the teacher is at least every PROGRESS_EVERY_SECONDS.
OPEN_ELSEWHERE_SECONDS = 3 * PROGRESS_EVERY_SECONDS


@dataclass(frozen=True)
class Opened:
    conference: ConferenceInfo
    student: StudentInfo
    last_time: LastTime
    open_elsewhere: bool
    # The form the conference is held with.
    form: Form
    # A completed conference as it was opened: discarding an amendment puts it back.
    amendment_start: AmendmentStart | None = None


class FormMissing(Exception):
    """The conference was held with a form that is no longer loaded."""


@dataclass(frozen=True)
class FormChoice:
    """Which form a conference opens with: the forms there are, the app's default, and
    the one the teacher picked (None: `n`, which reopens the student's draft of any
    form, or starts the class's default form)."""

    forms: dict[str, Form]
    default: Form
    picked: Form | None = None

    def for_class(self, default_form: str) -> Form:
        return self.forms.get(default_form, self.default)

    def held_with(self, conference: ConferenceInfo) -> Form:
        form = self.forms.get(conference.form_id)
        if form is None:
            raise FormMissing(
                f"This conference was held with the form “{visible(conference.form_id)}”, "
                "which is not among the forms any more (its file was removed or has a "
                "mistake: `conference-tui locate` shows the forms folder). Its notes are "
                "safe, in the history and in exports; put the form back to open it."
            )
        return form


def read_opened(
    store: Store,
    forms: FormChoice,
    student_id: str,
    conference_id: str | None,
    editor_id: str,
    *,
    looked_up: bool = False,
    existing: ConferenceInfo | None = None,
) -> Opened:
    """Everything a conference opens with, read before its screen is pushed, so that the
    screen is drawn once, whole (a new conference is not written yet). With
    `looked_up`, the caller has read the conference asked for, or the student's draft:
    `existing` (None: there is no draft), not read again."""
    student: StudentInfo | None = None
    if looked_up and existing is not None:
        conference = existing
    elif conference_id is not None:
        conference = store.get_conference(conference_id)
    elif (
        forms.picked is None
        and not looked_up
        and (draft := store.draft_for_student(student_id)) is not None
    ):
        conference = draft
    else:
        student = store.get_student(student_id)
        form = forms.picked or forms.for_class(store.get_class(student.class_id).default_form)
        # A form picked reopens the student's draft of it; a new conference is written
        # with its first save (draft_start.py): opening it writes nothing.
        draft = store.draft_for_student(student_id, form.id) if forms.picked else None
        if draft is None and store.read_only_because:
            # Nothing typed into a new conference could be kept.
            raise DatabaseUnavailableError(store.read_only_because, Fault.READ_ONLY)
        conference = draft or new_conference(student_id, form, store.clock())
    form = forms.held_with(conference)
    # A draft reopened: whether another copy of the app has it open (it is marked open
    # here as it is asked).
    elsewhere = (
        conference.is_written
        and conference.is_draft
        and store.open_elsewhere(conference.id, editor_id, OPEN_ELSEWHERE_SECONDS)
    )
    start = (
        None
        if conference.is_draft
        else AmendmentStart(conference, tuple(store.goal_chain(conference.student_id)))
    )
    if student is None or student.id != conference.student_id:
        student = store.get_student(conference.student_id)
    return Opened(
        conference,
        student,
        read_last_time(store, form, conference),
        elsewhere,
        form,
        start,
    )


def read_new_before_store(
    store: Store, forms: FormChoice, student_id: str, now: datetime
) -> Opened | None:
    """A new conference for the student, read while the store is still opening (just
    after the first frame: `n` pressed at the first paint), so that it opens without
    waiting for it; None when the store is open, or must read it (see
    conference_first_look.py). It is written with its first save, which waits."""
    from conference_tui.store.conference_first_look import new_conference_look
    from conference_tui.store.opening_store import OpeningStore

    if not isinstance(store, OpeningStore) or store.is_open or forms.picked is not None:
        return None

    def answer_keys(default_form: str) -> list[str]:
        return [key for _label, key in last_time_fields(forms.for_class(default_form))]

    look = new_conference_look(store.location, student_id, answer_keys)
    if look is None:
        return None
    form = forms.for_class(look.default_form)
    return Opened(new_conference(student_id, form, now), look.student, look.last_time, False, form)


def new_conference(student_id: str, form: Form, now: datetime) -> ConferenceInfo:
    """A new conference of `form`, at its first stage, not written yet (draft_start.py)."""
    return unwritten_draft(student_id, form.id, form.version, form.stages[0].key, now)


def warm_opening(store: Store, forms: FormChoice, student_id: str, editor_id: str) -> None:
    """The reads a conference opens with, made once for nothing as the app settles,
    and its writes rehearsed and rolled back: SQLAlchemy builds each statement's SQL
    on its first use, which was half of the first `n`'s read (30 ms, against 15 for the
    next) and of the first ctrl+s's write. Nothing is started or written."""
    store.draft_for_student(student_id)
    student = store.get_student(student_id)
    form = forms.for_class(store.get_class(student.class_id).default_form)
    store.last_time(student_id, None, [key for _label, key in last_time_fields(form)])
    stage = form.stages[0]
    field = stage.fields[0]
    key, kind = field.answer_keys()[0]
    first = AnswerEdit(stage.key, key, "", field.private, kind, seen_version=0)
    store.rehearse_conference(student_id, form.id, form.version, first, editor_id)


def read_last_time(store: Store, form: Form, conference: ConferenceInfo) -> LastTime:
    """What this conference revisits, as it stood when it was held."""
    keys = [key for _label, key in last_time_fields(form)]
    return store.last_time(conference.student_id, conference.id, keys)
