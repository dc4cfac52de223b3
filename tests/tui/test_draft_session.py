"""The autosave rules of one open conference, without a screen: milliseconds each."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from conference_tui.store.records import (
    AnswerEdit,
    AnswerInfo,
    BatchSaved,
    ConferenceInfo,
    Progress,
    unwritten_draft,
)
from conference_tui.tui.draft_session import DraftSession, WritesInOrder

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HERE = Progress("clarify", "piece_title", 30)


def conference(status: str = "draft", **answers: str) -> ConferenceInfo:
    return ConferenceInfo(
        id="k1",
        student_id="s1",
        form_id="writing-conference",
        form_version=1,
        status=status,
        started_at=NOW,
        ended_at=None if status == "draft" else NOW,
        updated_at=NOW,
        amended_at=None,
        piece_title="",
        genre="",
        process_stage="",
        follow_up_on=None,
        current_stage="clarify",
        current_field="",
        elapsed_seconds=0,
        answers={
            key: AnswerInfo("clarify", key, value, False, NOW, version=3)
            for key, value in answers.items()
        },
    )


def typed(session: DraftSession, key: str, value: str, private: bool = False) -> bool:
    return session.edited("clarify", key, value, private, form_private=False)


def test_opening_changes_nothing_and_typing_queues_what_differs() -> None:
    session = DraftSession.open(conference(piece_title="Owl"), amend=False, habits={})
    typed(session, "piece_title", "Owl")
    typed(session, "genre", "")
    assert session.pending == {}
    typed(session, "piece_title", "Owls")
    assert session.pending["piece_title"].value == "Owls"
    assert session.pending["piece_title"].seen_version == 3


def test_a_batch_is_handed_out_once_and_its_answer_taken_back() -> None:
    session = DraftSession.open(conference(), amend=False, habits={})
    typed(session, "piece_title", "Owl")
    batch = session.take_batch(HERE)
    assert batch is not None and batch.progress == HERE and not batch.begin_amendment
    assert session.take_batch(HERE) is None  # one save at a time
    shown = session.batch_saved(batch, BatchSaved(versions={"piece_title": 1}))
    assert shown == {"piece_title": ""}
    assert session.saved["piece_title"] == ("Owl", False)
    assert session.versions["piece_title"] == 1
    assert session.take_batch(HERE) is None  # nothing new


def test_a_failed_batch_keeps_every_edit_and_a_newer_one_wins() -> None:
    session = DraftSession.open(conference(), amend=False, habits={})
    typed(session, "piece_title", "Owl")
    batch = session.take_batch(HERE)
    assert batch is not None
    typed(session, "piece_title", "Owls")
    assert session.batch_failed(batch, "database is locked")
    assert not session.batch_failed(batch, "database is locked")  # told once
    assert session.pending["piece_title"].value == "Owls"


def test_a_refused_date_waits_for_the_teacher_and_clears_when_changed_back() -> None:
    session = DraftSession.open(conference(follow_up="2026-12-01"), amend=False, habits={})
    typed(session, "follow_up", "next friday")
    batch = session.take_batch(HERE)
    assert batch is not None
    shown = session.batch_saved(batch, BatchSaved(refused={"follow_up": "not a date"}))
    assert shown == {"follow_up": "not a date"}
    typed(session, "follow_up", "next friday")
    assert session.pending == {}  # already explained: not sent again
    assert typed(session, "follow_up", "2026-12-01")  # back to what is stored
    assert session.refused == {}


def test_a_change_made_elsewhere_is_kept_apart_until_the_teacher_edits_again() -> None:
    session = DraftSession.open(conference(piece_title="Owl"), amend=False, habits={})
    typed(session, "piece_title", "Owl mine")
    batch = session.take_batch(HERE)
    assert batch is not None
    theirs = AnswerInfo("clarify", "piece_title", "Owl theirs", False, NOW, version=4)
    shown = session.batch_saved(batch, BatchSaved(conflicts={"piece_title": theirs}))
    assert "Owl theirs" in shown["piece_title"]
    typed(session, "piece_title", "Owl mine")
    assert session.pending == {}  # not saved over theirs unseen
    typed(session, "piece_title", "Owl mine!")
    assert session.pending["piece_title"].seen_version == 4


def test_keys_typed_before_their_text_was_shown_never_save_over_it() -> None:
    session = DraftSession.open(conference(piece_title="Owl"), amend=False, habits={})
    session.edited("clarify", "piece_title", "M", False, form_private=False, typed_at=1.0)
    batch = session.take_batch(HERE)
    assert batch is not None
    theirs = AnswerInfo("clarify", "piece_title", "Theirs", False, NOW, version=2)
    session.batch_saved(batch, BatchSaved(conflicts={"piece_title": theirs}), shown_at=5.0)
    # The rest of the word was typed ahead, before the warning was on screen.
    for typed_at, text in ((2.0, "Mi"), (3.0, "Min"), (5.0, "Mine")):
        session.edited("clarify", "piece_title", text, False, form_private=False, typed_at=typed_at)
    assert session.pending == {}
    assert session.refused["piece_title"][0] == "Mine"
    assert "Theirs" in session.refused["piece_title"][1]
    # A key typed once theirs was on screen is the teacher's choice.
    session.edited("clarify", "piece_title", "Mine!", False, form_private=False, typed_at=6.0)
    assert session.pending["piece_title"].value == "Mine!"
    assert session.pending["piece_title"].seen_version == 2


def test_an_edit_typed_while_the_clashing_save_was_on_its_way_is_not_sent() -> None:
    session = DraftSession.open(conference(piece_title="Owl"), amend=False, habits={})
    session.edited("clarify", "piece_title", "M", False, form_private=False, typed_at=1.0)
    batch = session.take_batch(HERE)
    assert batch is not None
    session.edited("clarify", "piece_title", "Mine", False, form_private=False, typed_at=2.0)
    theirs = AnswerInfo("clarify", "piece_title", "Theirs", False, NOW, version=2)
    session.batch_saved(batch, BatchSaved(conflicts={"piece_title": theirs}), shown_at=5.0)
    assert "piece_title" not in session.pending
    assert session.refused["piece_title"][0] == "Mine"
    # Leaving reads every field again: the same text, read later, is no new choice.
    session.edited("clarify", "piece_title", "Mine", False, form_private=False, typed_at=9.0)
    assert session.pending == {}


def test_the_first_change_to_a_completed_conference_begins_one_amendment() -> None:
    session = DraftSession.open(conference("complete", goal="Dialogue"), amend=True, habits={})
    assert session.take_batch(HERE, leaving=True) is not None  # leaving: an empty batch
    session.saving = False
    typed(session, "goal", "Dialogue, twice")
    batch = session.take_batch(HERE)
    assert batch is not None and batch.begin_amendment
    session.batch_saved(batch, BatchSaved(versions={"goal": 4}))
    typed(session, "goal", "Dialogue, three times")
    again = session.take_batch(HERE)
    assert again is not None and not again.begin_amendment


def test_leaving_a_draft_keeps_where_it_was_and_the_time() -> None:
    session = DraftSession.open(conference(), amend=False, habits={})
    batch = session.take_batch(HERE, leaving=True)
    assert batch is not None and batch.progress == HERE


def test_a_new_conference_is_written_with_its_first_words_not_for_where_the_teacher_is() -> None:
    new = unwritten_draft("s1", "writing-conference", 1, "clarify", NOW)
    session = DraftSession.open(new, amend=False, habits={})
    session.progress_dirty = True  # a stage moved to, a field entered
    assert session.take_batch(HERE) is None
    assert session.take_batch(HERE, leaving=True) is None  # escape: nothing to write first
    assert not session.has_unsaved()
    typed(session, "piece_title", "Owl")
    batch = session.take_batch(HERE)
    assert batch is not None and batch.progress == HERE
    session.batch_saved(batch, BatchSaved(versions={"piece_title": 1}))
    session.progress_dirty = True
    assert session.has_unsaved()  # written now: where the teacher is is kept too
    assert session.take_batch(HERE) is not None


def test_nothing_recorded_until_a_note_or_a_goal_mark() -> None:
    session = DraftSession.open(conference(), amend=False, habits={"habits": ("", False)})
    assert session.nothing_recorded()
    session.goals_marked = True
    assert not session.nothing_recorded()


def title(value: str, seen_version: int) -> list[AnswerEdit]:
    return [AnswerEdit("clarify", "piece_title", value, False, seen_version=seen_version)]


def test_an_older_write_arriving_last_never_replaces_a_newer_one() -> None:
    """The app stopping on an error writes the screen at once while an autosave taken a
    moment before is still in its thread: whichever reaches the database last, the
    newer text is what stays."""
    writes = WritesInOrder()
    stored: list[str] = []

    def save(edits: list[AnswerEdit]) -> BatchSaved:
        stored.append(edits[0].value)
        return BatchSaved(versions={"piece_title": len(stored)})

    autosave = writes.ticket()  # "Words typed just before", taken first
    at_the_error = writes.ticket()  # "... the bug", taken when the app stopped
    assert writes.write(at_the_error, title("newer", 0), save).versions == {"piece_title": 1}
    assert writes.write(autosave, title("older", 0), save) == BatchSaved()
    assert stored == ["newer"]
    # In the usual order both are written, the newer last.
    first, second = writes.ticket(), writes.ticket()
    writes.write(first, title("one", 1), save)
    writes.write(second, title("two", 2), save)
    assert stored == ["newer", "one", "two"]


def test_a_field_this_screen_wrote_meanwhile_is_not_another_editors_change() -> None:
    """The autosave wrote version 1 but its answer never came back (the app stopped):
    the write at the error, taken from version 0, goes on from this screen's own
    version 1; a version written by someone else is still compared as it was."""
    writes = WritesInOrder()
    seen: list[int | None] = []

    def save(edits: list[AnswerEdit]) -> BatchSaved:
        seen.append(edits[0].seen_version)
        return BatchSaved(versions={"piece_title": (edits[0].seen_version or 0) + 1})

    autosave, at_the_error = writes.ticket(), writes.ticket()
    writes.write(autosave, title("Words typed just before the b", 0), save)
    writes.write(at_the_error, title("Words typed just before the bug", 0), save)
    assert seen == [0, 1]
    # Another copy's version 5 is not this screen's: the edit keeps what it saw.
    writes.write(writes.ticket(), title("later", 5), save)
    assert seen == [0, 1, 5]


def test_writes_from_two_threads_never_overlap() -> None:
    writes = WritesInOrder()
    inside = threading.Event()
    let_go = threading.Event()
    order: list[str] = []

    def slow(edits: list[AnswerEdit]) -> BatchSaved:
        inside.set()
        let_go.wait(10)
        order.append("worker")
        return BatchSaved()

    def quick(edits: list[AnswerEdit]) -> BatchSaved:
        order.append("newer")
        return BatchSaved()

    ticket = writes.ticket()
    worker = threading.Thread(target=lambda: writes.write(ticket, title("a", 0), slow))
    worker.start()
    inside.wait(10)
    newer = writes.ticket()
    waiting = threading.Thread(target=lambda: writes.write(newer, title("b", 0), quick))
    waiting.start()
    assert order == []  # the newer write waits for the one under way
    let_go.set()
    worker.join(10)
    waiting.join(10)
    assert order == ["worker", "newer"]
