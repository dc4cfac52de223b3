"""Notes as Markdown that nothing a student or teacher typed can subvert.

Every piece of text that came from a person (names, answers, goals, even form
labels) goes through `escape_inline`, and each line of it through the line-start
rules, before it meets Markdown: so it renders as the same characters and never
as a heading, list, quote, code fence, rule, table, link, image, emphasis, HTML
tag or entity, or the end of the front matter. Bare URLs are left as typed: a
renderer that links them shows the address itself, so nothing is disguised.

Front matter values are double-quoted strings escaped so that they are at once
valid JSON and valid YAML (1.1 and 1.2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from conference_tui.export.scope import Audience, StudentNotes
from conference_tui.forms import Form, FormField, FormStage
from conference_tui.store.records import AnswerInfo, ClassInfo, ConferenceInfo, GoalInfo

PRIVATE_MARK = "(private)"
HABITS_TYPE = "habits"
NEXT_STEP_FIELD = "next_step"
LEARNER_NOTES = (("interests", "Interests"), ("strengths", "Strengths"), ("needs", "Needs"))

_INLINE = {char: "\\" + char for char in "\\`*_[]()|~"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE_SPECIAL = re.compile("[" + re.escape("".join(_INLINE)) + "]")
# Anything clean_text changes: most notes have none, and skip its three passes.
_NOT_CLEAN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_ORDERED_ITEM = re.compile(r"(\d{1,9})([.)])")
_BLOCK_STARTS = "#-+="
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Characters YAML reads as line breaks or refuses raw; json.dumps leaves them raw.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


# -- escaping ---------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Newlines made \\n, tabs made spaces, other control characters dropped."""
    if _NOT_CLEAN.search(text) is None:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def _escaped(match: re.Match[str]) -> str:
    return _INLINE[match.group(0)]


def escape_inline(text: str) -> str:
    """Escape the characters that make links, images, emphasis, code, tables and HTML."""
    # One regex pass that finds them (most text has none) instead of a translate
    # table, which CPython walks a character at a time: the export's hottest line.
    return _INLINE_SPECIAL.sub(_escaped, clean_text(text))


def _safe_line_start(line: str) -> str:
    """Neutralise what a line can start: headings, lists, rules, setext underlines.
    (Quotes, fences and HTML blocks start with characters escape_inline already took.)"""
    line = line.strip(" ")
    ordered = _ORDERED_ITEM.match(line)
    if ordered:
        return f"{ordered.group(1)}\\{ordered.group(2)}{line[ordered.end() :]}"
    if line[:1] in tuple(_BLOCK_STARTS):
        return "\\" + line
    return line


def escape_lines(text: str) -> list[str]:
    """A person's text as escaped Markdown lines, outer blank lines dropped."""
    lines = [_safe_line_start(line) for line in escape_inline(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def escape_heading(text: str) -> str:
    """Text for inside a heading: one line, and no # that could close it. (A heading's
    text is inline only, so no other line-start rule applies.)"""
    return " ".join(escape_inline(text).split()).replace("#", "\\#")


def hard_breaks(lines: Sequence[str]) -> str:
    """Lines kept as lines: a backslash before each newline is a Markdown line break,
    and a lone backslash keeps an empty line without ending the paragraph."""
    return "\\\n".join(lines)


def yaml_string(value: str) -> str:
    """A double-quoted scalar valid as YAML and as JSON."""
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


FrontValue = str | int | Sequence[str]


def front_matter(pairs: Sequence[tuple[str, FrontValue]]) -> str:
    lines = ["---"]
    for key, value in pairs:
        if isinstance(value, int):
            lines.append(f"{key}: {value}")
        elif isinstance(value, str):
            lines.append(f"{key}: {yaml_string(value)}")
        else:
            lines.append(f"{key}: [{', '.join(yaml_string(item) for item in value)}]")
    lines.append("---")
    return "\n".join(lines) + "\n"


# -- rendering --------------------------------------------------------------------


@dataclass(frozen=True)
class RenderContext:
    """How to render: for whom, with which forms, on which day."""

    audience: Audience
    forms: Mapping[str, Form]
    fallback_form: Form
    exported_on: date

    @property
    def shows_private(self) -> bool:
        return self.audience is Audience.TEACHER

    def form_for(self, conference: ConferenceInfo) -> Form:
        return self.forms.get(conference.form_id, self.fallback_form)


def local_day(moment: datetime) -> str:
    return moment.astimezone().date().isoformat()


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def local_minute(moment: datetime) -> str:
    """Day and time: two conferences on one day must not share a heading."""
    return f"{local_day(moment)} {local_time(moment)}"


def _heading(level: int, text: str) -> str:
    return f"{'#' * min(level, 6)} {text}"


def _labelled(label: str, lines: Sequence[str], private: bool, ctx: RenderContext) -> str:
    mark = f" {PRIVATE_MARK}" if private and ctx.shows_private else ""
    return hard_breaks([f"**{escape_inline(label)}**{mark}", *lines])


def _humanise(key: str) -> str:
    return key.replace("_", " ").strip().capitalize() or "Note"


def _field_block(
    field: FormField | None,
    key: str,
    answer: AnswerInfo | None,
    conference: ConferenceInfo,
    ctx: RenderContext,
) -> str:
    """One field's label and answer, or "" when there is nothing to show this audience."""
    label = field.label if field is not None else _humanise(key)
    private = answer.private if answer is not None else bool(field and field.private)
    if private and not ctx.shows_private:
        return ""
    if field is not None and field.type == HABITS_TYPE and conference.habits:
        text = ", ".join(conference.habits)
    elif answer is not None:
        text = answer.value
    else:
        return ""
    lines = escape_lines(text)
    return _labelled(label, lines, private, ctx) if lines else ""


def _stage_blocks(
    stage: FormStage, conference: ConferenceInfo, extra: Sequence[AnswerInfo], ctx: RenderContext
) -> list[str]:
    blocks = [
        _field_block(field, field.key, conference.answers.get(field.key), conference, ctx)
        for field in stage.fields
    ]
    blocks += [_field_block(None, a.field_key, a, conference, ctx) for a in extra]
    return [block for block in blocks if block]


def _conference_summary(conference: ConferenceInfo) -> str:
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
    return "*" + " · ".join(parts) + "*"


def render_conference(conference: ConferenceInfo, level: int, ctx: RenderContext) -> list[str]:
    """The conference's stages in spiral order, each a heading at `level`, then the
    answers to fields the form does not know (an older or a missing form)."""
    form = ctx.form_for(conference)
    known = {field.key for stage in form.stages for field in stage.fields}
    extra_by_stage: dict[str, list[AnswerInfo]] = {}
    for answer in sorted(conference.answers.values(), key=lambda a: a.field_key):
        if answer.field_key not in known:
            extra_by_stage.setdefault(answer.stage_key, []).append(answer)
    blocks = [_conference_summary(conference)]
    for stage in form.stages:
        stage_blocks = _stage_blocks(stage, conference, extra_by_stage.pop(stage.key, []), ctx)
        if stage_blocks:
            blocks.append(_heading(level, escape_heading(f"{stage.number}. {stage.title}")))
            blocks.extend(stage_blocks)
    leftovers = [a for answers in extra_by_stage.values() for a in answers]
    other = [_field_block(None, a.field_key, a, conference, ctx) for a in leftovers]
    if any(other):
        blocks.append(_heading(level, "Other notes"))
        blocks.extend(block for block in other if block)
    return blocks


def _goal_line(goal: GoalInfo, private: bool, ctx: RenderContext) -> str:
    dates = f"set {local_day(goal.set_at)}"
    if goal.closed_at is not None:
        dates += f", {goal.status} {local_day(goal.closed_at)}"
    mark = f" {PRIVATE_MARK}" if private and ctx.shows_private else ""
    lines = escape_lines(goal.text) or [""]
    lines[-1] += f" ({dates}){mark}"
    # Continuation lines are indented so that they stay inside the list item.
    body = "\\\n  ".join(lines)
    return f"- **{goal.status.capitalize()}**: {body}"


def render_goals(notes: StudentNotes, level: int, ctx: RenderContext) -> list[str]:
    shown = [
        goal for goal in notes.goals if ctx.shows_private or goal.id not in notes.private_goal_ids
    ]
    if not shown:
        return []
    lines = [_goal_line(goal, goal.id in notes.private_goal_ids, ctx) for goal in shown]
    return [_heading(level, "Goals"), "\n".join(lines)]


def render_next_step(
    conferences: Iterable[ConferenceInfo], level: int, ctx: RenderContext
) -> list[str]:
    """The newest next step this audience may see."""
    for conference in sorted(conferences, key=lambda c: c.started_at, reverse=True):
        answer = conference.answers.get(NEXT_STEP_FIELD)
        if answer is None or (answer.private and not ctx.shows_private):
            continue
        lines = escape_lines(answer.value)
        if lines:
            mark = f" {PRIVATE_MARK}" if answer.private and ctx.shows_private else ""
            dated = f"*From the conference of {local_minute(conference.started_at)}*{mark}"
            return [_heading(level, "Next step"), hard_breaks([dated, *lines])]
    return []


def _class_line(school_class: ClassInfo) -> str:
    year = f" ({escape_inline(school_class.school_year)})" if school_class.school_year else ""
    return f"{escape_inline(school_class.name)}{year}"


def _learner_notes(notes: StudentNotes, ctx: RenderContext) -> list[str]:
    """What the teacher noted about the learner: the teacher's alone, so never shareable."""
    if not ctx.shows_private:
        return []
    student = notes.student
    values = {
        "interests": student.interests,
        "strengths": student.strengths,
        "needs": student.needs,
    }
    blocks = []
    for key, label in LEARNER_NOTES:
        lines = escape_lines(values[key])
        if lines:
            blocks.append(_labelled(label, lines, True, ctx))
    return blocks


def _student_body(notes: StudentNotes, level: int, ctx: RenderContext) -> list[str]:
    """A student's notes under a heading at `level - 1`: learner notes, conferences, goals."""
    blocks = _learner_notes(notes, ctx)
    for conference in notes.conferences:
        title = f"Conference of {local_minute(conference.started_at)}"
        piece = conference.piece_title
        piece_answer = conference.answers.get("piece_title")
        if piece and (ctx.shows_private or not (piece_answer and piece_answer.private)):
            title += f": {piece}"
        blocks.append(_heading(level, escape_heading(title)))
        blocks.extend(render_conference(conference, level + 1, ctx))
    blocks.extend(render_goals(notes, level, ctx))
    blocks.extend(render_next_step(notes.conferences, level, ctx))
    return blocks


def _audience_line(ctx: RenderContext) -> str:
    if ctx.shows_private:
        return f"Audience: teacher. Private notes are included and marked {PRIVATE_MARK}."
    return "Audience: shareable. Private notes are left out."


def forms_title(ctx: RenderContext, form_ids: Iterable[str]) -> str:
    """The titles of the forms used (by id, in order of first use), once each."""
    titles = dict.fromkeys(ctx.forms.get(form_id, ctx.fallback_form).title for form_id in form_ids)
    return ", ".join(titles) or ctx.fallback_form.title


def _forms_title(ctx: RenderContext, conferences: Iterable[ConferenceInfo]) -> str:
    return forms_title(ctx, (c.form_id for c in conferences))


def _document(header: str, blocks: Sequence[str]) -> str:
    return header + "\n" + "\n\n".join(blocks) + "\n"


def render_conference_file(notes: StudentNotes, ctx: RenderContext) -> str:
    """A file for the one conference in `notes`."""
    conference = notes.conferences[0]
    student = notes.student
    header = front_matter(
        [
            ("student", student.display_name),
            ("class", notes.school_class.name),
            ("date", local_day(conference.started_at)),
            ("form", _forms_title(ctx, notes.conferences)),
            ("audience", ctx.audience.value),
            ("exported", ctx.exported_on.isoformat()),
        ]
    )
    title = f"{student.display_name}: conference of {local_minute(conference.started_at)}"
    blocks = [
        _heading(1, escape_heading(title)),
        f"Class: {_class_line(notes.school_class)}\\\n{_audience_line(ctx)}",
        *render_conference(conference, 2, ctx),
        *render_goals(notes, 2, ctx),
        *render_next_step(notes.conferences, 2, ctx),
    ]
    return _document(header, blocks)


def render_student_file(notes: StudentNotes, ctx: RenderContext) -> str:
    """A file for one student: every conference in the export, oldest first."""
    student = notes.student
    header = front_matter(
        [
            ("student", student.display_name),
            ("class", notes.school_class.name),
            ("date", ctx.exported_on.isoformat()),
            ("form", _forms_title(ctx, notes.conferences)),
            ("audience", ctx.audience.value),
            ("conferences", len(notes.conferences)),
        ]
    )
    blocks = [
        _heading(1, escape_heading(student.display_name)),
        f"Class: {_class_line(notes.school_class)}\\\n{_audience_line(ctx)}",
        *_student_body(notes, 2, ctx),
    ]
    return _document(header, blocks)


def class_file_start(
    school_class: ClassInfo,
    student_names: Sequence[str],
    conferences: int,
    forms: str,
    ctx: RenderContext,
) -> str:
    """The start of a class's file, up to its first student: the file is then written
    a student at a time (`class_file_student`), so a class of any size fits in memory."""
    header = front_matter(
        [
            ("class", school_class.name),
            ("date", ctx.exported_on.isoformat()),
            ("form", forms),
            ("audience", ctx.audience.value),
            ("students", list(student_names)),
            ("conferences", conferences),
        ]
    )
    blocks = [
        _heading(1, escape_heading(school_class.name)),
        f"Class: {_class_line(school_class)}\\\n{_audience_line(ctx)}",
    ]
    return header + "\n" + "\n\n".join(blocks)


def class_file_student(notes: StudentNotes, ctx: RenderContext) -> str:
    """One student's part of a class's file, to follow `class_file_start` or the part
    of the student before."""
    blocks = [_heading(2, escape_heading(notes.student.display_name))]
    blocks.extend(_student_body(notes, 3, ctx))
    return "\n\n" + "\n\n".join(blocks)


CLASS_FILE_END = "\n"
