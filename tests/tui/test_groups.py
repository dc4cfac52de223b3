"""Who is due, and small groups of students who share a goal or a next step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.store.roster_records import RosterRow, StudentInfo
from conference_tui.tui.screens.groups import (
    BY_GOAL,
    BY_NEXT_STEP,
    GroupsScreen,
    group_rows,
    text_for,
)
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import (
    SIZES,
    SettableClock,
    StoryData,
    at,
    hold_conference,
    make_test_app,
    one_student,
    settle,
    type_ahead,
)


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
        await type_ahead(pilot, "w")
        await settle(pilot)
        assert roster_names(screen) == due
        reasons = {row.student.display_name: row.due_reason for row in screen.rows}
        assert reasons["Amara Okafor (Amy)"] == "follow-up 3d overdue"
        assert reasons["Chen Wei (Chen)"] == "never conferred"
        await type_ahead(
            pilot, "o"
        )  # most overdue first: late follow-ups, never seen, longest unseen
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
        await type_ahead(pilot, "w")
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
        await type_ahead(pilot, "g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GroupsScreen)
        # By active goal: Dana's "Open with the problem." and Eli's "Open with the problem".
        # Grouped by the words they share, each student's own words beside the name.
        assert tree_lines(screen)[:3] == [
            "(2) shared: open, problem",
            "  Dana Ruiz · Open with the problem.",
            "  Eli Novak · Open with the problem",
        ]
        assert "(1) Write steps a beginner could follow." in tree_lines(screen)
        assert tree_lines(screen)[-2:] == ["(1) No active goal", "  Chen Wei (Chen)"]

        await type_ahead(pilot, "t")
        await settle(pilot)
        # By next step: "Add dialogue to the ending." and "add dialogue to the ending!".
        assert tree_lines(screen)[:3] == [
            "(2) shared: dialogue, ending",
            "  Amara Okafor (Amy) · Add dialogue to the ending.",
            "  Ben Adeyemi · add dialogue to the ending!",
        ]
        tree = screen.query_one("#groups-tree")
        tree.move_cursor(tree.root.children[0])  # type: ignore[attr-defined]
        await settle(pilot)
        group_text = screen.query_one("#group-text")
        assert str(group_text.content) == (  # type: ignore[attr-defined]
            "Grouped because their words share: dialogue, ending"
        )
        assert tree_lines(screen)[-2:] == ["(1) No next step recorded", "  Chen Wei (Chen)"]

        assert tree.cursor_node is not None  # type: ignore[attr-defined]
        tree.move_cursor(tree.root.children[0].children[1])  # type: ignore[attr-defined]
        await settle(pilot)
        # The highlighted student's own words, in full (lines are cut to fit).
        assert str(group_text.content) == "add dialogue to the ending!"  # type: ignore[attr-defined]
        await type_ahead(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.student_id == story.students["Ben"]
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.by == BY_NEXT_STEP  # still grouped the way it was
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


def row(name: str, goal: str = "", next_step: str = "") -> RosterRow:
    student = StudentInfo(name, "class", name, "", "", "", "", False)
    return RosterRow(student, 1, None, None, goal, next_step, None, None, False, "")


def test_grouping_by_shared_words_ignores_case_punctuation_and_wording() -> None:
    rows = [
        row("Ana", next_step="Use  dialogue!"),
        row("Bo", next_step="Add some dialogues"),
        row("Cy", next_step="Cut the ending"),
        row("Di", next_step=""),
        row("Ed", next_step="  USE, DIALOGUE.  "),
        row("Fi", next_step="Cut the ending."),
        row("Gus", next_step="Read aloud"),
        row("Hal", next_step="   "),
        row("Ivy", next_step="Write more"),
    ]
    groups = group_rows(rows, text_for(BY_NEXT_STEP))
    assert [(g.label, g.shared, [r.student.name for r in g.rows]) for g in groups] == [
        ("dialogue", ("dialogue",), ["Ana", "Bo", "Ed"]),
        ("cut, ending", ("cut", "ending"), ["Cy", "Fi"]),
        ("Read aloud", (), ["Gus"]),
        ("Write more", (), ["Ivy"]),
        ("", (), ["Di", "Hal"]),
    ]
    assert group_rows([], text_for(BY_GOAL)) == []


async def test_groups_of_an_empty_class_say_so(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    app_store.add_class("Empty")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "g")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert tree_lines(app.screen) == []
        await type_ahead(pilot, "enter", "t", "enter")  # nothing to open, nothing breaks
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)


def test_groups_snapshot(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    """The demo class grouped by active goal, at 80x24."""
    app = make_test_app(demo_store, fixed_clock)

    async def groups(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await type_ahead(pilot, "g")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=groups)  # type: ignore[operator]


async def test_goals_worded_differently_make_groups_typed_at_full_speed(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The tester's class: no two goals alike, so exact matching found "0 groups"."""
    klass = app_store.add_class("8A")
    goals = {
        "Ana Lopez": ("Use dialogue to show feelings", "Reread aloud"),
        "Bo Chen": ("Show how characters feel through dialogue", "Read it aloud to a partner"),
        "Cy Park": ("Paragraph for each new speaker", "Fix the paragraphs on page 2"),
        "Di Ross": ("Start new paragraphs when speakers change", ""),
        "Ed Wu": ("Find two sources", "Cut the ending"),
    }
    for name, (goal, next_step) in goals.items():
        student_id = app_store.add_student(klass.id, name).id
        hold_conference(
            app_store, fixed_clock, student_id, at(3), {"goal": goal, "next_step": next_step}
        )
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "g", "down", "down")
        screen = app.screen
        assert isinstance(screen, GroupsScreen)
        assert tree_lines(screen)[:6] == [
            "(2) shared: dialogue, feel, show",
            "  Ana Lopez · Use dialogue to show feelings",
            "  Bo Chen · Show how characters feel through dialogue",
            "(2) shared: paragraph, speaker",
            "  Cy Park · Paragraph for each new speaker",
            "  Di Ross · Start new paragraphs when speakers change",
        ]
        assert str(screen.query_one("#groups-status").content).startswith(  # type: ignore[attr-defined]
            "2 groups of 2 or more (4 students)"
        )
        # Two downs typed with g, from Ana: the second group's line, which says why (the
        # cursor placed once the tree was drawn undid keys typed before it).
        assert str(screen.query_one("#group-text").content) == (  # type: ignore[attr-defined]
            "Grouped because their words share: paragraph, speaker"
        )
        await type_ahead(pilot, "t")
        assert tree_lines(screen)[0] == "(2) shared: aloud"
        assert tree_lines(screen)[-2:] == ["(1) No next step recorded", "  Di Ross"]


async def test_a_class_where_nothing_is_shared_says_so(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    hold_conference(app_store, fixed_clock, student_id, at(3), {"goal": "Find two sources"})
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "g")
        status = str(app.screen.query_one("#groups-status").content)  # type: ignore[attr-defined]
        assert status == "No two students' active goals share a word yet · 1 student"
