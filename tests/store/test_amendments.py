"""Discarding an amendment puts a completed conference, and its goal marks, back as
they were; nothing written elsewhere meanwhile is touched."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from conference_tui.field_kinds import Kind
from conference_tui.store import Store, StoreError
from conference_tui.store.records import AmendmentStart, AnswerEdit, ConferenceInfo
from conference_tui.store.roster_records import StudentInfo

if TYPE_CHECKING:
    from tests.conftest import FakeClock
    from tests.store.conftest import ConferenceMaker


def as_it_stands(store: Store, conference_id: str) -> tuple[object, ...]:
    c = store.get_conference(conference_id)
    answers = {key: (a.value, a.private) for key, a in c.answers.items()}
    revisions = [(r.field_key, r.value) for r in c.revisions]
    return (
        answers,
        c.habits,
        c.piece_title,
        c.follow_up_on,
        c.amended_at,
        c.updated_at,
        revisions,
    )


def goals(store: Store, student: StudentInfo) -> list[tuple[object, ...]]:
    return [
        (g.id, g.text, g.status, g.set_by_conference_id, g.closed_by_conference_id, g.closed_at)
        for g in store.goal_chain(student.id)
    ]


def amended_once(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> tuple[ConferenceInfo, ConferenceInfo]:
    """A first conference that set goal A; a second that set B, amended once already."""
    first = finished_conference(student.id, goal="A: paragraphs")
    clock.advance(days=7)
    second = finished_conference(
        student.id,
        piece_title="Owl",
        teaching_point="Leads",
        goal="B: openings",
        follow_up="2026-03-20",
        habits=("Persisting",),
    )
    clock.advance(days=1)
    store.save_answers(
        second.id,
        [
            AnswerEdit(
                "reflect", "teaching_point", "Leads hook a reader", False, Kind.TEACHING_POINT
            )
        ],
        begin_amendment=True,
    )
    clock.advance(days=1)
    return first, second


def test_discarding_an_amendment_puts_back_every_answer_habit_and_goal_mark(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first, second = amended_once(store, clock, student, finished_conference)
    before, goals_before = as_it_stands(store, second.id), goals(store, student)
    start = AmendmentStart(store.get_conference(second.id), tuple(store.goal_chain(student.id)))
    goal_a = next(g for g in store.goal_chain(student.id) if g.text == "A: paragraphs")

    clock.advance(minutes=5)
    store.save_answers(
        second.id,
        [
            AnswerEdit("clarify", "piece_title", "Owls at night", False),
            AnswerEdit("assess", "strength", "A new strength", False, Kind.STRENGTH),
            AnswerEdit("reflect", "teaching_point", "Leads, again", True),
            AnswerEdit("modify", "goal", "", False, Kind.GOAL),  # emptied: goal B is removed
            AnswerEdit("modify", "follow_up", "2026-04-01", False, Kind.FOLLOW_UP),
            AnswerEdit("reflect", "habits", "Finding humor", False, Kind.HABITS),
        ],
        begin_amendment=True,
    )
    store.update_goal_status(goal_a.id, "met", second.id)
    clock.advance(minutes=1)
    store.save_answers(second.id, [AnswerEdit("modify", "goal", "B2: new words", False, Kind.GOAL)])
    assert as_it_stands(store, second.id) != before
    # Meanwhile a later conference sets a goal of its own: not the amendment's to undo.
    clock.advance(minutes=1)
    later = finished_conference(student.id, goal="C: dialogue")

    store.discard_amendment(start)

    assert as_it_stands(store, second.id) == before
    restored = store.get_conference(second.id)
    assert restored.follow_up_on == date(2026, 3, 20)
    assert restored.revisions[0].value == "Leads"  # the earlier amendment's text is kept
    assert [g for g in goals(store, student) if g[3] != later.id] == goals_before
    assert [g.text for g in store.goal_chain(student.id)] == [
        "A: paragraphs",
        "B: openings",
        "C: dialogue",
    ]
    # The restored answers are changes all the same: an editor that saw the amended
    # text is refused rather than saving over them.
    assert restored.answers["piece_title"].version > 1
    # The search index follows: the discarded words no longer find the conference.
    assert all(hit.conference_id != second.id for hit in store.search("Owls"))
    assert first.id != second.id


def test_only_an_amendment_can_be_discarded(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    draft = finished_conference(student.id, complete=False, piece_title="Kite")
    start = AmendmentStart(draft, ())
    with pytest.raises(StoreError, match="a draft keeps what is typed"):
        store.discard_amendment(start)
    assert store.get_conference(draft.id).value("piece_title") == "Kite"
