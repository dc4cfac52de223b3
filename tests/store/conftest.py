"""Small builders for store tests: a class, a student, a finished conference."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conference_tui.field_kinds import KIND_OF_LEGACY_KEY
from conference_tui.store import Store
from conference_tui.store.records import ConferenceInfo
from conference_tui.store.roster_records import ClassInfo, StudentInfo

FORM_ID = "writing-conference"
FORM_VERSION = 1

# Where each field of the built-in form lives: save_answer takes the stage too.
STAGE_OF = {
    "piece_title": "clarify",
    "genre": "clarify",
    "process_stage": "clarify",
    "purpose": "clarify",
    "goal_review": "clarify",
    "plan": "plan",
    "strength": "assess",
    "teaching_point": "reflect",
    "goal": "modify",
    "next_step": "modify",
    "follow_up": "modify",
    "teacher_notes": "modify",
}


@pytest.fixture
def klass(store: Store) -> ClassInfo:
    return store.add_class("Year 7 Writers", "2025-26")


@pytest.fixture
def student(store: Store, klass: ClassInfo) -> StudentInfo:
    return store.add_student(klass.id, "Amara Okafor", "Amy")


ConferenceMaker = Callable[..., ConferenceInfo]


@pytest.fixture
def finished_conference(store: Store) -> ConferenceMaker:
    """Hold a whole conference: start, answer each field given, complete.

    `finished_conference(student_id, teaching_point="...", goal="...", complete=False)`
    """

    def make(
        student_id: str, *, complete: bool = True, habits: tuple[str, ...] = (), **answers: str
    ) -> ConferenceInfo:
        conference = store.start_conference(student_id, FORM_ID, FORM_VERSION, "clarify")
        for field_key, value in answers.items():
            # The shipped form's fields have the kinds of their keys.
            kind = KIND_OF_LEGACY_KEY.get(field_key)
            store.save_answer(conference.id, STAGE_OF[field_key], field_key, value, False, kind)
        if habits:
            store.set_habits(conference.id, habits)
        if complete:
            store.complete_conference(conference.id)
        return store.get_conference(conference.id)

    return make
