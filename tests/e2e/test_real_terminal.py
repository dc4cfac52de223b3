"""The installed `conference-tui` in a real terminal (tmux), typed at like a teacher would."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.faults.test_faults import damage_a_page, notes_database, sha256

from conference_tui.field_kinds import Kind
from conference_tui.store import Store

pytestmark = pytest.mark.e2e

EXECUTABLE = Path(sys.executable).with_name("conference-tui")


def require_tmux() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("CI") == "true":
            pytest.fail("tmux is missing: .ci/run must install it")
        pytest.skip("tmux is not installed")
    if not EXECUTABLE.exists():
        pytest.fail(f"the console script is not installed next to {sys.executable}")
    return tmux


class Terminal:
    """One tmux server of our own, with one 80x24 window running the app."""

    def __init__(self, tmux: str, env: dict[str, str]) -> None:
        self.tmux = tmux
        self.socket = f"ctui-{uuid.uuid4().hex[:8]}"
        self.env = env

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            env=self.env,
            timeout=20,
        )
        return result.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "app", "-x", "80", "-y", "24", f"exec {command}")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            try:
                shown = self.screen()
            except subprocess.CalledProcessError:
                shown = "(the app has exited)"
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen showed:\n{shown}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", "app", key)
            time.sleep(0.08)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "app", "-l", text)
        time.sleep(0.2)

    def app_pid(self) -> int:
        return int(self.run("display-message", "-p", "-t", "app", "#{pane_pid}").strip())

    def stop(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    tmux = require_tmux()
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "CONFERENCE_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "CONFERENCE_TUI_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("TMUX", None)
    term = Terminal(tmux, env)
    yield term
    term.stop()


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "notes.db"
    store = Store.open(str(path))
    school_class = store.add_class("7B English")
    student = store.add_student(school_class.id, "Ana Lopez")
    store.close()
    return path, student.id


def read_draft(path: Path, student_id: str) -> str:
    store = Store.open(str(path))
    try:
        draft = store.draft_for_student(student_id)
        return draft.value("piece_title") if draft else ""
    finally:
        store.close()


def test_conference_typed_in_a_real_terminal_is_in_the_database(
    terminal: Terminal, database: tuple[Path, str]
) -> None:
    path, student_id = database
    terminal.start(f"{EXECUTABLE} --db {path}")
    terminal.wait_for("Ana Lopez")
    terminal.keys("n")
    terminal.wait_for("Stage 1 of 6")
    terminal.type("The Lighthouse Keeper")
    for _ in range(5):
        terminal.keys("PageDown")
    # At 80 columns the title keeps every word and drops "Stage" instead.
    terminal.wait_for("6 of 6 · Modify actions based on new knowledge")
    terminal.type("Use dialogue to show feelings")
    terminal.keys("C-s")
    screen = terminal.wait_for("Conference saved")
    assert "Traceback" not in screen
    terminal.keys("C-q")

    store = Store.open(str(path))
    [summary] = store.history(student_id)
    conference = store.get_conference(summary.id)
    store.close()
    assert conference.status == "complete"
    assert conference.piece_title == "The Lighthouse Keeper"
    assert conference.value("goal") == "Use dialogue to show feelings"


def test_a_file_damaged_away_from_the_roster_is_painted_then_opened_only_to_read(
    terminal: Terminal, tmp_path: Path
) -> None:
    """The roster is painted from the file at once while SQLite's quick check, begun as
    the app starts, walks the rest of it. Damage the roster does not read (the amended
    notes' table) is found all the same: the file is opened only to read and says so.
    An `n` typed with a word at the first paint opens a new conference at once (read
    without the store); once the file is found damaged the teacher is told that nothing
    typed there is kept, escape goes back, and the file is left byte for byte as it was."""
    path = tmp_path / "notes.db"
    notes_database(path)
    damage_a_page(path, "answer_revision")
    before = sha256(path)
    terminal.start(f"{EXECUTABLE} --db {path}")
    terminal.wait_for("Ana Lopez")
    terminal.run("send-keys", "-t", "app", "n", "Kite poem")
    screen = terminal.wait_for("Nothing typed here is kept")
    assert "Stage 1" in screen and "Kite" in screen and "is damaged" in screen
    terminal.keys("Escape")
    screen = terminal.wait_for("1 of 1 student ·")  # the roster's status line
    assert "Stage 1" not in screen and "Not saved" not in screen
    terminal.keys("C-q")
    terminal.wait_for("(the app has exited)")
    assert sha256(path) == before


def test_sigkill_two_seconds_after_typing_loses_nothing(
    terminal: Terminal, database: tuple[Path, str]
) -> None:
    path, student_id = database
    terminal.start(f"{EXECUTABLE} --db {path}")
    terminal.wait_for("Ana Lopez")
    terminal.keys("n")
    terminal.wait_for("Stage 1 of 6")
    terminal.type("Storm at Sea")
    time.sleep(2)
    os.kill(terminal.app_pid(), signal.SIGKILL)
    terminal.stop()

    assert read_draft(path, student_id) == "Storm at Sea"

    terminal.start(f"{EXECUTABLE} --db {path}")
    terminal.wait_for("Ana Lopez")
    terminal.keys("n")
    terminal.wait_for("Storm at Sea")
    screen = terminal.wait_for("Stage 1 of 6")
    assert "Traceback" not in screen
    terminal.keys("Escape")
    terminal.wait_for("Ana Lopez")
    terminal.keys("C-q")


CRASHING_APP = """
import sys
from pathlib import Path
from textual.binding import Binding
from conference_tui.cli_app import _start_log
from conference_tui.store import Store
from conference_tui.tui.app import make_app
from conference_tui.tui.screens import conference

class FailingConference(conference.ConferenceScreen):
    # A stand-in for a bug: ctrl+b raises inside the running app.
    BINDINGS = [Binding("ctrl+b", "fail", "Fail")]
    CSS_PATH = str(Path(conference.__file__).with_name("conference.tcss"))

    def action_fail(self):
        raise RuntimeError("a deliberate bug")

conference.ConferenceScreen = FailingConference
_start_log()
app = make_app(Store.open(sys.argv[1]))
app.run()
"""


def test_an_unexpected_error_saves_the_note_and_shows_no_traceback(
    terminal: Terminal, database: tuple[Path, str], tmp_path: Path
) -> None:
    path, student_id = database
    script = tmp_path / "crashing_app.py"
    script.write_text(CRASHING_APP, encoding="utf-8")
    terminal.start(f"sh -c '{sys.executable} {script} {path}; echo APP-ENDED; sleep 60'")
    terminal.wait_for("Ana Lopez")
    terminal.keys("n")
    terminal.wait_for("Stage 1 of 6")
    terminal.type("Words typed just before the bug")
    terminal.keys("C-b")
    screen = terminal.wait_for("APP-ENDED")
    assert "Traceback" not in screen
    assert "stopped after an unexpected error" in screen
    assert read_draft(path, student_id) == "Words typed just before the bug"
    log_file = Path(terminal.env["CONFERENCE_TUI_DATA_DIR"]) / "conference-tui.log"
    logged = log_file.read_text(encoding="utf-8")
    # Where it happened, never what it said: a message can quote a student's note.
    assert "RuntimeError" in logged and "action_fail" in logged
    assert "a deliberate bug" not in logged


@pytest.mark.slow
def test_type_ahead_in_a_real_terminal_lands_where_the_teacher_sees_it(
    terminal: Terminal, tmp_path: Path
) -> None:
    """Every key sent in one burst, as a fast teacher types: open, two fields, complete,
    and filter the roster, with last time's goal on screen and never marked."""
    path = tmp_path / "notes.db"
    store = Store.open(str(path))
    school_class = store.add_class("7B English")
    student = store.add_student(school_class.id, "Ana Lopez")
    earlier = store.start_conference(student.id, "writing-conference", 1, "clarify")
    store.save_answer(earlier.id, "modify", "goal", "Use paragraphs", False, Kind.GOAL)
    store.complete_conference(earlier.id)
    store.close()
    terminal.start(f"{EXECUTABLE} --db {path}")
    terminal.wait_for("Ana Lopez")
    terminal.run("send-keys", "-t", "app", "n", "Mark export", "Tab", "memoir", "C-s", "/Ana")
    screen = terminal.wait_for("filter “Ana”")
    assert "Traceback" not in screen
    terminal.keys("C-q")
    store = Store.open(str(path))
    try:
        newest = store.history(student.id)[0]
        conference = store.get_conference(newest.id)
        assert (conference.piece_title, conference.genre) == ("Mark export", "memoir")
        assert conference.status == "complete"
        assert [goal.status for goal in store.goal_chain(student.id)] == ["active"]
    finally:
        store.close()


@pytest.mark.slow
def test_escape_then_a_key_at_once_leaves_the_conference_first(
    terminal: Terminal, database: tuple[Path, str]
) -> None:
    """Escape and `/` arrive in one read: the conference is left, then the roster filters."""
    path, student_id = database
    terminal.start(f"{EXECUTABLE} --db {path}")
    terminal.wait_for("Ana Lopez")
    terminal.run("send-keys", "-t", "app", "n", "Kite", "Escape", "/Ana")
    screen = terminal.wait_for("filter “Ana”")
    assert "Traceback" not in screen
    terminal.keys("C-q")
    assert read_draft(path, student_id) == "Kite"


@pytest.mark.slow
def test_escape_a_key_and_words_then_escape_at_once_are_each_what_was_typed(
    terminal: Terminal, database: tuple[Path, str]
) -> None:
    """Escape n H i s t Escape in one read: the conference is left and reopened, "Hist" is
    typed into the title, and the last escape leaves again. Textual's parser had read the
    six keys as one unknown sequence and typed "^nHist" into the note instead."""
    path, student_id = database
    terminal.start(f"{EXECUTABLE} --db {path}")
    terminal.wait_for("Ana Lopez")
    terminal.run(
        "send-keys", "-t", "app", "n", "Kite", "Escape", "n", "H", "i", "s", "t", "Escape", "/Ana"
    )
    screen = terminal.wait_for("filter “Ana”")
    assert "Traceback" not in screen
    terminal.keys("C-q")
    assert read_draft(path, student_id) == "KiteHist"
