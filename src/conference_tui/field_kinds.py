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


# Answers saved before kinds were kept were found by these keys of the shipped form:
# a database upgraded, or an archive written then, reads its answers the same way.
KIND_OF_LEGACY_KEY: dict[str, Kind] = {kind.value: kind for kind in Kind}


def kind_of(stored: str) -> Kind | None:
    """The kind an answer was saved with; None for none (and for one this version does
    not know: the answer is still kept and shown, only not acted on)."""
    try:
        return Kind(stored) if stored else None
    except ValueError:
        return None
