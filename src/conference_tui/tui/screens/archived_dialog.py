"""The archived students of a class, and bringing one back to the roster."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from conference_tui.store.roster_records import StudentInfo
from conference_tui.tui.screens.base import AppModal
from conference_tui.tui.widgets.formatting import plain


class ArchivedDialog(AppModal[StudentInfo | None]):
    """Enter restores the highlighted student: they are back on the roster with every
    note they had. Restoring changes nothing else, so it asks for no confirmation."""

    BINDINGS = [
        Binding("escape", "cancel", "Close", id="archived.close"),
        Binding("r", "restore", "Restore", id="archived.restore"),
    ]

    def __init__(self, class_id: str | None, class_name: str) -> None:
        super().__init__()
        self.class_id = class_id
        self.class_name = class_name
        self.students: dict[str, StudentInfo] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(f"Archived · {self.class_name}"), classes="dialog-title")
            yield OptionList(id="archived")
            yield Static("", id="error", classes="dialog-error")
            yield Static(
                "enter or r: back to the roster · esc: close", classes="dialog-hint", id="hint"
            )

    def on_mount(self) -> None:
        store = self.conference_app.store
        class_id = self.class_id
        self.load_before_keys(
            lambda: store.archived_students(class_id),
            self.show_students,
            group="archived-load",
            what="the archived students",
        )

    def show_students(self, students: list[StudentInfo]) -> None:
        self.students = {student.id: student for student in students}
        options = self.query_one("#archived", OptionList)
        options.add_options([Option(plain(s.display_name), id=s.id) for s in students])
        if students:
            options.highlighted = 0
            options.focus()
            return
        options.display = False
        self.query_one("#hint", Static).update(
            plain(
                f"No archived students in {self.class_name}. "
                "On the roster, d archives the selected student. esc: close"
            )
        )

    @on(OptionList.OptionSelected, "#archived")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.restore(event.option.id)

    def action_restore(self) -> None:
        options = self.query_one("#archived", OptionList)
        if options.highlighted is not None and self.students:
            self.restore(options.get_option_at_index(options.highlighted).id)

    def restore(self, student_id: str | None) -> None:
        student = self.students.get(student_id or "")
        if student is None:
            return
        store = self.conference_app.store

        def save() -> StudentInfo:
            store.archive_student(student.id, archived=False)
            return student

        self.save_then_dismiss(
            save,
            group="save-restore",
            failed=lambda message: self.query_one("#error", Static).update(plain(message)),
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
