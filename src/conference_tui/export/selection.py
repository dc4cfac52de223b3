"""What an audience sees of a student's notes, before any format is chosen.

Markdown and HTML exports render the same choices: which answers, goals, next
step and learner notes an audience may see, in which order, under which titles,
and which of them to mark private. Those choices are made here, once, as plain
data holding the people's text as typed (cleaned of control characters only);
each renderer escapes it for its own format.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from conference_tui.export.scope import Audience, StudentNotes
from conference_tui.field_kinds import Kind
from conference_tui.forms import Form, FormField, FormStage
from conference_tui.rubrics import level_name, rubric_rows
from conference_tui.store.records import ExportAnswer, ExportConference, GoalInfo

PIECE_TITLE_FIELD = "piece_title"
LEARNER_NOTES = (("interests", "Interests"), ("strengths", "Strengths"), ("needs", "Needs"))
OTHER_NOTES = "Other notes"
# How an answer the student typed on their turn is marked.
STUDENT_WORDS = " (written by the student)"

# Anything clean_text changes: most notes have none, and skip its three passes.
_NOT_CLEAN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Newlines made \\n, tabs made spaces, other control characters dropped."""
    if _NOT_CLEAN.search(text) is None:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def text_lines(text: str) -> list[str]:
    """A person's text as lines, each stripped of spaces, outer blank lines dropped:
    empty when there is nothing to show."""
    lines = [line.strip(" ") for line in clean_text(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def has_text(text: str) -> bool:
    """Whether `text_lines(text)` holds anything, without making the lines."""
    return bool(clean_text(text).strip(" \n"))


def local_day(moment: datetime) -> str:
    return moment.astimezone().date().isoformat()


def local_minute(moment: datetime) -> str:
    """Day and time: two conferences on one day must not share a heading."""
    local = moment.astimezone()
    # Not strftime("%H:%M"): it costs several times as much, and every conference has two.
    return f"{local.date().isoformat()} {local.hour:02d}:{local.minute:02d}"


@dataclass(frozen=True)
class RenderContext:
    """How to render: for whom, with which forms, on which day."""

    audience: Audience
    forms: Mapping[str, Form]
    fallback_form: Form
    exported_on: date
    # The field keys of each form id's form, found once per export, not per conference.
    _field_keys: dict[str, frozenset[str]] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def shows_private(self) -> bool:
        return self.audience is Audience.TEACHER

    def form_for(self, conference: ExportConference) -> Form:
        return self.forms.get(conference.form_id, self.fallback_form)

    def field_keys(self, conference: ExportConference) -> frozenset[str]:
        """The keys of the fields of the form the conference is rendered with."""
        keys = self._field_keys.get(conference.form_id)
        if keys is None:
            form = self.form_for(conference)
            keys = frozenset(
                key
                for stage in form.stages
                for field in stage.fields
                for key, _kind in field.answer_keys()
            )
            self._field_keys[conference.form_id] = keys
        return keys


class ShownRubricRow(NamedTuple):
    """One criterion of a rubric as shown: the levels by name ("3 Proficient", "" for
    none), the student's own beside the teacher's, and the note as typed."""

    criterion: str
    teacher: str
    student: str
    note: str


# ShownNote and ShownSection are named tuples, the cheapest records to build: an export
# makes one for every answer and stage it shows, hundreds of thousands of them.
class ShownNote(NamedTuple):
    """A labelled piece of text this audience sees; `private` ones are to be marked.
    A rubric's note has no text but its rows (each format draws them as a table)."""

    label: str
    text: str
    private: bool
    rubric: tuple[ShownRubricRow, ...] = ()


class ShownSection(NamedTuple):
    """A stage of a conference (or its other notes) with the notes shown from it."""

    title: str
    notes: tuple[ShownNote, ...]


@dataclass(frozen=True)
class ShownGoal:
    goal: GoalInfo
    dates: str
    private: bool


@dataclass(frozen=True)
class ShownNextStep:
    """The newest next step this audience may see, and the day and time it was set."""

    day: str
    text: str
    private: bool


def _humanise(key: str) -> str:
    return key.replace("_", " ").strip().capitalize() or "Note"


def _shown_note(label: str, text: str, private: bool, ctx: RenderContext) -> ShownNote | None:
    """The note, or None when this audience may not see it or it holds nothing."""
    # has_text(text), written out: this runs for every answer of every conference.
    if (private and not ctx.shows_private) or not clean_text(text).strip(" \n"):
        return None
    return ShownNote(label, text, private)


def _extra_note(answer: ExportAnswer, ctx: RenderContext) -> ShownNote | None:
    """An answer to a field the form does not know."""
    return _shown_note(_humanise(answer.field_key), answer.value, answer.private, ctx)


def _shown_rubric(
    field: FormField, conference: ExportConference, ctx: RenderContext
) -> ShownNote | None:
    """A rubric's criteria that hold anything, or None. It is private if any of its
    parts is: a level marked private is never shared because a note was not."""
    stored = [conference.answers.get(key) for key, _kind in field.answer_keys()]
    private = any(answer.private for answer in stored if answer is not None)
    if private and not ctx.shows_private:
        return None

    def value(key: str) -> str:
        answer = conference.answers.get(key)
        return answer.value if answer is not None else ""

    rows = tuple(
        ShownRubricRow(
            row.criterion.name,
            level_name(field, row.teacher),
            level_name(field, row.student),
            row.note,
        )
        for row in rubric_rows(field, value)
        if not row.is_empty
    )
    return ShownNote(field.label, "", private, rows) if rows else None


def _stage_notes(
    stage: FormStage,
    conference: ExportConference,
    extra: Sequence[ExportAnswer],
    ctx: RenderContext,
) -> tuple[ShownNote, ...]:
    notes: list[ShownNote | None] = []
    for field in stage.fields:
        answer = conference.answers.get(field.key)
        if field.type == "rubric":
            notes.append(_shown_rubric(field, conference, ctx))
        elif field.kind == Kind.HABITS and conference.habits:
            private = answer.private if answer is not None else field.private
            notes.append(_shown_note(field.label, ", ".join(conference.habits), private, ctx))
        elif answer is not None:
            label = f"{field.label}{STUDENT_WORDS}" if answer.by_student else field.label
            notes.append(_shown_note(label, answer.value, answer.private, ctx))
    notes += [_extra_note(answer, ctx) for answer in extra]
    return tuple(note for note in notes if note is not None)


def conference_sections(conference: ExportConference, ctx: RenderContext) -> list[ShownSection]:
    """The conference's stages in spiral order with what this audience sees of each,
    then the answers to fields the form does not know (an older or a missing form)."""
    form = ctx.form_for(conference)
    known = ctx.field_keys(conference)
    extra_by_stage: dict[str, list[ExportAnswer]] = {}
    if not known.issuperset(conference.answers):  # most answer only their form's fields
        extras = [answer for answer in conference.answers.values() if answer.field_key not in known]
        for answer in sorted(extras, key=lambda a: a.field_key):
            extra_by_stage.setdefault(answer.stage_key, []).append(answer)
    sections = []
    for stage in form.stages:
        notes = _stage_notes(stage, conference, extra_by_stage.pop(stage.key, []), ctx)
        if notes:
            sections.append(ShownSection(f"{stage.number}. {stage.title}", notes))
    leftovers = [a for answers in extra_by_stage.values() for a in answers]
    other = [_extra_note(answer, ctx) for answer in leftovers]
    shown_other = tuple(note for note in other if note is not None)
    if shown_other:
        sections.append(ShownSection(OTHER_NOTES, shown_other))
    return sections


def conference_summary(conference: ExportConference) -> list[str]:
    """Status, start, length and amendment of a conference, as short phrases."""
    parts = [
        "Draft" if conference.is_draft else "Complete",
        local_minute(conference.started_at),
    ]
    minutes = round(conference.elapsed_seconds / 60)
    if conference.ended_at is not None:
        minutes = round((conference.ended_at - conference.started_at).total_seconds() / 60)
    if minutes > 0:
        parts.append(f"{minutes} min")
    if conference.amended_at is not None:
        parts.append(f"amended {local_day(conference.amended_at)}")
    return parts


def conference_title(conference: ExportConference, ctx: RenderContext) -> str:
    """ "Conference of <day>", with the piece's title when this audience may see it."""
    title = f"Conference of {local_minute(conference.started_at)}"
    piece = conference.piece_title
    piece_answer = conference.answers.get(PIECE_TITLE_FIELD)
    if piece and (ctx.shows_private or not (piece_answer and piece_answer.private)):
        title += f": {piece}"
    return title


def shown_goals(notes: StudentNotes, ctx: RenderContext) -> list[ShownGoal]:
    """The goals this audience sees, in chain order, with their dates."""
    shown = []
    for goal in notes.goals:
        private = goal.id in notes.private_goal_ids
        if private and not ctx.shows_private:
            continue
        dates = f"set {local_day(goal.set_at)}"
        if goal.closed_at is not None:
            dates += f", {goal.status} {local_day(goal.closed_at)}"
        shown.append(ShownGoal(goal, dates, private))
    return shown


def newest_next_step(
    conferences: Iterable[ExportConference], ctx: RenderContext
) -> ShownNextStep | None:
    """The newest next step this audience may see."""
    for conference in sorted(conferences, key=lambda c: c.started_at, reverse=True):
        answer = conference.answer_of_kind(Kind.NEXT_STEP)
        if answer is None or (answer.private and not ctx.shows_private):
            continue
        if has_text(answer.value):
            return ShownNextStep(local_minute(conference.started_at), answer.value, answer.private)
    return None


def learner_notes(notes: StudentNotes, ctx: RenderContext) -> list[ShownNote]:
    """What the teacher noted about the learner: the teacher's alone, so never shareable."""
    if not ctx.shows_private:
        return []
    student = notes.student
    values = {
        "interests": student.interests,
        "strengths": student.strengths,
        "needs": student.needs,
    }
    return [
        ShownNote(label, values[key], True) for key, label in LEARNER_NOTES if has_text(values[key])
    ]


def forms_title(ctx: RenderContext, form_ids: Iterable[str]) -> str:
    """The titles of the forms used (by id, in order of first use), once each."""
    titles = dict.fromkeys(ctx.forms.get(form_id, ctx.fallback_form).title for form_id in form_ids)
    return ", ".join(titles) or ctx.fallback_form.title


def goals_touching(notes: StudentNotes, conference_id: str) -> StudentNotes:
    """`notes` cut to one conference and the goals it set or closed."""
    conference = next(c for c in notes.conferences if c.id == conference_id)
    return StudentNotes(
        notes.student,
        notes.school_class,
        (conference,),
        tuple(
            goal
            for goal in notes.goals
            if conference_id in (goal.set_by_conference_id, goal.closed_by_conference_id)
        ),
        notes.private_goal_ids,
    )
