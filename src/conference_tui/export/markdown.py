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

import functools
import json
import re
from collections.abc import Iterable, Sequence

from conference_tui.export.scope import StudentNotes
from conference_tui.export.selection import (
    RenderContext,
    ShownGoal,
    ShownNote,
    ShownRubricRow,
    clean_text,
    conference_sections,
    conference_summary,
    conference_title,
    forms_title,
    learner_notes,
    local_day,
    local_minute,
    newest_next_step,
    shown_goals,
    text_lines,
)
from conference_tui.store.records import ExportConference
from conference_tui.store.roster_records import ClassInfo

PRIVATE_MARK = "(private)"

_INLINE = {char: "\\" + char for char in "\\`*_[]()|~"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE_SPECIAL = re.compile("[" + re.escape("".join(_INLINE)) + "]")
_ORDERED_ITEM = re.compile(r"(\d{1,9})([.)])")
_BLOCK_STARTS = frozenset("#-+=")
# Characters YAML reads as line breaks or refuses raw; json.dumps leaves them raw.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


# -- escaping ---------------------------------------------------------------------


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
    first = line[:1]
    if first in _BLOCK_STARTS:
        return "\\" + line
    # The pattern only where it can match (\d is any decimal digit, as isdecimal).
    ordered = _ORDERED_ITEM.match(line) if first.isdecimal() else None
    if ordered:
        return f"{ordered.group(1)}\\{ordered.group(2)}{line[ordered.end() :]}"
    return line


def escape_lines(text: str) -> list[str]:
    """A person's text as escaped Markdown lines, outer blank lines dropped."""
    escaped = escape_inline(text)
    if "\n" not in escaped:  # as most notes are
        line = _safe_line_start(escaped)
        return [line] if line else []
    lines = [_safe_line_start(line) for line in escaped.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def escape_heading(text: str) -> str:
    """Text for inside a heading: one line, and no # that could close it. (A heading's
    text is inline only, so no other line-start rule applies.)"""
    return " ".join(escape_inline(text).split()).replace("#", "\\#")


# Labels and stage titles come from a few forms and recur in every conference.
@functools.lru_cache(maxsize=1024)
def _escaped_label(label: str) -> str:
    return escape_inline(label)


@functools.lru_cache(maxsize=1024)
def _escaped_title(title: str) -> str:
    return escape_heading(title)


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


def _heading(level: int, text: str) -> str:
    return f"{'#' * min(level, 6)} {text}"


def _mark(private: bool, ctx: RenderContext) -> str:
    return f" {PRIVATE_MARK}" if private and ctx.shows_private else ""


def _note_block(note: ShownNote, ctx: RenderContext) -> str:
    """The label in bold, then the text: one of these per answer shown, so `_mark` and
    `hard_breaks` are written out here rather than called."""
    mark = f" {PRIVATE_MARK}" if note.private and ctx.shows_private else ""
    label = f"**{_escaped_label(note.label)}**{mark}"
    if note.rubric:
        return "\n\n".join([label, _rubric_table(note.rubric)])
    return "\\\n".join([label, *escape_lines(note.text)])


def _cell(text: str) -> str:
    """A person's text as one table cell: its lines joined with " / ", escaped (a `|`
    cannot end the cell), never empty (an empty cell reads as "—")."""
    return " / ".join(escape_inline(line) for line in text_lines(text)) or "—"


def _rubric_table(rows: Sequence[ShownRubricRow]) -> str:
    lines = [
        "| Criterion | Teacher | Student's own | Note |",
        "| --- | --- | --- | --- |",
    ]
    lines.extend(
        f"| {_cell(row.criterion)} | {_cell(row.teacher)} | {_cell(row.student)} "
        f"| {_cell(row.note)} |"
        for row in rows
    )
    return "\n".join(lines)


def render_conference(conference: ExportConference, level: int, ctx: RenderContext) -> list[str]:
    """The conference's summary, then its stages in spiral order, each a heading at
    `level` (see `conference_sections`)."""
    blocks = ["*" + " · ".join(conference_summary(conference)) + "*"]
    for section in conference_sections(conference, ctx):
        blocks.append(_heading(level, _escaped_title(section.title)))
        for note in section.notes:
            blocks.append(_note_block(note, ctx))
    return blocks


def _goal_line(shown: ShownGoal, ctx: RenderContext) -> str:
    lines = escape_lines(shown.goal.text) or [""]
    lines[-1] += f" ({shown.dates}){_mark(shown.private, ctx)}"
    # Continuation lines are indented so that they stay inside the list item.
    body = "\\\n  ".join(lines)
    return f"- **{shown.goal.status.capitalize()}**: {body}"


def render_goals(notes: StudentNotes, level: int, ctx: RenderContext) -> list[str]:
    shown = shown_goals(notes, ctx)
    if not shown:
        return []
    return [_heading(level, "Goals"), "\n".join(_goal_line(goal, ctx) for goal in shown)]


def render_next_step(
    conferences: Iterable[ExportConference], level: int, ctx: RenderContext
) -> list[str]:
    """The newest next step this audience may see."""
    step = newest_next_step(conferences, ctx)
    if step is None:
        return []
    dated = f"*From the conference of {step.day}*{_mark(step.private, ctx)}"
    return [_heading(level, "Next step"), hard_breaks([dated, *escape_lines(step.text)])]


def _class_line(school_class: ClassInfo) -> str:
    year = f" ({escape_inline(school_class.school_year)})" if school_class.school_year else ""
    return f"{escape_inline(school_class.name)}{year}"


def _student_body(notes: StudentNotes, level: int, ctx: RenderContext) -> list[str]:
    """A student's notes under a heading at `level - 1`: learner notes, conferences, goals."""
    blocks = [_note_block(note, ctx) for note in learner_notes(notes, ctx)]
    for conference in notes.conferences:
        blocks.append(_heading(level, escape_heading(conference_title(conference, ctx))))
        blocks.extend(render_conference(conference, level + 1, ctx))
    blocks.extend(render_goals(notes, level, ctx))
    blocks.extend(render_next_step(notes.conferences, level, ctx))
    return blocks


def _audience_line(ctx: RenderContext) -> str:
    if ctx.shows_private:
        return f"Audience: teacher. Private notes are included and marked {PRIVATE_MARK}."
    return "Audience: shareable. Private notes are left out."


def _forms_title(ctx: RenderContext, conferences: Iterable[ExportConference]) -> str:
    return forms_title(ctx, (c.form_id for c in conferences))


def _document(header: str, blocks: Sequence[str]) -> str:
    return header + "\n" + "\n\n".join(blocks) + "\n"


def _conference_blocks(notes: StudentNotes, ctx: RenderContext) -> list[str]:
    conference = notes.conferences[0]
    title = f"{notes.student.display_name}: conference of {local_minute(conference.started_at)}"
    return [
        _heading(1, escape_heading(title)),
        f"Class: {_class_line(notes.school_class)}\\\n{_audience_line(ctx)}",
        *render_conference(conference, 2, ctx),
        *render_goals(notes, 2, ctx),
        *render_next_step(notes.conferences, 2, ctx),
    ]


def render_conference_text(notes: StudentNotes, ctx: RenderContext) -> str:
    """The one conference in `notes` as Markdown without front matter: to paste."""
    return "\n\n".join(_conference_blocks(notes, ctx)) + "\n"


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
    return _document(header, _conference_blocks(notes, ctx))


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
