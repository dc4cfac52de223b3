"""One learner's story: conferences newest first, the chain of goals, habits, profile."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.scalar import Unit
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from conference_tui.store import HabitTally
from conference_tui.store.records import ConferenceInfo, ConferenceSummary, GoalInfo, RubricScore
from conference_tui.store.roster_records import GoalStatus, StudentInfo
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.copying import CopiesConference, copy_bindings
from conference_tui.tui.widgets.conference_view import ConferenceView
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import GROUP_MARK, QUIET, local_date, one_line, plain
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.tab_bar import TabBar
from conference_tui.tui.widgets.tables import (
    ColumnSpec,
    RowTable,
    fit_columns,
    row_key_at_cursor,
    share_width,
    width_for_columns,
)

if TYPE_CHECKING:
    from conference_tui.store import Store

PAGE_SIZE = 100
# Load the next page when the cursor comes this close to the last loaded row.
PREFETCH_ROWS = 30
DETAIL_DELAY_SECONDS = 0.08
WIDE_AT_COLUMNS = 110
GOAL_MARK = {
    GoalStatus.ACTIVE: "○ active",
    GoalStatus.MET: "✓ met",
    GoalStatus.REVISED: "↻ revised",
    GoalStatus.DROPPED: "✗ dropped",
}
FIRST_TAB = "conferences"
TABS = (
    (FIRST_TAB, "1 Conferences"),
    ("goals", "2 Goals"),
    ("habits", "3 Habits"),
    ("profile", "4 Profile"),
)
TAB_FOCUS = {
    FIRST_TAB: "#history-table",
    "goals": "#goals-table",
    "habits": "#habits-table",
    "profile": "#profile-pane",
}
PROFILE_PARTS = (("interests", "Interests"), ("strengths", "Strengths"), ("needs", "Needs"))


@dataclass(frozen=True)
class Story:
    """Everything the screen shows except the pages after the first and each full record."""

    student: StudentInfo
    conference_count: int
    conferences: list[ConferenceSummary]
    goals: list[GoalInfo]
    habits: list[HabitTally]
    # Every rubric level chosen for the learner, oldest first: each criterion's trend.
    rubric_scores: list[RubricScore]


@dataclass(frozen=True)
class Detail:
    conference: ConferenceInfo
    goals: list[GoalInfo]
    # The other members of the small group it was held with (none: one student).
    group_names: tuple[str, ...] = ()


def read_detail(store: Store, conference_id: str) -> Detail:
    conference = store.get_conference(conference_id)
    names = store.group_member_names(conference_id) if conference.group_id else []
    return Detail(conference, store.goals_touching(conference_id), tuple(names))


def read_story(store: Store, student_id: str, limit: int = PAGE_SIZE) -> Story:
    return Story(
        store.get_student(student_id),
        store.conference_count(student_id),
        store.history(student_id, limit=limit),
        store.goal_chain(student_id),
        store.habit_tally(student_id),
        store.rubric_scores(student_id),
    )


def read_opening(
    store: Store, student_id: str, first: str | None = None
) -> tuple[Story, Detail | None]:
    """What the screen opens with, and the full record of the conference it opens on
    (`first`, else the newest): read before the screen is pushed, so that it is drawn
    once, whole."""
    story = read_story(store, student_id)
    ids = [summary.id for summary in story.conferences]
    shown = first if first in ids else (ids[0] if ids else None)
    return story, read_detail(store, shown) if shown else None


CONFERENCE_COLUMNS = (
    ColumnSpec("state", "", 1),
    ColumnSpec("date", "Date", 10),
    ColumnSpec("piece", "Piece", 16, grows=True),
    ColumnSpec("point", "Teaching point", 20, grows=True),
    ColumnSpec("goal", "Goal set", 18, grows=True),
)
GOAL_COLUMNS = (
    ColumnSpec("goal", "Goal", 36, grows=True),
    ColumnSpec("set", "Set", 10),
    ColumnSpec("closed", "Closed", 10),
    ColumnSpec("how", "How", 9),
)
HABIT_COLUMNS = (
    ColumnSpec("habit", "Habit of Mind", 38, grows=True),
    ColumnSpec("count", "Times", 5),
    ColumnSpec("first", "First seen", 10),
    ColumnSpec("last", "Last seen", 10),
)


def piece_cell(summary: ConferenceSummary, width: int) -> Text:
    """The piece; a small-group conference is marked there (the state column holds one
    mark, and a group's conference most often names no piece)."""
    if not summary.in_group:
        return Text(one_line(summary.piece_title, width))
    label = f"{GROUP_MARK} {summary.piece_title or 'small group'}"
    return Text(one_line(label, width), style="italic")


def summary_cells(summary: ConferenceSummary, widths: dict[str, int]) -> tuple[Text, ...]:
    state = Text()
    if summary.is_draft:
        state.append("✎", style="italic")
    if summary.amended_at is not None:
        state.append("✱", style="bold")
    return (
        state,
        Text(local_date(summary.started_at)),
        piece_cell(summary, widths["piece"]),
        Text(one_line(summary.teaching_point, widths["point"])),
        Text(one_line(summary.goal_set, widths["goal"])),
    )


def cells_wide(widget: Widget) -> int:
    """The width a widget's styles fix in cells (0: none), known before it is laid out."""
    width = widget.styles.width
    return int(width.value) if width is not None and width.unit == Unit.CELLS else 0


class HistoryScreen(CopiesConference):
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
        # The goal whose detail shows under the goals (False: none shown yet).
        self.shown_goal: str | bool | None = False
        self.generation = 0
        # The tabs after the first are built when first shown (most visits look at the
        # conferences only), and each filled when shown after the story changed.
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

    def tab_pane(self, tab: str) -> Widget:
        if tab == "goals":
            table = RowTable(id="goals-table", cursor_type="row", zebra_stripes=True)
            return Vertical(
                table, Static("", id="goal-detail"), id="goals-pane", classes="history-pane"
            )
        if tab == "habits":
            note = Static(self.no_habits_note(), id="habits-empty", classes="empty-note")
            table = RowTable(id="habits-table", cursor_type="row", zebra_stripes=True)
            return Vertical(note, table, id="habits-pane", classes="history-pane")
        profile = Static("", id="profile-view")
        return VerticalScroll(profile, id="profile-pane", classes="history-pane")

    async def show_tab_content(self, tab: str) -> None:
        """Build the tab's widgets if it is shown for the first time, and fill them if the
        story changed since they were last filled."""
        if tab == FIRST_TAB:
            return  # built with the screen, filled with every story
        building = self.tabs_built.get(tab)
        if building is None:
            pane = self.tab_pane(tab)
            pane.display = False  # until switch_to shows it, with the bar marking it
            footer = self.query_one(KeysFooter)
            building = self.tabs_built[tab] = self.mount(pane, before=footer)
        # Two activations in a row (a key, then a click) wait for the same mount.
        await building
        self.fill_tab(tab)

    def fill_tab(self, tab: str) -> None:
        if tab in self.tabs_filled or tab not in self.tabs_built:
            return
        self.tabs_filled.add(tab)
        if tab == "goals":
            self.fit_table("#goals-table")
            self.show_goals()
        elif tab == "habits":
            self.fit_table("#habits-table")
            self.show_habits()
        elif tab == "profile":
            self.show_profile()

    def story_changed(self, tab: str) -> None:
        """What a tab shows changed: filled now if it is on screen, else when next shown,
        and emptied meanwhile (shown from the tab bar, it is filled a moment after it
        shows: that moment must not show the last student's)."""
        self.tabs_filled.discard(tab)
        if tab not in self.tabs_built:
            return
        if self.active_tab() == tab:
            self.fill_tab(tab)
        elif tab == "profile":
            self.query_one("#profile-view", Static).update("")
        else:
            self.query_one(f"#{tab}-table", DataTable).clear()
            if tab == "goals":
                self.query_one("#goal-detail", Static).update("")

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

    def show_first_tab(self) -> None:
        self.show_pane(FIRST_TAB)

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
        active = sum(1 for goal in self.goals if goal.status == GoalStatus.ACTIVE)
        count = self.conference_count
        conferences = f"{count} conference{'s' if count != 1 else ''}"
        if len(self.summaries) < count:
            conferences += f" ({len(self.summaries)} loaded)"
        goals = f"{active} active goal{'s' if active != 1 else ''}"
        title = Content.assemble((visible(name), "bold"), (f" · {conferences} · {goals}", QUIET))
        # Only the marks the table shows: "✎ draft" over a history without one read as
        # if this student had a draft open.
        marks = [
            mark
            for mark, shown in (
                ("✎ draft", any(s.is_draft for s in self.summaries.values())),
                ("✱ amended", any(s.amended_at is not None for s in self.summaries.values())),
                (f"{GROUP_MARK} small group", any(s.in_group for s in self.summaries.values())),
            )
            if shown
        ]
        legend = f" · {' '.join(marks)}" if marks else ""
        if title.cell_length + len(legend) <= self.size.width - 2:
            title = Content.assemble(title, (legend, f"{QUIET} italic"))
        self.query_one("#history-title", Static).update(title)

    def show_goals(self) -> None:
        table = self.query_one("#goals-table", DataTable)
        table.clear()
        # Newest goal first, like the conferences.
        for goal in reversed(self.goals):
            table.add_row(
                Text(one_line(goal.text, self.widths["#goals-table"]["goal"])),
                Text(local_date(goal.set_at)),
                Text(local_date(goal.closed_at) if goal.closed_at else ""),
                plain(GOAL_MARK.get(goal.status, goal.status)),
                key=goal.id,
            )
        self.shown_goal = False
        self.show_goal_detail()

    def show_goal_detail(self) -> None:
        table = self.query_one("#goals-table", DataTable)
        goal_id = row_key_at_cursor(table)
        if goal_id == self.shown_goal:
            # The table's own highlight of the row just filled in: shown already.
            return
        self.shown_goal = goal_id
        detail = self.query_one("#goal-detail", Static)
        if not self.goals:
            detail.update(
                Content.styled("No goals yet: a conference's Goal field sets one.", QUIET)
            )
            return
        goal = next((g for g in self.goals if g.id == goal_id), None)
        if goal is None:
            detail.update("")
            return
        closed = (
            " · still active"
            if goal.status == GoalStatus.ACTIVE
            else f" · {goal.status} {local_date(goal.closed_at)}"
        )
        detail.update(
            Content.assemble(
                visible(goal.text),
                (f"\nSet {local_date(goal.set_at)}", QUIET),
                " at a conference" if goal.set_by_conference_id else " outside a conference",
                (closed, QUIET),
            )
        )

    def no_habits_note(self) -> Text:
        """What the empty Habits tab would show, and where habits are recorded."""
        form = self.conference_app.form
        where = [
            f"{field.label}, stage {form.stage_of(field.key).number}"
            for field in form.fields_of_type("habits")
        ]
        text = Text("No Habits of Mind noticed yet. ", style="bold")
        text.append_text(
            plain(
                f"Those ticked in a conference ({'; '.join(where)}) are counted here: how "
                "often, first and last seen."
                if where
                else "This form records none; a form with a habits field counts them here."
            )
        )
        return text

    def show_habits(self) -> None:
        table = self.query_one("#habits-table", DataTable)
        table.clear()
        self.query_one("#habits-empty", Static).display = not self.habits
        for tally in self.habits:
            table.add_row(
                Text(one_line(tally.habit, self.widths["#habits-table"]["habit"])),
                Text(str(tally.count)),
                Text(local_date(tally.first_seen)),
                Text(local_date(tally.last_seen)),
                key=tally.habit,
            )

    def show_profile(self) -> None:
        if self.student is None:
            return
        parts: list[str | tuple[str, str]] = []
        for key, label in PROFILE_PARTS:
            value = getattr(self.student, key).strip()
            parts.append((f"{label}\n", "bold"))
            parts.append(visible(f"{value}\n\n") if value else ("not noted yet\n\n", QUIET))
        parts.append(("Press p to edit the profile.", f"{QUIET} italic"))
        self.query_one("#profile-view", Static).update(Content.assemble(*parts))

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

    def show_goal_conference(self) -> None:
        """From a goal, back to the conference that set it."""
        goal_id = row_key_at_cursor(self.query_one("#goals-table", DataTable))
        goal = next((g for g in self.goals if g.id == goal_id), None)
        if goal is None or goal.set_by_conference_id is None:
            self.notify("This goal was not set at a conference.", timeout=3)
            return
        self.wanted_conference_id = goal.set_by_conference_id
        self.switch_to(FIRST_TAB)
        table = self.query_one("#history-table", DataTable)
        if goal.set_by_conference_id in self.summaries:
            self.wanted_conference_id = None
            table.move_cursor(row=table.get_row_index(goal.set_by_conference_id), animate=False)
        else:
            self.load_more()

    def action_new_conference(self) -> None:
        self.conference_app.open_conference(self.student_id)

    def action_export(self) -> None:
        self.conference_app.open_export(
            student_id=self.student_id, conference_id=self.selected_conference_id()
        )

    def action_edit_profile(self) -> None:
        if self.student is None:
            return
        from conference_tui.tui.screens.profile_dialog import ProfileDialog

        def saved(student: StudentInfo | None) -> None:
            if student is not None:
                self.student = student
                self.story_changed("profile")
                self.notify(f"Profile of {student.display_name} saved.", timeout=3)

        self.app.push_screen(ProfileDialog(self.student), saved)

    async def action_show_tab(self, tab: str, from_bar: bool = False) -> None:
        # Built before it is shown, so that the keys after this one find its widgets.
        await self.show_tab_content(tab)
        self.switch_to(tab, keep_focus=from_bar and isinstance(self.focused, TabBar))
        self.keys_wait_for_layout()

    @on(TabBar.Chosen)
    async def tab_chosen(self, event: TabBar.Chosen) -> None:
        # Moving along the tab bar itself (left/right) keeps the focus there.
        await self.action_show_tab(event.tab, from_bar=True)

    def keys_wait_for_layout(self) -> None:
        """Keys typed behind a tab's key wait until the tab is laid out: a table shown a
        moment ago has no height yet, and a cursor moved down in it then scrolls every
        row above it out of sight (a refilled goals table showed from its third row)."""
        gate = self.conference_app.key_gate
        gate.hold(self, "the tab to show", part="tab-layout")
        self.call_after_refresh(gate.release, self, part="tab-layout")

    def switch_to(self, tab: str, keep_focus: bool = False) -> None:
        """To a tab already built."""
        self.show_pane(tab)
        if not keep_focus:
            self.focus_tab(tab)

    def show_pane(self, tab: str) -> None:
        """The tab's pane shown, the others' hidden, the bar marking it."""
        for pane in self.query(".history-pane"):
            pane.display = pane.id == f"{tab}-pane"
        self.query_one(TabBar).active = tab

    def focus_tab(self, tab: str) -> None:
        """Keys go to what the tab shows, never to a table hidden on another tab."""
        target = TAB_FOCUS.get(tab)
        if target:
            self.set_focus(self.query_one(target))

    def active_tab(self) -> str:
        return self.query_one(TabBar).active

    def action_back(self) -> None:
        self.dismiss()
