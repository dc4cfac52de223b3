"""Nothing cut at 80x24, the room used at 120x40: read from what is drawn on screen."""

from __future__ import annotations

import html
import re
from itertools import pairwise

from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.help import HelpScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.footer import KeysFooter, fit_keys, grid_width
from conference_tui.tui.widgets.spiral import ConferenceTimer, SpiralStepper
from conference_tui.tui.widgets.tables import ColumnSpec, share_width

from .conftest import SettableClock, key_event, make_test_app, settle, type_ahead

# One run of text in Textual's SVG screenshot, with its column (x / 12.2) and its line.
SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[^"]*?-line-(\d+)\)">([^<]*)</text>'
)
CELL_WIDTH = 12.2


def screen_lines(app: object) -> list[str]:
    """The screen as the teacher reads it: one string per terminal row."""
    width, height = app.size  # type: ignore[attr-defined]
    rows = [[" "] * width for _ in range(height)]
    for x, line, text in SVG_TEXT.findall(app.export_screenshot()):  # type: ignore[attr-defined]
        column = round(float(x) / CELL_WIDTH)
        for offset, character in enumerate(html.unescape(text).replace("\xa0", " ")):
            if column + offset < width:
                rows[int(line)][column + offset] = character
    return ["".join(row).rstrip() for row in rows]


def footer_keys(app: object) -> list[str]:
    """Each key the footer shows, as `^g Goals`."""
    return app.screen.query_one(KeysFooter).shown_keys()  # type: ignore[attr-defined,no-any-return]


def assert_footer_whole(app: object) -> None:
    lines = screen_lines(app)
    footer = "\n".join(lines[-4:])
    for key in footer_keys(app):
        assert key in footer, f"{key!r} not whole in the footer:\n{footer}"


async def test_at_80x24_buttons_footer_and_stage_titles_are_whole(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert_footer_whole(app)
        # The edit dialog with its class field: the tallest dialog.
        await type_ahead(pilot, "e")
        shown = "\n".join(screen_lines(app))
        assert "Save (enter)" in shown and "Cancel (esc)" in shown
        assert "Class" in shown and "English 7 — Period 2" in shown
        await type_ahead(pilot, "escape", "n", *["pagedown"] * 5)
        assert isinstance(app.screen, ConferenceScreen)
        lines = screen_lines(app)
        shown = "\n".join(lines)
        assert "6 of 6 · Modify actions based on new knowledge" in lines[1]
        for short in ("1 Clarify goals", "3 Take action", "4 Assess", "6 Modify actions"):
            assert short in shown
        # A hint longer than its box wraps whole rather than stopping at "in words the".
        assert "student can repeat" in shown
        assert_footer_whole(app)
        assert "^g Goals" in footer_keys(app)
        await type_ahead(pilot, "ctrl+g")
        assert_footer_whole(app)
        assert "a Still active" in footer_keys(app)
        await type_ahead(pilot, "escape", "pageup", "pageup")
        assert "Stage 4 of 6 · Assess and gather evidence" in screen_lines(app)[1]


async def test_at_120x40_the_name_column_grows_and_80x24_keeps_its_width(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock, Settings(roster_order="first"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        for name in ("Aleksandr Volkov (Sasha)", "Mateo Hernández Ruiz (Teo)"):
            assert name in shown
        assert "Show how characters feel through what they do" in shown
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        assert "Aleksandr Volkov (Sash…" in shown  # 23 cells: one more than before
        assert "Show how characters fee…" in shown
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert "Aleksandr Volkov (Sasha)" in "\n".join(screen_lines(app))
        # The history's goal and habit lists widen too.
        await type_ahead(pilot, "enter", "2")
        shown = "\n".join(screen_lines(app))
        assert "Use dialogue that sounds like real people and moves the story forward." in shown


async def test_footer_keys_are_built_once_in_the_order_their_screen_declares_them(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    """The footer lists its keys as the conference screen is first drawn, and the focus
    landing in a field (which binds page up and down itself) neither reorders nor
    rebuilds them: a rebuild cost every screen a second layout and paint."""
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        roster_keys = footer_keys(app)
        assert roster_keys.index("n Conference") < roster_keys.index("⏎ History")
        app.post_message(key_event("n"))
        while not isinstance(app.screen, ConferenceScreen):
            await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        first_keys = footer.entries
        assert first_keys, "the footer's keys come with the screen"
        await settle(pilot)
        assert app.screen.focused is not None
        assert footer.entries is first_keys
        shown = footer_keys(app)
        assert shown.index("pgdn Next stage") < shown.index("pgup Prev stage")
        await type_ahead(pilot, "escape")
        assert footer_keys(app) == roster_keys


async def test_the_footer_sends_each_run_of_one_look_once(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    """Every byte of a frame is one the terminal reads before it shows the screen: a key's
    description and the gap after it go as one run, and no empty run is sent."""
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        for y in range(footer.size.height):
            runs = list(footer.render_line(y))
            assert all(run.text for run in runs), y
            looks = [run.style for run in runs]
            assert all(a != b for a, b in pairwise(looks)), y
            assert sum(len(run.text) for run in runs) == 100


def test_footer_keys_fit_whole_or_the_last_are_left_out() -> None:
    widths = [15, 15, 11, 16, 11, 8, 7, 7, 7]  # the conference's keys
    shown, columns = fit_keys(widths, 80, 4)
    assert shown == list(range(9)) and grid_width(widths, columns) <= 80
    # Too narrow for four rows of everything: the last keys go, never the kept one.
    shown, columns = fit_keys(widths, 20, 4, keep=frozenset({7}))
    assert 7 in shown and len(shown) <= 4
    assert grid_width([widths[index] for index in shown], columns) <= 20
    assert shown == sorted(shown)
    assert fit_keys([], 80, 4) == ([], 1)


def test_text_columns_share_the_room_no_wider_than_their_longest_cell() -> None:
    columns = [
        ColumnSpec("name", "Student", 22, grows=True),
        ColumnSpec("goal", "Goal", 24, grows=True),
    ]
    assert share_width(columns, 50) == {"name": 22, "goal": 24}
    assert share_width(columns, 40) == {"name": 22, "goal": 24}
    assert share_width(columns, 80, {"name": 25}) == {"name": 25, "goal": 51}
    assert share_width(columns, 80) == {"name": 37, "goal": 39}


async def test_a_footer_key_clicked_acts_as_pressed_and_names_itself_under_the_mouse(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        help_key = next(place for place in footer.places if place.entry.description == "Help")
        await pilot.hover(KeysFooter, offset=(help_key.x + 1, help_key.row))
        assert footer.hovered == help_key.entry
        assert footer.tooltip == "Every key of every screen"
        # A cell between two keys is no key.
        await pilot.click(KeysFooter, offset=(help_key.x + help_key.entry.width, help_key.row))
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await pilot.click(KeysFooter, offset=(help_key.x, help_key.row))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_the_stage_list_is_laid_out_again_after_a_resize(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: 80x24, then 120x40, then 80x24 again, and the
    stage list kept two lines a stage, pushing the timer and last time's notes down."""
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        before = screen.query_one(ConferenceTimer).region
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.query_one(ConferenceTimer).region == before
        assert screen.query_one(SpiralStepper).region.height == len(screen.stages)
