"""The header every screen opens with: one line of icon, title and the app's clock."""

from __future__ import annotations

from datetime import timedelta

from conference_tui.store import Store
from conference_tui.tui.widgets.header import AppHeader

from .conftest import NOW, SettableClock, make_test_app, settle, type_ahead


def screen_line(app: object, y: int = 0) -> str:
    """A line of the screen as the terminal shows it."""
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "".join(segment.text for segment in strips[y])


async def test_the_header_reads_the_class_and_the_app_clock(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = screen_line(app)
        local = NOW.astimezone().strftime("%H:%M")
        assert line.startswith(" ✎      ")
        assert f"conference-tui — {app.current_class_name}" in line
        assert line.rstrip().endswith(local)
        assert len(line) == 80


async def test_the_clock_moves_on_with_the_minute(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fixed_clock.set(NOW + timedelta(minutes=1))
        app.screen.query_one(AppHeader).tick()
        await settle(pilot)
        later = (NOW + timedelta(minutes=1)).astimezone().strftime("%H:%M")
        assert screen_line(app).rstrip().endswith(later)


async def test_the_title_follows_the_screen(demo_store: Store, fixed_clock: SettableClock) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "enter")
        assert "History · " in screen_line(app)
        await type_ahead(pilot, "escape")
        assert "History" not in screen_line(app)
        assert app.current_class_name in screen_line(app)


async def test_a_title_too_long_for_the_line_ends_in_an_ellipsis(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(40, 24)) as pilot:
        await settle(pilot)
        app.sub_title = "A class whose name is far longer than the header has room for"
        await settle(pilot)
        line = screen_line(app)
        assert "…" in line
        assert len(line) == 40
        assert line.rstrip().endswith(NOW.astimezone().strftime("%H:%M"))
