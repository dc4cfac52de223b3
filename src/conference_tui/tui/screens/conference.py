"""The conference: the six spiral stages, autosaved as the teacher types.

The screen is opened (or refilled for the next student) here; its parts are mixins in
modules of their own, sharing the state declared in conference_state.py:
conference_stages (moving between stages), conference_side (the student's heading and
last time's goals), conference_student_turn (ctrl+n, ctrl+t), conference_piece (ctrl+r),
conference_autosave (saving what is typed) and conference_closing (ctrl+s, escape).
What a conference opens with is read before the screen is pushed: conference_opening.
"""

from __future__ import annotations

import logging
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker

from conference_tui.failure_log import log_failure
from conference_tui.forms import HABITS_OF_MIND, FormStage
from conference_tui.store.records import ConferenceInfo, LastTime
from conference_tui.tui.copying import CopiesConference, copy_bindings
from conference_tui.tui.draft_session import DraftSession, WritesInOrder
from conference_tui.tui.draft_start import DraftStart
from conference_tui.tui.key_gate import take_down
from conference_tui.tui.screens.base import ClosesOverDialogs
from conference_tui.tui.screens.conference_autosave import SAVE_INTERVAL_SECONDS, Autosave
from conference_tui.tui.screens.conference_closing import ConferenceClosing
from conference_tui.tui.screens.conference_opening import Opened
from conference_tui.tui.screens.conference_piece import SamePiece
from conference_tui.tui.screens.conference_side import SidePanel
from conference_tui.tui.screens.conference_stages import StageNavigation
from conference_tui.tui.screens.conference_student_turn import StudentTurnHandover
from conference_tui.tui.widgets.field_editor import FieldEditor, join_in_list_order
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.spiral import (
    ConferenceTimer,
    GoalList,
    LastTimePanel,
    SpiralStepper,
    last_time_fields,
)
from conference_tui.tui.widgets.stage_pane import StagePane

log = logging.getLogger(__name__)


class ConferenceScreen(
    StageNavigation,
    SidePanel,
    StudentTurnHandover,
    SamePiece,
    Autosave,
    ConferenceClosing,
    CopiesConference,
    ClosesOverDialogs[Any],
):
    """One conference on screen: opened, or refilled for the next student, here; its
    parts (the stages, the side panel, the student's turn, the same piece, the
    autosave, closing) are the mixins above, in modules of their own."""

    CSS_PATH = "conference.tcss"
    # From 110 columns the stage list is wide enough for every stage's whole title.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding(
            "pagedown",
            "next_stage",
            "Next stage",
            priority=True,
            id="conference.next",
            tooltip="Next spiral stage (works inside a text field too)",
        ),
        Binding(
            "pageup",
            "previous_stage",
            "Prev stage",
            priority=True,
            id="conference.prev",
            tooltip="Previous spiral stage",
        ),
        Binding(
            "ctrl+s",
            "complete",
            "Complete",
            priority=True,
            id="conference.complete",
            tooltip="Complete the conference and go back",
        ),
        # One key, named for what it does here: a completed conference is never a draft.
        Binding(
            "escape",
            "leave('draft')",
            "Draft & back",
            id="conference.leave",
            tooltip="Keep as a draft and go back; it reopens where you left it",
        ),
        Binding(
            "escape",
            "leave('completed')",
            "Back",
            id="conference.leave",
            tooltip="Back from a completed conference; a change made to it asks first: "
            "keep it as an amendment, or discard it",
        ),
        Binding(
            "ctrl+t",
            "toggle_private",
            "Private?",
            priority=True,
            id="conference.private",
            tooltip="Mark the current note private (teacher only) or shareable",
        ),
        Binding(
            "ctrl+r",
            "same_piece",
            "Same piece",
            priority=True,
            id="conference.same_piece",
            tooltip="Same piece as last time: fill the piece and genre from the previous "
            "conference (a field already filled keeps its text)",
        ),
        Binding(
            "ctrl+n",
            "student_turn",
            "Student's turn",
            priority=True,
            id="conference.student_turn",
            tooltip="Hand the screen to the student: their own questions only, no private "
            "note; ctrl+n then ctrl+t takes it back",
        ),
        Binding(
            "ctrl+g",
            "focus_goals",
            "Goals",
            id="conference.goals",
            tooltip="Go to last time's goals: m met, r revised, d dropped, a still active",
        ),
        *copy_bindings("conference"),
    ]

    def __init__(
        self,
        opened: Opened,
        *,
        stage_key: str | None = None,
        field_key: str | None = None,
        amend: bool = False,
    ) -> None:
        super().__init__()
        # The autosave's interval, the clock's, and each premount's timer: a conference
        # that ends stops them, so that none acts on the next one shown here.
        self.timers: list[Timer] = []
        self.begin(opened, stage_key=stage_key, field_key=field_key, amend=amend)
        self.pane = self.new_stage_pane()

    def begin(
        self, opened: Opened, *, stage_key: str | None, field_key: str | None, amend: bool
    ) -> None:
        """Everything that belongs to one conference. The app keeps this screen and
        refills it for the next student: every piece of a conference's state is set here,
        so that nothing of the last one (a warning given, a goal to undo, a draft) is
        carried into the next."""
        self.opened = opened
        self.form = opened.form
        self.conference = opened.conference
        self.start = DraftStart(opened.conference, self.conference_app.editor_id)
        self.student = opened.student
        self.amend = amend
        keys = [stage.key for stage in self.stages]
        wanted = stage_key or self.conference.current_stage
        self.stage_index = keys.index(wanted) if wanted in keys else 0
        # Asked for (a search hit's note), or where the teacher left the draft, or (at
        # another stage asked for) its first field.
        self.current_field = field_key or ("" if stage_key else self.conference.current_field)
        # The autosave of the conference once it has opened.
        self.draft: DraftSession | None = None
        self.writes = WritesInOrder()
        self.after_save: str | None = None
        # A failed save is being checked for a conference removed elsewhere (and the
        # conference kept in a new draft, if it was).
        self.checking_removed = False
        self.elapsed_base = 0
        self.clock_started = 0.0
        self.closing = False
        self.dismissed = False
        self.read_only_told = False
        # The unsaved fields the teacher was last warned of on escape: a second escape
        # leaves without them; a new problem is warned of again.
        self.leave_warned_of: dict[str, tuple[str, str]] = {}
        self.last_time = LastTime((), None)
        # The goal last marked here and the status it had: `u` in the goal list undoes it.
        self.goal_undo: tuple[str, str] | None = None
        self.goals_before: dict[str, str] = {}
        # What the last mark said (how to undo it): true only in this conference.
        self.goal_notice = ""
        # Why ctrl+s or escape stopped short ("Empty conference"...): untrue once it closes.
        self.stopped_notices: list[str] = []
        self.empty_warned = False
        # The past follow-up the teacher was last asked about on ctrl+s: a second ctrl+s
        # with the same date keeps it, as enter in the field does.
        self.past_warned = ""
        self.save_worker: Worker[None] | None = None
        # When ctrl+n last could not hand the screen over: a ctrl+t right after it is
        # the chord that takes it back, not a privacy switch.
        self.student_turn_refused_at: float | None = None

    def open_draft_session(self, conference: ConferenceInfo, *, amend: bool) -> DraftSession:
        return DraftSession.open(
            conference,
            amend=amend,
            habits={
                field.key: (self.recorded_habits(), field.private)
                for field in self.form.fields_of_type("habits")
            },
        )

    def new_stage_pane(self) -> StagePane:
        """The fields of this conference, new."""
        return StagePane(
            self.stages,
            self.conference.answers,
            self.recorded_habits(),
            self.stages[self.stage_index],
            id="stage-pane",
        )

    @property
    def conference_id(self) -> str:
        """The conference's id; "" while a new one is not written yet."""
        return self.conference.id

    @property
    def student_id(self) -> str:
        return self.conference.student_id

    @property
    def stages(self) -> tuple[FormStage, ...]:
        return self.form.stages

    @property
    def stage_pane(self) -> StagePane:
        return self.pane

    @property
    def editors(self) -> dict[str, FieldEditor]:
        return self.stage_pane.editors

    # -- layout, opening and refilling ------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="conference-layout"):
            yield self.pane
            with Vertical(id="spiral-side"):
                yield Static("", id="student-name")
                yield SpiralStepper(self.stages, id="stepper")
                yield ConferenceTimer(self.conference_app.settings.target_seconds, id="timer")
                yield LastTimePanel(last_time_fields(self.form), id="last-time")
        yield KeysFooter()

    def recorded_habits(self) -> str:
        return join_in_list_order(self.conference.habits, HABITS_OF_MIND)

    def on_mount(self) -> None:
        self.build_or_close()

    def build_or_close(self) -> None:
        try:
            self.build()
        except Exception as exc:
            # The notes are safe in the database; what could not be drawn is logged.
            log_failure(log, "could not show the conference", exc)
            self.could_not_open(
                "The conference could not be shown; nothing typed was lost. Details are in "
                "the log (`conference-tui locate` shows where)."
            )

    def can_refill(self, opened: Opened) -> bool:
        """Whether the next conference can be shown in this screen: it has closed, and
        the next is held with the same form (whose stages the side panel shows)."""
        app = self.app
        return self.is_mounted and self not in app.screen_stack and opened.form == self.form

    async def refill(
        self,
        opened: Opened,
        *,
        stage_key: str | None = None,
        field_key: str | None = None,
        amend: bool = False,
    ) -> ConferenceScreen:
        """Make this screen, kept from the last conference, the next one's before it is
        pushed again: composing the header, side panel, footer and fields again would
        double the teacher's wait. The fields are refilled, each with its undo history
        begun again (see `StagePane.refill`; new ones where a rubric's cannot be);
        everything else is filled again, so that the screen is drawn once, whole. Raises
        what building it raised: it is then not shown."""
        old = self.pane
        self.begin(opened, stage_key=stage_key, field_key=field_key, amend=amend)
        if old.can_refill():
            await old.refill(
                self.conference.answers, self.recorded_habits(), self.stages[self.stage_index]
            )
        else:
            await self.replace_stage_pane(old)
        # Last time's panel is new too: one filled again kept the last student's place in
        # its list and the height and width it was laid out at, which cut this one's.
        await self.query_one(LastTimePanel).remove()
        await self.query_one("#spiral-side", Vertical).mount(
            LastTimePanel(last_time_fields(self.form), id="last-time")
        )
        self.build()
        self.refresh_bindings()  # escape's name: a draft's, or a completed conference's
        return self

    async def replace_stage_pane(self, old: StagePane) -> None:
        """New fields for the next conference, where the old ones cannot be refilled."""
        self.pane = self.new_stage_pane()
        # Textual forgets a removed field's subscription to its screen's signal only when
        # the signal next fires (a text selection starting): a kept screen would keep
        # every field of every conference alive.
        for node in list(old.walk_children(with_self=True)):
            self.text_selection_started_signal.unsubscribe(node)
        await old.remove()
        await self.query_one("#conference-layout", Horizontal).mount(self.pane, before=0)

    def close(self) -> None:
        super().close()
        # The conference is over; the screen may be kept for the next one. Nothing of
        # this one may act on that (an autosave, a premount, a goal's late answer), as
        # nothing acts on a screen that is gone.
        for timer in self.timers:
            timer.stop()
        self.timers.clear()
        self.workers.cancel_node(self)
        # "To undo: ctrl+g, then u" would be read as about the next student's goals, and
        # "Nothing is recorded in this conference yet" over the roster as the notes lost.
        for notice in (self.goal_notice, *self.stopped_notices):
            take_down(self.app, notice)
        # Textual puts the notices back on a screen as it resumes, after its first frame:
        # kept, this one would flash this conference's notices over the next student's.
        for rack in self.query("#textual-toastrack"):
            rack.remove_children()

    def could_not_open(self, message: str) -> None:
        # Keys typed after it were meant for the conference: dropped, and counted.
        self.conference_app.key_gate.refuse(
            message, title="Cannot open the conference", severity="error", timeout=10
        )
        self.close()

    def build(self) -> None:
        """Everything but the fields of the first stage, which came with the screen."""
        conference, opened = self.conference, self.opened
        self.elapsed_base = conference.elapsed_seconds
        self.clock_started = self.conference_app.monotonic()
        self.draft = self.open_draft_session(conference, amend=self.amend)
        self.last_time = opened.last_time
        self.query_one(LastTimePanel).show(opened.last_time)
        # The timer is for the conference happening now, not for amending an old one.
        timer = self.query_one(ConferenceTimer)
        timer.display = conference.is_draft
        timer.elapsed = self.elapsed_base
        self.show_student_heading()
        self.go_to_stage(self.stage_index, focus=False)
        self.focus_current_field()
        self.update_filled()
        if opened.open_elsewhere:
            self.warn_open_elsewhere()
        self.timers += [
            self.set_interval(SAVE_INTERVAL_SECONDS, self.flush),
            self.set_interval(1, self.tick),
        ]

    # -- messages from the screen's widgets ------------------------------------------
    # Textual finds @on handlers only in the namespaces of its own classes (the parts
    # above are plain mixins), so they are routed from here.

    @on(FieldEditor.Changed)
    def field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self.queue_if_unsaved(event.editor)

    @on(SpiralStepper.StageClicked)
    def stage_clicked(self, event: SpiralStepper.StageClicked) -> None:
        self.go_to_stage(event.index)

    @on(GoalList.MarkRequested)
    def goal_mark_requested(self, event: GoalList.MarkRequested) -> None:
        self.mark_goal(event)
