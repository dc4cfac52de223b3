"""What the history screen shows of a learner, read from the store in a thread: the
story (the first page of conferences, the goals, habits and rubric scores) and the full
record of one conference. Plain data and reads; no Textual here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from conference_tui.store import HabitTally
from conference_tui.store.records import ConferenceInfo, ConferenceSummary, GoalInfo, RubricScore
from conference_tui.store.roster_records import StudentInfo

if TYPE_CHECKING:
    from conference_tui.store import Store

PAGE_SIZE = 100


@dataclass(frozen=True)
class Story:
    """Everything the screen shows except the pages after the first and each full record."""

    student: StudentInfo
    conference_count: int
    conferences: list[ConferenceSummary]
    goals: list[GoalInfo]
    habits: list[HabitTally]
    # Every rubric level chosen for the learner, oldest first: each criterion's trend.
    rubric_scores: list[RubricScore]


@dataclass(frozen=True)
class Detail:
    conference: ConferenceInfo
    goals: list[GoalInfo]
    # The other members of the small group it was held with (none: one student).
    group_names: tuple[str, ...] = ()


def read_detail(store: Store, conference_id: str) -> Detail:
    conference = store.get_conference(conference_id)
    names = store.group_member_names(conference_id) if conference.group_id else []
    return Detail(conference, store.goals_touching(conference_id), tuple(names))


def read_story(store: Store, student_id: str, limit: int = PAGE_SIZE) -> Story:
    return Story(
        store.get_student(student_id),
        store.conference_count(student_id),
        store.history(student_id, limit=limit),
        store.goal_chain(student_id),
        store.habit_tally(student_id),
        store.rubric_scores(student_id),
    )


def read_opening(
    store: Store, student_id: str, first: str | None = None
) -> tuple[Story, Detail | None]:
    """What the screen opens with, and the full record of the conference it opens on
    (`first`, else the newest): read before the screen is pushed, so that it is drawn
    once, whole."""
    story = read_story(store, student_id)
    ids = [summary.id for summary in story.conferences]
    shown = first if first in ids else (ids[0] if ids else None)
    return story, read_detail(store, shown) if shown else None
