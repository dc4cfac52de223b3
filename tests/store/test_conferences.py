"""A conference's life: start or resume, autosave, complete, amend, discard."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event

from conference_tui.field_kinds import Kind
from conference_tui.store import InvalidInputError, NotFoundError, Store
from conference_tui.store.records import AnswerEdit, Progress
from conference_tui.store.roster_records import ConferenceStatus, StudentInfo

if TYPE_CHECKING:
    from tests.conftest import FakeClock
    from tests.store.conftest import ConferenceMaker

FORM_ID = "writing-conference"
FORM_VERSION = 1


def test_start_conference_opens_a_draft(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    started = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify")
    assert started.status == ConferenceStatus.DRAFT and started.is_draft
    assert (started.student_id, started.form_id, started.form_version) == (
        student.id,
        FORM_ID,
        FORM_VERSION,
    )
    assert started.started_at == started.updated_at == clock()
    assert started.ended_at is None and started.amended_at is None
    assert (started.current_stage, started.current_field, started.elapsed_seconds) == (
        "clarify",
        "",
        0,
    )
    assert started.answers == {} and started.habits == () and started.revisions == ()
    assert store.get_conference(started.id) == started
    assert store.draft_for_student(student.id) == started


def test_start_conference_resumes_the_open_draft(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    first = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify")
    store.save_answer(first.id, "clarify", "purpose", "To persuade", False)
    clock.advance(hours=2)
    again = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify")
    assert again.id == first.id
    assert again.value("purpose") == "To persuade"
    assert store.conference_count(student.id) == 1


def test_start_conference_for_unknown_student_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No student"):
        store.start_conference("no-such-student", FORM_ID, FORM_VERSION)


def test_get_unknown_conference_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No conference"):
        store.get_conference("no-such-conference")


def test_save_answer_stores_value_stage_privacy_and_time(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    clock.advance(minutes=1)
    store.save_answer(conference.id, "assess", "strength", "Vivid verbs", False, Kind.STRENGTH)
    store.save_answer(conference.id, "modify", "teacher_notes", "Quiet today", True)
    saved = store.get_conference(conference.id)
    strength = saved.answers["strength"]
    assert (strength.stage_key, strength.value, strength.private) == (
        "assess",
        "Vivid verbs",
        False,
    )
    assert strength.updated_at == clock()
    assert saved.answers["teacher_notes"].private is True
    assert saved.updated_at == clock()
    assert saved.value("missing") == ""

    clock.advance(seconds=5)
    store.save_answer(
        conference.id, "assess", "strength", "Vivid verbs and nouns", False, Kind.STRENGTH
    )
    store.save_answer(conference.id, "modify", "teacher_notes", "Quiet today", False)
    saved = store.get_conference(conference.id)
    assert saved.value("strength") == "Vivid verbs and nouns"
    assert saved.answers["strength"].updated_at == clock()
    assert saved.answers["teacher_notes"].private is False
    assert len(saved.answers) == 2  # one answer per field, updated in place


def test_save_answer_mirrors_list_fields_to_the_conference(
    store: Store, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.save_answer(conference.id, "clarify", "piece_title", "  The Storm  ", False)
    store.save_answer(conference.id, "clarify", "genre", "Narrative", False)
    store.save_answer(conference.id, "clarify", "process_stage", "drafting", False)
    store.save_answer(conference.id, "modify", "follow_up", " 2026-03-09 ", False, Kind.FOLLOW_UP)
    saved = store.get_conference(conference.id)
    assert (saved.piece_title, saved.genre, saved.process_stage) == (
        "The Storm",
        "Narrative",
        "drafting",
    )
    assert saved.follow_up_on == date(2026, 3, 9)
    assert saved.value("piece_title") == "  The Storm  "  # the answer keeps what was typed

    store.save_answer(conference.id, "modify", "follow_up", "", False, Kind.FOLLOW_UP)
    store.save_answer(conference.id, "clarify", "piece_title", "", False)
    saved = store.get_conference(conference.id)
    assert saved.follow_up_on is None
    assert saved.piece_title == ""


@pytest.mark.parametrize(
    "typed", ["next", "fri fri", "+٧", "2026-02-30", "03/09/2026", "+9999", "tuesday week"]
)
def test_a_follow_up_that_is_not_a_date_is_refused_and_nothing_changes(
    store: Store, student: StudentInfo, typed: str
) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.save_answer(conference.id, "modify", "follow_up", "2026-03-09", False, Kind.FOLLOW_UP)
    with pytest.raises(InvalidInputError, match="YYYY-MM-DD"):
        store.save_answer(conference.id, "modify", "follow_up", typed, False, Kind.FOLLOW_UP)
    if typed not in ("2026-02-30", "+9999"):
        with pytest.raises(InvalidInputError, match=r"\+7.*\+2w.*tomorrow.*next friday"):
            store.save_answer(conference.id, "modify", "follow_up", typed, False, Kind.FOLLOW_UP)
    saved = store.get_conference(conference.id)
    assert saved.follow_up_on == date(2026, 3, 9)
    assert saved.value("follow_up") == "2026-03-09"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("+7", "2026-03-09"), ("tomorrow", "2026-03-03"), ("Next Friday", "2026-03-06")],
)
def test_a_follow_up_shortcut_is_kept_as_the_date_it_stands_for(
    store: Store, student: StudentInfo, typed: str, kept: str
) -> None:
    """The clock says Monday 2026-03-02: "tomorrow" read next week must not move."""
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.save_answer(conference.id, "modify", "follow_up", typed, False, Kind.FOLLOW_UP)
    saved = store.get_conference(conference.id)
    assert saved.value("follow_up") == kept
    assert saved.follow_up_on == date.fromisoformat(kept)


def test_the_goal_field_creates_updates_and_deletes_the_conference_goal(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.save_answer(conference.id, "modify", "goal", "  Use paragraphs ", False, Kind.GOAL)
    (goal,) = store.active_goals(student.id)
    assert (goal.text, goal.set_by_conference_id, goal.set_at) == (
        "Use paragraphs",
        conference.id,
        clock(),
    )

    store.save_answer(
        conference.id, "modify", "goal", "Use paragraphs for each new idea", False, Kind.GOAL
    )
    (updated,) = store.active_goals(student.id)
    assert updated.id == goal.id
    assert updated.text == "Use paragraphs for each new idea"

    store.save_answer(conference.id, "modify", "goal", "   ", False, Kind.GOAL)
    assert store.active_goals(student.id) == []
    assert store.goal_chain(student.id) == []


def test_save_answer_to_unknown_conference_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.save_answer("no-such-conference", "clarify", "purpose", "x", False)


def test_save_progress_remembers_where_the_teacher_was(store: Store, student: StudentInfo) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify")
    store.save_progress(conference.id, "assess", "evidence", 95)
    resumed = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify")
    assert (resumed.current_stage, resumed.current_field, resumed.elapsed_seconds) == (
        "assess",
        "evidence",
        95,
    )
    store.save_progress(conference.id, "assess", "evidence", -4)
    assert store.get_conference(conference.id).elapsed_seconds == 0


def test_set_habits_replaces_the_set(store: Store, student: StudentInfo) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.set_habits(conference.id, ["Persisting", " Questioning ", "", "Persisting"])
    assert store.get_conference(conference.id).habits == ("Persisting", "Questioning")
    store.set_habits(conference.id, ["Thinking flexibly"])
    assert store.get_conference(conference.id).habits == ("Thinking flexibly",)
    store.set_habits(conference.id, [])
    assert store.get_conference(conference.id).habits == ()


def test_complete_conference_ends_it_once(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    clock.advance(minutes=6)
    ended_at = clock()
    done = store.complete_conference(conference.id)
    assert (done.status, done.ended_at) == (ConferenceStatus.COMPLETE, ended_at)
    assert not done.is_draft
    assert store.draft_for_student(student.id) is None
    clock.advance(minutes=1)
    again = store.complete_conference(conference.id)
    assert again.ended_at == ended_at  # completing twice keeps the first end time
    assert store.latest_conference_id(student.id) == conference.id


def test_a_draft_started_by_a_copy_of_the_app_is_marked_open_by_it(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    """Marked as it is made, as open_elsewhere would mark it: another copy opening it
    now is told; a draft already open is returned as it is, unmarked."""
    started = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify", "copy-a")
    assert (started.editor_id, started.editor_seen_at) == ("copy-a", clock())
    assert store.open_elsewhere(started.id, "copy-b", 30)
    again = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify", "copy-c")
    assert again.id == started.id and again.editor_id == "copy-b"


def test_completing_writes_where_the_teacher_was_with_it(
    store: Store, student: StudentInfo
) -> None:
    """ctrl+s with every word saved already: the stage, field and time spent are written
    in the completing transaction."""
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    done = store.complete_conference(conference.id, Progress("modify", "goal", 312))
    assert done.status == ConferenceStatus.COMPLETE
    assert (done.current_stage, done.current_field, done.elapsed_seconds) == (
        "modify",
        "goal",
        312,
    )
    assert store.get_conference(conference.id) == done


def test_words_and_completion_in_one_write(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    """ctrl+s right after typing: the last words, where the teacher was and the
    completion in one transaction."""
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify", "copy-a")
    clock.advance(minutes=5)
    edit = AnswerEdit("modify", "goal", "Use paragraphs", False, Kind.GOAL)
    saved = store.save_answers(
        conference.id, [edit], Progress("modify", "goal", 300), editor_id="copy-a", complete=True
    )
    assert saved.completed and not saved.refused
    done = store.get_conference(conference.id)
    assert (done.status, done.ended_at, done.elapsed_seconds) == (
        ConferenceStatus.COMPLETE,
        clock(),
        300,
    )
    assert done.value("goal") == "Use paragraphs"
    assert (done.editor_id, done.editor_seen_at) == ("", None)


def test_a_rehearsed_conference_is_built_and_run_and_keeps_nothing(
    store: Store, student: StudentInfo
) -> None:
    """Warming up SQLAlchemy's statements for the first n and ctrl+s of the day: a
    conference started, typed in and completed, all rolled back."""
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    first = AnswerEdit("clarify", "piece_title", "", False, None, seen_version=0)
    event.listen(store._write_engine, "commit", committed)
    try:
        store.rehearse_conference(student.id, FORM_ID, FORM_VERSION, first, "copy-a")
    finally:
        event.remove(store._write_engine, "commit", committed)
    assert commits == []
    assert store.draft_for_student(student.id) is None
    assert store.history(student.id) == []
    # A draft the student has open is left as it was, and the next start is that draft.
    draft = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify", "copy-a")
    store.save_answer(draft.id, "clarify", "genre", "poem", False)
    before = store.get_conference(draft.id)
    store.rehearse_conference(student.id, FORM_ID, FORM_VERSION, first, "copy-b")
    after = store.get_conference(draft.id)
    assert after == before and after.is_draft and after.value("piece_title") == ""
    assert [summary.id for summary in store.history(student.id)] == [draft.id]


def test_calls_made_in_one_transaction_are_kept_all_together_or_not_at_all(
    store: Store, student: StudentInfo
) -> None:
    """How the demo is built: one commit for a whole class's conferences, and nothing
    of them if the building fails part way."""
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(store._write_engine, "commit", committed)
    try:
        with store.in_one_transaction():
            conference = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify")
            store.save_answer(conference.id, "modify", "goal", "Use paragraphs", False, Kind.GOAL)
            store.complete_conference(conference.id)
            # Each call reads what the ones before it wrote.
            assert [g.text for g in store.goals_touching(conference.id)] == ["Use paragraphs"]
    finally:
        event.remove(store._write_engine, "commit", committed)
    assert len(commits) == 1
    assert [summary.id for summary in store.history(student.id)] == [conference.id]

    with pytest.raises(RuntimeError), store.in_one_transaction():
        second = store.start_conference(student.id, FORM_ID, FORM_VERSION, "clarify")
        store.save_answer(second.id, "clarify", "genre", "poem", False)
        raise RuntimeError("the building failed")
    assert store.draft_for_student(student.id) is None
    assert [summary.id for summary in store.history(student.id)] == [conference.id]
    # The store goes on as before: a conference started now is kept.
    assert store.start_conference(student.id, FORM_ID, FORM_VERSION).is_draft
    assert store.draft_for_student(student.id) is not None


def test_a_refused_or_conflicting_field_saves_the_rest_and_does_not_complete(
    store: Store, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    edits = [
        AnswerEdit("modify", "goal", "Use paragraphs", False, Kind.GOAL),
        AnswerEdit("modify", "follow_up", "someday", False, Kind.FOLLOW_UP),
    ]
    saved = store.save_answers(conference.id, edits, complete=True)
    assert not saved.completed and "follow_up" in saved.refused
    after = store.get_conference(conference.id)
    assert after.is_draft and after.value("goal") == "Use paragraphs"
    # Another copy changed the goal since this one read it (version 1): not completed.
    stale = AnswerEdit("modify", "goal", "Mine", False, Kind.GOAL, seen_version=0)
    saved = store.save_answers(conference.id, [stale], complete=True)
    assert not saved.completed and "goal" in saved.conflicts
    assert store.get_conference(conference.id).is_draft


def test_a_new_conference_after_completion_is_a_new_draft(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first = finished_conference(student.id)
    clock.advance(days=7)
    second = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    assert second.id != first.id and second.is_draft
    assert store.latest_conference_id(student.id) == first.id
    assert store.latest_conference_id(student.id, ConferenceStatus.DRAFT) == second.id


def test_a_completed_conference_must_be_opened_for_amendment_first(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    done = finished_conference(student.id, strength="Strong lead")
    with pytest.raises(InvalidInputError, match="open it for amendment"):
        store.save_answer(done.id, "assess", "strength", "Changed", False, Kind.STRENGTH)
    with pytest.raises(InvalidInputError, match="open it for amendment"):
        store.save_answer(done.id, "assess", "evidence", "New field", False)
    assert store.get_conference(done.id) == done


def test_an_amendment_keeps_the_original_text_once(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    done = finished_conference(student.id, strength="Strong lead")
    clock.advance(days=1)
    amended_at = clock()
    opened = store.begin_amendment(done.id)
    assert opened.amended_at == amended_at
    assert opened.status == ConferenceStatus.COMPLETE

    # Autosave: many saves of the same field while typing, one revision kept.
    for typed in ("Strong lead and", "Strong lead and ending", "Strong lead and ending!"):
        clock.advance(seconds=1)
        store.save_answer(done.id, "assess", "strength", typed, False, Kind.STRENGTH)
    store.save_answer(done.id, "assess", "evidence", "Paragraph 2", False)  # a new field
    store.save_answer(done.id, "assess", "evidence", "Paragraph 2 and 3", False)

    saved = store.get_conference(done.id)
    assert saved.value("strength") == "Strong lead and ending!"
    assert saved.status == ConferenceStatus.COMPLETE and saved.ended_at == done.ended_at
    assert sorted((r.field_key, r.value) for r in saved.revisions) == [
        ("evidence", ""),
        ("strength", "Strong lead"),
    ]

    # A second amendment keeps what the first one left.
    clock.advance(days=1)
    store.begin_amendment(done.id)
    store.save_answer(done.id, "assess", "strength", "Rewritten", False, Kind.STRENGTH)
    saved = store.get_conference(done.id)
    strength_revisions = [r.value for r in saved.revisions if r.field_key == "strength"]
    assert strength_revisions == ["Strong lead", "Strong lead and ending!"]


def test_saving_the_same_text_during_an_amendment_records_nothing(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    done = finished_conference(student.id, strength="Strong lead")
    store.begin_amendment(done.id)
    store.save_answer(done.id, "assess", "strength", "Strong lead", False, Kind.STRENGTH)
    assert store.get_conference(done.id).revisions == ()


def test_begin_amendment_on_a_draft_changes_nothing(store: Store, student: StudentInfo) -> None:
    draft = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    assert store.begin_amendment(draft.id).amended_at is None


def test_discard_draft_deletes_only_an_empty_draft(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    empty = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.save_answer(empty.id, "clarify", "purpose", "", False)  # visited, nothing written
    assert store.discard_draft(empty.id) is True
    assert store.draft_for_student(student.id) is None
    with pytest.raises(NotFoundError):
        store.get_conference(empty.id)
    assert store.discard_draft(empty.id) is False  # already gone

    written = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.save_answer(written.id, "clarify", "purpose", "To entertain", False)
    assert store.discard_draft(written.id) is False
    assert store.get_conference(written.id).value("purpose") == "To entertain"
    store.complete_conference(written.id)
    assert store.discard_draft(written.id) is False


def test_discard_draft_keeps_a_draft_with_habits_or_a_closed_goal(
    store: Store, student: StudentInfo
) -> None:
    with_habits = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    store.set_habits(with_habits.id, ["Persisting"])
    assert store.discard_draft(with_habits.id) is False
    store.set_habits(with_habits.id, [])

    goal = store.set_goal(student.id, "Use paragraphs")
    store.update_goal_status(goal.id, "met", with_habits.id)
    assert store.discard_draft(with_habits.id) is False
    store.update_goal_status(goal.id, "active")
    assert store.discard_draft(with_habits.id) is True


def test_the_previous_piece_is_the_last_completed_conference_before_this_one(
    store: Store, clock: FakeClock, student: StudentInfo
) -> None:
    def held(title: str, genre: str, complete: bool = True) -> str:
        conference = store.start_conference(student.id, FORM_ID, FORM_VERSION)
        store.save_answer(conference.id, "clarify", "piece_title", title, False)
        store.save_answer(conference.id, "clarify", "genre", genre, False)
        if complete:
            store.complete_conference(conference.id)
        clock.advance(days=1)
        return conference.id

    first = held("The Storm", "narrative")
    second = held("Kites", "")
    draft = held("Unfinished", "poem", complete=False)
    assert store.previous_piece(student.id, first) is None
    before_second = store.previous_piece(student.id, second)
    assert before_second is not None
    assert before_second.answers == {"piece_title": "The Storm", "genre": "narrative"}
    assert before_second.conference_at == store.get_conference(first).started_at
    # A draft is never the previous piece; the last completed one is, genre empty or not.
    after = store.start_conference(student.id, FORM_ID, FORM_VERSION)
    piece = store.previous_piece(student.id, after.id)
    assert piece is not None and piece.answers == {"piece_title": "Kites", "genre": ""}
    assert store.previous_piece(student.id, draft) == piece
    assert store.previous_piece(student.id) == piece  # a new conference, not written yet
    with pytest.raises(NotFoundError):
        store.previous_piece(student.id, "no-such-conference")
