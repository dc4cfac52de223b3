"""One learner's story: conferences newest first, the chain of goals, habits, profile.

The screen shows the conferences, a page at a time, and the highlighted one in full;
its parts live beside it: history_story (what is read, in a thread), history_cells
(what each row and pane says: plain functions) and history_tabs (the tab bar and the
goals, habits and profile tabs: a mixin, so that their actions are the screen's).
"""

from __future__ import annotations

import contextlib

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.scalar import Unit
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from conference_tui.store import HabitTally
from conference_tui.store.records import ConferenceSummary, GoalInfo, RubricScore
from conference_tui.store.roster_records import StudentInfo
from conference_tui.tui.background import run_in_background
from conference_tui.tui.copying import CopiesConference, copy_bindings
from conference_tui.tui.screens.history_cells import (
    CONFERENCE_COLUMNS,
    GOAL_COLUMNS,
    HABIT_COLUMNS,
    history_title,
    summary_cells,
)
from conference_tui.tui.screens.history_story import (
    PAGE_SIZE,
    Detail,
    Story,
    read_detail,
    read_story,
)

# read_opening is imported from here by navigation.py and history_prefetch.py, in the
# thread that reads a history before it opens: this screen's module loads there too.
from conference_tui.tui.screens.history_story import read_opening as read_opening
from conference_tui.tui.screens.history_tabs import FIRST_TAB, TABS, HistoryTabs
from conference_tui.tui.widgets.conference_view import ConferenceView
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.tab_bar import TabBar
from conference_tui.tui.widgets.tables import (
    RowTable,
    fit_columns,
    row_key_at_cursor,
    share_width,
    width_for_columns,
)

# Load the next page when the cursor comes this close to the last loaded row.
PREFETCH_ROWS = 30
DETAIL_DELAY_SECONDS = 0.08
WIDE_AT_COLUMNS = 110


def cells_wide(widget: Widget) -> int:
    """The width a widget's styles fix in cells (0: none), known before it is laid out."""
    width = widget.styles.width
    return int(width.value) if width is not None and width.unit == Unit.CELLS else 0


class HistoryScreen(HistoryTabs, CopiesConference):
    """Newest conference first; the highlighted one is shown in full below (or beside)."""

    CSS_PATH = "history.tcss"
    # Focused as the screen is composed, so that its first frame is drawn with it:
    # Textual focuses the first focusable widget (the tab bar), and the table's focus,
    # asked for at mount, came after that frame, restyling and drawing the screen again.
    AUTO_FOCUS = "#history-table"
    BINDINGS = [
        # Priority, so that it shows in the footer over the table's own (hidden) enter.
        Binding(
            "enter",
            "open_conference",
            "Open",
            priority=True,
            id="history.open",
            tooltip="Open the selected conference (a completed one opens for amendment)",
        ),
        Binding(
            "n",
            "new_conference",
            "New",
            id="history.new_conference",
            tooltip="Start (or resume) a conference with this student",
        ),
        Binding(
            "x",
            "export",
            "Export",
            id="history.export",
            tooltip="Export this student's notes to Markdown or an HTML page",
        ),
        Binding(
            "p",
            "edit_profile",
            "Profile",
            id="history.edit_profile",
            tooltip="Edit the learner profile: interests, strengths, needs",
        ),
        Binding("escape", "back", "Back", id="history.back", tooltip="Back to the roster"),
        Binding(
            "1",
            "show_tab('conferences')",
            "Conferences tab",
            show=False,
            id="history.tab1",
            tooltip="Show the conferences, newest first",
        ),
        Binding(
            "2",
            "show_tab('goals')",
            "Goals tab",
            show=False,
            id="history.tab2",
            tooltip="Show the chain of goals",
        ),
        Binding(
            "3",
            "show_tab('habits')",
            "Habits tab",
            show=False,
            id="history.tab3",
            tooltip="Show Habits of Mind observed over time",
        ),
        Binding(
            "4",
            "show_tab('profile')",
            "Profile tab",
            show=False,
            id="history.tab4",
            tooltip="Show the learner profile",
        ),
        *copy_bindings("history"),
    ]

    def __init__(
        self,
        student_id: str,
        conference_id: str | None = None,
        read: tuple[Story, Detail | None] | None = None,
    ) -> None:
        super().__init__()
        # Read before the screen was pushed (see ConferenceApp.open_history): shown at
        # mount, in the first frame, instead of being loaded again.
        self.read_first = read
        self.student_id = student_id
        self.wanted_conference_id = conference_id
        self.student: StudentInfo | None = None
        self.summaries: dict[str, ConferenceSummary] = {}
        self.conference_count = 0
        self.goals: list[GoalInfo] = []
        self.habits: list[HabitTally] = []
        self.rubric_scores: list[RubricScore] = []
        self.widths: dict[str, dict[str, int]] = {}
        self.has_more = False
        self.loading_more = False
        self.details: dict[str, Detail] = {}
        self.detail_timer: Timer | None = None
        self.shown_detail: str | None = None
        self.shown_goal: str | bool | None = False
        self.generation = 0
        self.tabs_built: dict[str, AwaitMount] = {}
        self.tabs_filled: set[str] = set()

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Loading…", id="history-title")
        # One widget for the tab bar, and each tab's pane shown or hidden by the screen
        # (see TabBar): the conferences' built with the screen, the others when first
        # shown (see show_tab_content).
        yield TabBar(TABS, FIRST_TAB, id="history-tabs")
        # Wide or not from the start: the table's columns are fitted to its width
        # before the first layout, and fitted again (every row added again) if wrong.
        wide = " -wide" if self.app.size.width >= WIDE_AT_COLUMNS else ""
        with Horizontal(id="conferences-pane", classes=f"history-pane{wide}"):
            yield RowTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield ConferenceView(id="conference-view")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        self.fit_tables()
        self.query_one(ConferenceView).show_message("Loading…")
        table.focus()
        if self.read_first is not None:
            story, detail = self.read_first
            self.show_story(story)
            if detail is not None:
                self.show_detail(detail)

    def on_resize(self) -> None:
        self.apply_width()
        # Once the tables have their new sizes.
        self.call_after_refresh(self.refit_tables)

    TABLES = {
        "#history-table": CONFERENCE_COLUMNS,
        "#goals-table": GOAL_COLUMNS,
        "#habits-table": HABIT_COLUMNS,
    }

    def fit_tables(self) -> set[str]:
        """Text columns widened into the room each table has; the ids of the tables whose
        columns changed, and whose rows were cleared with them."""
        return {table_id for table_id in self.TABLES if self.fit_table(table_id)}

    def fit_table(self, table_id: str) -> bool:
        """A table on a tab not shown is as wide as the screen; True if its columns
        changed (and its rows were cleared)."""
        table = self.query_one_optional(table_id, DataTable)
        if table is None:
            return False  # its tab not shown yet
        columns = self.TABLES[table_id]
        width = table.size.width or cells_wide(table) or self.size.width or self.app.size.width
        self.widths[table_id] = share_width(columns, width_for_columns(table, width))
        return fit_columns(table, columns, self.widths[table_id])

    def refit_tables(self) -> None:
        # Where the teacher is, read before fitting clears the rows: a resize keeps it.
        selected = self.selected_conference_id()
        goals = self.query_one_optional("#goals-table", DataTable)
        goal = row_key_at_cursor(goals) if goals is not None else None
        changed = self.fit_tables()
        if "#history-table" in changed:
            table = self.query_one("#history-table", DataTable)
            summaries = list(self.summaries.values())
            self.summaries.clear()
            self.add_summaries(summaries)
            if selected in self.summaries:
                table.move_cursor(row=table.get_row_index(selected), animate=False)
        if "#goals-table" in changed:
            self.story_changed("goals")
            if goals is not None and goal is not None and goals.row_count:
                with contextlib.suppress(RowDoesNotExist):
                    goals.move_cursor(row=goals.get_row_index(goal), animate=False)
        if "#habits-table" in changed:
            self.story_changed("habits")

    def apply_width(self) -> None:
        self.query_one("#conferences-pane").set_class(self.size.width >= WIDE_AT_COLUMNS, "-wide")

    def on_screen_resume(self) -> None:
        if self.read_first is not None:
            self.read_first = None  # shown at mount, or by refill
            return
        self.reload()

    def on_screen_suspend(self) -> None:
        if self not in self.app.screen_stack:
            # Closed, and kept for the next student: back to the first tab while nobody
            # sees it, so that the next student's first frame has its underline there.
            self.show_first_tab()
            # Nobody waits for its detail now; and as the app quits, its tables go before
            # the screen and its timers do.
            if self.detail_timer is not None:
                self.detail_timer.stop()
                self.detail_timer = None

    def refill(
        self, student_id: str, conference_id: str | None, read: tuple[Story, Detail | None]
    ) -> None:
        """Show another student's history in this screen, built for an earlier one (see
        navigation.history_screen): everything the last student left (tab, rows, the
        conference shown, a page still loading) goes, before the screen is pushed again."""
        self.student_id = student_id
        self.wanted_conference_id = conference_id
        self.read_first = read
        self.generation += 1  # a page of the last student's, still loading, is dropped
        self.show_first_tab()  # done as it closed; again, should a suspend come late
        self.query_one(ConferenceView).show_message("Loading…")
        self.query_one("#history-table", DataTable).focus()
        # show_story replaces the rest: student, rows, goals, habits, profile, details.
        story, detail = read
        self.show_story(story, keep_place=False)
        if detail is not None:
            self.show_detail(detail)

    # -- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Everything again (after an amendment, say), keeping as many rows as were loaded."""
        store = self.conference_app.store
        student_id = self.student_id
        limit = max(PAGE_SIZE, len(self.summaries))
        self.generation += 1
        generation = self.generation

        def load() -> Story:
            return read_story(store, student_id, limit)

        def loaded(story: Story) -> None:
            if generation == self.generation:  # not refilled with another student since
                self.show_story(story)

        self.load_before_keys(
            load,
            loaded,
            group="history-load",
            what="the history",
            failed=self.could_not_load,
        )

    def could_not_load(self, message: str) -> None:
        if self.student is not None:
            self.notify(message, title="Could not refresh the history", severity="error")
            return
        self.notify(message, title="Cannot open the history", severity="error", timeout=10)
        # Keys typed for the history must not act on the roster instead.
        self.conference_app.key_gate.release(self, part="history-load", deliver=False)
        self.dismiss()

    def show_story(self, story: Story, keep_place: bool = True) -> None:
        """Show a student's story; with `keep_place`, on the conference the cursor was on
        (the same story read again), else on the one asked for, or the newest."""
        self.student = story.student
        self.conference_count = story.conference_count
        self.goals = story.goals
        self.habits = story.habits
        self.rubric_scores = story.rubric_scores
        self.details.clear()
        self.loading_more = False
        self.has_more = len(story.conferences) < story.conference_count
        table = self.query_one("#history-table", DataTable)
        selected = self.wanted_conference_id or (
            self.selected_conference_id() if keep_place else None
        )
        table.clear()
        self.summaries.clear()
        self.add_summaries(story.conferences)
        self.show_title()
        for tab in ("goals", "habits", "profile"):
            self.story_changed(tab)
        if not self.summaries:
            self.query_one(ConferenceView).show_message(
                "No conferences yet. Press n to start the first one."
            )
        elif selected in self.summaries:
            self.wanted_conference_id = None
            table.move_cursor(row=table.get_row_index(selected), animate=False)
        elif self.wanted_conference_id and self.has_more:
            self.load_more()
        self.shown_detail = None
        self.schedule_detail()

    def add_summaries(self, summaries: list[ConferenceSummary]) -> None:
        table = self.query_one("#history-table", DataTable)
        for summary in summaries:
            if summary.id in self.summaries:
                continue  # a conference that set two goals comes back twice
            self.summaries[summary.id] = summary
            table.add_row(*summary_cells(summary, self.widths["#history-table"]), key=summary.id)

    def load_more(self) -> None:
        if not self.has_more or self.loading_more:
            return
        self.loading_more = True
        store = self.conference_app.store
        student_id = self.student_id
        offset = len(self.summaries)
        generation = self.generation

        def load() -> list[ConferenceSummary]:
            return store.history(student_id, limit=PAGE_SIZE, offset=offset)

        def loaded(page: list[ConferenceSummary]) -> None:
            if generation != self.generation:
                return  # a reload replaced everything meanwhile
            self.loading_more = False
            self.add_summaries(page)
            self.has_more = bool(page) and len(self.summaries) < self.conference_count
            self.show_title()
            wanted = self.wanted_conference_id
            if wanted in self.summaries:
                self.wanted_conference_id = None
                table = self.query_one("#history-table", DataTable)
                table.move_cursor(row=table.get_row_index(wanted), animate=False)
            elif wanted and self.has_more:
                self.load_more()

        def failed(message: str) -> None:
            self.loading_more = False
            self.notify(message, title="Could not load more conferences", severity="error")

        run_in_background(self, load, loaded, group="history-page", exclusive=False, failed=failed)

    # -- the parts of the story ----------------------------------------------------

    def show_title(self) -> None:
        if self.student is None:
            return
        name = self.student.display_name
        self.sub_title = f"History · {name}"
        title = history_title(
            name, self.conference_count, self.goals, self.summaries.values(), self.size.width - 2
        )
        self.query_one("#history-title", Static).update(title)

    # -- the highlighted conference, in full ---------------------------------------

    def selected_conference_id(self) -> str | None:
        return row_key_at_cursor(self.query_one("#history-table", DataTable))

    async def conference_to_copy(self) -> str | None:
        conference_id = self.selected_conference_id()
        if conference_id is None:
            self.nothing_highlighted()
        return conference_id

    def selected_summary(self) -> ConferenceSummary | None:
        conference_id = self.selected_conference_id()
        return self.summaries.get(conference_id) if conference_id else None

    @on(DataTable.RowHighlighted, "#history-table")
    def conference_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - PREFETCH_ROWS:
            self.load_more()
        self.schedule_detail()

    @on(DataTable.RowHighlighted, "#goals-table")
    def goal_highlighted(self) -> None:
        self.show_goal_detail()

    def schedule_detail(self) -> None:
        """Show the highlighted conference; a held-down arrow key loads only where it stops."""
        if self.detail_timer is not None:
            self.detail_timer.stop()
        self.detail_timer = self.set_timer(DETAIL_DELAY_SECONDS, self.load_detail)

    def load_detail(self) -> None:
        conference_id = self.selected_conference_id()
        if conference_id is None or conference_id == self.shown_detail:
            return
        cached = self.details.get(conference_id)
        if cached is not None:
            self.show_detail(cached)
            return
        store = self.conference_app.store

        run_in_background(
            self,
            lambda: read_detail(store, conference_id),
            self.show_detail,
            group="history-detail",
        )

    def show_detail(self, detail: Detail) -> None:
        self.details[detail.conference.id] = detail
        if detail.conference.id != self.selected_conference_id():
            return
        self.shown_detail = detail.conference.id
        conference = detail.conference
        form = self.conference_app.form_held_with(conference.form_id)
        self.query_one(ConferenceView).show(
            conference, form, detail.goals, self.rubric_scores, detail.group_names
        )

    # -- actions -------------------------------------------------------------------

    @on(DataTable.RowSelected, "#history-table")
    def conference_chosen(self) -> None:
        self.action_open_conference()

    def action_open_conference(self) -> None:
        """enter: what it opens depends on the tab (a goal leads to the conference that set it)."""
        tab = self.active_tab()
        if tab == "goals":
            self.show_goal_conference()
            return
        if tab == "profile":
            self.action_edit_profile()
            return
        if tab == "habits":
            self.switch_to(FIRST_TAB)
            return
        summary = self.selected_summary()
        if summary is None:
            self.notify("No conference selected. Press n to start one.", severity="warning")
            return
        self.conference_app.open_conference(self.student_id, summary.id, amend=not summary.is_draft)

    def action_new_conference(self) -> None:
        self.conference_app.open_conference(self.student_id)

    def action_export(self) -> None:
        self.conference_app.open_export(
            student_id=self.student_id, conference_id=self.selected_conference_id()
        )

    @on(TabBar.Chosen)
    async def tab_chosen(self, event: TabBar.Chosen) -> None:
        # Moving along the tab bar itself (left/right) keeps the focus there.
        await self.action_show_tab(event.tab, from_bar=True)

    def action_back(self) -> None:
        self.dismiss()
