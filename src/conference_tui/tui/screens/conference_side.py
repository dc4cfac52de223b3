"""The conference's side panel: the student's name, and last time's goals, marked from
here."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from conference_tui.store.errors import StoreError
from conference_tui.store.records import LastTime
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.key_gate import take_down
from conference_tui.tui.screens.conference_opening import read_last_time
from conference_tui.tui.screens.conference_state import ConferenceState
from conference_tui.tui.widgets.formatting import QUIET, local_datetime, one_line
from conference_tui.tui.widgets.spiral import GoalList, LastTimePanel


class SidePanel(ConferenceState):
    """The part of the conference screen beside the fields: the student's heading
    and last time's panel, whose goals are marked (and a mark undone) from here. A
    mixin of ConferenceScreen."""

    last_time: LastTime
    # The goal last marked here and the status it had: `u` in the goal list undoes it.
    goal_undo: tuple[str, str] | None
    # What the last mark said (how to undo it): taken down as the conference closes.
    goal_notice: str
    # Each goal this visit has changed, with the status it had before: a goal whose
    # marks are all undone leaves nothing of this conference to keep.
    goals_before: dict[str, str]

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
        marked = self.conference_app.nothing_kept_mark()
        self.sub_title = f"Conference · {self.student.display_name}{marked}"

    def action_focus_goals(self) -> None:
        goals = self.query_one(GoalList)
        if goals.display and goals.option_count:
            goals.take_focus()
        else:
            self.notify("Nothing from last time: no goals open, nothing recorded.", timeout=3)

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
        store, form, start = self.conference_app.store, self.form, self.start
        before = dict(self.goals_before)
        if undo is not None:
            self.goals_before.setdefault(goal_id, undo[1])
        if self.goals_before.get(goal_id) == status:
            del self.goals_before[goal_id]
        if self.draft is not None:
            self.draft.goals_marked = bool(self.goals_before)

        def mark() -> LastTime:
            # A new conference is written with the mark: the goal is marked by it.
            try:
                start.writing(store, lambda id_: store.update_goal_status(goal_id, status, id_))
            except StoreError as exc:
                # A mark is not a note kept on screen to be saved later: the store's words
                # for a command, where nothing waits to be saved, are the true ones.
                raise StoreError(
                    f"The goal was not marked; it is as it was. {exc.for_command_line}", exc.fault
                ) from exc
            return read_last_time(store, form, start.write(store))

        def not_marked(message: str) -> None:
            self.goals_before = before
            if self.draft is not None:
                self.draft.goals_marked = bool(before)
            self.notify(message, title="Goal not marked", severity="error", timeout=10)

        def shown(last: LastTime) -> None:
            self.adopt_written()
            self.goal_undo = undo
            self.last_time = last
            self.query_one(LastTimePanel).show(last)
            # "… marked met. To undo: ctrl+g, then u" is untrue once undone or marked again.
            if self.goal_notice:
                take_down(self.app, self.goal_notice)
            self.notify(done_message, timeout=6)
            self.goal_notice = done_message

        run_in_background(self, mark, shown, group="save-goal", exclusive=False, failed=not_marked)
