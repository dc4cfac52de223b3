"""The status of the class: the weeks grid from the roster, and a conference from it."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from conference_tui.store import Store
from conference_tui.tui.screens.class_status import ClassStatusScreen
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import (
    NOW,
    SettableClock,
    StoryData,
    hold_conference,
    make_test_app,
    one_student,
    settle,
    type_ahead,
)


def grid_names(screen: ClassStatusScreen) -> list[str]:
    """The students of the grid, top to bottom."""
    table: DataTable[object] = screen.query_one(DataTable)
    names = {
        row.roster.student.id: row.roster.student.display_name for row in screen.status.students
    }
    return [names[str(row.key.value)] for row in table.ordered_rows]


def shown(app: object) -> str:
    return app.export_screenshot().replace("&#160;", " ")  # type: ignore[attr-defined, no-any-return]


async def test_status_grid_waiting_longest_first_and_a_conference_from_it(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "v")
        screen = app.screen
        assert isinstance(screen, ClassStatusScreen)
        names = grid_names(screen)
        rows = {row.roster.student.display_name: row for row in screen.status.students}
        assert set(names) == set(rows)
        waits = [rows[name].roster.days_since_last_conference for name in names]
        never = [w for w in waits if w is None]
        assert waits[: len(never)] == never  # never seen first, then the longest wait
        seen = [w for w in waits if w is not None]
        assert seen == sorted(seen, reverse=True)
        text = shown(app)
        assert "Habits of Mind noticed" in text and "Goals by month" in text
        summary = str(screen.query_one("#status-summary", Static).content)
        assert "conferences in 8 weeks" in summary

        # Down and enter typed at once start a conference with the second student.
        await type_ahead(pilot, "down", "enter")
        conference = app.screen
        assert isinstance(conference, ConferenceScreen)
        assert conference.student.display_name == names[1]
        await type_ahead(pilot, "escape")
        assert app.screen is screen
        await type_ahead(pilot, "h")
        assert app.screen.__class__.__name__ == "HistoryScreen"
        await type_ahead(pilot, "escape", "escape")
        assert isinstance(app.screen, RosterScreen)


async def test_a_habit_seen_in_one_student_is_counted_as_one_student(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: "1× Persisting (1 students)"."""
    student_id = one_student(app_store)
    hold_conference(app_store, fixed_clock, student_id, NOW, {}, habits=("Persisting",))
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "v")
        habits = str(app.screen.query_one("#status-habits", Static).render())
        assert "1× Persisting (1 student)" in habits


async def test_an_empty_class_says_how_to_fill_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    app_store.add_class("Year 9", "")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "v", "enter")
        screen = app.screen
        assert isinstance(screen, ClassStatusScreen)
        assert "add them on the roster" in str(screen.query_one("#status-summary", Static).content)
        assert "None yet" in shown(app)


@pytest.mark.slow
def test_class_status_snapshot(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)

    async def open_status(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await type_ahead(pilot, "v")
        await settle(pilot)
        assert isinstance(app.screen, ClassStatusScreen)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_status)  # type: ignore[operator]


async def test_the_demo_class_status_counts_every_kind_of_conference(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    """The demo class: writing conferences, quick compliments, rubric checks and small
    groups all count in the weeks of the grid, as they do for last seen."""
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "v")
        screen = app.screen
        assert isinstance(screen, ClassStatusScreen)
        assert len(grid_names(screen)) == 25
        counted = sum(sum(row.per_week) for row in screen.status.students)
        first_week = screen.status.week_starts[0]
        forms: dict[str, int] = {}
        for row in screen.status.students:
            for summary in demo_store.history(row.roster.student.id):
                if summary.is_draft or summary.started_at.astimezone().date() < first_week:
                    continue
                form_id = demo_store.get_conference(summary.id).form_id
                forms[form_id] = forms.get(form_id, 0) + 1
        assert counted == sum(forms.values())
        assert {"writing-conference", "quick-compliment", "small-group"} <= forms.keys()
