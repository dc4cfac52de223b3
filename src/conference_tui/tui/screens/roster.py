"""Home: the class's students and where each one's conferring stands."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from conference_tui.store.first_look import FirstLook
from conference_tui.store.records import ClassInfo, RosterRow
from conference_tui.store.text_rules import visible
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.dialogs import ConfirmDialog
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import days_ago, follow_up_label, one_line, plain
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.tables import (
    ColumnSpec,
    fit_columns,
    row_key_at_cursor,
    share_width,
    width_for_columns,
)
from conference_tui.tui.widgets.text_boxes import TextInput

WELCOME_NO_CLASS = """\
[b]Welcome to conference-tui.[/b]

Start by creating your class: press [b]c[/b], type its name and press [b]enter[/b].
Then press [b]a[/b] to add each student (or import a roster:
  conference-tui import roster.csv).

Press [b]F1[/b] for every key, or [b]ctrl+p[/b] to search all commands.
Want to look around first? Quit with [b]ctrl+q[/b] and run [b]conference-tui --demo[/b].
"""

WELCOME_NO_STUDENTS = """\
[b]$name[/b] has no students yet.

Press [b]a[/b] to add a student, or import a roster from the command line:
  conference-tui import roster.csv --class "$name"

Press [b]c[/b] to switch to another class, [b]F1[/b] for every key.
"""


ROSTER_COLUMNS = (
    ColumnSpec("due", "", 1),
    ColumnSpec("name", "Student", 22, grows=True),
    ColumnSpec("last", "Last", 6),
    ColumnSpec("count", "#", 3),
    ColumnSpec("goal", "Active goal", 24, grows=True),
    ColumnSpec("follow_up", "Follow-up", 9),
)


def overdue_rank(row: RosterRow, today: date) -> tuple[int, int, str]:
    """Most overdue first: late follow-ups by lateness, then never seen, then longest unseen."""
    name = row.student.name.casefold()
    if row.follow_up_on is not None and row.follow_up_on <= today:
        return (0, -(today - row.follow_up_on).days, name)
    if row.days_since_last_conference is None:
        return (1, 0, name)
    return (2, -row.days_since_last_conference, name)


class RosterScreen(AppScreen[None]):
    """One row per student; keys lead to everything else."""

    CSS_PATH = "roster.tcss"
    BINDINGS = [
        Binding(
            "n",
            "new_conference",
            "Conference",
            id="roster.new_conference",
            tooltip="Start (or resume) a conference with the selected student",
        ),
        Binding(
            "enter",
            "history",
            "History",
            priority=True,
            id="roster.history",
            tooltip="Open the selected student's history",
        ),
        Binding(
            "a",
            "add_student",
            "Add",
            id="roster.add_student",
            tooltip="Add a student to this class",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="roster.filter",
            tooltip="Filter the roster by name as you type",
        ),
        Binding(
            "o",
            "toggle_sort",
            "Overdue↑",
            id="roster.sort",
            tooltip="Sort most overdue first, or back to by name",
        ),
        Binding(
            "w",
            "toggle_due",
            "Due",
            id="roster.due_only",
            tooltip="Show only students who are due (follow-up passed or not seen lately)",
        ),
        Binding(
            "c",
            "classes",
            "Class",
            id="roster.classes",
            tooltip="Switch class, or create a new one",
        ),
        Binding(
            "s",
            "search",
            "Search",
            id="roster.search",
            tooltip="Search every note",
        ),
        Binding(
            "x",
            "export",
            "Export",
            id="roster.export",
            tooltip="Export notes to Markdown",
        ),
        Binding(
            "g",
            "groups",
            "Groups",
            id="roster.groups",
            tooltip="Group students who share a next step or goal",
        ),
        Binding(
            "e",
            "edit_student",
            "Edit",
            id="roster.edit_student",
            tooltip="Edit the selected student's name, preferred name or class",
        ),
        Binding(
            "d",
            "archive_student",
            "Archive",
            id="roster.archive_student",
            tooltip="Archive the selected student (their notes are kept)",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            show=False,
            id="roster.clear_filter",
            tooltip="Clear the filter",
        ),
    ]

    def __init__(self, first_look: FirstLook | None = None) -> None:
        super().__init__()
        # Painted at once; the store, still opening, then loads the same rows again.
        self.first_look = first_look
        self.rows: list[RosterRow] = []
        self.school_classes: list[ClassInfo] = []
        self.column_widths: dict[str, int] = {}
        self.sort_overdue = False
        self.due_only = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Vertical(id="roster-body"):
            yield TextInput(placeholder="Filter by name… (escape to clear)", id="filter")
            yield DataTable(id="roster-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="welcome")
            yield Static("", id="roster-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.fit_columns()
        self.show_filter(False)
        self.query_one("#welcome").display = False
        table.focus()
        if self.first_look is not None:
            look, self.first_look = self.first_look, None
            self.show((look.classes, look.current, look.rows))

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        if self.fit_columns():
            self.render_rows()

    def fit_columns(self) -> bool:
        """Widen the name and goal columns into the room the table has, the name no wider
        than the longest name; True if the columns changed (and the rows were cleared)."""
        table = self.query_one(DataTable)
        longest_name = (
            max(
                (cell_len(row.student.display_name) + (2 if row.draft_conference_id else 0))
                for row in self.rows
            )
            if self.rows
            else 0
        )
        self.column_widths = share_width(
            ROSTER_COLUMNS,
            # The table spans the screen: its width is the screen's, even mid-resize.
            width_for_columns(table, self.size.width or self.app.size.width),
            {"name": longest_name},
        )
        return fit_columns(table, ROSTER_COLUMNS, self.column_widths)

    # -- loading ---------------------------------------------------------------------

    def reload(self, select_student_id: str | None = None) -> None:
        store = self.conference_app.store
        wanted = self.conference_app.current_class_id
        due_after = self.conference_app.settings.due_after_days

        def load() -> tuple[list[ClassInfo], ClassInfo | None, list[RosterRow]]:
            classes = store.list_classes()
            current = next((c for c in classes if c.id == wanted), None)
            if current is None and classes:
                current = classes[0]
            rows = store.roster(current.id, due_after_days=due_after) if current else []
            return classes, current, rows

        def show(loaded: tuple[list[ClassInfo], ClassInfo | None, list[RosterRow]]) -> None:
            self.show(loaded)
            table = self.query_one(DataTable)
            if select_student_id is not None and select_student_id in table.rows:
                table.move_cursor(row=table.get_row_index(select_student_id))

        self.load_before_keys(load, show, group="roster-load", what="the roster")

    def show(self, loaded: tuple[list[ClassInfo], ClassInfo | None, list[RosterRow]]) -> None:
        self.school_classes, current, self.rows = loaded
        self.loaded = True
        self.conference_app.set_current_class(
            current.id if current else None, current.name if current else ""
        )
        self.render_rows()

    def today(self) -> date:
        return self.conference_app.clock().astimezone().date()

    def visible_rows(self) -> list[RosterRow]:
        needle = self.query_one("#filter", Input).value.casefold().strip()
        rows = [
            row
            for row in self.rows
            if (not needle or needle in row.student.display_name.casefold())
            and (not self.due_only or row.is_due)
        ]
        if self.sort_overdue:
            today = self.today()
            rows.sort(key=lambda row: overdue_rank(row, today))
        return rows

    def render_rows(self) -> None:
        table = self.query_one(DataTable)
        welcome = self.query_one("#welcome", Static)
        selected = self.selected_student_id()
        table.clear()
        if not self.school_classes or not self.rows:
            name = self.conference_app.current_class_name
            welcome.update(
                Content.from_markup(WELCOME_NO_STUDENTS, name=visible(name))
                if self.school_classes
                else WELCOME_NO_CLASS
            )
            welcome.display = True
            table.display = False
            self.update_status()
            self.settle_focus()
            return
        welcome.display = False
        table.display = True
        self.fit_columns()
        theme = self.app.current_theme
        due_style = f"bold {theme.warning}" if theme.warning else "bold"
        today = self.today()
        for row in self.visible_rows():
            style = due_style if row.is_due else ""
            name_width = self.column_widths["name"]
            name = one_line(row.student.display_name, name_width)
            if row.draft_conference_id:
                name = one_line("✎ " + row.student.display_name, name_width)
            table.add_row(
                Text("●" if row.is_due else "", style=style),
                Text(name, style=style),
                Text(days_ago(row.days_since_last_conference), style=style),
                str(row.conference_count),
                Text(one_line(row.active_goal, self.column_widths["goal"])),
                Text(follow_up_label(row.follow_up_on, today), style=style),
                key=row.student.id,
            )
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        self.update_status()
        self.settle_focus()

    def settle_focus(self) -> None:
        """Keys must reach the table, or the screen when there is no table to show."""
        table = self.query_one(DataTable)
        if self.query_one("#filter", Input).display:
            return
        if table.display:
            table.focus()
        else:
            self.set_focus(None)

    def update_status(self) -> None:
        shown = len(self.visible_rows()) if self.rows else 0
        due = sum(1 for row in self.rows if row.is_due)
        parts = [f"{shown} of {len(self.rows)} students", f"{due} due (●)"]
        parts.append("most overdue first" if self.sort_overdue else "by name")
        if self.due_only:
            parts.append("due only")
        needle = self.query_one("#filter", Input).value.strip()
        if needle:
            parts.append(f"filter “{needle}”")
        if any(row.draft_conference_id for row in self.rows):
            parts.append("✎ draft open")
        self.query_one("#roster-status", Static).update(plain(" · ".join(parts)))

    # -- selection -------------------------------------------------------------------

    def selected_student_id(self) -> str | None:
        return row_key_at_cursor(self.query_one(DataTable))

    def selected_row(self) -> RosterRow | None:
        student_id = self.selected_student_id()
        return next((row for row in self.rows if row.student.id == student_id), None)

    def require_student(self) -> RosterRow | None:
        row = self.selected_row()
        if row is None:
            self.conference_app.key_gate.refuse("No student selected. Press a to add one.")
        return row

    # -- filter ----------------------------------------------------------------------

    def show_filter(self, shown: bool) -> None:
        # Disabled as well as hidden, so that focus never lands on it unseen.
        box = self.query_one("#filter", Input)
        box.display = shown
        box.disabled = not shown

    def action_filter(self) -> None:
        self.show_filter(True)
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.render_rows()

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value or box.display:
            box.value = ""
            self.show_filter(False)
            self.query_one(DataTable).focus()
            self.render_rows()

    def action_toggle_sort(self) -> None:
        self.sort_overdue = not self.sort_overdue
        self.render_rows()

    def action_toggle_due(self) -> None:
        self.due_only = not self.due_only
        self.render_rows()

    # -- actions -----------------------------------------------------------------------

    def action_history(self) -> None:
        if self.focused is self.query_one("#filter"):
            # enter in the filter box keeps the filter and goes back to the table
            self.query_one(DataTable).focus()
            return
        row = self.require_student()
        if row:
            self.conference_app.open_history(row.student.id)

    def action_new_conference(self) -> None:
        row = self.require_student()
        if row:
            self.conference_app.open_conference(row.student.id)

    def action_add_student(self) -> None:
        if not self.school_classes:
            self.conference_app.key_gate.refuse("Create a class first: press c.")
            return
        from conference_tui.tui.screens.student_dialog import StudentDialog

        self.app.push_screen(
            StudentDialog(class_id=self.conference_app.current_class_id),
            self.after_student_saved,
        )

    def action_edit_student(self) -> None:
        row = self.require_student()
        if row is None:
            return
        from conference_tui.tui.screens.student_dialog import StudentDialog

        self.app.push_screen(
            StudentDialog(
                class_id=row.student.class_id,
                student=row.student,
                school_classes=self.school_classes,
            ),
            self.after_student_saved,
        )

    def after_student_saved(self, student_id: str | None) -> None:
        if student_id:
            self.reload(select_student_id=student_id)

    def action_archive_student(self) -> None:
        row = self.require_student()
        if row is None:
            return
        student = row.student

        def confirmed(yes: bool | None) -> None:
            if yes:
                store = self.conference_app.store
                # Keys typed after y act on the roster without the archived student.
                self.load_before_keys(
                    lambda: store.archive_student(student.id),
                    lambda _: (self.notify(f"{student.name} archived."), self.reload()),
                    group="save-archive",
                    what="the student to be archived",
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Archive {student.display_name}?",
                "They leave the roster; every note is kept and still found by search.",
                confirm_label="Archive",
            ),
            confirmed,
        )

    def action_classes(self) -> None:
        from conference_tui.tui.screens.class_dialog import ClassDialog

        def chosen(class_info: ClassInfo | None) -> None:
            if class_info is not None:
                self.conference_app.set_current_class(class_info.id, class_info.name)
                self.query_one("#filter", Input).value = ""
                self.show_filter(False)
                self.reload()

        self.app.push_screen(
            ClassDialog(current_class_id=self.conference_app.current_class_id),
            chosen,
        )

    def action_search(self) -> None:
        self.conference_app.open_search()

    def action_export(self) -> None:
        row = self.selected_row()
        self.conference_app.open_export(
            student_id=row.student.id if row else None,
            class_id=self.conference_app.current_class_id,
        )

    def action_groups(self) -> None:
        from conference_tui.tui.screens.groups import GroupsScreen

        self.app.push_screen(GroupsScreen(self.rows))
