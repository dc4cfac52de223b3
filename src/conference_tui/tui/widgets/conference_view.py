"""One conference shown in full, read-only, in the order of the feedback spiral.

`conference_renderable` builds the text (usable anywhere a Rich renderable is);
`ConferenceView` is a focusable, scrollable pane that shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from conference_tui.export.selection import STUDENT_WORDS
from conference_tui.field_kinds import (
    RubricPart,
    form_field_key,
    parse_rubric_key,
    rubric_answer_key,
)
from conference_tui.forms import Form, FormField
from conference_tui.rubrics import (
    CriterionTrend,
    level_bar,
    level_name,
    rubric_rows,
    rubric_trends,
)
from conference_tui.store.records import AnswerRevisionInfo, ConferenceInfo, GoalInfo, RubricScore
from conference_tui.store.roster_records import GoalStatus
from conference_tui.store.text_rules import visible
from conference_tui.tui.readable_colours import theme_colour
from conference_tui.tui.widgets.field_editor import MULTI_SEPARATOR
from conference_tui.tui.widgets.formatting import GROUP_MARK, local_datetime

# Fields whose answer fits on the line of its label.
INLINE_TYPES = frozenset({"short_text", "choice", "date"})
LIST_TYPES = frozenset({"multi_choice", "habits"})
INDENT = 2
ITALIC = Style(italic=True)
BOLD = Style(bold=True)
DIM = Style(dim=True)


def answer_text(field: FormField | None, value: str) -> str:
    """An answer as a reader wants it: lists joined with commas, text as written."""
    if field is not None and field.type in LIST_TYPES:
        return ", ".join(part for part in value.split(MULTI_SEPARATOR) if part.strip())
    return value.strip()


@dataclass(frozen=True)
class Ink:
    """The two colours the view adds to the text's own: stage titles, and quiet notes
    (when a note changed, private). A view in the app takes them from its theme."""

    accent: Style = BOLD
    quiet: Style = DIM


def heading(conference: ConferenceInfo, ink: Ink, group_names: Sequence[str] = ()) -> Text:
    text = Text()
    text.append(local_datetime(conference.started_at), style="bold")
    if conference.is_draft:
        text.append("  ✎ draft, not completed", style="italic")
    else:
        text.append(f"  completed {local_datetime(conference.ended_at)}", style=ink.quiet)
    if conference.group_id is not None:
        # For the teacher's eyes: an export names no other member.
        text.append(f"\n{GROUP_MARK} small group", style="italic")
        if group_names:
            text.append(" with ", style=ink.quiet)
            text.append(", ".join(visible(name) for name in group_names))
    if conference.amended_at is not None:
        text.append(f"\n✱ amended {local_datetime(conference.amended_at)}", style="italic")
        text.append(" (earlier text under each change)", style=ink.quiet)
    return text


def field_block(
    field: FormField | None,
    label: str,
    value: str,
    private: bool,
    revisions: Sequence[AnswerRevisionInfo],
    ink: Ink,
    by_student: bool = False,
) -> list[RenderableType]:
    shown = answer_text(field, value)
    line = Text()
    line.append(label, style="bold")
    if private:
        line.append(" (private)", style=ITALIC + ink.quiet)
    if by_student:
        line.append(STUDENT_WORDS, style=ITALIC + ink.quiet)
    parts: list[RenderableType] = []
    if field is not None and field.type in INLINE_TYPES and "\n" not in shown:
        line.append(": ")
        line.append(shown or "—")
        parts.append(Padding(line, (0, 0, 0, INDENT)))
    else:
        parts.append(Padding(line, (0, 0, 0, INDENT)))
        parts.append(Padding(Text(shown or "—"), (0, 0, 0, INDENT * 2)))
    for revision in revisions:
        before = answer_text(field, revision.value) or "(empty)"
        was = Text(style=ink.quiet)
        was.append(f"until changed {local_datetime(revision.replaced_at)}: ", style="italic")
        was.append(before)
        if revision.private != private:
            was.append(" (private)" if revision.private else " (shareable)", style="italic")
        parts.append(Padding(was, (0, 0, 0, INDENT * 2)))
    return parts


def rubric_block(
    field: FormField,
    conference: ConferenceInfo,
    revisions: dict[str, list[AnswerRevisionInfo]],
    ink: Ink,
    scores: Sequence[RubricScore] = (),
) -> list[RenderableType]:
    """A rubric's criteria that hold anything: the teacher's level (T), the student's
    own (S), the note, what an amendment changed, and (given the learner's `scores`)
    each criterion's levels over time. Empty when nothing is noted."""
    trends = {trend.criterion.key: trend for trend in rubric_trends(field, scores)}
    rows = [row for row in rubric_rows(field, conference.value) if not row.is_empty]
    changed = {key: chain for key, chain in revisions.items() if form_field_key(key) == field.key}
    if not rows and not changed:
        return []
    line = Text()
    line.append(field.label, style="bold")
    parts = [key for key, _kind in field.answer_keys()]
    if any(conference.answers[key].private for key in parts if key in conference.answers):
        line.append(" (private)", style=ITALIC + ink.quiet)
    blocks: list[RenderableType] = [Padding(line, (0, 0, 0, INDENT))]
    for row in rubric_rows(field, conference.value):
        keys = [rubric_answer_key(field.key, row.criterion.key, part) for part in RubricPart]
        earlier = [revision for key in keys for revision in changed.get(key, [])]
        if row.is_empty and not earlier:
            continue
        text = Text()
        text.append(f"{row.criterion.name}: ", style="bold")
        text.append(rubric_levels_text(field, row.teacher, row.student))
        if row.note.strip():
            text.append(" — ")
            text.append(row.note.strip())
        blocks.append(Padding(text, (0, 0, 0, INDENT * 2)))
        trend = trends.get(row.criterion.key)
        if trend is not None and max(len(trend.teacher), len(trend.student)) > 1:
            blocks.append(
                Padding(trend_text(field, trend, conference.id, ink), (0, 0, 0, INDENT * 3))
            )
        for revision in sorted(earlier, key=lambda r: r.replaced_at):
            part = parse_rubric_key(revision.field_key)
            was = Text(style=ink.quiet)
            was.append(f"until changed {local_datetime(revision.replaced_at)}: ", style="italic")
            if part is not None and part[2] != RubricPart.NOTE:
                shown = level_name(field, revision.value) or "none"
                was.append(f"{PART_MARK[part[2]]} {shown}")
            else:
                was.append(f"note {revision.value.strip() or '(empty)'}")
            blocks.append(Padding(was, (0, 0, 0, INDENT * 3)))
    return blocks


PART_MARK = {RubricPart.TEACHER: "T", RubricPart.STUDENT: "S"}


def trend_text(field: FormField, trend: CriterionTrend, shown_id: str, ink: Ink) -> Text:
    """ "over time T ▂▄▅ S ▄▅█": each side's levels, oldest first, one bar a conference;
    the conference shown is underlined."""
    text = Text("over time", style=ink.quiet)
    for mark, levels in (("T", trend.teacher), ("S", trend.student)):
        if not levels:
            continue
        text.append(f"  {mark} ", style=ink.quiet)
        for conference_id, value in levels:
            bar = level_bar(value, len(field.levels))
            text.append(bar, style="bold underline" if conference_id == shown_id else "")
    return text


def rubric_levels_text(field: FormField, teacher: str, student: str) -> str:
    """ "T 3 Proficient · S 4 Exceeding": a level not chosen shows as —."""
    return f"T {level_name(field, teacher) or '—'} · S {level_name(field, student) or '—'}"


def goals_block(conference_id: str, goals: Sequence[GoalInfo], ink: Ink) -> list[RenderableType]:
    lines: list[RenderableType] = []
    for goal in goals:
        text = Text()
        if goal.set_by_conference_id == conference_id:
            text.append("set: ", style="bold")
            text.append(goal.text)
            if goal.status != GoalStatus.ACTIVE:
                text.append(f" (later {goal.status})", style=ITALIC + ink.quiet)
        else:
            text.append(f"{goal.status}: ", style="bold")
            text.append(goal.text)
        lines.append(Padding(text, (0, 0, 0, INDENT)))
    return lines


def real_changes(conference: ConferenceInfo) -> dict[str, list[AnswerRevisionInfo]]:
    """Earlier texts per field, oldest first, leaving out any that the next text repeats
    (an amendment that saved a field without changing it)."""
    chains: dict[str, list[AnswerRevisionInfo]] = {}
    for revision in sorted(conference.revisions, key=lambda r: r.replaced_at):
        chains.setdefault(revision.field_key, []).append(revision)
    kept: dict[str, list[AnswerRevisionInfo]] = {}
    for field_key, chain in chains.items():
        answer = conference.answers.get(field_key)
        later = [(r.value.strip(), r.private) for r in chain[1:]]
        later.append((answer.value.strip(), answer.private) if answer else ("", chain[-1].private))
        changed = [
            r
            for r, after in zip(chain, later, strict=True)
            if (r.value.strip(), r.private) != after
        ]
        if changed:
            kept[field_key] = changed
    return kept


def conference_renderable(
    conference: ConferenceInfo,
    form: Form,
    goals: Sequence[GoalInfo] = (),
    ink: Ink = Ink(),
    scores: Sequence[RubricScore] = (),
    group_names: Sequence[str] = (),
) -> Group:
    """The whole conference: a heading, then each stage's notes in spiral order.

    Empty notes are left out; a stage with none says so. Private notes are marked.
    Notes changed by an amendment show every earlier text with when it was replaced.
    Notes under fields the form no longer has come last, so nothing is hidden.
    """
    revisions = real_changes(conference)

    parts: list[RenderableType] = [heading(conference, ink, group_names)]
    known: set[str] = set()
    for stage in form.stages:
        parts.append(Text(""))
        parts.append(Text(f"{stage.number}. {stage.title}", style=ink.accent))
        shown = 0
        for field in stage.fields:
            known.update(key for key, _kind in field.answer_keys())
            if field.type == "rubric":
                rubric = rubric_block(field, conference, revisions, ink, scores)
                shown += bool(rubric)
                parts.extend(rubric)
                continue
            answer = conference.answers.get(field.key)
            changed = revisions.get(field.key, [])
            if (answer is None or not answer.value.strip()) and not changed:
                continue
            shown += 1
            parts.extend(
                field_block(
                    field,
                    field.label,
                    answer.value if answer else "",
                    answer.private if answer else field.private,
                    changed,
                    ink,
                    by_student=bool(answer and answer.by_student),
                )
            )
        if not shown:
            nothing = Text("nothing noted", style=ITALIC + ink.quiet)
            parts.append(Padding(nothing, (0, 0, 0, INDENT)))

    others = [a for key, a in conference.answers.items() if key not in known and a.value.strip()]
    if others:
        parts.append(Text(""))
        parts.append(Text("Other notes (fields not in this form)", style=ink.accent))
        for answer in sorted(others, key=lambda a: a.field_key):
            parts.extend(
                field_block(
                    None,
                    answer.field_key,
                    answer.value,
                    answer.private,
                    revisions.get(answer.field_key, []),
                    ink,
                    by_student=answer.by_student,
                )
            )
    if goals:
        parts.append(Text(""))
        parts.append(Text("Goals this conference set or closed", style=ink.accent))
        parts.extend(goals_block(conference.id, goals, ink))
    return Group(*parts)


class ConferenceView(VerticalScroll):
    """A read-only, scrollable view of one conference (arrow keys scroll it when focused)."""

    DEFAULT_CLASSES = "conference-view"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # What is shown, to paint it again in the colours of a new theme.
        self.shown: (
            tuple[ConferenceInfo, Form, Sequence[GoalInfo], Sequence[RubricScore], Sequence[str]]
            | None
        ) = None
        self.message = ""

    def compose(self) -> ComposeResult:
        yield Static("", classes="conference-view-body")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.paint())

    def on_unmount(self) -> None:
        # Textual forgets a removed widget's subscription only when the theme next
        # changes: until then it would keep the view, and its screen, alive.
        self.app.theme_changed_signal.unsubscribe(self)

    def ink(self) -> Ink:
        muted = theme_colour(self.app, "text-muted")
        return Ink(
            accent=Style(bold=True, color=theme_colour(self.app, "text-primary")),
            # An ANSI theme's muted text is the terminal's dim.
            quiet=DIM if muted is None else Style(color=muted),
        )

    def show(
        self,
        conference: ConferenceInfo,
        form: Form,
        goals: Sequence[GoalInfo] = (),
        scores: Sequence[RubricScore] = (),
        group_names: Sequence[str] = (),
    ) -> None:
        """`scores`: the learner's rubric levels (Store.rubric_scores), for the trends;
        `group_names`: the other members of a small group it was held with."""
        self.shown = (conference, form, goals, scores, group_names)
        self.paint()
        self.scroll_home(animate=False)

    def show_message(self, message: str) -> None:
        self.shown, self.message = None, message
        self.paint()
        self.scroll_home(animate=False)

    def paint(self) -> None:
        body = self.query_one(".conference-view-body", Static)
        if self.shown is None:
            body.update(Text(self.message, style=self.ink().quiet))
        else:
            conference, form, goals, scores, names = self.shown
            body.update(conference_renderable(conference, form, goals, self.ink(), scores, names))
