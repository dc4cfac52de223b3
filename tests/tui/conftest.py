"""Helpers for the TUI tests: the real app on a real SQLite store, a fixed clock and time zone.

Snapshots must not change with the machine or the hour: the process runs in UTC,
the header clock shows the app's (fixed) clock instead of the wall clock, and text
cursors do not blink in headless runs.
"""

from __future__ import annotations

import contextlib
import copy
import os
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import private_copy
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled, WorkerFailed

from conference_tui.field_kinds import Kind
from conference_tui.forms import Form, load_default_form
from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.store.records import AnswerEdit
from conference_tui.tui.app import ConferenceApp, make_app

os.environ["TZ"] = "UTC"
time.tzset()

# The demo's "today", and the fixed moment every TUI test runs at.
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FORM = load_default_form()


class SettableClock:
    """A clock shared by the store and the app; builders move it to date their records."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now


class TypingClock:
    """The key gate's clock in a test: it stands still while keys are typed, and each
    `type_ahead` moves it on, as typing begun a while after the last (the keys typed on
    within a moment of a refused one are dropped with it: see KeyGate.refused_in_run)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# Between two calls of type_ahead: more than a pause in typing.
BETWEEN_BURSTS_SECONDS = 10.0


def make_test_app(
    store: Store,
    clock: Callable[[], datetime] = lambda: NOW,
    settings: Settings | None = None,
    form: Form | None = None,
) -> ConferenceApp:
    """The real app, as the CLI builds it, on a fixed clock and default settings (and
    the built-in form unless given one); conference timers stand still at 0:00."""
    app = make_app(
        store, settings=settings or Settings(), form=form, clock=clock, monotonic=lambda: 0.0
    )
    # "Waiting for ...: what you type is kept" comes when keys wait over a second, which
    # a loaded machine reaches while a screen opens: never, unless a test asks for it.
    app.key_gate.tell_after_seconds = 3600
    app.key_gate.clock = TypingClock()
    # Every notice as the app gives it: a toast expires by the wall clock, which a loaded
    # machine can pass before a test looks (see `told`).
    given: list[Told] = []
    notify = app.notify

    def recorded(message: str, **options: Any) -> None:
        given.append(Told(message, options.get("title", "")))
        notify(message, **options)

    app.notify = recorded  # type: ignore[method-assign]
    app.told = given  # type: ignore[attr-defined]
    return app


@dataclass(frozen=True)
class Told:
    message: str
    title: str


def told(app: object) -> list[Told]:
    """Every notice the app gave, in order, whether or not its toast is still up."""
    return app.told  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def fixed_clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def app_store(
    sqlite_migrated_template: Path,
    tmp_path: Path,
    fixed_clock: SettableClock,
    request: pytest.FixtureRequest,
) -> Iterator[Store]:
    """A migrated SQLite store in tmp_path reading the fixed clock: a copy of one
    migrated once per worker (migrating takes longer than many tests), empty, or holding
    the story class when the test asks for `story` (built once per worker too: building
    it through the store took longer than most of the tests that read it)."""
    source = sqlite_migrated_template
    if "story" in request.fixturenames:
        source = request.getfixturevalue("story_template")[0]
    path = private_copy(source, tmp_path / "conferences.db")
    store = Store.open(path, clock=fixed_clock)
    yield store
    store.close()


def one_student(store: Store, name: str = "Ana Lopez") -> str:
    """A class of one: the student's id."""
    school_class = store.add_class("7B English")
    return store.add_student(school_class.id, name).id


# -- building conferences the way the conference screen does --------------------


def at(days_ago: int, hour: int = 9, minute: int = 30) -> datetime:
    """A moment `days_ago` days before TODAY (UTC, which is local time in these tests)."""
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC).replace(
        hour=hour, minute=minute
    )


def hold_conference(
    store: Store,
    clock: SettableClock,
    student_id: str,
    when: datetime,
    answers: dict[str, str],
    *,
    habits: tuple[str, ...] = (),
    close_goals: tuple[tuple[str, str], ...] = (),
    complete: bool = True,
    minutes: int = 5,
) -> str:
    """Start, answer (each field at the form's privacy), close goals, complete; returns its id."""
    clock.set(when)
    conference = store.start_conference(student_id, FORM.id, FORM.version, FORM.stages[0].key)
    # In one batch, as the screen's autosave saves what was typed since the last.
    edits = [
        AnswerEdit(
            FORM.stage_of(key).key, key, value, FORM.field(key).private, FORM.field(key).kind
        )
        for key, value in answers.items()
    ]
    if habits:
        edits.append(
            AnswerEdit(FORM.stage_of("habits").key, "habits", "\n".join(habits), False, Kind.HABITS)
        )
    saved = store.save_answers(conference.id, edits)
    assert not saved.refused, saved.refused
    if habits:
        store.set_habits(conference.id, habits)
    for goal_id, status in close_goals:
        store.update_goal_status(goal_id, status, conference.id)
    if complete:
        clock.set(when + timedelta(minutes=minutes))
        store.complete_conference(conference.id)
    clock.set(NOW)
    return conference.id


@dataclass
class StoryData:
    """Who is in the small fixed class, by first name, and the ids tests need."""

    class_id: str
    students: dict[str, str] = field(default_factory=dict)
    conferences: dict[str, list[str]] = field(default_factory=dict)


def goal_set_by(store: Store, conference_id: str) -> str:
    return next(
        g.id for g in store.goals_touching(conference_id) if g.set_by_conference_id == conference_id
    )


def build_story(store: Store, clock: SettableClock) -> StoryData:
    """A small class with a history worth showing: goals met and revised, an amendment,
    private notes, habits; students due for the reasons the roster knows."""
    klass = store.add_class("English 7 — Period 2", "2026-27")
    data = StoryData(klass.id)

    def student(name: str, preferred: str = "", **profile: str) -> str:
        clock.set(at(90))
        student_id = store.add_student(klass.id, name, preferred, **profile).id
        clock.set(NOW)
        data.students[name.split()[0]] = student_id
        data.conferences[name.split()[0]] = []
        return student_id

    amara = student(
        "Amara Okafor",
        "Amy",
        interests="Football; graphic novels.",
        strengths="Bold ideas; a generous writing partner.",
        needs="Slows down at the important moments.",
    )
    first = hold_conference(
        store,
        clock,
        amara,
        at(38),
        {
            "piece_title": "The Night the Generator Died",
            "genre": "personal narrative",
            "process_stage": "drafting",
            "purpose": "To show how scared we were in the dark.",
            "help_request": "My ending feels rushed.",
            "plan": "Stretch the moment the lights went out.",
            "research_notes": "Rushes through the climax in one sentence.",
            "strength": "Vivid opening image of the storm.",
            "teaching_point": "Slow down the heart of the story with small actions.",
            "goal": "Stretch the most important moment across a paragraph.",
            "next_step": "Rewrite the blackout scene beat by beat.",
        },
        habits=("Persisting", "Thinking flexibly"),
    )
    second = hold_conference(
        store,
        clock,
        amara,
        at(24),
        {
            "piece_title": "The Night the Generator Died",
            "process_stage": "revising",
            "goal_review": "Met: the blackout scene is now a full paragraph.",
            "plan": "Check the zeppelin metaphor in the ending.",
            "strength": "The blackout scene builds tension.",
            "teaching_point": "End by showing what changed in the narrator.",
            "goal": "Make a claim the reader could argue with.",
            "next_step": "Add dialogue to the ending.",
        },
        habits=("Persisting",),
        close_goals=((goal_set_by(store, first), "met"),),
    )
    third = hold_conference(
        store,
        clock,
        amara,
        at(10),
        {
            "piece_title": "Girls Deserve a Real Pitch",
            "genre": "argument essay",
            "process_stage": "drafting",
            "teaching_point": "Back each reason with a piece of evidence.",
            "goal": "Name one reason and one piece of evidence per paragraph.",
            "next_step": "Add dialogue to the ending.",
            "follow_up": (TODAY - timedelta(days=3)).isoformat(),
            "teacher_notes": "Ask about the team's schedule.",
        },
        habits=("Questioning and posing problems",),
        close_goals=((goal_set_by(store, second), "revised"),),
    )
    # An amendment, as the conference screen makes one: begin, then change a note.
    clock.set(at(9, 15))
    store.begin_amendment(second)
    store.save_answer(
        second,
        "reflect",
        "teaching_point",
        "End by showing how the narrator changed.",
        False,
        Kind.TEACHING_POINT,
    )
    clock.set(NOW)
    data.conferences["Amara"] = [third, second, first]

    ben = student("Ben Adeyemi", interests="Minecraft redstone.")
    data.conferences["Ben"].append(
        hold_conference(
            store,
            clock,
            ben,
            at(5),
            {
                "piece_title": "How to Build a Redstone Door",
                "genre": "how-to",
                "teaching_point": "Number the steps in the order you do them.",
                "goal": "Write steps a beginner could follow.",
                "next_step": "add dialogue to the ending!",
            },
        )
    )
    student("Chen Wei", "Chen")
    dana = student("Dana Ruiz")
    data.conferences["Dana"].append(
        hold_conference(
            store,
            clock,
            dana,
            at(20),
            {
                "piece_title": "Letter to the Mayor",
                "teaching_point": "Open with the problem.",
                "goal": "Open with the problem.",
                "next_step": "Draft the opening paragraph.",
            },
        )
    )
    eli = student("Eli Novak")
    data.conferences["Eli"].append(
        hold_conference(
            store,
            clock,
            eli,
            at(2),
            {
                "piece_title": "Storm Chasers",
                "teaching_point": "Use a strong verb.",
                "goal": "Open with the problem",
                "next_step": "Find three weak verbs.",
                "follow_up": (TODAY + timedelta(days=5)).isoformat(),
            },
        )
    )
    return data


@pytest.fixture(scope="session")
def story_template(
    sqlite_migrated_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, StoryData]:
    """The story class, built once per worker into a file that `app_store` copies."""
    path = tmp_path_factory.mktemp("story") / "conferences.db"
    clock = SettableClock()
    store = Store.open(private_copy(sqlite_migrated_template, path), clock=clock)
    try:
        data = build_story(store, clock)
    finally:
        store.close()
    return path, data


@pytest.fixture
def story(app_store: Store, story_template: tuple[Path, StoryData]) -> StoryData:
    """The story class in `app_store` (copied from the worker's one build)."""
    return copy.deepcopy(story_template[1])


# -- shared by the roster and conference tests ------------------------------------

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def settle(pilot: Pilot[object]) -> None:
    """Until every key typed so far is delivered, every worker has finished and the
    screen has redrawn; stops cursors blinking for snapshots. Waits for the app, never
    for a length of time."""
    app = pilot.app
    assert isinstance(app, ConferenceApp)
    for _ in range(1000):
        await app.key_gate.wait_settled()
        await pilot.pause()
        running = [worker for worker in app.workers if worker.is_running]
        # A screen answering what was typed (a search as you type) says when it is done.
        busy = getattr(app.screen, "is_busy", False)
        if not running and not busy and app.key_gate.settled.is_set():
            break
        # A worker superseded by a newer one (exclusive groups) ends cancelled: not an error.
        for worker in running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
    await pilot.pause()


def key_event(key: str) -> events.Key:
    """The Key event a terminal sends for `key` (a key name as `pilot.press` takes, or
    one character)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        character: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
        )
    except KeyError:
        character = key if len(key) == 1 else None
    return events.Key(key, character)


async def type_ahead(pilot: Pilot[object], *keys: str) -> None:
    """Type as a fast teacher does: every key handed to the app back to back, before any
    is handled (as a terminal delivers them), then wait until the app has settled.
    A key name (`tab`, `ctrl+s`, `pagedown`) is one key; any other text of more than
    one character is typed a character at a time."""
    app = pilot.app
    assert isinstance(app, ConferenceApp)
    if isinstance(app.key_gate.clock, TypingClock):
        app.key_gate.clock.advance(BETWEEN_BURSTS_SECONDS)
    for key in keys:
        named = key in NAMED_KEYS or key.partition("+")[0] in ("ctrl", "shift", "alt")
        for one in [key] if named or len(key) == 1 else list(key):
            app.post_message(key_event(one))
    await settle(pilot)


NAMED_KEYS = {
    "tab",
    "enter",
    "escape",
    "pagedown",
    "pageup",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "backspace",
    "delete",
    "space",
    "slash",
    "plus",
    "f1",
    "f8",
}


# -- the demo class, as `conference-tui --demo` shows it on TODAY ----------------


@pytest.fixture
def demo_store(demo_database: Path, tmp_path: Path, fixed_clock: SettableClock) -> Iterator[Store]:
    """A copy of the demo database (of DEMO_TODAY in tests/conftest.py, which is this
    file's TODAY), opened on the fixed clock (for snapshots)."""
    store = Store.open(private_copy(demo_database, tmp_path / "demo.db"), clock=fixed_clock)
    yield store
    store.close()


def student_named(store: Store, name: str) -> str:
    """The id of the (first) student with this name, in any class."""
    return next(row.student.id for row in store.roster(None) if row.student.name == name)
