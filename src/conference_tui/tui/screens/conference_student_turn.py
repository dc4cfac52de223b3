"""The student's turn (ctrl+n hands the screen over) and the privacy of a field (ctrl+t,
which right after a handover that never began is the teacher's chord to take it back)."""

from __future__ import annotations

import logging

from conference_tui.failure_log import log_failure
from conference_tui.tui.screens.conference_state import ConferenceState
from conference_tui.tui.screens.student_turn import CHORD_SECONDS, StudentTurnScreen
from conference_tui.tui.widgets.field_editor import FieldEditor

log = logging.getLogger(__name__)


def answers_of(editor: FieldEditor) -> dict[str, str]:
    return {key: value for key, value, _kind in editor.parts()}


class StudentTurnHandover(ConferenceState):
    """The part of the conference screen that hands it to the student and takes it
    back, and marks a field private. A mixin of ConferenceScreen."""

    # When ctrl+n last could not hand the screen over: a ctrl+t right after it is
    # the chord that takes it back, not a privacy switch.
    student_turn_refused_at: float | None

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
