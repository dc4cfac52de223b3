"""Edit the learner profile: interests, strengths, and what the student needs."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from conference_tui.store.roster_records import StudentInfo
from conference_tui.tui.background import run_in_background
from conference_tui.tui.screens.base import AppModal
from conference_tui.tui.widgets.note_area import NoteArea

PROFILE_FIELDS = (
    ("interests", "Interests", "what they care about, in and out of school"),
    ("strengths", "Strengths", "what they do well as a writer and a learner"),
    ("needs", "Needs", "what they need next, and what helps"),
)


class ProfileDialog(AppModal[StudentInfo | None]):
    """Saves through the store itself, so a refused note is explained right here."""

    CSS_PATH = "profile_dialog.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="profile.save"),
        Binding("escape", "cancel", "Cancel", id="profile.cancel"),
    ]

    def __init__(self, student: StudentInfo) -> None:
        super().__init__()
        self.student = student

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="profile-dialog"):
            yield Label(Text(f"Profile: {self.student.display_name}"), classes="dialog-title")
            for key, label, hint in PROFILE_FIELDS:
                yield Label(label)
                yield NoteArea(
                    getattr(self.student, key),
                    placeholder=hint,
                    id=f"profile-{key}",
                    classes="profile-area",
                )
            yield Static("", id="profile-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#profile-error").display = False
        self.query_one("#profile-interests", TextArea).focus()

    def typed_values(self) -> dict[str, str]:
        return {
            key: self.query_one(f"#profile-{key}", TextArea).text for key, _, _ in PROFILE_FIELDS
        }

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        store = self.conference_app.store
        student_id = self.student.id
        values = self.typed_values()

        def save() -> StudentInfo:
            return store.update_student(student_id, **values)

        self.save_then_dismiss(save, group="save-profile", failed=self.show_error)

    async def save_now(self) -> bool:
        """ctrl+q while editing: keep what was typed, as the conference does."""
        store = self.conference_app.store
        student_id = self.student.id
        values = self.typed_values()
        problems: list[str] = []
        worker = run_in_background(
            self,
            lambda: store.update_student(student_id, **values),
            group="save-profile-quit",
            failed=problems.append,
        )
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await worker.wait()
        return not problems

    def show_error(self, message: str) -> None:
        error = self.query_one("#profile-error", Static)
        error.update(Text(message))
        error.display = True

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
