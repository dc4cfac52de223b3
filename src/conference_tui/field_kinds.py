"""What an answer is for beyond its own text, known to the form and to the store alike.

The store keeps a field's kind with each answer, so that the goal a conference sets,
the next step, the follow-up date and the habits noticed are found whatever the field
is called in the form that asked for them: a teacher's own form may key its goal
field `aim`, and its goals are still set, carried and closed.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    GOAL = "goal"
    NEXT_STEP = "next_step"
    FOLLOW_UP = "follow_up"
    HABITS = "habits"
    STRENGTH = "strength"
    TEACHING_POINT = "teaching_point"
    # One criterion of a rubric field: the level the teacher chose, the student's own
    # level, and a note (see rubrics.py). Answers keyed `<field>.<criterion>.<part>`.
    RUBRIC_TEACHER = "rubric_teacher"
    RUBRIC_STUDENT = "rubric_student"
    RUBRIC_NOTE = "rubric_note"


# Answers saved before kinds were kept were found by these keys of the shipped form: an
# archive written then reads its answers the same way (migration 0008 keeps its own
# copy for the databases). Only the kinds there were then: a kind added later never
# stood for a key.
KIND_OF_LEGACY_KEY: dict[str, Kind] = {
    kind.value: kind
    for kind in (
        Kind.GOAL,
        Kind.NEXT_STEP,
        Kind.FOLLOW_UP,
        Kind.HABITS,
        Kind.STRENGTH,
        Kind.TEACHING_POINT,
    )
}


_KIND_OF_VALUE: dict[str, Kind] = {kind.value: kind for kind in Kind}


def kind_of(stored: str) -> Kind | None:
    """The kind an answer was saved with; None for none (and for one this version does
    not know: the answer is still kept and shown, only not acted on)."""
    # A lookup, not Kind(stored): an export asks this for every answer it reads.
    return _KIND_OF_VALUE.get(stored)


class RubricPart(StrEnum):
    """What one answer of a rubric criterion holds."""

    TEACHER = "teacher"
    STUDENT = "student"
    NOTE = "note"


KIND_OF_RUBRIC_PART: dict[RubricPart, Kind] = {
    RubricPart.TEACHER: Kind.RUBRIC_TEACHER,
    RubricPart.STUDENT: Kind.RUBRIC_STUDENT,
    RubricPart.NOTE: Kind.RUBRIC_NOTE,
}
# A form's keys are lowercase letters, digits and _: a dot joins a rubric's parts and
# can never be part of another field's key.
RUBRIC_KEY_SEPARATOR = "."


def rubric_answer_key(field_key: str, criterion_key: str, part: RubricPart) -> str:
    """The answer key of one part of one criterion of a rubric field."""
    return RUBRIC_KEY_SEPARATOR.join((field_key, criterion_key, part.value))


def parse_rubric_key(answer_key: str) -> tuple[str, str, RubricPart] | None:
    """The rubric field, criterion and part an answer key names; None for any other key."""
    pieces = answer_key.split(RUBRIC_KEY_SEPARATOR)
    if len(pieces) != 3 or not all(pieces):
        return None
    try:
        return pieces[0], pieces[1], RubricPart(pieces[2])
    except ValueError:
        return None


def form_field_key(answer_key: str) -> str:
    """The key of the form field an answer belongs to: its own key, or a rubric's."""
    return answer_key.split(RUBRIC_KEY_SEPARATOR, 1)[0]
