"""Classes, students and the roster, on every backend."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from conference_tui.store import InvalidInputError, NotFoundError, Store
from conference_tui.store.roster_reads import due_reason
from conference_tui.store.roster_records import ClassInfo, StudentInfo
from conference_tui.store.text_rules import MAX_NAME_LENGTH

if TYPE_CHECKING:
    from tests.conftest import FakeClock
    from tests.store.conftest import ConferenceMaker

# -- classes ---------------------------------------------------------------------


def test_add_class_trims_and_returns_the_class(store: Store) -> None:
    added = store.add_class("  Year   8  Poets ", " 2025-26 ")
    assert added.name == "Year 8 Poets"
    assert added.school_year == "2025-26"
    assert added.archived is False
    assert store.get_class(added.id) == added


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_a_class_needs_a_name(store: Store, name: str) -> None:
    with pytest.raises(InvalidInputError, match="cannot be empty"):
        store.add_class(name)
    assert store.list_classes(include_archived=True) == []


def test_a_class_name_has_a_length_limit(store: Store) -> None:
    store.add_class("x" * MAX_NAME_LENGTH)
    with pytest.raises(InvalidInputError, match="characters long"):
        store.add_class("x" * (MAX_NAME_LENGTH + 1))


def test_rename_class_changes_name_and_optionally_year(store: Store, klass: ClassInfo) -> None:
    renamed = store.rename_class(klass.id, "Year 7 Authors")
    assert (renamed.name, renamed.school_year) == ("Year 7 Authors", klass.school_year)
    renamed = store.rename_class(klass.id, "Year 8 Authors", "2026-27")
    assert (renamed.name, renamed.school_year) == ("Year 8 Authors", "2026-27")
    assert store.get_class(klass.id).name == "Year 8 Authors"


def test_rename_unknown_class_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No class"):
        store.rename_class("no-such-id", "Anything")


def test_archived_classes_are_hidden_unless_asked_for(store: Store, klass: ClassInfo) -> None:
    other = store.add_class("Year 9")
    store.archive_class(klass.id)
    assert [c.id for c in store.list_classes()] == [other.id]
    listed = store.list_classes(include_archived=True)
    assert [c.id for c in listed] == [other.id, klass.id]  # current classes first
    assert listed[1].archived is True
    store.archive_class(klass.id, archived=False)
    assert {c.id for c in store.list_classes()} == {klass.id, other.id}


def test_list_classes_sorts_by_name_ignoring_case_and_counts_current_students(
    store: Store,
) -> None:
    b = store.add_class("beta")
    a = store.add_class("Alpha")
    c = store.add_class("Gamma")
    store.add_student(a.id, "One")
    gone = store.add_student(a.id, "Two")
    store.add_student(b.id, "Three")
    store.archive_student(gone.id)
    listed = store.list_classes()
    assert [x.name for x in listed] == ["Alpha", "beta", "Gamma"]
    assert {x.id: x.student_count for x in listed} == {a.id: 1, b.id: 1, c.id: 0}


# -- students --------------------------------------------------------------------


def test_add_student_normalises_names_and_keeps_notes(store: Store, klass: ClassInfo) -> None:
    added = store.add_student(
        klass.id,
        "  Zoë \t Ng  ",
        "  Zo  ",
        interests="dragons,\n  maps",
        strengths="dialogue",
        needs="  paragraphing  ",
    )
    assert added.name == "Zoë Ng"
    assert added.preferred_name == "Zo"
    # Notes are kept exactly as written: the teacher's line breaks and spaces matter.
    assert (added.interests, added.strengths, added.needs) == (
        "dragons,\n  maps",
        "dialogue",
        "  paragraphing  ",
    )
    assert added.display_name == "Zoë Ng (Zo)"
    assert store.get_student(added.id) == added


def test_add_student_refuses_unknown_class_and_empty_name(store: Store, klass: ClassInfo) -> None:
    with pytest.raises(NotFoundError, match="No class"):
        store.add_student("no-such-class", "Someone")
    with pytest.raises(InvalidInputError, match="cannot be empty"):
        store.add_student(klass.id, "  ")
    assert store.roster(None, include_archived=True) == []


@pytest.mark.parametrize(
    "name",
    ["李小龍", "محمد عبد الله", "Ōkami 🐺", "../x", "CON", "O'Brien-Smith", "a" * MAX_NAME_LENGTH],
)
def test_odd_but_sensible_names_are_accepted(store: Store, klass: ClassInfo, name: str) -> None:
    added = store.add_student(klass.id, name)
    assert store.get_student(added.id).name == name


@pytest.mark.parametrize("name", ["Bell\x07", "Tab\x1bEsc", "del\x7f", "nul\x00"])
def test_names_with_control_characters_are_refused(
    store: Store, klass: ClassInfo, name: str
) -> None:
    with pytest.raises(InvalidInputError, match="control characters"):
        store.add_student(klass.id, name)


def test_update_student_changes_only_the_fields_given(
    store: Store, klass: ClassInfo, student: StudentInfo
) -> None:
    other_class = store.add_class("Year 8")
    updated = store.update_student(student.id, needs="transitions")
    assert updated == StudentInfo(
        id=student.id,
        class_id=klass.id,
        name=student.name,
        preferred_name=student.preferred_name,
        interests=student.interests,
        strengths=student.strengths,
        needs="transitions",
        archived=False,
    )
    moved = store.update_student(
        student.id, name=" Amara  O. ", preferred_name="", class_id=other_class.id
    )
    assert (moved.name, moved.preferred_name, moved.class_id) == ("Amara O.", "", other_class.id)
    assert moved.needs == "transitions"
    assert store.get_student(student.id) == moved


def test_update_student_refuses_bad_input_and_changes_nothing(
    store: Store, student: StudentInfo
) -> None:
    with pytest.raises(NotFoundError):
        store.update_student("no-such-student", name="X")
    with pytest.raises(NotFoundError, match="No class"):
        store.update_student(student.id, class_id="no-such-class")
    with pytest.raises(InvalidInputError):
        store.update_student(student.id, name=" ", needs="changed")
    assert store.get_student(student.id) == student


def test_archived_students_leave_the_roster_but_keep_their_notes(
    store: Store, klass: ClassInfo, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    conference = finished_conference(student.id, teaching_point="Dialogue tags")
    store.archive_student(student.id)
    assert store.roster(klass.id) == []
    rows = store.roster(klass.id, include_archived=True)
    assert [r.student.id for r in rows] == [student.id]
    assert rows[0].student.archived is True
    assert store.get_conference(conference.id).value("teaching_point") == "Dialogue tags"
    store.archive_student(student.id, archived=False)
    assert [r.student.id for r in store.roster(klass.id)] == [student.id]


# -- the roster ------------------------------------------------------------------


def test_roster_lists_a_class_by_name_or_every_class(store: Store, klass: ClassInfo) -> None:
    other = store.add_class("Year 9")
    store.add_student(klass.id, "bea")
    store.add_student(klass.id, "Ali")
    store.add_student(klass.id, "Chen")
    store.add_student(other.id, "Dev")
    assert [r.student.name for r in store.roster(klass.id)] == ["Ali", "bea", "Chen"]
    assert [r.student.name for r in store.roster(None)] == ["Ali", "bea", "Chen", "Dev"]
    assert [r.student.name for r in store.roster(other.id)] == ["Dev"]


def test_a_new_student_has_never_been_conferred_with(store: Store, student: StudentInfo) -> None:
    (row,) = store.roster(student.class_id)
    assert row.student == student
    assert row.conference_count == 0
    assert row.last_conference_at is None
    assert row.days_since_last_conference is None
    assert (row.active_goal, row.last_next_step, row.follow_up_on) == ("", "", None)
    assert row.draft_conference_id is None
    assert (row.is_due, row.due_reason) == (True, "never conferred")


def test_roster_row_after_conferences(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    first_at = clock()
    finished_conference(student.id, goal="Use paragraphs", next_step="Reread the lead")
    clock.advance(days=3)
    second_at = clock()
    finished_conference(student.id, goal="Vary sentence openings", next_step="Try a question")
    clock.advance(days=2)
    draft = store.start_conference(student.id, "writing-conference", 1)

    (row,) = store.roster(student.class_id)
    assert row.conference_count == 2  # completed ones: the draft is not a conference yet
    assert row.last_conference_at == second_at != first_at
    assert row.days_since_last_conference == 2
    assert row.active_goal == "Vary sentence openings"  # the newest active goal
    assert row.last_next_step == "Try a question"
    assert row.draft_conference_id == draft.id
    assert (row.is_due, row.due_reason) == (False, "")


def test_due_reasons_follow_the_clock(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    finished_conference(student.id)
    clock.advance(days=13)
    assert store.roster(None)[0].due_reason == ""
    clock.advance(days=1)
    row = store.roster(None)[0]
    assert (row.days_since_last_conference, row.is_due) == (14, True)
    assert row.due_reason == "not seen for 14d"
    assert store.roster(None, due_after_days=20)[0].is_due is False


def test_a_follow_up_date_makes_a_student_due_before_the_usual_gap(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    follow_up = clock.local_today() + timedelta(days=3)
    finished_conference(student.id, follow_up=follow_up.isoformat())
    assert store.roster(None)[0].follow_up_on == follow_up
    assert store.roster(None)[0].due_reason == ""
    clock.advance(days=3)
    assert store.roster(None)[0].due_reason == "follow-up today"
    clock.advance(days=2)
    assert store.roster(None)[0].due_reason == "follow-up 2d overdue"
    clock.advance(days=20)  # an overdue follow-up outranks "not seen for"
    assert store.roster(None)[0].due_reason == "follow-up 22d overdue"


def test_a_follow_up_stands_until_a_conference_on_or_after_its_day(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    """A quick compliment two days later (no follow-up of its own) leaves the plan as it
    was; a conference held on the day (or after) is the follow-up done."""
    follow_up = clock.local_today() + timedelta(days=5)
    finished_conference(student.id, follow_up=follow_up.isoformat())
    clock.advance(days=2)
    finished_conference(student.id, strength="A bold title")
    assert store.roster(None)[0].follow_up_on == follow_up
    clock.advance(days=3)
    assert store.roster(None)[0].due_reason == "follow-up today"
    finished_conference(student.id, strength="Checked in")
    row = store.roster(None)[0]
    assert (row.follow_up_on, row.due_reason) == (None, "")


def test_the_newest_follow_up_is_the_one_planned_whatever_lies_between(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    """Of several completed conferences with follow-ups, the newest's stands; a draft's
    follow-up, not yet decided, does not; nor does another student's."""
    other = store.add_student(student.class_id, "Ben Zeller")
    first = clock.local_today() + timedelta(days=10)
    finished_conference(student.id, follow_up=first.isoformat())
    clock.advance(days=1)
    second = clock.local_today() + timedelta(days=4)
    finished_conference(student.id, follow_up=second.isoformat())
    clock.advance(days=1)
    finished_conference(student.id, strength="No follow-up set")
    finished_conference(
        student.id, follow_up=(second + timedelta(days=1)).isoformat(), complete=False
    )
    finished_conference(other.id, follow_up=first.isoformat())
    rows = {row.student.id: row for row in store.roster(None)}
    assert rows[student.id].follow_up_on == second
    assert rows[other.id].follow_up_on == first


@pytest.mark.parametrize(
    ("last", "follow_up", "expected"),
    [
        (None, None, "never conferred"),
        (date(2026, 3, 1), None, ""),
        (date(2026, 2, 16), None, "not seen for 14d"),
        (date(2026, 2, 1), date(2026, 3, 10), "not seen for 29d"),
        (date(2026, 3, 1), date(2026, 3, 2), "follow-up today"),
        (date(2026, 3, 1), date(2026, 2, 27), "follow-up 3d overdue"),
        (None, date(2026, 3, 2), "follow-up today"),
    ],
)
def test_due_reason(last: date | None, follow_up: date | None, expected: str) -> None:
    assert due_reason(date(2026, 3, 2), last, follow_up, 14) == expected
