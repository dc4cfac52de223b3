"""The conference's side panel: the spiral stepper, the timer, and what last time set."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from conference_tui.forms import FormStage
from conference_tui.store.records import GOAL_ACTIVE, LastTime
from conference_tui.tui.widgets.formatting import local_date, mm_ss, one_line, plain

STATUS_MARK = {"active": "○", "met": "✓", "revised": "↻", "dropped": "✗"}


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
        self.update(text)

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


class LastTimePanel(Vertical):
    """What the spiral revisits: active goals and the last next step."""

    def compose(self) -> ComposeResult:
        yield Static("[b]Last time[/b]", id="last-time-title")
        yield GoalList(id="goal-list")
        yield Static("", id="last-next-step")

    def show(self, last: LastTime) -> None:
        title = self.query_one("#last-time-title", Static)
        when = f" ({local_date(last.last_conference_at)})" if last.last_conference_at else ""
        title.update(f"[b]Last time{when}[/b]  [dim]ctrl+g: goals[/dim]")
        goals = self.query_one(GoalList)
        highlighted = goals.highlighted
        goals.clear_options()
        for goal in last.active_goals:
            mark = STATUS_MARK.get(goal.status, "?")
            label = plain(f"{mark} {goal.text}")
            if goal.status != GOAL_ACTIVE:
                label.append(f" ({goal.status})", style="italic")
            goals.add_option(Option(label, id=goal.id))
        goals.display = bool(last.active_goals)
        if last.active_goals:
            goals.highlighted = min(highlighted or 0, len(last.active_goals) - 1)
        next_step = last.last_next_step or ""
        if not last.active_goals and not next_step and last.last_conference_at is None:
            body = Text("First conference: no goals yet.", style="dim")
        else:
            body = Text()
            body.append("Next step: ", style="bold")
            body.append_text(plain(next_step) if next_step else Text("none recorded", "dim"))
        self.query_one("#last-next-step", Static).update(body)
