"""The student's turn at the keyboard: their own questions, nothing else.

The teacher hands the laptop over mid-conference (ctrl+n). The student sees their
first name and the questions of the fields the form lets them fill in, with what is
written there so far, and types in their own words. No private note, no other
student's name, no other screen: every key that would leave is refused with a word
to the student. The teacher takes the screen back with ctrl+n then ctrl+t (and the
lock passphrase, when config.toml sets one). What the student typed is saved as the
conference's own autosave saves, marked as the student's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from conference_tui.field_kinds import RubricPart
from conference_tui.forms import FormField
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.formatting import plain
from conference_tui.tui.widgets.rubric import RubricEditor

# ctrl+t takes the screen back only this soon after ctrl+n: a child pressing ctrl+t
# alone (or ctrl+n alone) stays where they are.
CHORD_SECONDS = 3.0
NOT_YOURS = "This is your turn to write. Your teacher takes the laptop back when you are done."


class StudentTurnScreen(AppScreen[None]):
    """`fields`: (field, its stage, its answers now by key). `typed(field, value)` is called on
    every change, for the conference to save as the student's."""

    CSS_PATH = "student_turn.tcss"
    # The app's own keys (help, quit, the palette) are refused while this screen is up:
    # see ConferenceApp.check_action. These say why, rather than doing nothing.
    BINDINGS = [
        Binding(
            "escape,ctrl+s,ctrl+q,f1,ctrl+p",
            "not_yours",
            show=False,
            priority=True,
            id="student_turn.refuse",
        ),
        Binding("ctrl+n", "chord", show=False, priority=True, id="student_turn.chord"),
        Binding(
            "ctrl+t",
            "take_back",
            "Take back",
            show=False,
            priority=True,
            id="student_turn.take_back",
            tooltip="After ctrl+n: the teacher takes the screen back (the passphrase if set)",
        ),
    ]
    # Only these of the app's actions work while it is up, under the lock too: tab, and
    # the lock that hides everything. The app holds back the teacher's notices meanwhile
    # (ConferenceApp.notify).
    APP_ACTIONS = frozenset({"lock", "focus_next", "focus_previous"})

    def __init__(
        self,
        first_name: str,
        fields: list[tuple[FormField, str, dict[str, str]]],
        typed: Callable[[FieldEditor], None],
    ) -> None:
        super().__init__()
        self.first_name = first_name
        self.fields = fields
        self.typed = typed
        self.chord_at: float | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="student-turn"):
            yield Static(plain(f"Your turn, {self.first_name}"), id="student-turn-title")
            yield Static(
                "Write in your own words. Tab goes to the next question.",
                id="student-turn-hint",
            )
            with VerticalScroll(id="student-turn-fields"):
                for field, stage_key, values in self.fields:
                    # Asked in words for the student; the teacher's hints are not theirs.
                    asked = replace(field, label=field.ask or field.label, hint="")
                    if field.type == "rubric":
                        # Their own level only: the teacher's is not theirs to see or set.
                        sides = (RubricPart.STUDENT,)
                        yield RubricEditor(asked, stage_key, values, private=False, sides=sides)
                    else:
                        value = values.get(field.key, "")
                        yield FieldEditor(asked, stage_key, value, private=False)
            yield Static("", id="student-turn-note")

    def on_mount(self) -> None:
        # A notice still up from the teacher's screen may name another student.
        self.app.clear_notifications()
        self.query_one("#student-turn-fields", VerticalScroll).can_focus = False
        editors = list(self.query(FieldEditor))
        if editors:
            editors[0].focus_control()

    @on(FieldEditor.Changed)
    def field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self.typed(event.editor)

    def editors(self) -> list[FieldEditor]:
        return list(self.query(FieldEditor))

    def action_not_yours(self) -> None:
        self.query_one("#student-turn-note", Static).update(NOT_YOURS)

    def action_chord(self) -> None:
        self.chord_at = self.conference_app.monotonic()

    def action_take_back(self) -> None:
        started, self.chord_at = self.chord_at, None
        if started is None or self.conference_app.monotonic() - started > CHORD_SECONDS:
            self.action_not_yours()
            return
        passphrase = self.conference_app.settings.lock_passphrase
        if not passphrase:
            self.dismiss()
            return
        from conference_tui.tui.screens.lock import LockScreen

        self.app.push_screen(LockScreen(passphrase), lambda _: self.dismiss())
