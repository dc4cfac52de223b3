"""Goals carried from conference to conference, and one learner's history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conference_tui.store import InvalidInputError, NotFoundError, Store
from conference_tui.store.records import HabitTally, StudentInfo

if TYPE_CHECKING:
    from tests.conftest import FakeClock
    from tests.store.conftest import ConferenceMaker

# -- goals -----------------------------------------------------------------------


def test_set_goal_outside_a_conference(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    goal = store.set_goal(student.id, "  Read the piece aloud before conferring ")
    assert (goal.text, goal.status, goal.set_at) == (
        "Read the piece aloud before conferring",
        "active",
        clock(),
    )
    assert goal.set_by_conference_id is None
    assert goal.closed_at is None and goal.closed_by_conference_id is None
    assert store.active_goals(student.id) == [goal]


def test_set_goal_refuses_empty_text_and_unknown_students(
    store: Store, student: StudentInfo
) -> None:
    with pytest.raises(InvalidInputError, match="needs some words"):
        store.set_goal(student.id, "   ")
    with pytest.raises(NotFoundError, match="No student"):
        store.set_goal("no-such-student", "Anything")


@pytest.mark.parametrize("status", ["met", "revised", "dropped"])
def test_closing_a_goal_records_when_and_by_which_conference(
    store: Store, clock: FakeClock, student: StudentInfo, status: str
) -> None:
    goal = store.set_goal(student.id, "Use paragraphs")
    conference = store.start_conference(student.id, "writing-conference", 1)
    clock.advance(days=7)
    closed = store.update_goal_status(goal.id, status, conference.id)
    assert (closed.status, closed.closed_at, closed.closed_by_conference_id) == (
        status,
        clock(),
        conference.id,
    )
    assert store.active_goals(student.id) == []
    assert store.goal_chain(student.id) == [closed]
    assert store.goals_touching(conference.id) == [closed]

    reopened = store.update_goal_status(goal.id, "active")
    assert (reopened.status, reopened.closed_at, reopened.closed_by_conference_id) == (
        "active",
        None,
        None,
    )
    assert store.active_goals(student.id) == [reopened]


def test_update_goal_status_refuses_unknown_status_and_goal(
    store: Store, student: StudentInfo
) -> None:
    goal = store.set_goal(student.id, "Use paragraphs")
    with pytest.raises(InvalidInputError, match="Unknown goal status"):
        store.update_goal_status(goal.id, "finished")
    with pytest.raises(NotFoundError, match="No goal"):
        store.update_goal_status("no-such-goal", "met")
    assert store.active_goals(student.id) == [goal]


def test_the_goal_chain_is_the_spiral_oldest_first(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first = finished_conference(student.id, goal="Use paragraphs")
    clock.advance(days=7)
    second = store.start_conference(student.id, "writing-conference", 1)
    (first_goal,) = store.active_goals(student.id)
    store.update_goal_status(first_goal.id, "met", second.id)
    store.save_answer(second.id, "modify", "goal", "Vary sentence openings", False)
    store.complete_conference(second.id)
    clock.advance(days=1)
    outside = store.set_goal(student.id, "Keep a writer's notebook")

    chain = store.goal_chain(student.id)
    assert [(g.text, g.status) for g in chain] == [
        ("Use paragraphs", "met"),
        ("Vary sentence openings", "active"),
        ("Keep a writer's notebook", "active"),
    ]
    assert chain[0].set_by_conference_id == first.id
    assert chain[0].closed_by_conference_id == second.id
    assert [g.text for g in store.active_goals(student.id)] == [
        "Vary sentence openings",
        outside.text,
    ]
    assert [g.text for g in store.goals_touching(second.id)] == [
        "Use paragraphs",
        "Vary sentence openings",
    ]


def test_goals_belong_to_their_student(store: Store, student: StudentInfo) -> None:
    other = store.add_student(student.class_id, "Ben Cho")
    store.set_goal(other.id, "Other's goal")
    assert store.active_goals(student.id) == []
    assert store.goal_chain(student.id) == []


# -- last time -------------------------------------------------------------------


def test_last_time_for_a_first_conference_is_empty(store: Store, student: StudentInfo) -> None:
    last = store.last_time(student.id)
    assert last.active_goals == ()
    assert (last.last_next_step, last.last_conference_at, last.last_teaching_point) == (
        "",
        None,
        "",
    )


def test_last_time_shows_what_the_next_conference_revisits(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first_at = clock()
    finished_conference(
        student.id,
        goal="Use paragraphs",
        next_step="Reread the lead",
        teaching_point="Paragraphs mark a new idea",
    )
    clock.advance(days=7)
    current = store.start_conference(student.id, "writing-conference", 1)
    store.save_answer(current.id, "modify", "goal", "Vary sentence openings", False)
    store.save_answer(current.id, "modify", "next_step", "Not yet complete", False)

    last = store.last_time(student.id, current.id)
    assert [g.text for g in last.active_goals] == ["Use paragraphs"]  # not the one set now
    assert last.last_next_step == "Reread the lead"
    assert last.last_teaching_point == "Paragraphs mark a new idea"
    assert last.last_conference_at == first_at

    # A goal closed by this conference stays in view so that a mis-keyed mark can be undone.
    (old_goal,) = last.active_goals
    store.update_goal_status(old_goal.id, "met", current.id)
    last = store.last_time(student.id, current.id)
    assert [(g.text, g.status) for g in last.active_goals] == [("Use paragraphs", "met")]

    # Without a current conference: just the active goals.
    assert [g.text for g in store.last_time(student.id).active_goals] == ["Vary sentence openings"]


def test_last_time_skips_the_current_conference_when_amending(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first = finished_conference(student.id, next_step="First step")
    clock.advance(days=7)
    second = finished_conference(student.id, next_step="Second step")
    assert store.last_time(student.id).last_next_step == "Second step"
    amended = store.last_time(student.id, second.id)
    assert amended.last_next_step == "First step"
    assert amended.last_conference_at == first.started_at


# -- history ---------------------------------------------------------------------


def test_history_is_newest_first_and_pages(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    made = []
    for week in range(7):
        made.append(
            finished_conference(
                student.id,
                piece_title=f"Piece {week}",
                teaching_point=f"Point {week}",
                goal=f"Goal {week}",
            )
        )
        clock.advance(days=7)
    draft = store.start_conference(student.id, "writing-conference", 1)

    page = store.history(student.id, limit=3)
    assert [s.id for s in page] == [draft.id, made[6].id, made[5].id]
    assert page[0].status == "draft"
    newest = page[1]
    assert (newest.piece_title, newest.teaching_point, newest.goal_set) == (
        "Piece 6",
        "Point 6",
        "Goal 6",
    )
    assert newest.started_at == made[6].started_at and newest.amended_at is None
    assert [s.id for s in store.history(student.id, limit=3, offset=3)] == [
        m.id for m in reversed(made[2:5])
    ]
    assert [s.id for s in store.history(student.id, limit=3, offset=6)] == [made[1].id, made[0].id]
    assert store.history(student.id, limit=3, offset=9) == []
    assert store.conference_count(student.id) == 8


def test_history_shows_an_amended_conference(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    done = finished_conference(student.id, teaching_point="Before")
    clock.advance(days=1)
    store.begin_amendment(done.id)
    store.save_answer(done.id, "reflect", "teaching_point", "After", False)
    (summary,) = store.history(student.id)
    assert (summary.teaching_point, summary.amended_at) == ("After", clock())


def test_history_of_a_student_without_conferences_is_empty(
    store: Store, student: StudentInfo
) -> None:
    assert store.history(student.id) == []
    assert store.conference_count(student.id) == 0
    assert store.habit_tally(student.id) == []


def test_habit_tally_counts_most_often_first(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first_at = clock()
    finished_conference(student.id, habits=("Persisting", "Questioning"))
    middle_at = clock.advance(days=7)
    finished_conference(student.id, habits=("Persisting", "Thinking flexibly"))
    clock.advance(days=7)
    last_at = clock()
    finished_conference(student.id, habits=("Persisting", "Questioning"))
    other = store.add_student(student.class_id, "Ben Cho")
    finished_conference(other.id, habits=("Striving for accuracy",))

    assert store.habit_tally(student.id) == [
        HabitTally("Persisting", 3, first_at, last_at),
        HabitTally("Questioning", 2, first_at, last_at),
        HabitTally("Thinking flexibly", 1, middle_at, middle_at),
    ]
