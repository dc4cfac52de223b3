"""Add or edit a student: name, preferred name, class.

Adding the first student of a class (or the very first) asks for the class by name in
the same dialog: a class of that name is used, or made."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from conference_tui.store.names import given_name_first
from conference_tui.store.roster_records import ClassInfo, StudentInfo
from conference_tui.tui.screens.base import AppModal
from conference_tui.tui.widgets.formatting import plain
from conference_tui.tui.widgets.text_input import TextInput


class StudentDialog(AppModal[StudentInfo | None]):
    """Saves through the store itself, so a refused name is explained right here."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="student.cancel"),
        Binding("ctrl+s", "save", "Save", id="student.save"),
    ]

    def __init__(
        self,
        class_id: str | None,
        student: StudentInfo | None = None,
        school_classes: list[ClassInfo] | None = None,
        class_name: str | None = None,
    ) -> None:
        super().__init__()
        self.class_id = class_id
        # When adding: the class asked for by name (prefilled with this), or None to
        # add to `class_id` without asking.
        self.class_name = class_name
        self.student = student
        self.school_classes = school_classes or []

    def compose(self) -> ComposeResult:
        title = f"Edit {self.student.name}" if self.student else "Add a student"
        with Vertical(classes="dialog"):
            yield Label(plain(title), classes="dialog-title")
            yield Label("Name")
            yield TextInput(
                self.student.name if self.student else "",
                id="name",
                placeholder="Full name (or Family, Given)",
            )
            if self.class_name is not None:
                yield Label("Class (a new name makes a new class)")
                # Selected when tabbed into: a new name types over it, tab keeps it.
                yield TextInput(
                    self.class_name,
                    id="class-name",
                    placeholder="e.g. Period 3 English",
                    select_on_focus=True,
                )
            yield Label("Preferred name (optional)")
            yield TextInput(
                self.student.preferred_name if self.student else "",
                id="preferred",
                placeholder="What they like to be called",
            )
            if self.student and len(self.school_classes) > 1:
                yield Label("Class")
                yield Select(
                    [(c.name, c.id) for c in self.school_classes],
                    value=self.student.class_id,
                    allow_blank=False,
                    id="class",
                )
            yield Static("", id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (enter)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        # No blank line for an error until there is one: at 80x24 every row counts.
        self.query_one("#error").display = False
        self.query_one("#name", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        # enter saves from either box, as the button says; tab moves between them.
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        store = self.conference_app.store
        name = self.query_one("#name", Input).value
        preferred = self.query_one("#preferred", Input).value
        selects = self.query("#class")
        new_class = selects.first(Select).value if selects else None
        class_names = self.query("#class-name")
        class_name = class_names.first(Input).value if class_names else None
        student = self.student
        class_id = self.class_id

        def save() -> StudentInfo:
            if student is not None:
                return store.update_student(
                    student.id,
                    name=name,
                    preferred_name=preferred,
                    class_id=new_class if isinstance(new_class, str) else None,
                )
            # "Okafor, Amara" as a school's export writes it is Amara Okafor.
            given_first = given_name_first(name)
            if class_name is not None:
                return store.add_student_to_class_named(class_name, given_first, preferred)
            assert class_id is not None
            return store.add_student(class_id, given_first, preferred)

        self.save_then_dismiss(save, group="save-student", failed=self.show_error)

    def show_error(self, message: str) -> None:
        error = self.query_one("#error", Static)
        error.update(plain(message))
        error.display = True
        self.query_one("#name", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
