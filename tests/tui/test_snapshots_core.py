"""How the roster, the conference and help look at 80x24, on fixed data and a fixed clock."""

from __future__ import annotations

from textual.pilot import Pilot

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen

from .conftest import SettableClock, make_test_app, settle, student_named, type_ahead


def test_roster_empty_database(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(app_store, fixed_clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)  # type: ignore[operator]


def test_roster_demo_class(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)  # type: ignore[operator]


def test_roster_demo_most_overdue_first(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)

    async def sort(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await type_ahead(pilot, "o", "o")  # family name, first name, most overdue
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=sort)  # type: ignore[operator]


def conference_at_stage(demo_store: Store, fixed_clock: SettableClock, stage: int) -> object:
    app = make_test_app(demo_store, fixed_clock)
    student_id = student_named(demo_store, "Amara Okafor")

    async def open_stage(pilot: Pilot[object]) -> None:
        await settle(pilot)
        app.open_conference(student_id)
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        for _ in range(stage - 1):
            await type_ahead(pilot, "pagedown")
            await settle(pilot)

    return app, open_stage


def test_conference_stage_1(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    app, run_before = conference_at_stage(demo_store, fixed_clock, 1)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)  # type: ignore[operator]


def test_conference_stage_6(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    app, run_before = conference_at_stage(demo_store, fixed_clock, 6)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)  # type: ignore[operator]


def test_help(snap_compare: object, app_store: Store, fixed_clock: SettableClock) -> None:
    app = make_test_app(app_store, fixed_clock)

    async def open_help(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await type_ahead(pilot, "f1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)  # type: ignore[operator]
