"""A new conference is written as a draft by its first write, in that write's
transaction: never by opening it, never twice, never without the write."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from conference_tui.store import Store
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.records import unwritten_draft
from conference_tui.tui.draft_start import DraftStart

from .conftest import one_student

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def new_conference(student_id: str) -> DraftStart:
    return DraftStart(unwritten_draft(student_id, "writing-conference", 1, "clarify", NOW), "ed")


def test_a_write_that_fails_leaves_no_draft_and_the_next_writes_it(store: Store) -> None:
    student_id = one_student(store)
    start = new_conference(student_id)

    def refused(_conference_id: str) -> None:
        raise InvalidInputError("not a date")

    with pytest.raises(InvalidInputError):
        start.writing(store, refused)
    assert start.written is None
    assert store.draft_for_student(student_id) is None
    start.writing(store, lambda id_: store.save_answer(id_, "clarify", "piece_title", "Owl", False))
    draft = store.draft_for_student(student_id)
    assert draft is not None and start.written is not None
    assert (start.written.id, draft.value("piece_title")) == (draft.id, "Owl")
    assert draft.editor_id == "ed"  # marked open here as it was written


def test_writes_from_two_threads_write_one_draft(store: Store) -> None:
    student_id = one_student(store)
    start = new_conference(student_id)
    ids: list[str] = []
    go = threading.Barrier(2)

    def write(field_key: str) -> None:
        go.wait()
        start.writing(store, ids.append)
        store.save_answer(ids[-1], "clarify", field_key, field_key, False)

    threads = [threading.Thread(target=write, args=(key,)) for key in ("piece_title", "genre")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1
    draft = store.draft_for_student(student_id)
    assert draft is not None and draft.id == ids[0]
    assert (draft.value("piece_title"), draft.value("genre")) == ("piece_title", "genre")
