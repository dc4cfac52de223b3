"""The terminal going away: how it is noticed (on a pseudo-terminal of the test's own),
and what the app does then. tests/e2e/test_hangup.py runs the installed app through it."""

from __future__ import annotations

import contextlib
import inspect
import os
import threading
from collections.abc import Iterator

import pytest
from textual.drivers.linux_driver import LinuxDriver

from conference_tui.store import Store
from conference_tui.tui.hangup import HangupWatch, TerminalGone, TerminalOutput, terminal_hung_up

from .conftest import SettableClock, key_event, make_test_app, one_student, settle, type_ahead
from .test_conference import open_conference, wait_until, write_lock_held

SECONDS_FOR_A_THREAD = 10


@pytest.fixture
def pty() -> Iterator[tuple[int, int]]:
    """A pseudo-terminal: the terminal's end (master) and the app's end."""
    master, terminal = os.openpty()
    yield master, terminal
    for fd in (master, terminal):
        with contextlib.suppress(OSError):  # closed by the test
            os.close(fd)


def test_a_terminal_whose_other_end_closed_has_hung_up(pty: tuple[int, int]) -> None:
    master, terminal = pty
    assert not terminal_hung_up(terminal)
    os.close(master)
    assert terminal_hung_up(terminal)


def test_the_watch_tells_once_the_terminal_hangs_up(pty: tuple[int, int]) -> None:
    master, terminal = pty
    told = threading.Event()
    watch = HangupWatch(terminal, told.set)
    watch.start()
    os.write(master, b"typed keys are not a hangup")
    assert not told.is_set()
    os.close(master)
    assert told.wait(SECONDS_FOR_A_THREAD)
    watch.stop()


def test_the_watch_stops_without_telling(pty: tuple[int, int]) -> None:
    _, terminal = pty
    told = threading.Event()
    watch = HangupWatch(terminal, told.set)
    watch.start()
    watch.stop()
    assert not watch.is_alive() and not told.is_set()


def test_a_write_to_a_terminal_that_has_gone_is_dropped_and_told(
    pty: tuple[int, int],
) -> None:
    master, terminal = pty
    told = threading.Event()
    written = os.fdopen(os.dup(terminal), "w")
    output = TerminalOutput(written, told.set)
    os.close(master)
    output.write("a frame\n" * 1000)
    output.flush()
    assert told.is_set()
    with contextlib.suppress(OSError):
        written.close()


def test_textual_writes_to_the_terminal_through_the_driver_file() -> None:
    """HangupDriver puts TerminalOutput where Textual's writer thread takes its file."""
    assert "WriterThread(self._file)" in inspect.getsource(LinuxDriver.start_application_mode)


async def test_the_terminal_going_away_saves_the_words_and_ends(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Kite")
        app.post_message(TerminalGone("SIGHUP", 129))
        await wait_until(pilot, lambda: app.return_code is not None, "ending")
    assert app.return_code == 129
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Kite"


async def test_a_locked_database_does_not_keep_an_app_without_a_terminal_running(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Nobody is left to answer "Not quitting yet": the app ends once the save fails."""
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        with write_lock_held(app_store):
            # Not type_ahead: settling would wait for the autosave, which waits for the lock.
            await pilot.press(*"Owl")
            app.post_message(TerminalGone("SIGTERM", 143))
            await wait_until(pilot, lambda: app.return_code is not None, "ending")
    assert app.return_code == 143


async def test_keys_still_waiting_when_the_terminal_goes_are_counted_not_said_saved(
    app_store: Store,
    fixed_clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A burst of thousands is taken at a few hundred keys a second; the terminal closed
    # a moment after it. The keys not taken by then were lost while the app said
    # "everything you typed was saved" (found in a tmux check).
    monkeypatch.setattr("conference_tui.tui.ending.ENDING_KEYS_SECONDS", 0)
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        for _ in range(2000):
            app.post_message(key_event("x"))
        app.post_message(TerminalGone("SIGHUP", 129))
        await wait_until(pilot, lambda: app.return_code is not None, "ending")
    draft = app_store.draft_for_student(student_id)
    kept = len(draft.value("piece_title")) if draft is not None else 0
    [warning] = [r.getMessage() for r in caplog.records if "not yet taken" in r.getMessage()]
    assert warning == f"ended by SIGHUP with {2000 - kept} keys typed not yet taken"
