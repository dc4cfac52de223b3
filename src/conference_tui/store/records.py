"""Plain, immutable records that the store hands to the UI and the exporters.

They are detached from any session, so the UI can hold them across workers. The
roster's own records are in roster_records.py, loaded before the first frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from conference_tui.field_kinds import Kind
from conference_tui.store.roster_records import ConferenceStatus, StudentInfo


@dataclass(frozen=True)
class AnswerInfo:
    stage_key: str
    field_key: str
    value: str
    private: bool
    updated_at: datetime
    version: int = 1
    kind: Kind | None = None
    by_student: bool = False


@dataclass(frozen=True)
class RubricScore:
    """One level chosen on a rubric: in which conference, for which criterion and side
    (the answer key and kind say), as stored."""

    conference_id: str
    started_at: datetime
    status: str
    answer_key: str
    kind: Kind
    value: str


@dataclass(frozen=True)
class AnswerRevisionInfo:
    field_key: str
    value: str
    private: bool
    replaced_at: datetime


@dataclass(frozen=True)
class GoalInfo:
    id: str
    student_id: str
    text: str
    status: str
    set_at: datetime
    set_by_conference_id: str | None
    closed_at: datetime | None
    closed_by_conference_id: str | None


@dataclass(frozen=True)
class ConferenceInfo:
    id: str
    student_id: str
    form_id: str
    form_version: int
    status: str
    started_at: datetime
    ended_at: datetime | None
    updated_at: datetime
    amended_at: datetime | None
    piece_title: str
    genre: str
    process_stage: str
    follow_up_on: date | None
    current_stage: str
    current_field: str
    elapsed_seconds: int
    answers: dict[str, AnswerInfo] = field(default_factory=dict)
    habits: tuple[str, ...] = ()
    revisions: tuple[AnswerRevisionInfo, ...] = ()
    editor_id: str = ""
    editor_seen_at: datetime | None = None
    # The small group this conference was held with (each member has their own
    # conference, all with this id); None for a conference with one student.
    group_id: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == ConferenceStatus.DRAFT

    @property
    def is_written(self) -> bool:
        """False for a new conference not yet in the database (see `unwritten_draft`)."""
        return bool(self.id)

    def value(self, field_key: str) -> str:
        answer = self.answers.get(field_key)
        return answer.value if answer else ""

    def answer_of_kind(self, kind: Kind) -> AnswerInfo | None:
        return next((answer for answer in self.answers.values() if answer.kind == kind), None)


def unwritten_draft(
    student_id: str, form_id: str, form_version: int, first_stage: str, now: datetime
) -> ConferenceInfo:
    """A new conference as it opens: it is written, as a draft, with its first save
    (tui/draft_start.py), so that opening it writes nothing and waits for no write."""
    return ConferenceInfo(
        id="",
        student_id=student_id,
        form_id=form_id,
        form_version=form_version,
        status=ConferenceStatus.DRAFT,
        started_at=now,
        ended_at=None,
        updated_at=now,
        amended_at=None,
        piece_title="",
        genre="",
        process_stage="",
        follow_up_on=None,
        current_stage=first_stage,
        current_field="",
        elapsed_seconds=0,
    )


class ExportAnswer(NamedTuple):
    """An answer as an export shows it: no time or version of its last edit. A named
    tuple because an export makes hundreds of thousands, and it is the cheapest to build."""

    stage_key: str
    field_key: str
    value: str
    private: bool
    kind: Kind | None = None
    by_student: bool = False


@dataclass(frozen=True, slots=True)
class ExportConference:
    """A conference as an export shows it: its answers by field key and its habits,
    without the draft's editing state or the answers' history."""

    id: str
    student_id: str
    form_id: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    amended_at: datetime | None
    elapsed_seconds: int
    piece_title: str
    answers: Mapping[str, ExportAnswer]
    habits: tuple[str, ...]

    @property
    def is_draft(self) -> bool:
        return self.status == ConferenceStatus.DRAFT

    @property
    def is_written(self) -> bool:
        """False for a new conference not yet in the database (see `unwritten_draft`)."""
        return bool(self.id)

    def answer_of_kind(self, kind: Kind) -> ExportAnswer | None:
        return next((answer for answer in self.answers.values() if answer.kind == kind), None)


@dataclass(frozen=True)
class GroupMember:
    """One student of a small-group conference, with their own conference of it."""

    student: StudentInfo
    conference: ConferenceInfo


@dataclass(frozen=True)
class GroupConferenceInfo:
    """A small-group conference: its members (by name), each with their conference."""

    group_id: str
    members: tuple[GroupMember, ...]

    @property
    def is_draft(self) -> bool:
        return any(member.conference.is_draft for member in self.members)


@dataclass(frozen=True)
class AmendmentStart:
    """A completed conference, and its student's goals, as they were when it was opened
    for amendment: what discarding the amendment puts back."""

    conference: ConferenceInfo
    goals: tuple[GoalInfo, ...]


@dataclass(frozen=True)
class ConferenceSummary:
    """A line of a history list: enough to pick one, not the whole record."""

    id: str
    student_id: str
    status: str
    started_at: datetime
    piece_title: str
    teaching_point: str
    goal_set: str
    amended_at: datetime | None
    # Held with a small group (see ConferenceInfo.group_id).
    in_group: bool = False

    @property
    def is_draft(self) -> bool:
        return self.status == ConferenceStatus.DRAFT

    @property
    def is_written(self) -> bool:
        """False for a new conference not yet in the database (see `unwritten_draft`)."""
        return bool(self.id)


@dataclass(frozen=True)
class LastTime:
    """What the next conference revisits: the spiral starts from here."""

    # The goals open when the conference was held, as they stood then.
    active_goals: tuple[GoalInfo, ...]
    # When the conference before it was held, and its answers to the fields asked for.
    last_conference_at: datetime | None
    last_answers: dict[str, str] = field(default_factory=dict)
    # Goals shown as open then that a later conference closed: not this one's to mark.
    closed_later: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PreviousPiece:
    """The piece a student's previous conference was about: its answers by field key
    (piece title, genre), for a conference about the same piece to start from."""

    conference_at: datetime
    answers: dict[str, str]


@dataclass(frozen=True)
class SearchHit:
    kind: str
    student_id: str
    student_name: str
    class_id: str
    conference_id: str | None
    stage_key: str
    field_key: str
    when: datetime | None
    snippet: str
    # The form of the conference it is in ("" for a note outside any conference).
    form_id: str = ""


@dataclass(frozen=True)
class AnswerEdit:
    """One field's new text, as an editor saw it: `seen_version` is the version of the
    answer it started from (0 for a field with no answer yet), or None to save whatever
    is stored (an import, a script)."""

    stage_key: str
    field_key: str
    value: str
    private: bool
    kind: Kind | None = None
    seen_version: int | None = None
    # Typed by the student on their turn at the keyboard.
    by_student: bool = False


@dataclass(frozen=True)
class Progress:
    """Where the teacher is in a draft, so that it reopens there."""

    stage_key: str
    field_key: str
    elapsed_seconds: int


@dataclass(frozen=True)
class BatchSaved:
    """What a batch of edits did: each saved field's new version; the fields refused
    (with why: a date that is not a date); and the fields changed by another copy of
    the app since this one loaded them (with what that copy saved), left as they are."""

    versions: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, AnswerInfo] = field(default_factory=dict)
    # Asked to complete the conference with it, and did: nothing refused, no conflict.
    completed: bool = False


@dataclass(frozen=True)
class HabitTally:
    habit: str
    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class SearchFilters:
    class_id: str | None = None
    since: date | None = None
    until: date | None = None
    habit: str | None = None


@dataclass(frozen=True)
class SearchPosition:
    """Where a page of results ended, for the page after it: SQLite's key in the index,
    or another database's time, kind and reference of the last note."""

    key: int = 0
    when: datetime | None = None
    kind: str = ""
    ref_id: str = ""


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    # Where the next page starts; None when there is nothing more.
    next_page: SearchPosition | None
