"""How the roster's own dialogs look at 80x24: the first student with their class, the
archived students (some, and none), the archive question."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from conference_tui.store import Store

from .conftest import SettableClock, make_test_app, settle, type_ahead

Steps = Callable[[Pilot[object]], Awaitable[None]]


def typing(*keys: str) -> Steps:
    async def run(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await type_ahead(pilot, *keys)

    return run


def test_first_student_dialog_asks_for_the_class(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    app_store.add_class("English 7 — Period 2")
    app = make_test_app(app_store, fixed_clock)
    steps = typing("a", "Okafor, Amara")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)  # type: ignore[operator]


def test_archived_students(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("English 7 — Period 2")
    for name in ("Amara Okafor", "Ben Adeyemi", "Nguyễn Minh Anh", "Chen Wei"):
        student = app_store.add_student(klass.id, name)
        if name != "Chen Wei":
            app_store.archive_student(student.id)
    app = make_test_app(app_store, fixed_clock)
    steps = typing("D", "down")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)  # type: ignore[operator]


def test_no_archived_students(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("English 7 — Period 2")
    app_store.add_student(klass.id, "Chen Wei")
    app = make_test_app(app_store, fixed_clock)
    steps = typing("D")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)  # type: ignore[operator]


def test_archive_question_names_the_student(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("English 7 — Period 2")
    for name in ("Amara Okafor", "Ben Adeyemi"):
        app_store.add_student(klass.id, name)
    app = make_test_app(app_store, fixed_clock)
    steps = typing("end", "d")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)  # type: ignore[operator]
