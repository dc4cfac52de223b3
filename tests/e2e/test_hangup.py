"""The terminal goes away under the installed `conference-tui`: what was typed is saved
and the app ends.

Each test holds the database locked while the note is typed, so that no autosave can
write it first: only the app's last save on its way out can. The lock is let go once
the terminal is gone; that save waits for it, as it would for another program.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import sqlite3
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.e2e import test_real_terminal
from tests.e2e.test_real_terminal import EXECUTABLE, Terminal, read_draft

pytestmark = pytest.mark.e2e
# The same terminal under tmux, and the same class of one student.
terminal = test_real_terminal.terminal
database = test_real_terminal.database

# Long enough for a save that waits out a locked database on a busy machine.
ENDS_WITHIN_SECONDS = 30
NOTE = "Storm at Sea"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """The database locked for writing, as another program writing would hold it."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def has_ended(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    # A zombie has ended; its parent (tmux) has not collected it yet.
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def wait_until_ended(pid: int) -> None:
    deadline = time.monotonic() + ENDS_WITHIN_SECONDS
    while not has_ended(pid):
        assert time.monotonic() < deadline, f"the app (pid {pid}) is still running"
        time.sleep(0.1)


def child_of(pid: int) -> int:
    """The one process `pid` started (the app under a shell), once it has started it."""
    deadline = time.monotonic() + ENDS_WITHIN_SECONDS
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise AssertionError(f"process {pid} started no app")


def no_traceback_logged(data_folder: Path) -> None:
    log_file = data_folder / "conference-tui.log"
    assert not log_file.exists() or "Traceback" not in log_file.read_text(encoding="utf-8")


def open_conference(terminal: Terminal) -> None:
    terminal.wait_for("Ana Lopez")
    terminal.run("send-keys", "-t", "app", "n")
    terminal.wait_for("Stage 1 of 6")


def test_the_terminal_hanging_up_saves_the_note_and_ends_the_app(
    terminal: Terminal, database: tuple[Path, str]
) -> None:
    """tmux kill-session: as an ssh connection dropping, or the window closed."""
    path, student_id = database
    terminal.start(f"{EXECUTABLE} --db {path}")
    open_conference(terminal)
    app = terminal.app_pid()
    with locked(path):
        terminal.run("send-keys", "-t", "app", "-l", NOTE)
        terminal.wait_for(NOTE)
        terminal.run("kill-session", "-t", "app")
    wait_until_ended(app)
    assert read_draft(path, student_id) == NOTE
    no_traceback_logged(Path(terminal.env["CONFERENCE_TUI_DATA_DIR"]))


def test_sigterm_saves_the_note_and_gives_the_terminal_back(
    terminal: Terminal, database: tuple[Path, str]
) -> None:
    """As a shutdown, or `kill`: the terminal stays, and is left as it was found."""
    path, student_id = database
    terminal.start(
        f"sh -c '{EXECUTABLE} --db {path}; echo ENDED $?; stty -a; echo STTY-SHOWN; sleep 60'"
    )
    open_conference(terminal)
    app = child_of(terminal.app_pid())
    with locked(path):
        terminal.run("send-keys", "-t", "app", "-l", NOTE)
        terminal.wait_for(NOTE)
        os.kill(app, signal.SIGTERM)
    # Until stty has printed the modes too: "ENDED" alone showed before them (a flake).
    screen = terminal.wait_for("STTY-SHOWN")
    assert "ENDED 143" in screen
    assert "conference-tui ended by SIGTERM: everything you typed was saved." in screen
    assert "Traceback" not in screen
    # Line mode again: the shell echoes and edits lines.
    assert " icanon " in screen and " echo " in screen
    assert read_draft(path, student_id) == NOTE
    no_traceback_logged(Path(terminal.env["CONFERENCE_TUI_DATA_DIR"]))


class PseudoTerminal:
    """The app on a pseudo-terminal that is not its controlling terminal: closing the
    other end sends it no signal, its input just ends."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        # No new session: the terminal cannot become the app's controlling terminal.
        self.process = subprocess.Popen(
            [str(EXECUTABLE), "--db", str(path)], stdin=slave, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)
        self.shown = bytearray()
        self.open = True

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + 20
        while text.encode() not in self.shown:
            assert time.monotonic() < deadline, f"{text!r} never appeared"
            if select.select([self.master], [], [], 0.1)[0]:
                self.shown += os.read(self.master, 65536)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_ended(self) -> int:
        """Its exit code, reading what it draws meanwhile: a terminal nobody reads fills
        up, and the app's next write would wait for it."""
        deadline = time.monotonic() + ENDS_WITHIN_SECONDS
        while self.process.poll() is None:
            assert time.monotonic() < deadline, "the app ran on"
            if select.select([self.master], [], [], 0.1)[0]:
                # Its end of the terminal may close as it ends.
                with contextlib.suppress(OSError):
                    self.shown += os.read(self.master, 65536)
        return self.process.returncode

    def close(self) -> None:
        if self.open:
            self.open = False
            os.close(self.master)


@pytest.fixture
def pseudo_terminal(tmp_path: Path, database: tuple[Path, str]) -> Iterator[PseudoTerminal]:
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "CONFERENCE_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "CONFERENCE_TUI_DATA_DIR": str(tmp_path / "data"),
    }
    pty = PseudoTerminal(database[0], env)
    yield pty
    pty.close()
    if pty.process.poll() is None:
        pty.process.kill()
        pty.process.wait()


def test_the_terminal_closing_saves_the_note_and_ends_the_app(
    pseudo_terminal: PseudoTerminal, database: tuple[Path, str], tmp_path: Path
) -> None:
    """Without a signal the app read end-of-file in a loop, at a full core, for hours."""
    path, student_id = database
    pty = pseudo_terminal
    pty.wait_for("Ana Lopez")
    pty.type("n")
    pty.wait_for("1 of 6")
    with locked(path):
        pty.type(NOTE)
        pty.wait_for(NOTE)
        pty.close()
    try:
        pty.process.wait(ENDS_WITHIN_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail("the app ran on after its terminal closed")
    assert pty.process.returncode != 0
    assert read_draft(path, student_id) == NOTE
    no_traceback_logged(tmp_path / "data")


def test_keys_typed_just_before_the_end_are_saved_too(
    pseudo_terminal: PseudoTerminal, database: tuple[Path, str], tmp_path: Path
) -> None:
    """A burst of keys (a paste, a fast typist while the app was busy) and the signal a
    moment after: the app ended with what it had handled, and the rest of the burst,
    still in the terminal or waiting in the app, was lost."""
    path, student_id = database
    pty = pseudo_terminal
    pty.wait_for("Ana Lopez")
    pty.type("n")
    pty.wait_for("1 of 6")
    burst = "abcdefghijklmnopqrstuvwxyz" * 2
    with locked(path):
        pty.type(burst)
        pty.process.send_signal(signal.SIGTERM)
    assert pty.wait_ended() == 128 + signal.SIGTERM
    assert read_draft(path, student_id) == burst
    no_traceback_logged(tmp_path / "data")
