"""Switch to another class, or create one."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from conference_tui.store.roster_records import ClassInfo
from conference_tui.tui.screens.base import AppModal
from conference_tui.tui.widgets.formatting import plain, plural
from conference_tui.tui.widgets.text_input import TextInput


class ClassDialog(AppModal[ClassInfo | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="classes.cancel"),
        Binding("ctrl+n", "new_class", "New class", id="classes.new"),
    ]

    def __init__(
        self, current_class_id: str | None, known_classes: Sequence[ClassInfo] = ()
    ) -> None:
        super().__init__()
        self.current_class_id = current_class_id
        # The classes as the roster last read them: shown as the dialog opens, then read
        # again (keys wait for that), so that the list is up if slightly out of date.
        self.known_classes = list(known_classes)
        self.school_classes: list[ClassInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Classes", classes="dialog-title")
            yield OptionList(id="classes")
            yield Label("New class (type a name, then enter):")
            yield TextInput(placeholder="e.g. Period 3 English", id="new-name")
            yield Static("", id="error", classes="dialog-error")
            yield Static(
                "enter: open · type a name: new class · esc: cancel", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        if self.known_classes:
            self.show_classes(self.known_classes)
        store = self.conference_app.store
        self.load_before_keys(
            store.list_classes, self.show_classes, group="classes-load", what="the classes"
        )

    def show_classes(self, classes: list[ClassInfo]) -> None:
        self.school_classes = classes
        options = self.query_one("#classes", OptionList)
        options.clear_options()
        for info in classes:
            students = plural(info.student_count, "student")
            year = f" · {info.school_year}" if info.school_year else ""
            options.add_option(Option(plain(f"{info.name}  ({students}{year})"), id=info.id))
        options.display = bool(classes)
        if classes:
            current = next((i for i, c in enumerate(classes) if c.id == self.current_class_id), 0)
            options.highlighted = current
            options.focus()
        else:
            self.query_one("#new-name", Input).focus()

    @on(OptionList.OptionSelected, "#classes")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(next(c for c in self.school_classes if c.id == event.option.id))

    def action_new_class(self) -> None:
        self.query_one("#new-name", Input).focus()

    def on_key(self, event: events.Key) -> None:
        """A name typed on the list of classes is the new class's: the box under it says
        "type a name", and each letter was refused where the cursor was. Up and down in
        the box go back to the list."""
        character = event.character or ""
        classes = self.query_one("#classes", OptionList)
        if event.key in ("up", "down") and self.query_one("#new-name", Input).has_focus:
            if classes.display:
                event.stop()
                classes.focus()
            return
        if not (event.is_printable and len(character) == 1 and classes.has_focus):
            return
        event.stop()
        event.prevent_default()
        name = self.query_one("#new-name", Input)
        name.focus()
        name.insert_text_at_cursor(character)

    @on(Input.Submitted, "#new-name")
    def create(self, event: Input.Submitted) -> None:
        store = self.conference_app.store
        name = event.value
        # The name of a class on the list opens it: typed on the list (see on_key), it
        # made an empty twin of the class the teacher meant.
        wanted = " ".join(name.split()).casefold()
        same = next((c for c in self.school_classes if c.name.casefold() == wanted), None)
        if same is not None:
            self.dismiss(same)
            return
        self.save_then_dismiss(
            lambda: store.add_class(name),
            group="save-class",
            failed=lambda message: self.query_one("#error", Static).update(plain(message)),
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
