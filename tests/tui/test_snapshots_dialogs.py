"""Every dialog at 80x24 (buttons labelled, nothing cut), and the roster at 120x40 with
its columns widened, on the demo class and a fixed clock.

Snapshots already kept elsewhere: help and the conference (test_snapshots_core), export
(test_export_dialog), groups (test_groups), history (test_history), the lock
(test_screen_lock), search (test_search)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from conference_tui.store import Store

from .conftest import SettableClock, make_test_app, settle, type_ahead

Run = Callable[[Pilot[object]], Awaitable[None]]


def pressing(*keys: str) -> Run:
    async def run(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in keys:
            await type_ahead(pilot, key)
            await settle(pilot)

    return run


def snapshot(
    snap_compare: object, store: Store, clock: SettableClock, run: Run, size: tuple[int, int]
) -> bool:
    app = make_test_app(store, clock)
    return snap_compare(app, terminal_size=size, run_before=run)  # type: ignore[operator, no-any-return]


def test_add_student(snap_compare: object, demo_store: Store, fixed_clock: SettableClock) -> None:
    assert snapshot(snap_compare, demo_store, fixed_clock, pressing("a"), (80, 24))


def test_edit_student_with_class_field(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    """The demo has two classes, so the edit dialog has its class field: the tallest."""
    assert snapshot(snap_compare, demo_store, fixed_clock, pressing("e"), (80, 24))


def test_classes(snap_compare: object, demo_store: Store, fixed_clock: SettableClock) -> None:
    assert snapshot(snap_compare, demo_store, fixed_clock, pressing("c"), (80, 24))


def test_first_class(snap_compare: object, app_store: Store, fixed_clock: SettableClock) -> None:
    """On an empty database the class dialog is only the box for a new class."""
    assert snapshot(snap_compare, app_store, fixed_clock, pressing("c"), (80, 24))


def test_archive_confirmation(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    assert snapshot(snap_compare, demo_store, fixed_clock, pressing("d"), (80, 24))


def test_profile(snap_compare: object, demo_store: Store, fixed_clock: SettableClock) -> None:
    assert snapshot(snap_compare, demo_store, fixed_clock, pressing("enter", "p"), (80, 24))


def test_search_class_filter_open(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    assert snapshot(snap_compare, demo_store, fixed_clock, pressing("s", "tab", "enter"), (80, 24))


def test_roster_at_120x40(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    """The name column as wide as the longest name, the goal column takes the rest."""
    assert snapshot(snap_compare, demo_store, fixed_clock, pressing(), (120, 40))
