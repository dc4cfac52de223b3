"""The conference's side panel: the spiral stepper, the timer, and what last time set."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from conference_tui.field_kinds import Kind
from conference_tui.forms import Form, FormStage
from conference_tui.store.records import GoalInfo, LastTime
from conference_tui.store.roster_records import GoalStatus
from conference_tui.tui.widgets.formatting import QUIET, local_date, mm_ss, one_line, plain

STATUS_MARK = {
    GoalStatus.ACTIVE: "○",
    GoalStatus.MET: "✓",
    GoalStatus.REVISED: "↻",
    GoalStatus.DROPPED: "✗",
}


class SpiralStepper(Static):
    """The six stages, the current one marked; a click moves there. A title too long for
    the panel gives way to the stage's short name (the full title heads the stage)."""

    @dataclass
    class StageClicked(Message):
        index: int

    current = reactive(0)

    def __init__(self, stages: tuple[FormStage, ...], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.stages = stages
        self.filled: set[str] = set()
        self.shown = Text()
        self.shown_width = 0

    def mark_filled(self, filled: set[str]) -> None:
        self.filled = filled
        self.refresh_view()

    def watch_current(self) -> None:
        self.refresh_view()

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        text = Text()
        width = max(8, self.size.width - 4) if self.size.width else 22
        for index, stage in enumerate(self.stages):
            here = index == self.current
            mark = "▶" if here else ("●" if stage.key in self.filled else "○")
            name = stage.title if len(stage.title) <= width else stage.short_title
            line = f"{mark} {stage.number} {one_line(name, width)}"
            text.append(line, style="bold reverse" if here else "")
            if index < len(self.stages) - 1:
                text.append("\n")
        # Every autosave marks the filled stages again: an unchanged view costs nothing,
        # and a changed one keeps its size (a line a stage), so only the first needs a
        # layout, and one made for another width: the layout of a resize measured the
        # lines made for the old width (wide titles, two lines each at 80 columns).
        if text != self.shown:
            layout = not self.shown.plain or width != self.shown_width
            self.shown, self.shown_width = text, width
            self.update(text, layout=layout)

    def on_resize(self) -> None:
        self.refresh_view()

    def on_click(self, event: events.Click) -> None:
        if 0 <= event.y < len(self.stages):
            self.post_message(self.StageClicked(event.y))


class ConferenceTimer(Static):
    """Elapsed time against the target; turns to the warning colour when time is up."""

    elapsed = reactive(0)

    def __init__(self, target_seconds: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.target_seconds = target_seconds

    def render(self) -> str:
        left = self.target_seconds - self.elapsed
        state = "time's up" if left <= 0 else f"{mm_ss(left)} left"
        return f"{mm_ss(self.elapsed)} / {mm_ss(self.target_seconds)}  {state}"

    def watch_elapsed(self, elapsed: int) -> None:
        self.set_class(elapsed >= self.target_seconds, "over")
        self.set_class(self.target_seconds - 60 <= elapsed < self.target_seconds, "closing")


class GoalList(OptionList):
    """Last time's goals; m/r/d/a mark the highlighted one met/revised/dropped/active."""

    # Said when a character typed here is none of these keys (see unused_keys.py): the
    # teacher was most likely writing a note.
    UNUSED_KEY_HINT = (
        "Last time's goals take m (met), r (revised), d (dropped), a (still active) and "
        "u (undo); escape goes back to your note."
    )

    BINDINGS = [
        Binding(
            "m",
            "mark('met')",
            "Goal met",
            id="goal.met",
            tooltip="Mark the highlighted goal met",
        ),
        Binding(
            "r",
            "mark('revised')",
            "Revised",
            id="goal.revised",
            tooltip="Mark the highlighted goal revised",
        ),
        Binding(
            "d",
            "mark('dropped')",
            "Dropped",
            id="goal.dropped",
            tooltip="Mark the highlighted goal dropped",
        ),
        Binding(
            "a",
            "mark('active')",
            "Still active",
            id="goal.active",
            tooltip="Mark the highlighted goal still active",
        ),
        Binding(
            "u",
            "screen.undo_goal_mark",
            "Undo mark",
            id="goal.undo",
            tooltip="Undo the last goal marked in this conference",
        ),
        Binding(
            "escape",
            "screen.back_to_field",
            "Back to notes",
            id="goal.back",
            tooltip="Back to the note you were writing",
        ),
    ]

    @dataclass
    class MarkRequested(Message):
        goal_id: str
        status: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Never a tab stop: letters typed as a note must not reach it. ctrl+g hands it
        # focus for one mark.
        self.can_focus = False

    def take_focus(self) -> None:
        self.can_focus = True
        self.focus()

    def on_blur(self) -> None:
        self.can_focus = False

    def action_mark(self, status: str) -> None:
        if self.highlighted is None:
            return
        option = self.get_option_at_index(self.highlighted)
        if option.id:
            self.post_message(self.MarkRequested(option.id, status))


def last_time_fields(form: Form) -> tuple[tuple[str, str], ...]:
    """What "last time" shows of the conference before, as (short label, field key),
    found by what each field is for: the strength noticed, the point taught, the goal
    set and the next step."""
    found = (
        ("Strength", form.field_of_kind(Kind.STRENGTH)),
        ("Taught", form.field_of_kind(Kind.TEACHING_POINT)),
        ("Goal set", form.field_of_kind(Kind.GOAL)),
        ("Next step", form.field_of_kind(Kind.NEXT_STEP)),
    )
    return tuple((label, field.key) for label, field in found if field is not None)


class LastTimePanel(Vertical):
    """What the spiral revisits: the goals open at this conference, and what the
    conference before it noticed, taught and set. One line each; the whole text while
    ctrl+g has the list focused (it scrolls)."""

    def __init__(self, fields: tuple[tuple[str, str], ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields = fields
        self.last = LastTime((), None)
        # What the list was last filled for: a resize to the same width (every first
        # layout sends one) or a focus that changes nothing rebuilds nothing.
        self.filled_for: tuple[LastTime, bool, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static("[b]Last time[/b]", id="last-time-title")
        yield GoalList(id="goal-list")
        yield Static("", id="last-time-empty")

    def show(self, last: LastTime) -> None:
        self.last = last
        title = self.query_one("#last-time-title", Static)
        when = f" ({local_date(last.last_conference_at)})" if last.last_conference_at else ""
        title.update(Content.assemble((f"Last time{when}", "bold"), ("  ctrl+g: goals", QUIET)))
        self.fill()

    @property
    def has_goals(self) -> bool:
        return bool(self.last.active_goals)

    def fill(self) -> None:
        """The options, each on one line unless the list has focus (then whole)."""
        goals = self.query_one(GoalList)
        whole = goals.has_focus
        width = max(8, goals.scrollable_content_region.width or 26)
        last = self.last
        filled = self.filled_for
        if filled is not None and filled[0] is last and filled[1:] == (whole, width):
            return
        self.filled_for = (last, whole, width)
        highlighted = goals.highlighted
        goals.clear_options()
        for goal in last.active_goals:
            goals.add_option(Option(self.goal_label(goal, whole, width), id=goal.id))
        said = [(label, last.last_answers.get(key, "").strip()) for label, key in self.fields]
        # The goal it set is in the list already while it is open.
        listed = {goal.text.strip() for goal in last.active_goals}
        said = [(label, text) for label, text in said if text and text not in listed]
        if said and last.active_goals:
            goals.add_option(None)
        for label, text in said:
            line = Text()
            line.append(f"{label}: ", style="bold")
            line.append_text(
                plain(text) if whole else plain(one_line(text, width - len(label) - 2))
            )
            goals.add_option(Option(line))
        goals.display = bool(goals.option_count)
        if goals.option_count:
            goals.highlighted = min(highlighted or 0, goals.option_count - 1)
        empty = self.query_one("#last-time-empty", Static)
        empty.display = not goals.option_count
        if last.last_conference_at is None:
            empty.update(Content.styled("First conference: no goals yet.", QUIET))
        else:
            empty.update(Content.styled("No goals open, nothing else recorded.", QUIET))

    def goal_label(self, goal: GoalInfo, whole: bool, width: int) -> Text:
        if goal.id in self.last.closed_later:
            after = " (closed later)"
        elif goal.status != GoalStatus.ACTIVE:
            after = f" ({goal.status})"
        else:
            after = ""
        mark = STATUS_MARK.get(goal.status, "?")
        words = goal.text if whole else one_line(goal.text, max(4, width - 2 - len(after)))
        label = plain(f"{mark} {words}")
        label.append(after, style="italic")
        return label

    def on_descendant_focus(self) -> None:
        self.fill()

    def on_descendant_blur(self) -> None:
        self.fill()

    def on_resize(self) -> None:
        self.fill()
