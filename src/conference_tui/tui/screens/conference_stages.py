"""The conference's stages: moving between them, mounting the next one ahead of the
teacher, and which field the teacher is in."""

from __future__ import annotations

import contextlib
from functools import partial

from textual.timer import Timer

from conference_tui.tui.screens.conference_state import ConferenceState
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.spiral import SpiralStepper

PREMOUNT_AFTER_SECONDS = 1.0


class StageNavigation(ConferenceState):
    """The part of the conference screen that moves between the spiral's stages and
    keeps track of the field being typed in. A mixin of ConferenceScreen: it drives
    the screen's StagePane and SpiralStepper."""

    timers: list[Timer]

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

    def on_descendant_focus(self) -> None:
        editor = self.focused_editor()
        if editor is not None and editor.place() != self.current_field:
            self.current_field = editor.place()
            if self.draft is not None:
                self.draft.progress_dirty = True

    def focused_editor(self) -> FieldEditor | None:
        return self.stage_pane.editor_holding(self.focused)

    def update_filled(self) -> None:
        """Mark the stages that hold notes, opened on screen yet or not."""
        assert self.draft is not None
        form = self.form
        filled = set()
        for key in self.draft.fields_with_text():
            with contextlib.suppress(KeyError):
                filled.add(form.stage_of(key).key)
        self.query_one(SpiralStepper).mark_filled(filled)
