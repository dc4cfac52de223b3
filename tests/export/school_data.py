"""The small school the export tests export: built through the store, as the app would."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from conference_tui.forms import Form
from conference_tui.store import Store
from conference_tui.store.engine import create_store_engine
from conference_tui.store.location import locate
from conference_tui.store.roster_records import ClassInfo, StudentInfo

FORM_ID = "writing-conference"


class Clock:
    """A clock the store reads and tests move by hand (noon UTC: one local date everywhere)."""

    START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __init__(self) -> None:
        self.now = self.START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def store_from_template(template: Path, path: Path, clock: Any) -> Store:
    """A store on a copy of an empty, migrated database. Opening one the usual way runs
    Alembic's checks (about half a second); a copy of a file known to be current need not.
    These tests are about content, not durability: synchronous=OFF skips the fsync of
    every commit (tests of backups and crashes open stores the usual way)."""
    shutil.copyfile(template, path)
    location = locate(str(path))
    engine = create_store_engine(location)
    event.listen(engine, "connect", _no_fsync)
    return Store(engine, location, clock)


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous = OFF")


def hold_conference(
    store: Store,
    form: Form,
    student_id: str,
    answers: dict[str, str | tuple[str, bool]],
    *,
    habits: tuple[str, ...] = (),
    complete: bool = True,
) -> str:
    """Start, answer (value, or (value, private)) and complete a conference; its id."""
    conference = store.start_conference(student_id, FORM_ID, form.version, "clarify")
    for field_key, answer in answers.items():
        value, private = answer if isinstance(answer, tuple) else (answer, False)
        stage = form.stage_of(field_key).key
        kind = form.field(field_key).kind
        store.save_answer(conference.id, stage, field_key, value, private, kind)
    if habits:
        store.set_habits(conference.id, habits)
    if complete:
        store.complete_conference(conference.id)
    return conference.id


@dataclass
class School:
    period3: ClassInfo
    period4: ClassInfo
    amara: StudentInfo  # two complete conferences and a draft; a goal met, one active
    ben: StudentInfo  # one conference with private notes and a private goal
    carla: StudentInfo  # no conferences
    dev: StudentInfo  # period 4, one conference
    amara_first: str
    amara_second: str
    amara_draft: str
    ben_only: str
    dev_only: str


PRIVATE_TEXT = "Reads below grade level; parent meeting on Friday"


def build_school(store: Store, form: Form, clock: Any) -> School:
    """Two classes, students with and without notes, private answers, a goal chain, a draft."""
    period3 = store.add_class("Period 3", "2025-26")
    period4 = store.add_class("Period 4", "2025-26")
    amara = store.add_student(period3.id, "Amara Okafor", "Amy", interests="football")
    ben = store.add_student(period3.id, "Ben Li", needs=PRIVATE_TEXT)
    carla = store.add_student(period3.id, "Carla Diaz")
    dev = store.add_student(period4.id, "Dev Patel")
    advance = clock.advance

    first = hold_conference(
        store, form, amara.id,
        {
            "piece_title": "The Storm",
            "genre": "Narrative",
            "purpose": "I want the reader to feel scared.\nLike really scared.",
            "strength": "Vivid verbs in the opening",
            "research_notes": ("Hesitant to read aloud", True),
            "teaching_point": "Show feelings through dialogue",
            "goal": "Use dialogue to show how characters feel",
            "next_step": "Rewrite the argument scene with dialogue",
        },
        habits=("Persisting", "Taking responsible risks"),
    )  # fmt: skip
    advance(days=9)
    second = store.start_conference(amara.id, FORM_ID, form.version, "clarify").id
    goal = store.goal_chain(amara.id)[0]
    store.update_goal_status(goal.id, "met", second)
    for key, value in {
        "piece_title": "The Storm",
        "goal_review": "Met: the argument scene is all dialogue now",
        "teaching_point": "Paragraph breaks for each speaker",
        "goal": "Start a new paragraph for each speaker",
        "next_step": "Fix paragraphing on pages 2-3",
        "follow_up": "2026-03-20",
    }.items():
        store.save_answer(second, form.stage_of(key).key, key, value, False, form.field(key).kind)
    store.save_answer(second, "modify", "teacher_notes", PRIVATE_TEXT, True)
    store.complete_conference(second)
    advance(days=1)
    draft = hold_conference(
        store, form, amara.id, {"purpose": "half-written draft"}, complete=False
    )

    advance(hours=1)
    ben_only = hold_conference(
        store, form, ben.id,
        {
            "piece_title": "My Grandmother",
            "purpose": "To remember her",
            "evidence": (PRIVATE_TEXT, True),
            "teaching_point": "Use sensory details",
            "goal": ("Work on reading fluency at home", True),
            "next_step": "Add smells and sounds to the kitchen scene",
        },
    )  # fmt: skip
    advance(hours=1)
    dev_only = hold_conference(
        store, form, dev.id,
        {"piece_title": "Robots", "genre": "Argument", "next_step": "Find two sources"},
    )  # fmt: skip
    return School(
        period3, period4, amara, ben, carla, dev, first, second, draft, ben_only, dev_only
    )
