"""What the history screen writes in its rows and panes, as plain functions of what was
read: the columns of its three tables, each row's cells, the title line, a goal's
detail, the profile, and what the empty Habits tab says."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from conference_tui.store import HabitTally
from conference_tui.store.records import ConferenceSummary, GoalInfo
from conference_tui.store.roster_records import GoalStatus, StudentInfo
from conference_tui.store.text_rules import visible
from conference_tui.tui.widgets.formatting import (
    GROUP_MARK,
    QUIET,
    local_date,
    one_line,
    plain,
    plural,
)
from conference_tui.tui.widgets.tables import ColumnSpec

if TYPE_CHECKING:
    from conference_tui.forms import Form

GOAL_MARK = {
    GoalStatus.ACTIVE: "○ active",
    GoalStatus.MET: "✓ met",
    GoalStatus.REVISED: "↻ revised",
    GoalStatus.DROPPED: "✗ dropped",
}
PROFILE_PARTS = (("interests", "Interests"), ("strengths", "Strengths"), ("needs", "Needs"))

CONFERENCE_COLUMNS = (
    ColumnSpec("state", "", 1),
    ColumnSpec("date", "Date", 10),
    ColumnSpec("piece", "Piece", 16, grows=True),
    ColumnSpec("point", "Teaching point", 20, grows=True),
    ColumnSpec("goal", "Goal set", 18, grows=True),
)
GOAL_COLUMNS = (
    ColumnSpec("goal", "Goal", 36, grows=True),
    ColumnSpec("set", "Set", 10),
    ColumnSpec("closed", "Closed", 10),
    ColumnSpec("how", "How", 9),
)
HABIT_COLUMNS = (
    ColumnSpec("habit", "Habit of Mind", 38, grows=True),
    ColumnSpec("count", "Times", 5),
    ColumnSpec("first", "First seen", 10),
    ColumnSpec("last", "Last seen", 10),
)


def piece_cell(summary: ConferenceSummary, width: int) -> Text:
    """The piece; a small-group conference is marked there (the state column holds one
    mark, and a group's conference most often names no piece)."""
    if not summary.in_group:
        return Text(one_line(summary.piece_title, width))
    label = f"{GROUP_MARK} {summary.piece_title or 'small group'}"
    return Text(one_line(label, width), style="italic")


def summary_cells(summary: ConferenceSummary, widths: dict[str, int]) -> tuple[Text, ...]:
    state = Text()
    if summary.is_draft:
        state.append("✎", style="italic")
    if summary.amended_at is not None:
        state.append("✱", style="bold")
    return (
        state,
        Text(local_date(summary.started_at)),
        piece_cell(summary, widths["piece"]),
        Text(one_line(summary.teaching_point, widths["point"])),
        Text(one_line(summary.goal_set, widths["goal"])),
    )


def goal_cells(goal: GoalInfo, widths: dict[str, int]) -> tuple[Text, ...]:
    return (
        Text(one_line(goal.text, widths["goal"])),
        Text(local_date(goal.set_at)),
        Text(local_date(goal.closed_at) if goal.closed_at else ""),
        plain(GOAL_MARK.get(goal.status, goal.status)),
    )


def habit_cells(tally: HabitTally, widths: dict[str, int]) -> tuple[Text, ...]:
    return (
        Text(one_line(tally.habit, widths["habit"])),
        Text(str(tally.count)),
        Text(local_date(tally.first_seen)),
        Text(local_date(tally.last_seen)),
    )


def history_title(
    name: str,
    conference_count: int,
    goals: list[GoalInfo],
    loaded: Iterable[ConferenceSummary],
    width: int,
) -> Content:
    """The learner's name, how many conferences (and how many loaded) and active goals,
    and the legend of the marks the table shows, if it fits in `width`."""
    summaries = list(loaded)
    active = sum(1 for goal in goals if goal.status == GoalStatus.ACTIVE)
    count = conference_count
    conferences = plural(count, "conference")
    if len(summaries) < count:
        conferences += f" ({len(summaries)} loaded)"
    goals_said = plural(active, "active goal")
    title = Content.assemble((visible(name), "bold"), (f" · {conferences} · {goals_said}", QUIET))
    # Only the marks the table shows: "✎ draft" over a history without one read as
    # if this student had a draft open.
    marks = [
        mark
        for mark, shown in (
            ("✎ draft", any(s.is_draft for s in summaries)),
            ("✱ amended", any(s.amended_at is not None for s in summaries)),
            (f"{GROUP_MARK} small group", any(s.in_group for s in summaries)),
        )
        if shown
    ]
    legend = f" · {' '.join(marks)}" if marks else ""
    if title.cell_length + len(legend) <= width:
        title = Content.assemble(title, (legend, f"{QUIET} italic"))
    return title


def goal_detail(goal: GoalInfo) -> Content:
    """A goal in full: its words, when it was set and where, and how it closed."""
    closed = (
        " · still active"
        if goal.status == GoalStatus.ACTIVE
        else f" · {goal.status} {local_date(goal.closed_at)}"
    )
    return Content.assemble(
        visible(goal.text),
        (f"\nSet {local_date(goal.set_at)}", QUIET),
        " at a conference" if goal.set_by_conference_id else " outside a conference",
        (closed, QUIET),
    )


def no_habits_note(form: Form) -> Text:
    """What the empty Habits tab would show, and where habits are recorded."""
    where = [
        f"{field.label}, stage {form.stage_of(field.key).number}"
        for field in form.fields_of_type("habits")
    ]
    text = Text("No Habits of Mind noticed yet. ", style="bold")
    text.append_text(
        plain(
            f"Those ticked in a conference ({'; '.join(where)}) are counted here: how "
            "often, first and last seen."
            if where
            else "This form records none; a form with a habits field counts them here."
        )
    )
    return text


def profile(student: StudentInfo) -> Content:
    """The learner profile's parts, each said to be not noted yet when empty."""
    parts: list[str | tuple[str, str]] = []
    for key, label in PROFILE_PARTS:
        value = getattr(student, key).strip()
        parts.append((f"{label}\n", "bold"))
        parts.append(visible(f"{value}\n\n") if value else ("not noted yet\n\n", QUIET))
    parts.append(("Press p to edit the profile.", f"{QUIET} italic"))
    return Content.assemble(*parts)
