"""The conference: the six spiral stages, autosaved as the teacher types."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on
from textual._time import get_time
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from conference_tui.failure_log import log_failure
from conference_tui.field_kinds import Kind, form_field_key
from conference_tui.forms import HABITS_OF_MIND, Form, FormStage
from conference_tui.store.records import (
    AmendmentStart,
    BatchSaved,
    ConferenceInfo,
    LastTime,
    PreviousPiece,
    Progress,
)
from conference_tui.store.roster_records import StudentInfo
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.copying import CopiesConference, copy_bindings
from conference_tui.tui.draft_session import (
    PROGRESS_EVERY_SECONDS,
    Batch,
    DraftSession,
    WritesInOrder,
)
from conference_tui.tui.key_gate import take_down
from conference_tui.tui.screens.amend_dialog import AmendmentChoice, KeepOrDiscardDialog
from conference_tui.tui.screens.base import ClosesOverDialogs
from conference_tui.tui.screens.student_turn import CHORD_SECONDS, StudentTurnScreen
from conference_tui.tui.widgets.field_editor import (
    FieldEditor,
    join_in_list_order,
)
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import (
    QUIET,
    local_date,
    local_datetime,
    mm_ss,
    one_line,
)
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.spiral import (
    ConferenceTimer,
    GoalList,
    LastTimePanel,
    SpiralStepper,
    last_time_fields,
)
from conference_tui.tui.widgets.stage_pane import StagePane

if TYPE_CHECKING:
    from conference_tui.store import Store

log = logging.getLogger(__name__)

SAVE_INTERVAL_SECONDS = 0.4
PREMOUNT_AFTER_SECONDS = 1.0


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
    """Everything a conference opens with, read (a new draft started, unless one is given)
    before its screen is pushed, so that the screen is drawn once, whole. With
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
        conference = store.start_conference(
            student_id, form.id, form.version, form.stages[0].key, editor_id
        )
    form = forms.held_with(conference)
    # A draft started just now was marked open here as it was made (a write less for n);
    # one reopened, or another copy's that won a start at the same moment, is asked.
    marked_here = bool(editor_id) and conference.editor_id == editor_id
    elsewhere = (
        conference.is_draft
        and not marked_here
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


def warm_opening(store: Store, forms: FormChoice, student_id: str) -> None:
    """The reads a conference opens with, made once for nothing as the app settles:
    SQLAlchemy builds each statement's SQL on its first use, which was half of the first
    `n`'s read (30 ms, against 15 for the next). Reads only: nothing is started or
    written."""
    store.draft_for_student(student_id)
    student = store.get_student(student_id)
    form = forms.for_class(store.get_class(student.class_id).default_form)
    store.last_time(student_id, None, [key for _label, key in last_time_fields(form)])


def read_last_time(store: Store, form: Form, conference: ConferenceInfo) -> LastTime:
    """What this conference revisits, as it stood when it was held."""
    keys = [key for _label, key in last_time_fields(form)]
    return store.last_time(conference.student_id, conference.id, keys)


def answers_of(editor: FieldEditor) -> dict[str, str]:
    return {key: value for key, value, _kind in editor.parts()}


class ConferenceScreen(CopiesConference, ClosesOverDialogs[Any]):
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
        self, opened: Opened, *, stage_key: str | None = None, amend: bool = False
    ) -> None:
        super().__init__()
        # The autosave's interval, the clock's, and each premount's timer: a conference
        # that ends stops them, so that none acts on the next one shown here.
        self.timers: list[Timer] = []
        self.begin(opened, stage_key=stage_key, amend=amend)
        self.pane = self.new_stage_pane()

    def begin(self, opened: Opened, *, stage_key: str | None, amend: bool) -> None:
        """Everything that belongs to one conference. The app keeps this screen and
        refills it for the next student: every piece of a conference's state is set here,
        so that nothing of the last one (a warning given, a goal to undo, a draft) is
        carried into the next."""
        self.opened = opened
        self.form = opened.form
        self.conference = opened.conference
        self.student = opened.student
        self.amend = amend
        keys = [stage.key for stage in self.stages]
        wanted = stage_key or self.conference.current_stage
        self.stage_index = keys.index(wanted) if wanted in keys else 0
        self.current_field = "" if stage_key else self.conference.current_field
        # The autosave of the conference once it has opened.
        self.draft: DraftSession | None = None
        self.writes = WritesInOrder()
        self.after_save: str | None = None
        self.elapsed_base = 0
        self.clock_started = 0.0
        self.closing = False
        self.dismissed = False
        # The unsaved fields the teacher was last warned of on escape: a second escape
        # leaves without them; a new problem is warned of again.
        self.leave_warned_of: dict[str, tuple[str, str]] = {}
        self.last_time = LastTime((), None)
        # The goal last marked here and the status it had: `u` in the goal list undoes it.
        self.goal_undo: tuple[str, str] | None = None
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

    # -- layout --------------------------------------------------------------------

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
        self, opened: Opened, *, stage_key: str | None = None, amend: bool = False
    ) -> ConferenceScreen:
        """Make this screen, kept from the last conference, the next one's before it is
        pushed again: composing the header, side panel, footer and fields again would
        double the teacher's wait. The fields are refilled, each with its undo history
        begun again (see `StagePane.refill`; new ones where a rubric's cannot be);
        everything else is filled again, so that the screen is drawn once, whole. Raises
        what building it raised: it is then not shown."""
        old = self.pane
        self.begin(opened, stage_key=stage_key, amend=amend)
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
        self.draft = DraftSession.open(
            conference,
            amend=self.amend,
            habits={
                field.key: (self.recorded_habits(), field.private)
                for field in self.form.fields_of_type("habits")
            },
        )
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
            self.notify(
                "This draft is open in another copy of the app too (another window or "
                "laptop). Type in one of them: a field changed in both is never "
                "overwritten; you are shown both texts.",
                title="Open elsewhere",
                severity="warning",
                timeout=12,
            )
        self.timers += [
            self.set_interval(SAVE_INTERVAL_SECONDS, self.flush),
            self.set_interval(1, self.tick),
        ]

    def show_student_heading(self) -> None:
        heading = Content.styled(visible(self.student.display_name), "bold")
        if not self.conference.is_draft:
            heading = Content.assemble(
                heading,
                (
                    f"\nCompleted {local_datetime(self.conference.ended_at)}; "
                    "changes are kept as an amendment.",
                    QUIET,
                ),
            )
        if self.conference.group_id and not self.conference.is_draft:
            # Each member holds a copy of the group's notes: amending one is theirs alone.
            heading = Content.assemble(
                heading,
                (
                    "\nA small group's conference: a change here is this student's alone.",
                    "$text-warning",
                ),
            )
        self.query_one("#student-name", Static).update(heading)
        self.sub_title = f"Conference · {self.student.display_name}"

    # -- stages and fields ---------------------------------------------------------

    def go_to_stage(self, index: int, focus: bool = True) -> None:
        index = max(0, min(index, len(self.stages) - 1))
        self.stage_index = index
        if not self.stage_pane.show(index):
            # Keys typed right after pagedown wait for the next stage's fields.
            self.conference_app.key_gate.hold(self.stage_pane, "the next stage")
            # The work, not a coroutine made now: a worker that never starts (the screen
            # closing first) leaves no coroutine unawaited.
            self.run_worker(
                partial(self.show_when_mounted, index, focus),
                group="conference-page",
                exit_on_error=False,
            )
            return
        self.query_one(SpiralStepper).current = index
        if self.draft is not None:
            self.draft.progress_dirty = True
        if focus:
            self.current_field = ""
            self.focus_current_field()
        # Mount the next stage while the teacher is busy with this one, so that
        # pagedown is instant and keys typed right after it land in the new stage.
        self.timers.append(self.set_timer(PREMOUNT_AFTER_SECONDS, lambda: self.premount(index + 1)))

    def premount(self, index: int) -> None:
        if index < len(self.stages) and not self.closing:
            self.run_worker(
                partial(self.stage_pane.ensure_page, self.stages[index]),
                group="conference-premount",
                exit_on_error=False,
            )

    async def show_when_mounted(self, index: int, focus: bool) -> None:
        try:
            await self.stage_pane.ensure_page(self.stages[index])
            if self.stage_index == index:
                self.go_to_stage(index, focus)
        finally:
            # Whatever happened, keys must not wait for a stage that will not come.
            self.conference_app.key_gate.release(self.stage_pane)

    def focus_current_field(self) -> None:
        self.stage_pane.focus_field(self.stage_index, self.current_field)

    def action_next_stage(self) -> None:
        self.go_to_stage(self.stage_index + 1)

    def action_previous_stage(self) -> None:
        self.go_to_stage(self.stage_index - 1)

    @on(SpiralStepper.StageClicked)
    def stage_clicked(self, event: SpiralStepper.StageClicked) -> None:
        self.go_to_stage(event.index)

    def on_descendant_focus(self) -> None:
        editor = self.focused_editor()
        if editor is not None and editor.field_key != self.current_field:
            self.current_field = editor.field_key
            if self.draft is not None:
                self.draft.progress_dirty = True

    def focused_editor(self) -> FieldEditor | None:
        return self.stage_pane.editor_holding(self.focused)

    def action_toggle_private(self) -> None:
        refused, self.student_turn_refused_at = self.student_turn_refused_at, None
        if refused is not None and self.conference_app.monotonic() - refused <= CHORD_SECONDS:
            # The teacher's habit, ctrl+n then ctrl+t, after a handover that never began.
            self.notify(
                "The student's turn did not start, so there is nothing to take back and "
                "nothing changed. ctrl+t again marks the field private or shareable."
            )
            return
        editor = self.focused_editor()
        if editor is None:
            self.notify("Move to a field first (tab), then ctrl+t marks it private or shareable.")
            return
        editor.toggle_private()
        state = "private: left out of shareable exports" if editor.private else "shareable"
        self.notify(f"{editor.form_field.label}: {state}.", timeout=3)

    def action_student_turn(self) -> None:
        """Hand the screen to the student: the fields the form lets them fill in, each
        not marked private, on a screen of their own."""
        if self.draft is None or self.closing:
            return
        self.student_turn_refused_at = self.conference_app.monotonic()
        if not self.conference.is_draft:
            self.notify("The student's turn is for a conference happening now, not an amendment.")
            return
        stages = [stage for stage in self.stages if any(f.student for f in stage.fields)]
        if not stages:
            self.notify(
                "This form has no question for the student to answer: a field with "
                "student = true in the form file is one."
            )
            return
        gate = self.conference_app.key_gate
        # Keys typed after ctrl+n are the student's: they wait for the screen.
        gate.hold(self, "the student's turn", part="student")

        async def hand_over() -> None:
            try:
                # Every field the student may fill is mounted here too, so what they type
                # is on the teacher's screen when it comes back.
                for stage in stages:
                    await self.stage_pane.ensure_page(stage)
                fields = [
                    (editor.form_field, editor.stage_key, answers_of(editor))
                    for stage in stages
                    for field in stage.fields
                    if field.student and not (editor := self.editors[field.key]).private
                ]
                if not fields:
                    # Keys typed after ctrl+n were the student's: dropped, and counted.
                    gate.refuse("Every question for the student is marked private (ctrl+t).")
                    return
                self.student_turn_refused_at = None
                name = self.student.preferred_name or self.student.name.split()[0]
                self.app.push_screen(
                    StudentTurnScreen(name, fields, self.student_typed), self.taken_back
                )
            except Exception as exc:
                log_failure(log, "could not hand the screen to the student", exc)
                gate.refuse(
                    "The student's turn could not start; the conference is as it was. Details "
                    "are in the log (`conference-tui locate` shows where).",
                    severity="error",
                )
            finally:
                gate.release(self, part="student")

        self.run_worker(hand_over, group="student-turn", exit_on_error=False)

    def student_typed(self, editor: FieldEditor) -> None:
        """The student changed a field: saved as theirs, and shown on this screen too."""
        mine = self.editors[editor.field_key]
        self.queue_parts(mine, editor.parts(), by_student=True)
        mine.show_parts(answers_of(editor))

    def taken_back(self, _: object) -> None:
        self.focus_current_field()
        app = self.conference_app
        held, app.held_notices = app.held_notices, []
        for notice in held:
            notice()
        self.notify("Back to you: what the student wrote is in the conference, marked as theirs.")

    def action_focus_goals(self) -> None:
        goals = self.query_one(GoalList)
        if goals.display and goals.option_count:
            goals.take_focus()
        else:
            self.notify("Nothing from last time: no goals open, nothing recorded.", timeout=3)

    def action_same_piece(self) -> None:
        """The student says it is the same piece: read the previous conference's."""
        if self.draft is None or self.closing:
            return
        store = self.conference_app.store
        conference_id = self.conference.id
        gate = self.conference_app.key_gate
        # Keys typed after ctrl+r (tab, then the purpose) come once the fields are filled.
        gate.hold(self, "the piece from last time", part="piece")

        def failed(message: str) -> None:
            gate.release(self, part="piece")
            self.notify(message, title="Piece not filled", severity="error", timeout=8)

        run_in_background(
            self,
            lambda: store.previous_piece(conference_id),
            lambda piece: self.run_worker(
                partial(self.fill_piece, piece), group="conference-piece", exit_on_error=False
            ),
            group="read-piece",
            failed=failed,
        )

    async def fill_piece(self, piece: PreviousPiece | None) -> None:
        """Fill the piece's empty fields (mounting their stage if it was never shown); a
        field with text of its own keeps it, and the teacher is told."""
        try:
            answers = {
                key: value for key, value in (piece.answers if piece else {}).items() if value
            }
            if piece is None or not answers:
                self.notify("No earlier conference names a piece: type its title.", timeout=5)
                return
            filled: list[str] = []
            kept: list[str] = []
            form = self.form
            for key, value in answers.items():
                try:
                    stage = form.stage_of(key)
                except KeyError:  # a form of the school's own, without this field
                    continue
                await self.stage_pane.ensure_page(stage)
                if self.closing:
                    return
                editor = self.editors[key]
                current = editor.value().strip()
                if current and current != value:
                    kept.append(editor.form_field.label)
                    continue
                editor.fill(value)
                self.queue_if_unsaved(editor)
                filled.append(value)
            day = local_date(piece.conference_at)
            words = f"Same piece as on {day}: {' · '.join(filled)}." if filled else ""
            if kept:
                words += (
                    f" {' and '.join(kept)} kept as typed (last time: "
                    f"{' · '.join(answers.values())})."
                )
            self.notify(words.strip(), timeout=6, markup=False)
        finally:
            self.conference_app.key_gate.release(self, part="piece")

    def update_filled(self) -> None:
        """Mark the stages that hold notes, opened on screen yet or not."""
        assert self.draft is not None
        form = self.form
        filled = set()
        for key in self.draft.fields_with_text():
            with contextlib.suppress(KeyError):
                filled.add(form.stage_of(key).key)
        self.query_one(SpiralStepper).mark_filled(filled)

    # -- autosave ------------------------------------------------------------------

    @on(FieldEditor.Changed)
    def field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self.queue_if_unsaved(event.editor)

    def queue_if_unsaved(self, editor: FieldEditor) -> None:
        self.queue_parts(editor, editor.parts())

    def queue_parts(
        self,
        editor: FieldEditor,
        parts: list[tuple[str, str, Kind | None]],
        *,
        by_student: bool = False,
    ) -> None:
        """Queue the answers `parts` of `editor`'s field that the store does not hold."""
        if self.draft is None:
            return
        typed_at = self.conference_app.key_gate.last_typed_at
        editor.queue_into([self.draft], typed_at, parts, by_student=by_student)

    def queue_everything_unsaved(self) -> None:
        """Read every field directly: a key typed just before ctrl+s may not have
        announced its change yet, and leaving must not lose it."""
        for editor in self.editors.values():
            if not editor.read_only:
                self.queue_if_unsaved(editor)

    def elapsed(self) -> int:
        return self.elapsed_base + int(self.conference_app.monotonic() - self.clock_started)

    def tick(self) -> None:
        elapsed = self.elapsed()
        self.query_one(ConferenceTimer).elapsed = elapsed
        if self.draft is not None:
            self.draft.tick(elapsed)

    def where(self) -> Progress:
        return Progress(self.stages[self.stage_index].key, self.current_field, self.elapsed())

    def save_batch(self, batch: Batch) -> Callable[[], BatchSaved]:
        """The store call that writes `batch`, for a worker thread."""
        store = self.conference_app.store
        conference_id = self.conference.id
        editor_id = self.conference_app.editor_id if self.conference.is_draft else ""
        ticket = self.writes.ticket()
        return lambda: self.writes.write(
            ticket,
            list(batch.edits.values()),
            lambda edits: store.save_answers(
                conference_id,
                edits,
                batch.progress,
                begin_amendment=batch.begin_amendment,
                editor_id=editor_id,
            ),
        )

    def flush(self, then: str | None = None) -> None:
        """Save what changed since the last save, in a worker; `then` runs after it."""
        draft = self.draft
        if draft is None or self.closing:
            return
        if then is not None:
            self.after_save = then
        batch = draft.take_batch(self.where(), leaving=self.after_save is not None)
        if batch is None:
            return

        def saved(result: BatchSaved) -> None:
            self.show_saved(batch, result)
            self.update_filled()
            # An edit made during the save may now equal the old text (typed, then
            # undone): compare every field with what was just stored.
            self.queue_everything_unsaved()
            self.run_after_save()

        def failed(message: str) -> None:
            news = draft.batch_failed(batch, message)
            if self.after_save:
                self.after_save = None
                self.stay_open(
                    f"{message}\nYour notes are still on screen and will be saved on retry.",
                    title="Not saved yet",
                    severity="error",
                )
            elif news:
                self.notify(message, title="Not saved yet: retrying", severity="error", timeout=8)

        self.save_worker = run_in_background(
            self,
            self.save_batch(batch),
            saved,
            group="save-conference",
            exclusive=False,
            failed=failed,
        )

    def show_saved(self, batch: Batch, result: BatchSaved) -> None:
        """Take the store's answer to a batch: each field's problem (a refused date, a
        change made elsewhere) under it, and a word when another copy changed one."""
        assert self.draft is not None
        shown_at = get_time()  # the clock events are stamped with: keys typed later saw it
        shown: dict[str, str] = {}
        for key, problem in self.draft.batch_saved(batch, result, shown_at).items():
            # A rubric's parts share one line: a problem with any of them is shown.
            field_key = form_field_key(key)
            shown[field_key] = shown.get(field_key) or problem
        for field_key, problem in shown.items():
            self.editors[field_key].show_error(problem)
        if result.conflicts:
            self.notify(
                "Another copy of the app (another window or laptop) changed a field of "
                "this conference. Both texts are on screen; nothing was overwritten.",
                title="Changed elsewhere",
                severity="warning",
                timeout=10,
            )

    def run_after_save(self) -> None:
        action, self.after_save = self.after_save, None
        draft = self.draft
        if action is None or draft is None:
            return
        if draft.has_unsaved():
            # Edits (or a move) arrived while saving: save them first, then act.
            self.flush(then=action)
            return
        if action == "complete":
            self.complete_if_ready()
        elif action == "leave" and (warning := self.unsaved_warning()):
            # The last save before leaving found a problem (a change made elsewhere).
            self.stay_open(warning, title="Not saved")
        elif action == "leave" and self.amended_here():
            self.ask_keep_or_discard()
        elif action == "leave":
            self.finish_leave()

    def complete_if_ready(self, progress: Progress | None = None) -> None:
        """Everything typed is saved: complete the conference (writing `progress` with
        it), unless a field is refused, a follow-up date is in the past, or nothing is
        recorded yet: then say so, and stay."""
        draft = self.draft
        assert draft is not None
        if draft.refused:
            key = next(iter(draft.refused))
            self.go_to_stage(self.stages.index(self.form.stage_of(key)))
            self.stage_pane.editor_for(key).focus_control()
            self.stay_open(
                f"{self.stage_pane.editor_for(key).form_field.label}: {draft.refused[key][1]}\n"
                "Everything else is saved; fix this field, then ctrl+s again.",
                title="Not complete yet",
            )
        elif question := self.past_follow_up_question():
            self.stay_open(question, title="A date in the past")
        elif draft.nothing_recorded() and not self.empty_warned:
            self.empty_warned = True
            self.stay_open(
                "Nothing is recorded in this conference yet. Press ctrl+s again to "
                "complete it anyway (it counts as a conference), or escape to discard it.",
                title="Empty conference",
            )
        else:
            self.finish_complete(progress)

    def past_follow_up_question(self) -> str:
        """Ask, once per date, before completing with a follow-up typed in the past (a
        slip for next year's date, most often); go to the field so enter keeps it."""
        for editor in self.editors.values():
            past = editor.unconfirmed_past_date(held_before=self.conference.is_draft)
            if past is None or past.isoformat() == self.past_warned:
                continue
            self.past_warned = past.isoformat()
            self.go_to_stage(self.stages.index(self.form.stage_of(editor.field_key)))
            editor.focus_control()
            return (
                f"{editor.form_field.label}: {past.isoformat()} is in the past. Enter keeps "
                "it, or type another date (+7, tomorrow, fri); then ctrl+s. Or ctrl+s "
                "again to complete with it."
            )
        return ""

    # -- leaving -----------------------------------------------------------------

    def action_complete(self) -> None:
        self.leave_after_save("complete")

    def leave_after_save(self, action: str) -> None:
        # Keys typed after ctrl+s or escape are for the screen the teacher goes back to,
        # never for this conference: they wait until it has closed (or stays open).
        self.conference_app.key_gate.hold(self, "the conference to close", part="close")
        self.queue_everything_unsaved()
        draft = self.draft
        saved = draft is not None and not (draft.pending or draft.saving or self.closing)
        if action == "complete" and saved:
            # Every word is saved already (the autosave's): where the teacher was is
            # written with the completion, one write and one thread instead of two.
            self.complete_if_ready(self.where() if self.conference.is_draft else None)
            return
        self.flush(then=action)

    def stay_open(self, why: str, *, title: str, severity: SeverityLevel = "warning") -> None:
        """Completing or leaving stopped short (a field to fix, a database that will not
        take the notes): say why. Keys typed after ctrl+s or escape were meant for the
        screen below, so they are dropped, never typed into this conference unseen."""
        gate = self.conference_app.key_gate
        self.stopped_notices.append(gate.refuse(why, title=title, severity=severity, timeout=10))
        gate.release(self, part="close")

    def stop_editing(self) -> None:
        """Completing or leaving has begun: no more typing or saving here."""
        self.closing = True
        for editor in self.editors.values():
            editor.set_read_only(True)

    def finish_complete(self, progress: Progress | None = None) -> None:
        assert self.draft is not None
        self.stop_editing()
        store = self.conference_app.store
        conference_id = self.conference.id
        name = self.student.display_name
        was_draft = self.conference.is_draft
        elapsed = mm_ss(self.elapsed())
        form = self.form
        missing = [
            field.label
            for field in (form.field_of_kind(Kind.GOAL), form.field_of_kind(Kind.NEXT_STEP))
            if field is not None and not self.draft.has_text(field.key)
        ]

        def done(_: object) -> None:
            verb = "Conference saved" if was_draft else "Amendment saved"
            note = f" No {' or '.join(m.lower() for m in missing)} recorded." if missing else ""
            after = " N: the next due student." if was_draft else ""
            self.notify(f"{verb}: {name} ({elapsed}).{note}{after}", timeout=6)
            self.close()

        run_in_background(
            self,
            lambda: store.complete_conference(conference_id, progress),
            done,
            group="save-complete",
            failed=self.could_not_close,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave" and parameters:
            return (parameters[0] == "draft") == self.conference.is_draft
        return super().check_action(action, parameters)

    def action_leave(self, _kind: str = "draft") -> None:
        # A field typed on since the store refused it (a date half typed) is judged by
        # its new text, once saved: only what is still refused as it stands stops escape.
        self.queue_everything_unsaved()
        warning = self.unsaved_warning()
        if warning:
            # Keys typed after this escape were meant for the roster: never for the note.
            self.conference_app.key_gate.refuse(warning, title="Not saved")
            return
        self.leave_after_save("leave")

    def unsaved_warning(self) -> str:
        """What leaving now would leave unsaved, unless the teacher was already warned of
        exactly that (then a second escape leaves without it)."""
        draft = self.draft
        refused = (
            {key: why for key, why in draft.refused.items() if key not in draft.pending}
            if draft is not None
            else {}
        )
        if not refused or refused == self.leave_warned_of:
            return ""
        self.leave_warned_of = dict(refused)
        key = next(iter(refused))
        return (
            f"{self.stage_pane.editor_for(key).form_field.label} is not saved: "
            f"{refused[key][1]}\n"
            "Fix it, or press escape again to leave without it."
        )

    def amended_here(self) -> bool:
        """Whether this visit changed the completed conference (an answer or a goal mark)."""
        draft = self.draft
        return (
            draft is not None
            and self.opened.amendment_start is not None
            and (draft.amendment_started or draft.goals_marked)
        )

    def ask_keep_or_discard(self) -> None:
        """Escape from an amendment: keep or discard it, or go back to editing. Keys
        typed after the escape go to the question, once it is on screen."""
        gate = self.conference_app.key_gate
        dialog = KeepOrDiscardDialog(self.student.display_name, self.amendment_decided)
        gate.hold(dialog, "the keep-or-discard question", part="ask")
        self.app.push_screen(dialog)
        gate.release(self, part="close")

    def amendment_decided(self, choice: AmendmentChoice) -> None:
        gate = self.conference_app.key_gate
        if choice == AmendmentChoice.BACK:
            self.focus_current_field()
            return
        # Keys typed after k or d are for the screen this one goes back to.
        gate.hold(self, "the conference to close", part="close")
        if choice == AmendmentChoice.KEEP:
            self.notify("Amendment kept; the earlier text is kept too.", timeout=4)
            self.finish_leave()
            return
        start = self.opened.amendment_start
        assert start is not None
        self.stop_editing()
        store = self.conference_app.store

        def discarded(_: object) -> None:
            self.notify("Changes discarded: the conference is as it was.", timeout=4)
            self.close()

        run_in_background(
            self,
            lambda: store.discard_amendment(start),
            discarded,
            group="save-discard",
            failed=self.could_not_close,
        )

    def finish_leave(self) -> None:
        self.stop_editing()
        store = self.conference_app.store
        conference = self.conference
        # A goal marked here makes the draft worth keeping, even if its mark is
        # still being written.
        may_discard = conference.is_draft and not (self.draft and self.draft.goals_marked)
        editor_id = self.conference_app.editor_id

        def leave() -> bool:
            if may_discard and store.discard_draft(conference.id):
                return True
            store.close_editing(conference.id, editor_id)
            return False

        def done(discarded: bool) -> None:
            if conference.is_draft and not discarded:
                self.notify("Kept as a draft: n on the roster reopens it right here.", timeout=4)
            self.close()

        run_in_background(self, leave, done, group="save-leave", failed=self.could_not_close)

    def could_not_close(self, message: str) -> None:
        """The database would not complete or keep the conference: it stays open, with
        everything typed in it, and editable again."""
        self.closing = False
        for editor in self.editors.values():
            editor.set_read_only(False)
        self.focus_current_field()
        self.stay_open(
            f"{message}\nThe conference is still open with your notes; try again.",
            title="Not closed",
            severity="error",
        )

    def save_pending_blocking(self) -> None:
        """The app is stopping on an error: write what is typed here and now, on the
        event loop, since no worker will run again."""
        if self.draft is None:
            return
        try:
            self.queue_everything_unsaved()
            self.draft.saving = False  # a worker's save will never report back now
            batch = self.draft.take_batch(self.where())
            if batch is not None:
                self.save_batch(batch)()
        except Exception as exc:
            log_failure(log, "could not save the conference while stopping", exc)

    async def conference_to_copy(self) -> str | None:
        # The words typed a moment ago are written first, so that the copy holds them.
        if not await self.save_now():
            self.conference_app.notify(
                "Nothing copied: what you typed last is not saved yet. Try again in a moment.",
                severity="warning",
            )
            return None
        return self.conference_id

    async def save_now(self) -> bool:
        """Called before the app quits: wait for a save under way, then write whatever
        is still unsaved. False when the database would not take it."""
        draft = self.draft
        if draft is None or self.closing:
            return True
        if self.save_worker is not None and self.save_worker.is_running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await self.save_worker.wait()
        self.queue_everything_unsaved()
        batch = draft.take_batch(self.where())
        if batch is None:
            return not draft.saving
        problems: list[str] = []

        def saved(result: BatchSaved) -> None:
            self.show_saved(batch, result)
            if result.conflicts:
                # Quitting now would lose the teacher's text: it is in no database.
                problems.append("changed elsewhere")

        worker = run_in_background(
            self,
            self.save_batch(batch),
            saved,
            group="save-quit",
            failed=problems.append,
        )
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await worker.wait()
        if problems and problems[0] != "changed elsewhere":
            draft.batch_failed(batch, problems[0])
        return not problems

    # -- goals -------------------------------------------------------------------

    @on(GoalList.MarkRequested)
    def mark_goal(self, event: GoalList.MarkRequested) -> None:
        """One mark per ctrl+g: the teacher's next words go back into the field they
        came from, never to the goal list."""
        goal = next((g for g in self.last_time.active_goals if g.id == event.goal_id), None)
        if goal is None:
            return
        self.focus_current_field()
        if goal.status == event.status:
            return
        self.set_goal_status(
            goal.id,
            event.status,
            f"“{one_line(goal.text, 60)}” marked {event.status}. To undo: ctrl+g, then u.",
            undo=(goal.id, goal.status),
        )

    def action_back_to_field(self) -> None:
        self.focus_current_field()

    def action_undo_goal_mark(self) -> None:
        self.focus_current_field()
        if self.goal_undo is None:
            self.notify("No goal was marked in this conference to undo.", timeout=3)
            return
        goal_id, status = self.goal_undo
        self.goal_undo = None
        self.set_goal_status(goal_id, status, f"Goal mark undone: {status} again.", undo=None)

    def set_goal_status(
        self, goal_id: str, status: str, done_message: str, *, undo: tuple[str, str] | None
    ) -> None:
        """Mark a goal from this conference; `undo` is what `u` sets it back to. The store
        refuses a goal this conference may not mark (set or closed after it), and says so."""
        store, form = self.conference_app.store, self.form
        conference = self.conference
        if self.draft is not None:
            self.draft.goals_marked = True

        def mark() -> LastTime:
            store.update_goal_status(goal_id, status, conference.id)
            return read_last_time(store, form, conference)

        def shown(last: LastTime) -> None:
            self.goal_undo = undo
            self.last_time = last
            self.query_one(LastTimePanel).show(last)
            self.notify(done_message, timeout=6)
            self.goal_notice = done_message

        run_in_background(self, mark, shown, group="save-goal", exclusive=False)
