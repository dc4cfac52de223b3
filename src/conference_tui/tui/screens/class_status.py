"""The status of the class: who was conferred with in each of the last weeks (longest
waiting first), the Habits of Mind noticed across the class, and goals met by month:
the picture for spreading the teacher's time fairly and planning small groups."""

from __future__ import annotations

from datetime import date

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.containers import Horizontal
from textual.theme import Theme
from textual.widgets import DataTable, Static

from conference_tui.store.class_status import ClassStatus, StudentWeeks
from conference_tui.store.text_rules import visible
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import days_ago, one_line, plain, plural
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.tables import row_key_at_cursor

# The grid's cells have no padding of their own: a week is its date and a space.
WEEK_WIDTH = 6
NAME_MIN_WIDTH = 14
LAST_WIDTH = 6
# How far an older week's colour fades toward the background: this week is the theme's
# own colour, the oldest week of the grid keeps a third of it.
OLDEST_STRENGTH = 0.35
PANEL_LINES = 4


def week_label(start: date) -> str:
    return f"{start.month:02d}/{start.day:02d} "


def month_label(first: date) -> str:
    return first.strftime("%b")


def recency_colours(variables: dict[str, str], weeks: int) -> list[Style] | None:
    """A cell style for each week of the grid, oldest first: the theme's success colour,
    fading with age, under black or white text (whichever reads better). None for a
    theme of the terminal's own colours, which cannot be blended."""
    try:
        success = Color.parse(variables["success"])
        ground = Color.parse(variables["background"])
    except (KeyError, ColorParseError):
        return None
    if success.ansi is not None or ground.ansi is not None:
        return None
    styles = []
    for index in range(weeks):
        age = (weeks - 1 - index) / max(1, weeks - 1)
        strength = 1 - age * (1 - OLDEST_STRENGTH)
        cell = ground.blend(success, strength, alpha=1)
        ink = cell.get_contrast_text(1.0)
        styles.append(Style(color=ink.rich_color, bgcolor=cell.rich_color, bold=True))
    return styles


class ClassStatusScreen(AppScreen[None]):
    """A students-by-weeks grid with a count in each week, and two short panels."""

    CSS_PATH = "class_status.tcss"
    SUB_TITLE = "Class status"
    BINDINGS = [
        Binding(
            "enter",
            "conference",
            "Conference",
            priority=True,
            id="status.conference",
            tooltip="Start (or resume) a conference with the highlighted student",
        ),
        Binding(
            "h",
            "history",
            "History",
            id="status.history",
            tooltip="The highlighted student's history",
        ),
        Binding("escape", "back", "Back", id="status.back", tooltip="Back to the roster"),
    ]

    def __init__(self, status: ClassStatus, class_name: str) -> None:
        super().__init__()
        self.status = status
        self.class_name = class_name
        self.resumed_once = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="status-title")
        yield DataTable(id="status-grid", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield Static("", id="status-summary")
        with Horizontal(id="status-panels"):
            yield Static("", id="status-habits")
            yield Static("", id="status-goals")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self.repaint_for_theme)
        self.show_status()
        self.query_one(DataTable).focus()

    def on_unmount(self) -> None:
        # Textual forgets a closed screen's subscription only when the theme next
        # changes: until then it would keep every status screen ever opened alive.
        self.app.theme_changed_signal.unsubscribe(self)

    def on_screen_resume(self) -> None:
        # A conference held from here changes the grid: read it again on coming back.
        if not self.resumed_once:
            self.resumed_once = True
            return
        store = self.conference_app.store
        class_id = self.status.class_id
        due_after = self.conference_app.settings.due_after_days

        def reloaded(status: ClassStatus) -> None:
            self.status = status
            self.show_status()

        self.load_before_keys(
            lambda: store.class_status(class_id, due_after_days=due_after),
            reloaded,
            group="status-load",
            what="the class status",
        )

    def repaint_for_theme(self, _theme: Theme) -> None:
        self.show_grid()

    def on_resize(self) -> None:
        if self.is_mounted:
            self.show_grid()
            self.show_habits()

    # -- drawing ---------------------------------------------------------------------

    def show_status(self) -> None:
        status = self.status
        weeks = len(status.week_starts)
        title = Text()
        title.append(visible(self.class_name) or "This class", style="bold")
        title.append(f" · last {weeks} weeks, waiting longest first")
        self.query_one("#status-title", Static).update(title)
        self.show_grid()
        self.show_summary()
        self.show_habits()
        self.show_goals()

    def name_width(self) -> int:
        weeks = len(self.status.week_starts)
        # Two columns of the table's padding and two of its scroll bar.
        room = (self.size.width or 80) - weeks * WEEK_WIDTH - LAST_WIDTH - 4
        return max(NAME_MIN_WIDTH, room)

    def show_grid(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        selected = row_key_at_cursor(table)
        table.clear(columns=True)
        status = self.status
        table.display = bool(status.students)
        if not status.students:
            return
        name_width = self.name_width()
        table.add_column(plain("Student"), key="name", width=name_width)
        for start in status.week_starts:
            table.add_column(plain(week_label(start)), key=start.isoformat(), width=WEEK_WIDTH)
        table.add_column(plain("Last"), key="last", width=LAST_WIDTH)
        styles = recency_colours(self.app.theme_variables, len(status.week_starts))
        for student in status.students:
            table.add_row(*self.cells(student, name_width, styles), key=student.roster.student.id)
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))

    def cells(
        self, student: StudentWeeks, name_width: int, styles: list[Style] | None
    ) -> list[Text]:
        row = student.roster
        cells = [Text(one_line(row.student.display_name, name_width - 1))]
        for index, count in enumerate(student.per_week):
            if not count:
                cells.append(Text("·", justify="center"))
                continue
            style = styles[index] if styles else Style(bold=True, reverse=True)
            cells.append(Text(str(count), style=style, justify="center"))
        last = days_ago(row.days_since_last_conference)
        cells.append(Text(last, style="bold" if row.is_due else ""))
        return cells

    def show_summary(self) -> None:
        status = self.status
        summary = self.query_one("#status-summary", Static)
        if not status.students:
            summary.update("No students in this class yet: add them on the roster with a.")
            return
        per_week = status.per_week
        waiting = status.not_seen
        text = Text()
        text.append(f"{sum(per_week)} conferences in {len(per_week)} weeks")
        text.append(f" ({per_week[-1]} this week)")
        if waiting:
            names = ", ".join(visible(s.roster.student.display_name) for s in waiting[:3])
            more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
            text.append(" · not seen in these weeks: ")
            text.append(f"{names}{more}", style="bold")
        else:
            text.append(" · everyone seen in these weeks")
        summary.update(text)

    def show_habits(self) -> None:
        panel = self.query_one("#status-habits", Static)
        width = max(10, panel.content_size.width or 36)
        lines = [
            one_line(
                f"{habit.times:>3}× {habit.habit} ({plural(habit.students, 'student')})", width
            )
            for habit in self.status.habits[:PANEL_LINES]
        ]
        text = Text("Habits of Mind noticed\n", style="bold")
        if lines:
            text.append("\n".join(lines), style="not bold")
        else:
            text.append("None yet: habits ticked in a conference show here.", style="not bold")
        panel.update(text)

    def show_goals(self) -> None:
        months = self.status.months[-PANEL_LINES:]
        text = Text("Goals by month\n", style="bold")
        if not any(m.set or m.met for m in months):
            text.append("No goals set or met in these months.", style="not bold")
        else:
            lines = (f"{month_label(m.month)}  {m.met:>3} met  {m.set:>3} set" for m in months)
            text.append("\n".join(lines), style="not bold")
        self.query_one("#status-goals", Static).update(text)

    # -- actions ---------------------------------------------------------------------

    def selected_student(self) -> str | None:
        student_id = row_key_at_cursor(self.query_one(DataTable))
        if student_id is None:
            self.conference_app.key_gate.refuse("No student here: add them on the roster.")
        return student_id

    def action_conference(self) -> None:
        if (student_id := self.selected_student()) is not None:
            self.conference_app.open_conference(student_id)

    def action_history(self) -> None:
        if (student_id := self.selected_student()) is not None:
            self.conference_app.open_history(student_id)

    def action_back(self) -> None:
        self.dismiss()
