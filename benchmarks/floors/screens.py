"""Floors for moving between screens: the bare app of bare.py, with keys that push and
pop screens holding the same kinds of widgets as the app's, and no database.

    n        a conference-like screen: list of stages, TextAreas, Inputs, footer
    pagedown on it, the next stage's fields built in place of the last one's
    ctrl+s   back from it
    enter    a history-like screen: a DataTable of 100 rows and a detail pane
    a        a dialog-like ModalScreen: title, two Inputs, message, two buttons
    x        an export-like screen: radio groups, a folder Input, a checkbox, two buttons
    s        a search-like screen: what is typed is shown back as ten results
    escape   back from the history or the dialog
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ListItem,
    ListView,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

READY = "Floor ready"
CONFERENCE_READY = "Floor conference"
HISTORY_READY = "Floor history"
DIALOG_READY = "Floor dialog"
EXPORT_READY = "Floor export"
SEARCH_READY = "Floor search"
STAGES = ("Clarify", "Plan", "Act", "Reflect", "Modify")


def stage_ready(number: int) -> str:
    return f"Floor stage {number}"


def stage_fields(title: str) -> VerticalScroll:
    return VerticalScroll(
        Static(title),
        *(widget for n in range(4) for widget in (Label(f"Field {n}"), TextArea(soft_wrap=True))),
        *(widget for n in range(2) for widget in (Label(f"Line {n}"), Input())),
        classes="stage",
    )


class ConferenceFloor(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "app.pop_screen", "Save and leave"),
        Binding("pagedown", "next_stage", "Next stage", priority=True),
    ]
    stage = 1

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield ListView(*(ListItem(Label(stage)) for stage in STAGES))
            yield stage_fields(CONFERENCE_READY)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    async def action_next_stage(self) -> None:
        self.stage += 1
        await self.query_one(".stage").remove()
        await self.query_one(Horizontal).mount(stage_fields(stage_ready(self.stage)))
        self.query_one(TextArea).focus()


class HistoryFloor(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    DEFAULT_CSS = "HistoryFloor DataTable { height: 12; }"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(HISTORY_READY)
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("Detail of the first row\n" * 10)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in ("", "Date", "Piece", "Teaching point", "Goal set"):
            table.add_column(column)
        for row in range(100):
            table.add_row("•", f"2026-01-{row % 28 + 1:02d}", f"Piece {row}", "A point", "A goal")
        table.focus()


class DialogFloor(ModalScreen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Cancel")]
    DEFAULT_CSS = "DialogFloor { align: center middle; } #box { width: 60; height: auto; }"

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Label(DIALOG_READY)
            yield Label("Name")
            yield Input(placeholder="Full name")
            yield Label("Preferred name (optional)")
            yield Input()
            yield Static("")
            with Horizontal():
                yield Button("Save (enter)", variant="primary")
                yield Button("Cancel (esc)")


class ExportFloor(Screen[None]):
    """The export dialog's kinds and number of widgets: it is a screen of choices, not a
    two-field dialog."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    ExportFloor VerticalScroll { height: 1fr; }
    ExportFloor Horizontal { height: auto; }
    ExportFloor RadioSet { width: 1fr; height: auto; }
    ExportFloor #buttons { dock: bottom; height: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{EXPORT_READY}: these files hold student records; keep them safe.")
        with VerticalScroll():
            yield RadioSet(RadioButton("This student", value=True), RadioButton("Everything"))
            with Horizontal():
                yield RadioSet(RadioButton("Shareable", value=True), RadioButton("Teacher"))
                yield RadioSet(
                    RadioButton("One per student", value=True),
                    RadioButton("One per conference"),
                    RadioButton("One per class"),
                )
            yield Static("")
            with Horizontal():
                yield Input("~/conference-notes")
                yield Checkbox("Include drafts")
            yield RadioSet(RadioButton("Markdown", value=True), RadioButton("HTML"))
            yield Static("")
            with Horizontal(id="buttons"):
                yield Button("Export (ctrl+e)", variant="primary", compact=True)
                yield Button("Back (esc)", compact=True)
        yield Footer()


class SearchFloor(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=SEARCH_READY)
        yield Static("", id="results")
        yield Footer()

    def on_input_changed(self, event: Input.Changed) -> None:
        lines = (f"Result {n}: a note with {event.value} in it" for n in range(10))
        self.query_one("#results", Static).update("\n".join(lines))


class ScreensFloor(App[None]):
    BINDINGS = [
        Binding("n", "open('conference')", "Conference"),
        Binding("enter", "open('history')", "History", priority=True),
        Binding("a", "open('dialog')", "Add"),
        Binding("x", "open('export')", "Export"),
        Binding("s", "open('search')", "Search"),
    ]
    FLOOR_SCREENS = {
        "conference": ConferenceFloor,
        "history": HistoryFloor,
        "dialog": DialogFloor,
        "export": ExportFloor,
        "search": SearchFloor,
    }

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(READY)
        yield Footer()

    def action_open(self, name: str) -> None:
        # A fresh screen each time, as the app builds one for each conference.
        self.push_screen(self.FLOOR_SCREENS[name]())


if __name__ == "__main__":
    ScreensFloor().run()
