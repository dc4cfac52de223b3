"""Goals carried from conference to conference, and one learner's history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conference_tui.field_kinds import Kind
from conference_tui.store import InvalidInputError, NotFoundError, Store, StoreError
from conference_tui.store.records import ConferenceInfo, HabitTally
from conference_tui.store.roster_records import StudentInfo

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
    store.save_answer(second.id, "modify", "goal", "Vary sentence openings", False, Kind.GOAL)
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
    last = store.last_time(student.id, answer_keys=("next_step", "teaching_point"))
    assert last.active_goals == ()
    assert (last.last_conference_at, last.last_answers) == (None, {})


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
    store.save_answer(current.id, "modify", "goal", "Vary sentence openings", False, Kind.GOAL)
    store.save_answer(current.id, "modify", "next_step", "Not yet complete", False, Kind.NEXT_STEP)

    last = store.last_time(student.id, current.id, ("next_step", "teaching_point", "strength"))
    assert [g.text for g in last.active_goals] == ["Use paragraphs"]  # not the one set now
    assert last.last_answers == {
        "next_step": "Reread the lead",
        "teaching_point": "Paragraphs mark a new idea",
    }
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
    keys = ("next_step",)
    assert store.last_time(student.id, answer_keys=keys).last_answers == {
        "next_step": "Second step"
    }
    amended = store.last_time(student.id, second.id, keys)
    assert amended.last_answers == {"next_step": "First step"}
    assert amended.last_conference_at == first.started_at


def spiral_of_three(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> tuple[ConferenceInfo, ConferenceInfo, ConferenceInfo]:
    """Three weekly conferences: the first sets A, the second sets B and marks A met, the
    third sets C."""
    first = finished_conference(
        student.id, goal="A: paragraphs", next_step="Step 1", strength="Strong 1"
    )
    clock.advance(days=7)
    second = finished_conference(student.id, goal="B: openings", next_step="Step 2")
    goal_a = next(g for g in store.goal_chain(student.id) if g.text == "A: paragraphs")
    store.update_goal_status(goal_a.id, "met", second.id)
    clock.advance(days=7)
    third = finished_conference(student.id, goal="C: dialogue", next_step="Step 3")
    clock.advance(days=7)
    return first, second, third


def test_amending_an_older_conference_shows_the_goals_as_they_stood_then(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first, second, third = spiral_of_three(store, clock, student, finished_conference)
    keys = ("next_step", "strength")

    # Amending the second: the first conference before it, goal A (which it closed, so
    # the mark can be undone); never B (its own) nor C (set later).
    at_second = store.last_time(student.id, second.id, keys)
    assert [(g.text, g.status) for g in at_second.active_goals] == [("A: paragraphs", "met")]
    assert at_second.last_conference_at == first.started_at
    assert at_second.last_answers == {"next_step": "Step 1", "strength": "Strong 1"}
    assert at_second.closed_later == frozenset()

    # Amending the first: nothing before it; no goal was open yet.
    at_first = store.last_time(student.id, first.id, keys)
    assert (at_first.active_goals, at_first.last_conference_at) == ((), None)

    # Amending the third: B was open then; A had been closed before it.
    at_third = store.last_time(student.id, third.id, keys)
    assert [g.text for g in at_third.active_goals] == ["B: openings"]
    assert at_third.last_answers == {"next_step": "Step 2"}

    # A goal the third closed was open when the second was held: shown as it stood
    # (active), and named as closed later.
    goal_b = at_third.active_goals[0]
    store.update_goal_status(goal_b.id, "revised", third.id)
    at_second = store.last_time(student.id, second.id, keys)
    assert [(g.text, g.status) for g in at_second.active_goals] == [("A: paragraphs", "met")]
    goal_a = at_second.active_goals[0]
    store.begin_amendment(third.id)
    at_third = store.last_time(student.id, third.id, keys)
    assert [(g.text, g.status) for g in at_third.active_goals] == [("B: openings", "revised")]
    assert goal_a.id not in {g.id for g in at_third.active_goals}


def test_a_goal_closed_later_shows_as_it_stood_and_is_not_marked_from_before(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first = finished_conference(student.id, goal="A: paragraphs")
    clock.advance(days=7)
    second = finished_conference(student.id, next_step="Step 2")
    clock.advance(days=7)
    third = finished_conference(student.id, next_step="Step 3")
    (goal_a,) = store.last_time(student.id, third.id).active_goals
    store.update_goal_status(goal_a.id, "met", third.id)

    at_second = store.last_time(student.id, second.id)
    assert [(g.text, g.status) for g in at_second.active_goals] == [("A: paragraphs", "active")]
    assert at_second.closed_later == {goal_a.id}
    with pytest.raises(StoreError, match=r"after this conference .* later conference"):
        store.update_goal_status(goal_a.id, "dropped", second.id)
    assert store.goal_chain(student.id)[0].status == "met"
    assert store.goal_chain(student.id)[0].closed_by_conference_id == third.id
    assert first.id  # the conference that set it


def test_a_conference_never_marks_a_goal_set_after_it(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first, second, third = spiral_of_three(store, clock, student, finished_conference)
    chain = {g.text: g for g in store.goal_chain(student.id)}
    for status in ("met", "revised", "dropped", "active"):
        with pytest.raises(StoreError, match=r"was set on .*after this conference"):
            store.update_goal_status(chain["C: dialogue"].id, status, second.id)
        with pytest.raises(StoreError, match="after this conference"):
            store.update_goal_status(chain["B: openings"].id, status, first.id)
    # A goal closed by an earlier conference is not a later one's to mark either.
    with pytest.raises(StoreError, match=r"marked met on .*before this conference"):
        store.update_goal_status(chain["A: paragraphs"].id, "active", third.id)
    assert {
        g.text: (g.status, g.closed_by_conference_id) for g in store.goal_chain(student.id)
    } == {
        "A: paragraphs": ("met", second.id),
        "B: openings": ("active", None),
        "C: dialogue": ("active", None),
    }
    # What each conference may mark is still marked, and undone.
    store.update_goal_status(chain["B: openings"].id, "met", third.id)
    store.update_goal_status(chain["A: paragraphs"].id, "active", second.id)
    assert store.goal_chain(student.id)[0].status == "active"


def test_a_goal_set_outside_any_conference_after_one_is_not_that_ones_to_mark(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    earlier = finished_conference(student.id, next_step="Step 1")
    clock.advance(days=3)
    outside = store.set_goal(student.id, "Read it aloud")
    assert store.last_time(student.id, earlier.id).active_goals == ()
    with pytest.raises(StoreError, match="was set on"):
        store.update_goal_status(outside.id, "met", earlier.id)
    clock.advance(days=3)
    draft = store.start_conference(student.id, "writing-conference", 1)
    assert [g.text for g in store.last_time(student.id, draft.id).active_goals] == ["Read it aloud"]
    store.update_goal_status(outside.id, "met", draft.id)


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
    store.save_answer(done.id, "reflect", "teaching_point", "After", False, Kind.TEACHING_POINT)
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
