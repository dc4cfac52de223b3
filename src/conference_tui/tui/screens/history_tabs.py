"""The history's tabs: the bar and its panes, and the three tabs after the conferences
(goals, habits, profile), each built when first shown and filled when shown after the
story changed. A mixin of HistoryScreen (history.py), so that the tabs' actions are
found on the screen; the cells they show are plain functions in history_cells.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import AwaitMount, Widget
from textual.widgets import DataTable, Static

from conference_tui.tui.screens.history_cells import (
    goal_cells,
    goal_detail,
    habit_cells,
    no_habits_note,
    profile,
)
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import QUIET
from conference_tui.tui.widgets.tab_bar import TabBar
from conference_tui.tui.widgets.tables import RowTable, row_key_at_cursor

if TYPE_CHECKING:
    from conference_tui.store import HabitTally
    from conference_tui.store.records import GoalInfo
    from conference_tui.store.roster_records import StudentInfo

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


class HistoryTabs:
    """The part of the history screen that shows its tabs. The story's parts it shows
    are the screen's (set in HistoryScreen.show_story); what is built and filled is
    this part's own."""

    student: StudentInfo | None
    goals: list[GoalInfo]
    habits: list[HabitTally]
    widths: dict[str, dict[str, int]]
    # The tabs after the first are built when first shown (most visits look at the
    # conferences only), and each filled when shown after the story changed.
    tabs_built: dict[str, AwaitMount]
    tabs_filled: set[str]
    # The goal whose detail shows under the goals (False: none shown yet).
    shown_goal: str | bool | None

    def tab_pane(self, tab: str) -> Widget:
        if tab == "goals":
            table = RowTable(id="goals-table", cursor_type="row", zebra_stripes=True)
            return Vertical(
                table, Static("", id="goal-detail"), id="goals-pane", classes="history-pane"
            )
        if tab == "habits":
            note = Static(
                no_habits_note(self.conference_app.form), id="habits-empty", classes="empty-note"
            )
            table = RowTable(id="habits-table", cursor_type="row", zebra_stripes=True)
            return Vertical(note, table, id="habits-pane", classes="history-pane")
        view = Static("", id="profile-view")
        return VerticalScroll(view, id="profile-pane", classes="history-pane")

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

    async def action_show_tab(self, tab: str, from_bar: bool = False) -> None:
        # Built before it is shown, so that the keys after this one find its widgets.
        await self.show_tab_content(tab)
        self.switch_to(tab, keep_focus=from_bar and isinstance(self.focused, TabBar))
        self.keys_wait_for_layout()

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

    def show_first_tab(self) -> None:
        self.show_pane(FIRST_TAB)

    # -- goals, habits, profile ------------------------------------------------------

    def show_goals(self) -> None:
        table = self.query_one("#goals-table", DataTable)
        table.clear()
        # Newest goal first, like the conferences.
        for goal in reversed(self.goals):
            table.add_row(*goal_cells(goal, self.widths["#goals-table"]), key=goal.id)
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
        detail.update(goal_detail(goal) if goal is not None else "")

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

    def show_habits(self) -> None:
        table = self.query_one("#habits-table", DataTable)
        table.clear()
        self.query_one("#habits-empty", Static).display = not self.habits
        for tally in self.habits:
            table.add_row(*habit_cells(tally, self.widths["#habits-table"]), key=tally.habit)

    def show_profile(self) -> None:
        if self.student is None:
            return
        self.query_one("#profile-view", Static).update(profile(self.student))

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
