"""The app and its floors, driven through the same keys in a real terminal.

A session launches a program under a pty, then walks a script of steps: keys to
send and what the screen shows once they have done their work. Timed steps give
one sample of a figure each; untimed ones only bring the screen to where the next
step starts. The app's script and the floor's script time the same figures, so
each app sample has a floor sample from the same moment of the same run.

Screens are recognised by what they draw (a title, a count, dates in a table),
never by the app's internals, so the harness outlives changes to how the app
starts or loads.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.floors import screens as floor_screens
from benchmarks.sample import Names
from benchmarks.terminal import Terminal

FLOORS = Path(__file__).resolve().parent / "floors"
APP = Path(sys.executable).with_name("conference-tui")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Check = Callable[[str], bool]


@dataclass(frozen=True)
class Step:
    figure: str | None  # None: an untimed step that only moves the session on
    keys: tuple[str, ...]
    arrived: Check
    what: str  # said when the screen never arrives
    # Seconds to let pass first, whatever the program draws (its cursor blinks): what
    # the app does on its own after a while (mounting the next stage) done by then.
    wait_before: float = 0.0


CONFERENCE = "n opens a conference"
CONFERENCE_AGAIN = "n opens the next one (the screen kept)"
STAGE_AHEAD = "pagedown to the next stage (mounted ahead)"
STAGE_AT_ONCE = "pagedown again at once (not mounted yet)"
HISTORY = "enter opens the 300-conference history"
# The app mounts the stage after the one shown a second after showing it
# (conference_stages.PREMOUNT_AFTER_SECONDS); a teacher typing in a stage is slower.
STAGE_MOUNTED_BY = 1.5
HISTORY_AGAIN = "enter opens it again (the screen kept)"


def showing(*markers: str) -> Check:
    return lambda text: all(marker in text for marker in markers)


def without(check: Check, marker: str) -> Check:
    return lambda text: check(text) and marker not in text


def mentions(word: str, times: int) -> Check:
    """The word at least `times` on screen: the search box and results beyond it."""
    return lambda text: text.casefold().count(word.casefold()) >= times


# (figure, key on the roster, what the dialog shows once open)
def dialogs(names: Names) -> list[tuple[str, str, str]]:
    heavy = names.heavy_student
    return [
        ("dialog: a add student", "a", "Add a student"),
        ("dialog: e edit student", "e", f"Edit {heavy}"),
        ("dialog: d archive student", "d", f"Archive {heavy}?"),
        ("dialog: c classes", "c", f"({names.class_size} students"),
        ("dialog: x export", "x", "Export (ctrl+e)"),
        ("dialog: g groups", "g", "groups of"),
        ("dialog: f1 help", "f1", "Every key of every screen"),
        ("dialog: s search", "s", "Type to search"),
    ]


def roster_painted(names: Names) -> Check:
    """The roster with its students: the status line and at least one student's name."""
    status = f"of {names.class_size} students"
    return lambda text: status in text and any(name in text for name in names.students)


def app_steps(names: Names, word: str) -> list[Step]:
    heavy = names.heavy_student
    roster = roster_painted(names)
    only_heavy = showing(f"1 of {names.class_size} students", heavy)

    def history(text: str) -> bool:
        return heavy in text and len(ISO_DATE.findall(text)) >= 5

    conference = showing("Stage 1 of", "(shareable)")

    steps = [
        Step(None, ("/", heavy, "enter"), only_heavy, "the roster filtered to the heavy student"),
        Step(CONFERENCE, ("n",), conference, "a conference"),
        Step(None, ("Bench",), showing("Bench"), "the typed piece title"),
        Step("ctrl+s back to the roster", ("ctrl+s",), without(only_heavy, "Stage 1 of"), "roster"),
        # As the teacher goes from student to student: the screen is kept and refilled.
        Step(CONFERENCE_AGAIN, ("n",), without(conference, "Bench"), "the next conference"),
        Step(
            STAGE_AHEAD,
            ("pagedown",),
            showing("Stage 2 of"),
            "stage 2",
            wait_before=STAGE_MOUNTED_BY,
        ),
        Step(STAGE_AT_ONCE, ("pagedown",), showing("Stage 3 of"), "stage 3"),
        Step(None, ("escape",), without(only_heavy, "Stage 3 of"), "the roster again"),
        Step(HISTORY, ("enter",), history, "the history with its table"),
        Step(None, ("escape",), only_heavy, "the roster again"),
        # As the teacher goes from student to student: the screen is kept and refilled.
        Step(HISTORY_AGAIN, ("enter",), history, "the history again"),
        Step(None, ("escape",), only_heavy, "the roster again"),
    ]
    for figure, key, marker in dialogs(names):
        steps.append(Step(figure, (key,), showing(marker), marker))
        if key == "s":
            steps.append(Step("search in the app", (word,), mentions(word, 3), "results"))
        steps.append(Step(None, ("escape",), without(roster, marker), "the roster again"))
    return steps


# Every dialog of the roster but export has the same floor: one ModalScreen, timed once
# per run.
DIALOG_FLOOR = "dialog floor"
EXPORT_FLOOR = "export floor"


def floor_figure(figure: str) -> str:
    """The floor step an app figure is compared with: the export dialog's is a screen of
    the same kinds of widgets (radio groups, a checkbox), the other dialogs' one ModalScreen."""
    if figure == "dialog: x export":
        return EXPORT_FLOOR
    return DIALOG_FLOOR if figure.startswith("dialog: ") else figure


def floor_steps(word: str) -> list[Step]:
    ready = showing(floor_screens.READY)
    floor_history = showing(floor_screens.HISTORY_READY, "Piece 5")
    return [
        Step(CONFERENCE, ("n",), showing(floor_screens.CONFERENCE_READY), "conf."),
        Step(None, ("Bench",), showing("Bench"), "the typed text"),
        Step(
            "ctrl+s back to the roster",
            ("ctrl+s",),
            without(ready, floor_screens.CONFERENCE_READY),
            "the floor's home",
        ),
        Step(
            CONFERENCE_AGAIN,
            ("n",),
            without(showing(floor_screens.CONFERENCE_READY), "Bench"),
            "conf. again",
        ),
        Step(STAGE_AHEAD, ("pagedown",), showing(floor_screens.stage_ready(2)), "stage 2"),
        Step(STAGE_AT_ONCE, ("pagedown",), showing(floor_screens.stage_ready(3)), "stage 3"),
        Step(None, ("ctrl+s",), without(ready, floor_screens.CONFERENCE_READY), "home again"),
        Step(HISTORY, ("enter",), floor_history, "the floor's table"),
        Step(None, ("escape",), ready, "the floor's home"),
        Step(HISTORY_AGAIN, ("enter",), floor_history, "the floor's table again"),
        Step(None, ("escape",), ready, "the floor's home"),
        Step(DIALOG_FLOOR, ("a",), showing(floor_screens.DIALOG_READY), "the dialog"),
        Step(None, ("escape",), without(ready, floor_screens.DIALOG_READY), "home again"),
        Step(EXPORT_FLOOR, ("x",), showing(floor_screens.EXPORT_READY), "the export floor"),
        Step(None, ("escape",), without(ready, floor_screens.EXPORT_READY), "home again"),
        Step(None, ("s",), showing(floor_screens.SEARCH_READY), "search"),
        Step("search in the app", (word,), mentions(word, 3), "results"),
        Step(None, ("escape",), ready, "home again"),
    ]


@dataclass
class Sandbox:
    """Private config and data folders, so that no run sees another's settings or backups."""

    root: Path

    @property
    def env(self) -> dict[str, str]:
        return {
            "CONFERENCE_TUI_CONFIG_DIR": str(self.root / "config"),
            "CONFERENCE_TUI_DATA_DIR": str(self.root / "data"),
        }

    def fresh_data(self) -> None:
        """As on the first launch of a day: no backup made yet."""
        shutil.rmtree(self.root / "data", ignore_errors=True)

    def backups(self) -> list[Path]:
        return sorted((self.root / "data").rglob("*.db"))


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    with tempfile.TemporaryDirectory(prefix="conference-tui-speed-") as folder:
        yield Sandbox(Path(folder))


def base_env(extra: Mapping[str, str]) -> dict[str, str]:
    import os

    keep = {k: v for k, v in os.environ.items() if not k.startswith("CONFERENCE_TUI_")}
    return {**keep, **extra}


def launch(argv: list[str], env: Mapping[str, str], painted: Check) -> tuple[Terminal, float]:
    """Start a program; seconds from the start to its first painted screen."""
    terminal = Terminal(argv, base_env(env))
    try:
        seconds = terminal.wait_until(painted, "the first screen", since=terminal.started)
    except BaseException:
        terminal.close()
        raise
    return terminal, seconds


def walk(terminal: Terminal, steps: list[Step], quiet: float = 0.3) -> dict[str, float]:
    """Each step's keys, then its screen; seconds for the timed ones. Before each step the
    program must have drawn nothing for `quiet` seconds, so that no step pays for the
    last one's leftover work."""
    timings: dict[str, float] = {}
    for step in steps:
        terminal.read_for(step.wait_before)
        terminal.settle(quiet)
        sent = 0.0
        for key in step.keys:
            sent = terminal.press(key)
        seconds = terminal.wait_until(step.arrived, step.what, since=sent)
        if step.figure is not None:
            timings[step.figure] = seconds
    terminal.settle(quiet)
    return timings


def first_key_in_app(terminal: Terminal, roster: Check) -> float:
    """`n` pressed the moment the roster is painted (the file still opening behind
    it): seconds until the conference shows. It is left by escape (the empty draft
    is discarded), so that no draft stays for the next run."""
    conference = showing("Stage 1 of")
    seconds = terminal.wait_until(conference, "a conference", since=terminal.press("n"))
    terminal.settle(0.3)
    terminal.press("escape")
    terminal.wait_until(without(roster, "Stage 1 of"), "the roster again", since=0.0)
    return seconds


def first_key_in_floor(terminal: Terminal) -> float:
    """The floor's `n` pressed the moment it is painted: seconds until its conference."""
    conference = showing(floor_screens.CONFERENCE_READY)
    return terminal.wait_until(conference, "conf.", since=terminal.press("n"))


def app_argv(database: Path) -> list[str]:
    return [str(APP), "--db", str(database)]


def floor_argv(name: str) -> list[str]:
    return [sys.executable, str(FLOORS / f"{name}.py")]


def wait_for_backup(box: Sandbox, terminal: Terminal, timeout: float = 600.0) -> None:
    """Today's backup, made in the background after the first frame, finished."""
    import time

    deadline = time.perf_counter() + timeout
    last_size = -1
    while time.perf_counter() < deadline:
        terminal.pump(0.5)
        copies = box.backups()
        size = sum(p.stat().st_size for p in copies) if copies else -1
        if copies and size == last_size:
            return
        last_size = size
    raise TimeoutError("today's backup was not made within the time allowed")
