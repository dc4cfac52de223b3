"""Home: the class's students and where each one's conferring stands."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.cells import cell_len
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
from conference_tui.store.errors import StoreError
from conference_tui.store.first_look import FirstLook
from conference_tui.store.names import family_name_key, first_name_key
from conference_tui.store.roster_records import ClassInfo, RosterRow, StudentInfo
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.readable_colours import theme_colour
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.dialogs import ConfirmDialog
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import (
    days_ago,
    folded,
    follow_up_label,
    one_line,
    plain,
)
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

if TYPE_CHECKING:
    from conference_tui.forms import Form

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


# How each order reads in the roster's column heading and status line.
ORDER_WORDS = {"family": "family name", "first": "first name", "overdue": "most overdue"}


# What the roster shows: the classes, the one shown, and its students.
Loaded = tuple[list[ClassInfo], ClassInfo | None, list[RosterRow]]


def overdue_rank(row: RosterRow, today: date) -> tuple[int, int, tuple[str, str]]:
    """Most overdue first: late follow-ups by lateness, then never seen, then longest
    unseen; by family name among equals."""
    name = family_name_key(row.student.name)
    if row.follow_up_on is not None and row.follow_up_on <= today:
        return (0, -(today - row.follow_up_on).days, name)
    if row.days_since_last_conference is None:
        return (1, 0, name)
    return (2, -row.days_since_last_conference, name)


def in_order(rows: list[RosterRow], order: str, today: date) -> list[RosterRow]:
    """The rows as the roster shows them in `order` (one of settings.ROSTER_ORDERS)."""
    if order == "overdue":
        return sorted(rows, key=lambda row: overdue_rank(row, today))
    if order == "first":
        return sorted(rows, key=lambda row: first_name_key(row.student.name))
    return sorted(rows, key=lambda row: family_name_key(row.student.name))


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
        # Keys wait for the read from now; the read itself starts once the roster is drawn
        # again: its thread would take Python's lock from that frame (ctrl+s's wait).
        self.conference_app.key_gate.hold(self, "the roster", part="roster-load", escapable=True)
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
        longest_name = (
            max(
                (
                    cell_len(row.student.display_name)
                    + (2 if row.draft_conference_id else 0)
                    + (2 if row.student.id in self.marked else 0)
                )
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
        changed = fit_columns(table, ROSTER_COLUMNS, self.column_widths)
        if changed:
            table.columns[ColumnKey("name")].label = Text(self.name_heading())
        return changed

    # -- loading ---------------------------------------------------------------------

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
            # Asked first: a change made while the rows are read shows at the next poll.
            # A file that cannot say (damaged, say) still shows its roster, unwatched.
            try:
                marker: object = store.change_marker()
            except StoreError:
                marker = None
            classes = store.list_classes()
            current = next((c for c in classes if c.id == wanted), None)
            if current is None and classes:
                current = classes[0]
            rows = store.roster(current.id, due_after_days=due_after) if current else []
            return marker, (classes, current, rows)

        def show(result: tuple[object, Loaded]) -> None:
            self.seen_marker, loaded = result
            self.show(loaded)
            table = self.query_one(DataTable)
            wanted_student, self.student_to_select = self.student_to_select, None
            if wanted_student is not None and wanted_student in table.rows:
                table.move_cursor(row=table.get_row_index(wanted_student))

        if hold_keys:
            self.load_before_keys(load, show, group="roster-load", what="the roster")
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
        needle = folded(self.query_one("#filter", Input).value.strip())
        rows = [
            row
            for row in self.rows
            if (not needle or needle in folded(row.student.display_name))
            and (not self.due_only or row.is_due)
        ]
        return in_order(rows, self.order, self.today())

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
            name_width = self.column_widths["name"]
            name = one_line(row.student.display_name, name_width)
            marks = ("✓ " if row.student.id in self.marked else "") + (
                "✎ " if row.draft_conference_id else ""
            )
            if marks:
                name = one_line(marks + row.student.display_name, name_width)
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
        due = sum(1 for row in self.rows if row.is_due)
        parts = [f"{shown} of {len(self.rows)} students", f"{due} due (●)"]
        parts.append(f"by {ORDER_WORDS[self.order]}")
        if self.due_only:
            parts.append("due only")
        needle = self.query_one("#filter", Input).value.strip()
        if needle:
            parts.append(f"filter “{needle}”")
        if any(row.draft_conference_id for row in self.rows):
            parts.append("✎ draft open")
        if self.marked:
            parts.append(f"✓ {len(self.marked)} marked: G for a group conference")
        self.query_one("#roster-status", Static).update(plain(" · ".join(parts)))

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

    def action_mark(self) -> None:
        """Mark or unmark the selected student, then go down a row (m m m marks three)."""
        row = self.require_student()
        if row is None:
            return
        if self.marked.pop(row.student.id, "unmarked") == "unmarked":
            self.marked[row.student.id] = None
        table = self.query_one(DataTable)
        place = table.cursor_row
        self.render_rows()
        if place + 1 < table.row_count:
            table.move_cursor(row=place + 1)

    def action_group_conference(self) -> None:
        from conference_tui.store.group_conferences import group_size_problem

        chosen = [sid for sid in self.marked if any(r.student.id == sid for r in self.rows)]
        problem = group_size_problem(len(chosen))
        if problem:
            self.conference_app.key_gate.refuse(
                f"{problem} Mark each student of the group with m, then press G "
                f"({len(chosen)} marked now)."
            )
            return

        def started() -> None:
            self.marked = {}
            self.render_rows()

        self.conference_app.open_group_conference(chosen, started)

    def action_pick_form(self) -> None:
        from conference_tui.tui.screens.form_dialog import FormDialog

        row = self.require_student()
        if not row:
            return
        app = self.conference_app
        school_class = next((c for c in self.school_classes if c.id == row.student.class_id), None)
        default_form = (school_class.default_form if school_class else "") or app.form.id
        student_id = row.student.id

        def chosen(form: Form | None) -> None:
            if form is not None:
                app.open_conference(student_id, form=form)

        self.app.push_screen(
            FormDialog(app.forms, default_form, school_class, row.student.display_name, student_id),
            chosen,
        )

    def action_next_due(self) -> None:
        """The most overdue student (as `o` orders them) not conferred with today: the
        key to press after ctrl+s, while the next child walks over."""
        today = self.today()
        waiting = [row for row in self.rows if row.is_due and row.days_since_last_conference != 0]
        if not waiting:
            self.conference_app.key_gate.refuse(
                "No student is due: everyone has been seen lately. Pick one and press n."
            )
            return
        row = min(waiting, key=lambda row: overdue_rank(row, today))
        table = self.query_one(DataTable)
        if row.student.id in table.rows:
            table.move_cursor(row=table.get_row_index(row.student.id))
        self.conference_app.open_conference(row.student.id)

    def action_add_student(self) -> None:
        from conference_tui.tui.screens.student_dialog import StudentDialog

        # No class yet, or none of its students: the class is asked for with the name.
        ask_class = not self.school_classes or not self.rows
        self.app.push_screen(
            StudentDialog(
                class_id=self.conference_app.current_class_id,
                class_name=self.conference_app.current_class_name if ask_class else None,
            ),
            self.after_student_added,
        )

    def after_student_added(self, student: StudentInfo | None) -> None:
        if student is not None:
            # Their class is the one to show: it may be new, made with them.
            self.conference_app.set_current_class(student.class_id, "")
            self.reload(select_student_id=student.id)

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

    def after_student_saved(self, student: StudentInfo | None) -> None:
        if student is not None:
            self.reload(select_student_id=student.id)

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
                    lambda _: self.archived(student),
                    group="save-archive",
                    what="the student to be archived",
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Archive {student.display_name}?",
                "They leave the roster; every note is kept and still found by search. "
                "u brings them back at once; D lists every archived student.",
                confirm_label="Archive",
            ),
            confirmed,
        )

    def archived(self, student: StudentInfo) -> None:
        self.last_archived = student
        self.notify(f"Archived {student.display_name} — u to undo", timeout=10)
        self.reload()

    def action_undo_archive(self) -> None:
        student = self.last_archived
        if student is None:
            self.conference_app.key_gate.refuse(
                "Nothing to undo: no student was archived here. D lists archived students."
            )
            return
        store = self.conference_app.store

        def back(_: object) -> None:
            # Only once it is done: if the database refused, u can try again.
            self.last_archived = None
            self.restored(student)

        self.load_before_keys(
            lambda: store.archive_student(student.id, archived=False),
            back,
            group="save-restore",
            what="the student to come back",
        )

    def restored(self, student: StudentInfo | None) -> None:
        if student is not None:
            self.notify(f"{student.display_name} is back on the roster.", timeout=6)
            self.reload(select_student_id=student.id)

    def action_archived(self) -> None:
        from conference_tui.tui.screens.archived_dialog import ArchivedDialog

        self.app.push_screen(
            ArchivedDialog(
                self.conference_app.current_class_id, self.conference_app.current_class_name
            ),
            self.restored,
        )

    def action_classes(self) -> None:
        from conference_tui.tui.screens.class_dialog import ClassDialog

        def chosen(class_info: ClassInfo | None) -> None:
            if class_info is not None:
                self.last_archived = None  # u undoes an archive in the class it was made
                self.conference_app.set_current_class(class_info.id, class_info.name)
                self.query_one("#filter", Input).value = ""
                self.show_filter(False)
                self.reload()

        self.app.push_screen(
            ClassDialog(self.conference_app.current_class_id, self.school_classes),
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

    def action_class_status(self) -> None:
        self.conference_app.open_class_status()

    def action_groups(self) -> None:
        from conference_tui.tui.screens.groups import GroupsScreen

        self.app.push_screen(GroupsScreen(self.rows))
