"""The screen lock: after idle minutes (or ctrl+l) nothing of any student is on screen,
and the key that unlocks changes nothing."""

from __future__ import annotations

from textual.widgets import Input

from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.app import make_app
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.lock import LockScreen

from .conftest import NOW, settle, type_ahead


class Monotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def shown(app: object) -> str:
    return app.export_screenshot().replace("&#160;", " ")  # type: ignore[attr-defined, no-any-return]


def a_student(store: Store) -> str:
    school_class = store.add_class("7B")
    return store.add_student(school_class.id, "Zoe Ray").id


async def test_idle_minutes_lock_and_any_key_unlocks_without_acting(app_store: Store) -> None:
    student_id = a_student(app_store)
    clock = Monotonic()
    app = make_app(
        app_store, settings=Settings(lock_after_minutes=10), clock=lambda: NOW, monotonic=clock
    )
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Secret plan")
        clock.now += 9 * 60
        app.lock_if_idle()
        await settle(pilot)
        assert not isinstance(app.screen, LockScreen)
        clock.now += 61
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        screen_text = shown(app)
        assert "conference-tui is locked" in screen_text
        assert "Zoe" not in screen_text and "Secret plan" not in screen_text
        await type_ahead(pilot, "x", "y")
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.editors["piece_title"].value() == "Secret plany"
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Secret plany"


async def test_a_passphrase_is_needed_when_set(app_store: Store) -> None:
    a_student(app_store)
    app = make_app(
        app_store,
        settings=Settings(lock_passphrase="kite"),
        clock=lambda: NOW,
        monotonic=Monotonic(),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "ctrl+l", "escape", "n", "wrong", "enter")
        assert isinstance(app.screen, LockScreen)
        assert "not the passphrase" in shown(app)
        assert app.screen.query_one("#passphrase", Input).value == ""
        await type_ahead(pilot, "kite", "enter")
        assert not isinstance(app.screen, LockScreen)


async def test_no_lock_when_turned_off(app_store: Store) -> None:
    clock = Monotonic()
    app = make_app(
        app_store, settings=Settings(lock_after_minutes=0), clock=lambda: NOW, monotonic=clock
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.now += 24 * 3600
        await settle(pilot)
        assert not isinstance(app.screen, LockScreen)


def test_lock_screen_snapshot(snap_compare: object, app_store: Store) -> None:
    a_student(app_store)
    app = make_app(
        app_store,
        settings=Settings(lock_passphrase="kite"),
        clock=lambda: NOW,
        monotonic=Monotonic(),
    )

    async def lock(pilot: object) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        await type_ahead(pilot, "ctrl+l", "nope", "enter")  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=(80, 24), run_before=lock)  # type: ignore[operator]
