"""Every built-in theme: every text on the roster (due and overdue rows, the cursor on a
due row), the conference and the history reaches WCAG AA, measured on the segments
the screen renders (see contrast.py).

A theme switch restyles the whole app (a large share of a second), so each screen has
one app and switches theme in a loop. Each theme shows the roster, the conference's
side panel, header and footer, and the history's title, tabs and footer; the stage
pages and the history's tabs take turns, so that each is measured in light themes and
in dark ones.

The two ANSI themes draw in the terminal's own palette, which the app cannot know:
their contrast is the terminal's, so they are drawn but not measured.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from conference_tui.store import Store
from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.history import HistoryScreen

from .conftest import SettableClock, make_test_app, settle, student_named, type_ahead
from .contrast import LowContrast, low_contrast_cells

STAGES = 6
HISTORY_TABS = ("goals", "habits", "profile")


def themes_to_measure(app: ConferenceApp) -> list[str]:
    themes = sorted(app.available_themes)
    assert len(themes) > 5
    return [name for name in themes if not app.available_themes[name].ansi]


def turns(themes: list[str], app: ConferenceApp, count: int) -> dict[str, int]:
    """For each theme, which of `count` views it measures: light and dark themes each
    go round all of them."""
    turn: dict[str, int] = {}
    for dark in (False, True):
        same = [name for name in themes if app.available_themes[name].dark is dark]
        turn.update({name: index % count for index, name in enumerate(same)})
    return turn


def assert_readable(found: list[LowContrast]) -> None:
    assert not found, f"{len(found)} runs of text below target:\n" + "\n".join(
        str(cell) for cell in found[:200]
    )


@pytest.mark.slow
async def test_roster_due_and_overdue_rows_are_readable_in_every_theme(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    found: list[LowContrast] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        marks = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
        follow_ups = [str(table.get_row_at(row)[5]) for row in range(table.row_count)]
        due = [row for row, mark in enumerate(marks) if mark == "●"]
        assert any("late" in follow_ups[row] for row in due), "an overdue follow-up is shown"
        assert {row % 2 for row in due} == {0, 1}, "due rows on both stripes"
        table.move_cursor(row=due[0])
        for theme in themes_to_measure(app):
            app.theme = theme
            await settle(pilot)
            found += low_contrast_cells(app, "roster")
        # The due colour follows the theme (the rows are painted again).
        theme_warning = app.theme_variables["text-warning"].lower()
        name_cell = table.get_row_at(due[0])[1]
        assert theme_warning in str(name_cell.style).lower()
        for ansi in ("ansi-dark", "ansi-light"):
            app.theme = ansi
            await settle(pilot)
            assert "Amara" in app.export_screenshot()
    assert_readable(found)


async def measure_in_turns(
    app: ConferenceApp,
    pilot: Pilot[object],
    what: str,
    count: int,
    show: Callable[[int], Awaitable[None]],
) -> list[LowContrast]:
    """Each theme measures its turn's view (the header, footer and side panel show on
    every one); themes in order of turn, so that each view is shown once."""
    found: list[LowContrast] = []
    themes = themes_to_measure(app)
    turn = turns(themes, app, count)
    screen = app.screen
    for theme in sorted(themes, key=lambda name: turn[name]):
        await show(turn[theme])
        app.theme = theme
        await settle(pilot)
        found += low_contrast_cells(app, f"{what} {turn[theme] + 1}")
    assert set(turn.values()) == set(range(count))
    # The ANSI themes are drawn too (not measured: the terminal's palette decides).
    for theme in ("ansi-dark", "ansi-light"):
        app.theme = theme
        await settle(pilot)
    assert app.screen is screen and app.is_running
    return found


@pytest.mark.slow
async def test_conference_is_readable_in_every_theme(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_conference(student_named(demo_store, "Amara Okafor"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        at = [0]

        async def show(stage: int) -> None:
            while at[0] != stage:
                await type_ahead(pilot, "pagedown" if at[0] < stage else "pageup")
                at[0] += 1 if at[0] < stage else -1
            await settle(pilot)

        found = await measure_in_turns(app, pilot, "conference stage", STAGES, show)
        assert app.screen is screen
    assert_readable(found)


@pytest.mark.slow
async def test_history_is_readable_in_every_theme(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_history(student_named(demo_store, "Amara Okafor"))
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)

        async def show(tab: int) -> None:
            await type_ahead(pilot, str(tab + 1))
            await settle(pilot)

        found = await measure_in_turns(app, pilot, "history tab", 1 + len(HISTORY_TABS), show)
    assert_readable(found)


async def test_a_theme_chosen_in_the_app_is_kept_in_config_toml(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from conference_tui import paths
    from conference_tui.settings import load_settings

    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("# mine\ntarget_minutes = 7\n", encoding="utf-8")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    kept = load_settings()
    assert kept.theme == "nord" and kept.target_minutes == 7 and not kept.problems
    assert config.read_text(encoding="utf-8").startswith("# mine\n")
