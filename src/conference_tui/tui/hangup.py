"""When the terminal goes away, the app saves what was typed and ends.

The terminal goes away when ssh drops or its window is closed (the kernel hangs it up
and sends SIGHUP), when the system shuts down (SIGTERM), or when the terminal's other
end is closed while it is not the app's controlling terminal (no signal at all: the
input just ends). Python's default for both signals ends the app at once, losing what
the last autosave had not written; and when the input ends, Textual's input thread
reads end-of-file in a loop and the app runs on at a full core, for hours.

`HangupDriver` is Textual's terminal driver that notices all three and posts
`TerminalGone` to the app, which saves as ctrl+q does and exits. It only schedules:
the signal handlers run as event-loop callbacks (asyncio's `add_signal_handler`), and
the threads that find the terminal gone (the watch, Textual's input and writer
threads) post through the driver's thread-safe `send_message`; the app does the work
on its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App

ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
# The shell's convention for a process ended by a hangup: 128 + SIGHUP.
HUNG_UP_RETURN_CODE = 128 + signal.SIGHUP


class TerminalGone(Message):
    """The terminal hung up, or the system asked the app to end: save, then exit."""

    def __init__(self, why: str, return_code: int) -> None:
        super().__init__()
        self.why = why
        self.return_code = return_code


class HangupDriver(LinuxDriver):
    """Textual's Linux/macOS driver, which also tells the app when the terminal goes away:
    a hangup signal, a read from the terminal that ends (the watch) or fails, a write
    to it that fails."""

    ending_loop: asyncio.AbstractEventLoop | None = None
    watch: HangupWatch | None = None
    let_go = False

    def __init__(
        self,
        app: App[object],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self.letting_go = threading.Lock()
        # What Textual's writer thread writes to (its one use of `_file`, Textual 8.2.8;
        # tests/tui/test_hangup.py fails if that changes): a write to a terminal that has
        # gone fails, and would end that thread, after which the app blocks on the frame
        # that fills its queue, never to save or end.
        self._file = TerminalOutput(self._file, self.terminal_lost)

    def start_application_mode(self) -> None:
        super().start_application_mode()
        self.ending_loop = asyncio.get_running_loop()
        for signum in ENDING_SIGNALS:
            self.ending_loop.add_signal_handler(signum, self.signalled, signum)
        self.watch = HangupWatch(self.fileno, self.terminal_lost)
        self.watch.start()

    def stop_application_mode(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        if self.ending_loop is not None:
            # Once the app has stopped (or is suspended), these signals end it as usual.
            for signum in ENDING_SIGNALS:
                self.ending_loop.remove_signal_handler(signum)
            self.ending_loop = None
        super().stop_application_mode()

    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError:
            # Textual would end the app at once with a traceback (its `panic`).
            self.terminal_lost()

    def signalled(self, signum: int) -> None:
        """On the event loop. A SIGTERM (or a SIGHUP sent by hand) may come while the
        terminal is still there: then the app ends as it does on ctrl+q, and gives the
        terminal back as it found it."""
        if terminal_hung_up(self.fileno):
            self.let_go_of_terminal()
        self.send_message(TerminalGone(signal.Signals(signum).name, 128 + signum))

    def has_unread_input(self) -> bool:
        """Keys in the terminal that Textual's input thread has yet to read (a signal can
        come a moment after a burst of keys, or a paste)."""
        if self.let_go:
            return False
        try:
            return terminal_has_input(self.fileno)
        except OSError:
            return False

    def terminal_lost(self) -> None:
        """On any thread: the terminal has gone, found by reading or writing it."""
        if self.let_go_of_terminal():
            self.send_message(TerminalGone("the terminal closing", HUNG_UP_RETURN_CODE))

    def let_go_of_terminal(self) -> bool:
        """Stop reading the terminal that is gone (Textual's input thread would read its
        end-of-file in a loop until the app has saved and ended), and send what is still
        written to it nowhere. False when it was let go of already."""
        with self.letting_go:
            if self.let_go:
                return False
            self.let_go = True
        self.exit_event.set()
        gone = os.fstat(self.fileno)
        nowhere = os.open(os.devnull, os.O_WRONLY)
        try:
            for output in (1, 2):
                # An output redirected elsewhere (a file) is not the terminal: it stays.
                with contextlib.suppress(OSError):
                    if os.path.samestat(os.fstat(output), gone):
                        os.dup2(nowhere, output)
        finally:
            os.close(nowhere)
        return True


class TerminalOutput:
    """The terminal as Textual's writer thread writes to it. A write that fails means the
    terminal has gone: `lost` is called (which sends the terminal's output nowhere),
    and what could not be written is dropped."""

    def __init__(self, terminal: TextIO, lost: Callable[[], None]) -> None:
        self.terminal = terminal
        self.lost = lost

    def write(self, text: str) -> None:
        try:
            self.terminal.write(text)
        except OSError:
            self.lost()

    def flush(self) -> None:
        try:
            self.terminal.flush()
        except OSError:
            self.lost()
            # The unwritten text stays in the buffer: this flush sends it nowhere.
            with contextlib.suppress(OSError):
                self.terminal.flush()

    def fileno(self) -> int:
        return self.terminal.fileno()


def terminal_reports(fileno: int, asked: int, found: int) -> bool:
    """Whether poll() finds any of `found` on the terminal at `fileno` now, asked for
    `asked` (a hangup or an error is reported whatever is asked)."""
    poller = select.poll()
    poller.register(fileno, asked)
    return any(events & found for _, events in poller.poll(0))


def terminal_has_input(fileno: int) -> bool:
    """Whether keys sent to the terminal at `fileno` wait there, not yet read."""
    return terminal_reports(fileno, select.POLLIN, select.POLLIN)


def terminal_hung_up(fileno: int) -> bool:
    """Whether the terminal at `fileno` has hung up (or its other end has closed)."""
    return terminal_reports(fileno, 0, select.POLLHUP | select.POLLERR)


class HangupWatch(threading.Thread):
    """Waits, asleep, for the terminal at `fileno` to hang up, then calls `hung_up` once.

    poll() reports a hangup (or an error) without being asked for any event, so this
    never reads, and takes no key from Textual's input thread. (macOS's poll() does not
    watch terminals and answers POLLNVAL at once: there, the watch ends and the
    signals alone tell.)"""

    def __init__(self, fileno: int, hung_up: Callable[[], None]) -> None:
        super().__init__(name="conference-tui-hangup-watch", daemon=True)
        self.fileno = fileno
        self.hung_up = hung_up
        self.wake_reader, self.wake_writer = os.pipe()

    def run(self) -> None:
        poller = select.poll()
        poller.register(self.fileno, 0)
        poller.register(self.wake_reader, select.POLLIN)
        ready = dict(poller.poll())
        if ready.get(self.fileno, 0) & (select.POLLHUP | select.POLLERR):
            self.hung_up()

    def stop(self) -> None:
        os.write(self.wake_writer, b"x")
        self.join()
        os.close(self.wake_reader)
        os.close(self.wake_writer)
