"""One draft, two editors: a save made without seeing another copy's change is refused
and that copy's text returned; nothing is overwritten unseen (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conference_tui.field_kinds import KIND_OF_LEGACY_KEY
from conference_tui.store import Store
from conference_tui.store.records import AnswerEdit, Progress

if TYPE_CHECKING:
    from tests.conftest import FakeClock


def a_draft(store: Store) -> str:
    school_class = store.add_class("7B")
    student = store.add_student(school_class.id, "Ana")
    return store.start_conference(student.id, "writing-conference", 1, "clarify").id


def edit(value: str, seen: int | None, field: str = "piece_title") -> AnswerEdit:
    return AnswerEdit("clarify", field, value, False, KIND_OF_LEGACY_KEY.get(field), seen)


def test_the_second_editor_is_refused_and_sees_the_first(store: Store) -> None:
    conference_id = a_draft(store)
    first = store.save_answers(conference_id, [edit("The Storm", 0)])
    assert first.versions == {"piece_title": 1}
    # The other copy opened the draft before that save: it saw no answer (version 0).
    second = store.save_answers(conference_id, [edit("The Flood", 0), edit("memoir", 0, "genre")])
    assert second.versions == {"genre": 1}
    assert second.conflicts["piece_title"].value == "The Storm"
    assert second.conflicts["piece_title"].version == 1
    assert store.get_conference(conference_id).value("piece_title") == "The Storm"
    # Having seen theirs (version 1), the second editor's next save goes through.
    third = store.save_answers(conference_id, [edit("The Flood", 1)])
    assert third.versions == {"piece_title": 2} and not third.conflicts
    assert store.get_conference(conference_id).value("piece_title") == "The Flood"


def test_a_refused_date_does_not_hold_back_the_rest_of_the_batch(store: Store) -> None:
    conference_id = a_draft(store)
    saved = store.save_answers(
        conference_id,
        [edit("whenever", 0, "follow_up"), edit("Owl", 0)],
        Progress("clarify", "piece_title", 42),
    )
    assert "not a date" in saved.refused["follow_up"]
    conference = store.get_conference(conference_id)
    assert conference.value("piece_title") == "Owl"
    assert conference.value("follow_up") == ""
    assert (conference.current_field, conference.elapsed_seconds) == ("piece_title", 42)


def test_an_unchanged_text_keeps_its_version(store: Store) -> None:
    conference_id = a_draft(store)
    store.save_answers(conference_id, [edit("Owl", 0)])
    again = store.save_answers(conference_id, [edit("Owl", 1)])
    assert again.versions == {"piece_title": 1}


def test_a_second_copy_opening_a_draft_is_told_while_the_first_is_saving(
    store: Store, clock: FakeClock
) -> None:
    conference_id = a_draft(store)
    assert not store.open_elsewhere(conference_id, "laptop-a", within_seconds=30)
    store.save_answers(conference_id, [edit("Owl", 0)], editor_id="laptop-a")
    clock.advance(seconds=10)
    assert store.open_elsewhere(conference_id, "laptop-b", within_seconds=30)
    # The same copy reopening is not "elsewhere"; nor is a copy that stopped saving.
    assert not store.open_elsewhere(conference_id, "laptop-b", within_seconds=30)
    clock.advance(minutes=5)
    assert not store.open_elsewhere(conference_id, "laptop-a", within_seconds=30)
    store.close_editing(conference_id, "laptop-a")
    assert store.get_conference(conference_id).editor_id == ""
