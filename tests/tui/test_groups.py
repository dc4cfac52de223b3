"""Who is due, and small groups of students who share a goal or a next step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.store.records import RosterRow, StudentInfo
from conference_tui.tui.screens.groups import (
    BY_GOAL,
    BY_NEXT_STEP,
    GroupsScreen,
    group_rows,
    normalised,
    text_for,
)
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SIZES, SettableClock, StoryData, make_test_app, settle


def roster_names(screen: RosterScreen) -> list[str]:
    table = screen.query_one("#roster-table", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def tree_lines(screen: GroupsScreen) -> list[str]:
    """The tree as the teacher reads it: group labels, and students indented under them."""
    tree = screen.query_one("#groups-tree")
    lines = []
    for group in tree.root.children:  # type: ignore[attr-defined]
        lines.append(str(group.label))
        lines.extend(f"  {leaf.label}" for leaf in group.children)
    return lines


@pytest.mark.parametrize(
    ("due_after_days", "due"),
    [
        # Amara: follow-up 3 days ago. Chen: never conferred. Dana: last seen 20 days ago.
        # Ben (seen 5 days ago) and Eli (follow-up in 5 days) are not due.
        (14, ["Amara Okafor (Amy)", "Chen Wei (Chen)", "Dana Ruiz"]),
        (21, ["Amara Okafor (Amy)", "Chen Wei (Chen)"]),
        (3, ["Amara Okafor (Amy)", "Ben Adeyemi", "Chen Wei (Chen)", "Dana Ruiz"]),
    ],
)
async def test_due_only_lists_exactly_the_students_due_on_a_fixed_clock(
    app_store: Store,
    fixed_clock: SettableClock,
    story: StoryData,
    due_after_days: int,
    due: list[str],
) -> None:
    settings = Settings(roster_order="first", due_after_days=due_after_days)
    app = make_test_app(app_store, fixed_clock, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        assert len(roster_names(screen)) == 5
        await pilot.press("w")
        await settle(pilot)
        assert roster_names(screen) == due
        reasons = {row.student.display_name: row.due_reason for row in screen.rows}
        assert reasons["Amara Okafor (Amy)"] == "follow-up 3d overdue"
        assert reasons["Chen Wei (Chen)"] == "never conferred"
        await pilot.press("o")  # most overdue first: late follow-ups, never seen, longest unseen
        await settle(pilot)
        assert roster_names(screen)[:2] == ["Amara Okafor (Amy)", "Chen Wei (Chen)"]


async def test_due_moves_with_the_clock(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """A week on, Eli's follow-up has passed and Ben has not been seen for 12 days."""
    fixed_clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    app = make_test_app(
        app_store, fixed_clock, settings=Settings(roster_order="first", due_after_days=10)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        assert roster_names(screen) == [
            "Amara Okafor (Amy)",
            "Ben Adeyemi",
            "Chen Wei (Chen)",
            "Dana Ruiz",
            "Eli Novak",
        ]


@pytest.mark.parametrize("size", SIZES)
async def test_groups_screen_groups_students_sharing_a_next_step(
    app_store: Store, fixed_clock: SettableClock, story: StoryData, size: tuple[int, int]
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GroupsScreen)
        # By active goal: Dana's "Open with the problem." and Eli's "Open with the problem".
        assert tree_lines(screen)[:3] == [
            "(2) Open with the problem.",
            "  Dana Ruiz",
            "  Eli Novak",
        ]
        assert tree_lines(screen)[-2:] == ["(1) No active goal", "  Chen Wei (Chen)"]

        await pilot.press("t")
        await settle(pilot)
        # By next step: "Add dialogue to the ending." and "add dialogue to the ending!",
        # labelled as the first student typed it.
        assert tree_lines(screen)[:3] == [
            "(2) Add dialogue to the ending.",
            "  Amara Okafor (Amy)",
            "  Ben Adeyemi",
        ]
        assert tree_lines(screen)[-2:] == ["(1) No next step recorded", "  Chen Wei (Chen)"]

        tree = screen.query_one("#groups-tree")
        assert tree.cursor_node is not None  # type: ignore[attr-defined]
        tree.move_cursor(tree.root.children[0].children[1])  # type: ignore[attr-defined]
        await settle(pilot)
        # The highlighted student's group, in full (labels are cut to one line).
        group_text = screen.query_one("#group-text")
        assert str(group_text.content) == "Add dialogue to the ending."  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.student_id == story.students["Ben"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.by == BY_NEXT_STEP  # still grouped the way it was
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


def row(name: str, goal: str = "", next_step: str = "") -> RosterRow:
    student = StudentInfo(name, "class", name, "", "", "", "", False)
    return RosterRow(student, 1, None, None, goal, next_step, None, None, False, "")


def test_grouping_ignores_case_punctuation_and_spacing() -> None:
    rows = [
        row("Ana", next_step="Use  dialogue!"),
        row("Bo", next_step="use dialogue"),
        row("Cy", next_step="Cut the ending"),
        row("Di", next_step=""),
        row("Ed", next_step="  USE, DIALOGUE.  "),
        row("Fi", next_step="Cut the ending."),
        row("Gus", next_step="Read aloud"),
        row("Hal", next_step="   "),
    ]
    groups = group_rows(rows, text_for(BY_NEXT_STEP))
    assert [(g.label, [r.student.name for r in g.rows]) for g in groups] == [
        ("Use dialogue!", ["Ana", "Bo", "Ed"]),
        ("Cut the ending", ["Cy", "Fi"]),
        ("Read aloud", ["Gus"]),
        ("", ["Di", "Hal"]),
    ]
    assert normalised("Zoë’s  “voice”—strong!") == normalised("zoë s voice strong")
    assert group_rows([], text_for(BY_GOAL)) == []


async def test_groups_of_an_empty_class_say_so(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    app_store.add_class("Empty")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert tree_lines(app.screen) == []
        await pilot.press("enter", "t", "enter")  # nothing to open, nothing breaks
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)


def test_groups_snapshot(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    """The demo class grouped by active goal, at 80x24."""
    app = make_test_app(demo_store, fixed_clock)

    async def groups(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=groups)  # type: ignore[operator]
