"""F1: every key of every screen, read from the screens' own bindings."""

from __future__ import annotations

import importlib

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from conference_tui.tui.keymap import keys_for
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.header import AppHeader

# (section title, module, class): read lazily so help never drifts from the keys.
SCREENS = [
    ("Roster (home)", "conference_tui.tui.screens.roster", "RosterScreen"),
    ("Conference", "conference_tui.tui.screens.conference", "ConferenceScreen"),
    ("Last time's goals (after ctrl+g)", "conference_tui.tui.widgets.spiral", "GoalList"),
    ("A rubric (digits 1-N set a level)", "conference_tui.tui.widgets.rubric", "RubricGrid"),
    (
        "Small-group conference",
        "conference_tui.tui.screens.group_conference",
        "GroupConferenceScreen",
    ),
    ("History", "conference_tui.tui.screens.history", "HistoryScreen"),
    ("Search", "conference_tui.tui.screens.search", "SearchScreen"),
    ("Groups", "conference_tui.tui.screens.groups", "GroupsScreen"),
    ("Class status", "conference_tui.tui.screens.class_status", "ClassStatusScreen"),
    ("Export", "conference_tui.tui.screens.export", "ExportScreen"),
]

GLOBAL_EXTRA = [
    ("ctrl+p", "Command palette: every action, searchable"),
    ("escape", "Back (a conference is kept as a draft)"),
    ("tab / shift+tab", "Next / previous field or control"),
    ("home / end", "First / last row of a list"),
]


# What a follow-up date field understands (conference_tui.store.follow_up reads them).
FOLLOW_UP_FORMS = [
    ("+7 +2w +1m", "7 days, 2 weeks, 1 month from today (+7d is +7)"),
    ("today tomorrow", "Today, tomorrow; next week is +7"),
    ("fri / next friday", "The first Friday after today (any weekday: mon, tue, thurs...)"),
    ("YYYY-MM-DD", "A date; one in the past is asked about before it is kept"),
]


def screen_bindings(module_name: str, class_name: str) -> list[Binding]:
    try:
        screen_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        return []
    return [b for b in Binding.make_bindings(screen_class.BINDINGS) if b.description]


class HelpScreen(AppScreen[None]):
    SUB_TITLE = "Help"
    BINDINGS = [
        Binding(
            "escape,f1,q",
            "app.pop_screen",
            "Close help",
            id="help.close",
            tooltip="Close help",
        )
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="help-body"):
            yield Static(self.keys_table(), id="help-keys")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.key_rows: list[tuple[str, str]] = []

    def keys_table(self) -> Group:
        """A table of keys per section, its title above it across the whole width: in
        the keys' column a long title was cut ("Follow-up dates (…")."""
        app = self.app
        tables: list[Table] = []

        def section(title: str) -> Table:
            table = Table(
                box=None,
                show_header=False,
                expand=True,
                padding=(0, 1),
                title=Text(title, style="underline"),
                title_justify="left",
            )
            table.add_column("key", style="bold", no_wrap=True, width=18)
            table.add_column("what it does", ratio=1)
            tables.append(table)
            self.sections.append(title)
            return table

        keymap = self.conference_app.keymap

        def shown(binding: Binding) -> str:
            return " / ".join(
                app.get_key_display(Binding(key, binding.action))
                for key in keys_for(binding, keymap).split(",")
            )

        table = section("Everywhere")
        for binding in Binding.make_bindings(app.BINDINGS):
            self.add_key(table, shown(binding), binding.description, binding.tooltip)
        for keys, description in GLOBAL_EXTRA:
            # Written as the bindings above are (^p, esc), not as their names.
            written = [app.get_key_display(Binding(key, "")) for key in keys.split(" / ")]
            self.add_key(table, " / ".join(written), description)
        for title, module_name, class_name in SCREENS:
            bindings = screen_bindings(module_name, class_name)
            if not bindings:
                continue
            table = section(title)
            seen: set[str] = set()
            for binding in bindings:
                if binding.action in seen:
                    continue
                seen.add(binding.action)
                self.add_key(table, shown(binding), binding.description, binding.tooltip)
            if class_name == "ConferenceScreen":
                table = section(
                    "Follow-up dates (the date a shortcut means shows beside the field)"
                )
                for forms, meaning in FOLLOW_UP_FORMS:
                    self.add_key(table, forms, meaning)
        return Group(*(part for table in tables for part in (Text(""), table)))

    def add_key(self, table: Table, keys: str, description: str, detail: str = "") -> None:
        # Keys can come from the teacher's settings file: shown as typed, never as markup.
        table.add_row(Text(keys), Text(detail or description))
        self.key_rows.append((keys, description))
