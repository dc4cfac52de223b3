"""The first frame shows the roster before the store has opened; keys typed meanwhile
wait for it and land where the teacher sees them."""

from __future__ import annotations

import gc
import sys
import threading
import types
from pathlib import Path
from typing import cast

import pytest

from conference_tui.cli_app import settle_memory
from conference_tui.settings import Settings
from conference_tui.store import DatabaseUnavailableError, Store
from conference_tui.store.first_look import first_look
from conference_tui.store.location import locate
from conference_tui.store.opening_store import OpeningStore
from conference_tui.tui.app import ConferenceApp, make_app
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, key_event, settle
from .test_conference import wait_until
from .test_roster import roster_names


def class_of_two(path: Path, clock: SettableClock) -> dict[str, str]:
    store = Store.open(str(path), clock=clock)
    try:
        school_class = store.add_class("7B English")
        return {
            name: store.add_student(school_class.id, name).id
            for name in ("Ana Lopez", "Ben Okafor")
        }
    finally:
        store.close()


def app_opening_later(
    path: Path, clock: SettableClock, open_store: threading.Event, read_only_because: str = ""
) -> tuple[ConferenceApp, OpeningStore]:
    settings = Settings()
    look = first_look(locate(str(path)), clock().astimezone().date(), settings.due_after_days)
    assert look is not None

    def open_when_allowed() -> Store:
        open_store.wait()
        if read_only_because:
            return Store.open_to_read(str(path), read_only_because, clock=clock)
        return Store.open(str(path), clock=clock)

    opening = OpeningStore(open_when_allowed, locate(str(path)))
    app = make_app(
        cast(Store, opening),
        settings=settings,
        clock=clock,
        monotonic=lambda: 0.0,
        first_look=look,
    )
    return app, opening


async def test_keys_typed_before_the_store_opens_act_on_the_painted_roster(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    path = tmp_path / "conferences.db"
    ids = class_of_two(path, fixed_clock)
    open_store = threading.Event()
    app, opening = app_opening_later(path, fixed_clock, open_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert roster_names(app) == ["Ana Lopez", "Ben Okafor"]
        assert "7B English" in app.sub_title
        for key in ("down", "enter"):
            app.post_message(key_event(key))
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen), "a key went by before the store opened"
        open_store.set()
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.student_id == ids["Ben Okafor"]
    opening.close()


async def test_n_before_the_store_opens_opens_a_new_conference_saved_once_it_has(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    """`n` pressed at the first paint: the conference is read from the file with the
    sqlite3 module alone and opens at once; what is typed is saved once the store has
    opened (the first save writes the draft)."""
    path = tmp_path / "conferences.db"
    ids = class_of_two(path, fixed_clock)
    open_store = threading.Event()
    app, opening = app_opening_later(path, fixed_clock, open_store)
    async with app.run_test(size=(100, 30)) as pilot:
        try:
            await wait_until(pilot, lambda: roster_names(app), "the first frame")
            for key in ("down", "n", *"Kite"):
                app.post_message(key_event(key))
            await wait_until(
                pilot, lambda: isinstance(app.screen, ConferenceScreen), "the conference"
            )
            conference = app.screen
            assert isinstance(conference, ConferenceScreen)
            assert conference.student.name == "Ben Okafor"
            await wait_until(
                pilot, lambda: conference.editors["piece_title"].value() == "Kite", "the title"
            )
            assert not opening.is_open
            assert conference.draft is not None and conference.draft.pending
        finally:
            open_store.set()  # or the app, waiting for it, would never stop
        await settle(pilot)
        conference.flush()
        await settle(pilot)
        assert conference.draft is not None and not conference.draft.has_unsaved()
        store = app.store
        assert isinstance(store, Store)
        draft = store.draft_for_student(ids["Ben Okafor"])
        assert draft is not None and draft.value("piece_title") == "Kite"
    opening.close()


async def test_ctrl_q_typed_while_a_conference_opens_saves_the_keys_typed_before_it(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: ctrl+q passes a screen still opening, and the keys
    typed before it (waiting for that screen) were dropped as the app quit, unsaid."""
    path = tmp_path / "conferences.db"
    ids = class_of_two(path, fixed_clock)
    store = Store.open(str(path), clock=fixed_clock)
    store.start_conference(ids["Ana Lopez"], "writing-conference", 1, "clarify")
    store.close()
    open_store = threading.Event()
    app, opening = app_opening_later(path, fixed_clock, open_store)
    async with app.run_test(size=(100, 30)) as pilot:
        try:
            await wait_until(pilot, lambda: roster_names(app), "the first frame")
            # Her draft reopens through the store, still opening: the keys wait for it.
            for key in ("n", *"Kite"):
                app.post_message(key_event(key))
            await wait_until(pilot, lambda: app.key_gate.holds, "the conference opening")
            app.post_message(key_event("ctrl+q"))
            await pilot.pause()
        finally:
            open_store.set()
        await wait_until(pilot, lambda: not app.is_running, "the app quitting")
    opening.close()
    store = Store.open(str(path), clock=fixed_clock)
    draft = store.draft_for_student(ids["Ana Lopez"])
    store.close()
    assert draft is not None and draft.value("piece_title") == "Kite"


async def test_a_new_conference_opened_before_the_file_is_found_damaged_keeps_nothing(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    """The file's check finds it damaged after `n` at the first paint opened a new
    conference and words were typed: they cannot be kept, the teacher is told so (not
    "retrying"), escape goes back, and nothing is written."""
    path = tmp_path / "conferences.db"
    class_of_two(path, fixed_clock)
    before = path.read_bytes()
    open_store = threading.Event()
    app, opening = app_opening_later(path, fixed_clock, open_store, "The file is damaged.")
    async with app.run_test(size=(100, 30)) as pilot:
        try:
            await wait_until(pilot, lambda: roster_names(app), "the first frame")
            for key in ("n", *"Kite"):
                app.post_message(key_event(key))
            await wait_until(
                pilot, lambda: isinstance(app.screen, ConferenceScreen), "the conference"
            )
            conference = app.screen
            assert isinstance(conference, ConferenceScreen)
            await wait_until(
                pilot, lambda: conference.editors["piece_title"].value() == "Kite", "the title"
            )
            conference.flush()  # held, waiting for the store
        finally:
            open_store.set()
        await settle(pilot)
        conference.flush()
        await settle(pilot)
        titles = [notice.title for notice in app._notifications]
        assert "Open only to read" in titles and "Not saved yet: retrying" not in titles
        app.post_message(key_event("escape"))
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert not any(n.title.startswith("Not saved") for n in app._notifications)
    opening.close()
    assert path.read_bytes() == before


async def test_keys_waiting_for_the_file_to_open_say_so_not_that_the_roster_is_loading(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    """Back on the roster (painted from a first look) while the file still opens: a
    teacher told "Waiting for the roster" looks at the roster and is puzzled."""
    path = tmp_path / "conferences.db"
    class_of_two(path, fixed_clock)
    open_store = threading.Event()
    app, opening = app_opening_later(path, fixed_clock, open_store)
    app.key_gate.tell_after_seconds = 0.01

    def waiting() -> list[str]:
        return [n.message for n in app._notifications if "Waiting for" in n.message]

    async with app.run_test(size=(100, 30)) as pilot:
        try:
            await pilot.pause()
            app.post_message(key_event("n"))  # a new conference: it opens without the store
            await wait_until(
                pilot, lambda: isinstance(app.screen, ConferenceScreen), "the conference"
            )
            for key in ("escape", "down"):
                app.post_message(key_event(key))
            await wait_until(pilot, lambda: bool(waiting()), "being told why the key waits")
            assert waiting()[0].startswith("Waiting for your notes to open.")
            assert isinstance(app.screen, RosterScreen)
        finally:
            open_store.set()  # or the app, waiting for it, would never stop
        await settle(pilot)
        assert not waiting()
    opening.close()


async def test_keys_and_footer_while_a_screens_module_is_half_read(
    tmp_path: Path, fixed_clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screens' modules load in a thread after the first frame, and Python lists a
    module as it starts reading it. The app asks, for each key the footer shows, whether
    the student has the screen: it crashed on the student's turn's module half read."""
    path = tmp_path / "conferences.db"
    class_of_two(path, fixed_clock)
    store = Store.open(str(path), clock=fixed_clock)
    app = make_app(store, settings=Settings(), clock=fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        half_read = types.ModuleType("conference_tui.tui.screens.student_turn")
        monkeypatch.setitem(sys.modules, half_read.__name__, half_read)
        app.screen.refresh_bindings()
        await pilot.press("down")
        await pilot.pause()
        monkeypatch.undo()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, RosterScreen)
    store.close()


async def test_a_store_that_will_not_open_ends_the_app_with_its_reason(
    tmp_path: Path, fixed_clock: SettableClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "conferences.db"
    class_of_two(path, fixed_clock)
    settings = Settings()
    look = first_look(locate(str(path)), fixed_clock().astimezone().date(), 14)

    def refuse() -> Store:
        raise DatabaseUnavailableError("The disk is full. Free some space, then open it again.")

    app = make_app(
        cast(Store, OpeningStore(refuse, locate(str(path)))),
        settings=settings,
        clock=fixed_clock,
        first_look=look,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        app.post_message(key_event("n"))
        # The open starts only once the first frame is out, and that frame is drawn on
        # the app's refresh timer: on a busy machine, after a pause or two. Waiting for
        # the workers before the open-store one existed found none and left too soon.
        await wait_until(pilot, lambda: app.return_code is not None, "ending")
    assert app.return_code == 1
    # Printed as the app leaves, in place of the screen: one line, no traceback.
    assert capsys.readouterr().err.strip() == (
        "conference-tui: The disk is full. Free some space, then open it again."
    )


async def test_the_app_settles_once_the_store_is_open_and_the_screens_are_loaded(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    path = tmp_path / "conferences.db"
    class_of_two(path, fixed_clock)
    open_store = threading.Event()
    app, opening = app_opening_later(path, fixed_clock, open_store)
    settled: list[bool] = []
    app.settled = lambda: settled.append(app.store is not opening)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: roster_names(app), "the first frame")
        # The rarer screens' modules wait for the store: Python reads one module at a
        # time, and the store's would wait for them.
        await wait_until(
            pilot,
            lambda: any(w.group == "import-screens" for w in app.workers),
            "the screens loading",
        )
        assert any(w.is_running for w in app.workers if w.group == "import-screens")
        assert settled == [], "settled before the store was open"
        open_store.set()
        await settle(pilot)
        assert settled == [True]
    opening.close()


async def test_keys_typed_while_the_app_opens_are_handled_before_it_settles(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    """Settling collects the start's garbage and warms reads: a tenth of a second or two
    that an `n` typed at the first paint should not wait behind."""
    path = tmp_path / "conferences.db"
    ids = class_of_two(path, fixed_clock)
    open_store = threading.Event()
    app, opening = app_opening_later(path, fixed_clock, open_store)
    screens_when_settled: list[object] = []
    app.settled = lambda: screens_when_settled.append(app.screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: roster_names(app), "the first frame")
        for key in ("down", "enter"):
            app.post_message(key_event(key))
        open_store.set()
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.student_id == ids["Ben Okafor"]
        assert screens_when_settled == [app.screen]
    opening.close()


def test_settling_memory_freezes_what_the_start_made_and_collects_again() -> None:
    gc.disable()  # as the app's launch leaves it until the app has settled
    try:
        settle_memory()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
