"""Home: the class's students and where each one's conferring stands.

The screen draws; its parts live beside it: roster_rows (reading, filtering and
ordering the rows, the status line: plain functions), roster_students (add, edit,
archive, switch class) and roster_starts (another form, next due, a group). The last
two are imported by the key that needs them, not as the app starts.
"""

from __future__ import annotations

from datetime import date

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.theme import Theme
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from conference_tui.settings import ROSTER_ORDERS
from conference_tui.store.first_look import FirstLook
from conference_tui.store.opening_store import OpeningStore
from conference_tui.store.roster_records import ClassInfo, RosterRow, StudentInfo
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.readable_colours import theme_colour
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.screens.roster_rows import (
    ORDER_WORDS,
    Loaded,
    longest_name,
    name_label,
    read_roster,
    rows_shown,
    status_line,
)
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import days_ago, follow_up_label, one_line, plain
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.tables import (
    ColumnSpec,
    RowTable,
    fit_columns,
    row_key_at_cursor,
    share_width,
    width_for_columns,
)
from conference_tui.tui.widgets.text_input import TextInput

# Another copy of the app, or an import from the command line, may write while the
# roster is open: every few seconds the roster asks the database (cheaply) if it did.
CHANGE_POLL_SECONDS = 3.0

WELCOME_NO_CLASS = """\
[b]Welcome to conference-tui.[/b]

Press [b]a[/b] to add your first student: their name and class, in one go
(or import a roster: conference-tui import roster.csv).

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


class RosterScreen(AppScreen[None]):
    """One row per student; keys lead to everything else."""

    CSS_PATH = "roster.tcss"
    # Not the filter, composed hidden: focus landing there first and moving to the table
    # would be restyled twice before the first frame.
    AUTO_FOCUS = "#roster-table"
    BINDINGS = [
        Binding(
            "n",
            "new_conference",
            "Conference",
            id="roster.new_conference",
            tooltip="Start (or resume) a conference with the selected student",
        ),
        Binding(
            "f",
            "pick_form",
            "Form…",
            id="roster.pick_form",
            tooltip="Start a conference with another form (quick compliment, "
            "performance-task review...), or choose the form n starts for the class",
        ),
        Binding(
            "m",
            "mark",
            "Mark",
            id="roster.mark",
            tooltip=(
                "Mark (or unmark) the selected student for a small-group conference, and "
                "move to the next"
            ),
        ),
        Binding(
            "G",
            "group_conference",
            "Group conf.",
            id="roster.group_conference",
            tooltip="Start a small-group conference with the marked students (2 to 8)",
        ),
        Binding(
            "N",
            "next_due",
            "Next due",
            id="roster.next_due",
            tooltip="Start a conference with the most overdue student not yet seen today",
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
            tooltip="Add a student to this class (the first one: with the class's name)",
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
            "next_order",
            "Order",
            id="roster.sort",
            tooltip="Order by family name, then first name, then most overdue first (kept)",
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
            tooltip="Export notes to Markdown or an HTML page",
        ),
        Binding(
            "g",
            "groups",
            "Groups",
            id="roster.groups",
            tooltip="Group students who share a next step or goal",
        ),
        Binding(
            "v",
            "class_status",
            "Status",
            id="roster.class_status",
            tooltip="The status of the class: who was seen each week, habits, goals met",
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
            "u",
            "undo_archive",
            "Undo archive",
            show=False,
            id="roster.undo_archive",
            tooltip="Bring back the student archived last",
        ),
        Binding(
            "D",
            "archived",
            "Archived",
            id="roster.archived",
            tooltip="List this class's archived students, and bring one back",
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
        # Keys act at once on a roster painted from a first look (n opens a new
        # conference without the store: conference_first_look.py): its first load
        # through the store holds none.
        self.first_load_holds_keys = first_look is None
        self.shown_class_id: str | None = None
        self.rows: list[RosterRow] = []
        self.school_classes: list[ClassInfo] = []
        self.order = self.conference_app.settings.roster_order
        self.column_widths: dict[str, int] = {}
        self.due_only = False
        self.loaded = False
        # The student `u` brings back: the one archived last from this roster.
        self.last_archived: StudentInfo | None = None
        # What the database said when the rows shown were read (see poll_for_changes).
        self.seen_marker: object = None
        # The student to put the cursor on once the roster is read (one just added).
        self.student_to_select: str | None = None
        # The students marked (m) for a small-group conference (G), in marking order.
        self.marked: dict[str, None] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Vertical(id="roster-body"):
            # / again types a new filter over the old one, which it shows selected. Made
            # as show_filter(False) leaves it, so that nothing changes before the first frame.
            box = TextInput(
                placeholder="Filter by name… (escape to clear)",
                id="filter",
                select_on_focus=True,
                disabled=True,
            )
            box.display = False
            yield box
            yield RowTable(id="roster-table", cursor_type="row", zebra_stripes=True)
            welcome = Static("", id="welcome")
            welcome.display = False
            yield welcome
            yield Static("", id="roster-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.fit_columns()
        self.set_interval(CHANGE_POLL_SECONDS, self.poll_for_changes)
        # Due rows carry the theme's warning colour: a new theme paints them again.
        self.app.theme_changed_signal.subscribe(self, self.repaint_for_theme)
        if self.first_look is not None:
            look, self.first_look = self.first_look, None
            self.show((look.classes, look.current, look.rows))

    def on_screen_resume(self) -> None:
        if not self.first_load_holds_keys:
            self.first_load_holds_keys = True
            self.call_after_refresh(self.reload, hold_keys=False)
            return
        # Keys wait for the read from now; the read itself starts once the roster is drawn
        # again: its thread would take Python's lock from that frame (ctrl+s's wait).
        gate = self.conference_app.key_gate
        gate.hold(self, self.loading_what(), part="roster-load", escapable=True)
        self.call_after_refresh(self.reload)

    def on_resize(self) -> None:
        # The student the cursor is on, read before fitting the columns clears the rows:
        # after a resize it went to the first, and `n` opened another student.
        selected = self.selected_student_id()
        if self.fit_columns():
            self.render_rows(selected=selected)

    def fit_columns(self) -> bool:
        """Widen the name and goal columns into the room the table has, the name no wider
        than the longest name; True if the columns changed (and the rows were cleared)."""
        table = self.query_one(DataTable)
        self.column_widths = share_width(
            ROSTER_COLUMNS,
            # The table spans the screen: its width is the screen's, even mid-resize.
            width_for_columns(table, self.size.width or self.app.size.width),
            {"name": longest_name(self.rows, self.marked)},
        )
        changed = fit_columns(table, ROSTER_COLUMNS, self.column_widths)
        if changed:
            table.columns[ColumnKey("name")].label = Text(self.name_heading())
        return changed

    # -- loading ---------------------------------------------------------------------

    def loading_what(self) -> str:
        """What keys typed during a load wait for: at the start, the roster on screen
        was painted from a first look at the file, and the wait is for it to open."""
        if isinstance(self.conference_app.store, OpeningStore):
            return "your notes to open"
        return "the roster"

    def reload(self, select_student_id: str | None = None, *, hold_keys: bool = True) -> None:
        """Read the roster again. Keys typed meanwhile wait for it, unless `hold_keys` is
        False (a change noticed in the background: the teacher did not ask for it)."""
        if select_student_id is not None:
            # Kept until a load shows: one begun after this (the screen resuming under
            # a dialog that closed) would otherwise forget it.
            self.student_to_select = select_student_id
        store = self.conference_app.store
        wanted = self.conference_app.current_class_id
        due_after = self.conference_app.settings.due_after_days

        def load() -> tuple[object, Loaded]:
            return read_roster(store, wanted, due_after)

        def show(result: tuple[object, Loaded]) -> None:
            self.seen_marker, loaded = result
            self.show(loaded)
            table = self.query_one(DataTable)
            wanted_student, self.student_to_select = self.student_to_select, None
            if wanted_student is not None and wanted_student in table.rows:
                table.move_cursor(row=table.get_row_index(wanted_student))

        if hold_keys:
            self.load_before_keys(load, show, group="roster-load", what=self.loading_what())
        else:
            # Never in the group of a load the keys wait for: cancelling that one would
            # keep them waiting for good.
            run_in_background(self, load, show, group="roster-refresh", failed=lambda _: None)

    def poll_for_changes(self) -> None:
        """Read the roster again if another connection has written since it was read.
        Only while the roster is the screen in front (under a dialog it waits: it reads
        again when it shows), and never over a load already under way; the question
        runs in a thread, never on the event loop."""
        busy = any(w.is_running and w.group.startswith("roster-") for w in self.workers)
        if self.app.screen is not self or not self.loaded or busy or self.seen_marker is None:
            return
        store = self.conference_app.store

        def changed(marker: object) -> None:
            if marker != self.seen_marker and self.app.screen is self:
                self.reload(hold_keys=False)

        # A busy or unreachable database is told at the teacher's next action, not by a
        # question the teacher did not ask, every few seconds.
        # The store is read in the thread: a store still opening would wait for it.
        run_in_background(
            self, lambda: store.change_marker(), changed, group="roster-poll", failed=lambda _: None
        )

    def show(self, loaded: Loaded) -> None:
        self.school_classes, current, self.rows = loaded
        # Another class starts at its first student: the line the cursor was on would be
        # a student the teacher never picked (and x would offer to export them).
        shown_before, self.shown_class_id = self.shown_class_id, current.id if current else None
        # A student archived (or moved to another class) is no longer marked.
        on_roster = {row.student.id for row in self.rows}
        self.marked = {sid: None for sid in self.marked if sid in on_roster}
        self.loaded = True
        self.conference_app.set_current_class(
            current.id if current else None, current.name if current else ""
        )
        self.render_rows(keep_place=self.shown_class_id == shown_before)

    def today(self) -> date:
        return self.conference_app.clock().astimezone().date()

    def visible_rows(self) -> list[RosterRow]:
        needle = self.query_one("#filter", Input).value.strip()
        return rows_shown(self.rows, needle, self.due_only, self.order, self.today())

    def repaint_for_theme(self, _theme: Theme) -> None:
        if self.loaded:
            self.render_rows()

    def render_rows(self, keep_place: bool = False, selected: str | None = None) -> None:
        """Draw the rows, the cursor on the student it was on (or `selected`). If they are
        gone, with `keep_place` (rows read again) the cursor stays on that line, the next
        student now; else (a filter typed) it goes to the first."""
        table = self.query_one(DataTable)
        welcome = self.query_one("#welcome", Static)
        if selected is None:
            selected = self.selected_student_id()
        place = table.cursor_row
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
        due_style = Style(bold=True, color=theme_colour(self.app, "text-warning"))
        today = self.today()
        for row in self.visible_rows():
            style = due_style if row.is_due else ""
            name = name_label(row, self.marked, self.column_widths["name"])
            table.add_row(
                Text("●" if row.is_due else "", style=style),
                Text(name, style=style),
                Text(days_ago(row.days_since_last_conference), style=style),
                Text(str(row.conference_count)),
                Text(one_line(row.active_goal, self.column_widths["goal"])),
                Text(follow_up_label(row.follow_up_on, today), style=style),
                key=row.student.id,
            )
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        elif keep_place and table.row_count:
            table.move_cursor(row=min(place, table.row_count - 1))
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
        needle = self.query_one("#filter", Input).value.strip()
        line = status_line(self.rows, shown, self.order, self.due_only, needle, len(self.marked))
        self.query_one("#roster-status", Static).update(plain(line))

    # -- selection -------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#roster-table")
    def cursor_rests(self, event: DataTable.RowHighlighted) -> None:
        # The history enter would open, read while the cursor stays (history_prefetch.py).
        if event.row_key.value is not None and self.app.screen is self:
            self.conference_app.history_prefetch.rest_on(str(event.row_key.value))

    def selected_student_id(self) -> str | None:
        return row_key_at_cursor(self.query_one(DataTable))

    def selected_row(self) -> RosterRow | None:
        student_id = self.selected_student_id()
        return next((row for row in self.rows if row.student.id == student_id), None)

    def require_student(self) -> RosterRow | None:
        row = self.selected_row()
        if row is None:
            self.conference_app.key_gate.refuse(self.why_no_student())
        return row

    def why_no_student(self) -> str:
        """Why no student is under the cursor, and the one thing to do. "Press a to add
        one" when a filter hid the whole class led to a second record of a student."""
        if not self.rows:
            return "No student selected. Press a to add one."
        hiding = []
        if self.query_one("#filter", Input).value.strip():
            hiding.append("the filter hides them all (escape clears it)")
        if self.due_only:
            hiding.append("only students who are due are shown (w shows everyone)")
        if not hiding:
            return "No student selected: move the cursor onto one."
        return f"No student is shown: {'; '.join(hiding)}."

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

    def name_heading(self) -> str:
        """The name column says the order: "Student · family name"."""
        return f"Student · {ORDER_WORDS[self.order]}"

    def action_next_order(self) -> None:
        self.order = ROSTER_ORDERS[(ROSTER_ORDERS.index(self.order) + 1) % len(ROSTER_ORDERS)]
        table = self.query_one(DataTable)
        table.columns[ColumnKey("name")].label = Text(self.name_heading())
        table.refresh()
        self.render_rows()
        self.conference_app.keep_setting("roster_order", self.order)

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

    # The keys below act through modules imported when the key is pressed: none of
    # them is needed to draw the roster, which the app shows before anything else.

    def action_mark(self) -> None:
        from conference_tui.tui.screens.roster_starts import mark

        mark(self)

    def action_group_conference(self) -> None:
        from conference_tui.tui.screens.roster_starts import group_conference

        group_conference(self)

    def action_pick_form(self) -> None:
        from conference_tui.tui.screens.roster_starts import pick_form

        pick_form(self)

    def action_next_due(self) -> None:
        from conference_tui.tui.screens.roster_starts import start_next_due

        start_next_due(self)

    def action_add_student(self) -> None:
        from conference_tui.tui.screens.roster_students import add_student

        add_student(self)

    def action_edit_student(self) -> None:
        from conference_tui.tui.screens.roster_students import edit_student

        edit_student(self)

    def action_archive_student(self) -> None:
        from conference_tui.tui.screens.roster_students import archive_student

        archive_student(self)

    def action_undo_archive(self) -> None:
        from conference_tui.tui.screens.roster_students import undo_archive

        undo_archive(self)

    def action_archived(self) -> None:
        from conference_tui.tui.screens.roster_students import list_archived

        list_archived(self)

    def action_classes(self) -> None:
        from conference_tui.tui.screens.roster_students import choose_class

        choose_class(self)

    def action_search(self) -> None:
        self.conference_app.open_search()

    def action_export(self) -> None:
        row = self.selected_row()
        self.conference_app.open_export(
            student_id=row.student.id if row else None,
            class_id=self.conference_app.current_class_id,
        )

    def action_class_status(self) -> None:
        self.conference_app.open_class_status()

    def action_groups(self) -> None:
        from conference_tui.tui.screens.groups import GroupsScreen

        self.app.push_screen(GroupsScreen(self.rows))
