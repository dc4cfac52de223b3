"""Copies of the app racing on one database (a school server, or two terminals on one
file): each copy has its own engine and connections, and they start together at a
barrier. 20 rounds each, on SQLite and PostgreSQL: no duplicate, no error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from sqlalchemy import text

from conference_tui.store import Store
from conference_tui.store.records import AnswerEdit, BatchSaved

ROUNDS = 20
COPIES = 4
T = TypeVar("T")


@pytest.fixture
def copies(store: Store) -> Iterator[list[Store]]:
    """Four more copies of the app on the test's database, each with its own engine."""
    opened = [Store.open(store.location.url) for _ in range(COPIES)]
    try:
        yield opened
    finally:
        for copy in opened:
            copy.close()


def all_at_once(copies: list[Store], act: Callable[[Store], T]) -> list[T]:
    """Run `act` in every copy at the same moment; any error is raised here."""
    barrier = threading.Barrier(len(copies))

    def run(copy: Store) -> T:
        barrier.wait()
        return act(copy)

    with ThreadPoolExecutor(len(copies)) as pool:
        return list(pool.map(run, copies))


def drafts_of(store: Store, student_id: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM conference WHERE student_id = :s AND status = 'draft'"),
                {"s": student_id},
            ).scalar_one()
        )


def test_copies_starting_one_students_conference_open_the_same_draft(
    store: Store, copies: list[Store]
) -> None:
    school_class = store.add_class("7B")
    for round_number in range(ROUNDS):
        student = store.add_student(school_class.id, f"Student {round_number}")
        opened = all_at_once(
            copies,
            lambda copy, s=student.id: copy.start_conference(s, "writing-conference", 1, "clarify"),
        )
        assert len({conference.id for conference in opened}) == 1
        assert drafts_of(store, student.id) == 1


def answers_to(store: Store, conference_id: str, field: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM answer WHERE conference_id = :c AND field_key = :f"),
                {"c": conference_id, "f": field},
            ).scalar_one()
        )


def test_first_saves_of_one_field_at_once_never_fail_and_the_losers_are_told(
    store: Store, copies: list[Store]
) -> None:
    """Each round, every copy saves two fields it has never seen saved: one as the
    conference screen does (it saw version 0: whoever is second is told, with the
    text that won) and one as a plain save_answer (no version: every save lands)."""
    school_class = store.add_class("7B")
    student = store.add_student(school_class.id, "Ana")
    conference_id = store.start_conference(student.id, "writing-conference", 1, "clarify").id
    numbered = {id(copy): number for number, copy in enumerate(copies)}
    for round_number in range(ROUNDS):
        tracked, plain = f"tracked_{round_number}", f"plain_{round_number}"

        def save(copy: Store, tracked: str = tracked, plain: str = plain) -> BatchSaved:
            number = numbered[id(copy)]
            return copy.save_answers(
                conference_id,
                [
                    AnswerEdit("clarify", tracked, f"copy {number}", False, seen_version=0),
                    AnswerEdit("clarify", plain, f"copy {number}", False),
                ],
            )

        results = all_at_once(copies, save)
        saved = [result for result in results if tracked in result.versions]
        told = [result for result in results if tracked in result.conflicts]
        assert len(saved) == 1 and len(told) == COPIES - 1
        stored = store.get_conference(conference_id).answers[tracked]
        assert all(result.conflicts[tracked].value == stored.value for result in told)
        assert all(plain in result.versions for result in results)
        assert answers_to(store, conference_id, tracked) == 1
        assert answers_to(store, conference_id, plain) == 1
