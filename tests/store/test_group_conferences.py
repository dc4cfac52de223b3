"""Small-group conferences: one conference per member, joined by a group id."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conference_tui.field_kinds import Kind
from conference_tui.store import InvalidInputError, Store
from conference_tui.store.records import AnswerEdit
from conference_tui.store.roster_records import ClassInfo, StudentInfo

if TYPE_CHECKING:
    from tests.conftest import FakeClock

FORM_ID = "small-group"


@pytest.fixture
def members(store: Store, klass: ClassInfo) -> list[StudentInfo]:
    return [
        store.add_student(klass.id, name)
        for name in ("Ben Cho", "Amara Okafor", "Dan Ruiz", "Cleo Aziz")
    ]


def shared(value: str) -> AnswerEdit:
    return AnswerEdit("teach", "teaching_point", value, False, Kind.TEACHING_POINT)


def test_a_group_conference_is_a_conference_for_each_member(
    store: Store, clock: FakeClock, members: list[StudentInfo]
) -> None:
    ids = [student.id for student in members[:3]]
    group = store.start_group_conference(ids, FORM_ID, 1, "teach")

    # Members by family name, each with a draft of their own, all with the group's id.
    assert [member.student.name for member in group.members] == [
        "Ben Cho",
        "Amara Okafor",
        "Dan Ruiz",
    ]
    conferences = [member.conference for member in group.members]
    assert {c.student_id for c in conferences} == set(ids)
    assert {c.group_id for c in conferences} == {group.group_id}
    assert all(c.is_draft and c.started_at == clock() for c in conferences)
    assert len({c.id for c in conferences}) == 3
    # n on a member finds the group's draft.
    draft = store.draft_for_student(ids[0])
    assert draft is not None and draft.group_id == group.group_id
    # The same students again: the same draft, not a second.
    again = store.start_group_conference(list(reversed(ids)), FORM_ID, 1, "teach")
    assert again == group


@pytest.mark.parametrize("count", [0, 1, 9])
def test_a_group_is_two_to_eight_students(store: Store, klass: ClassInfo, count: int) -> None:
    ids = [store.add_student(klass.id, f"Student {n}").id for n in range(count)]
    with pytest.raises(InvalidInputError, match=f"2 to 8 students, not {count}"):
        store.start_group_conference(ids, FORM_ID, 1)
    assert all(store.draft_for_student(sid) is None for sid in ids)


def test_the_same_student_twice_counts_once(store: Store, members: list[StudentInfo]) -> None:
    with pytest.raises(InvalidInputError, match="not 1"):
        store.start_group_conference([members[0].id, members[0].id], FORM_ID, 1)


def test_an_archived_student_is_refused_by_name(store: Store, members: list[StudentInfo]) -> None:
    store.archive_student(members[1].id)
    with pytest.raises(InvalidInputError, match="Amara Okafor is archived"):
        store.start_group_conference([m.id for m in members[:3]], FORM_ID, 1)
    assert store.draft_for_student(members[0].id) is None


def test_a_student_with_another_draft_of_the_form_is_refused_by_name(
    store: Store, members: list[StudentInfo]
) -> None:
    store.start_group_conference([members[0].id, members[1].id], FORM_ID, 1)
    with pytest.raises(InvalidInputError, match="Amara Okafor has another small group's draft"):
        store.start_group_conference([members[1].id, members[2].id], FORM_ID, 1)
    assert store.draft_for_student(members[2].id) is None


def test_shared_notes_go_to_every_member_and_own_notes_to_theirs_alone(
    store: Store, members: list[StudentInfo]
) -> None:
    group = store.start_group_conference([m.id for m in members[:2]], FORM_ID, 1)
    first, second = (member.conference for member in group.members)
    for conference in (first, second):
        store.save_answers(conference.id, [shared("Show, don't tell")])
    store.save_answers(first.id, [AnswerEdit("each", "goal", "Use dialogue", False, Kind.GOAL)])
    store.save_answers(second.id, [AnswerEdit("each", "goal", "Add a setting", False, Kind.GOAL)])

    completed = store.complete_group_conference(group.group_id)

    assert not completed.is_draft
    by_student = {m.student.id: m.conference for m in completed.members}
    assert by_student[first.student_id].value("teaching_point") == "Show, don't tell"
    assert by_student[second.student_id].value("teaching_point") == "Show, don't tell"
    assert by_student[first.student_id].value("goal") == "Use dialogue"
    assert by_student[second.student_id].value("goal") == "Add a setting"
    # Each member's goal is a goal of theirs, set by their own conference.
    goals = store.goal_chain(first.student_id)
    assert [(g.text, g.set_by_conference_id) for g in goals] == [("Use dialogue", first.id)]
    # The history marks it, and names the other members for the teacher.
    (line,) = store.history(first.student_id)
    assert line.in_group and line.teaching_point == "Show, don't tell"
    assert store.group_member_names(first.id) == [
        m.student.display_name for m in group.members if m.student.id != first.student_id
    ]
    # It counts as the students' last conference on the roster.
    rows = {row.student.id: row for row in store.roster(members[0].class_id)}
    assert rows[first.student_id].days_since_last_conference == 0
    assert rows[first.student_id].conference_count == 1
    assert rows[members[2].id].conference_count == 0


def test_a_one_student_conference_names_no_group(store: Store, members: list[StudentInfo]) -> None:
    conference = store.start_conference(members[0].id, "writing-conference", 1)
    assert conference.group_id is None
    assert store.group_member_names(conference.id) == []
    assert not store.history(members[0].id)[0].in_group


def test_a_member_archived_meanwhile_is_completed_with_the_rest(
    store: Store, members: list[StudentInfo]
) -> None:
    group = store.start_group_conference([m.id for m in members[:3]], FORM_ID, 1)
    for member in group.members:
        store.save_answers(member.conference.id, [shared("Paragraphs")])
    store.archive_student(members[0].id)

    completed = store.complete_group_conference(group.group_id)

    assert len(completed.members) == 3 and not completed.is_draft
    assert all(m.conference.value("teaching_point") == "Paragraphs" for m in completed.members)


def test_leaving_an_empty_group_draft_deletes_it_and_a_written_one_is_kept(
    store: Store, members: list[StudentInfo]
) -> None:
    empty = store.start_group_conference([m.id for m in members[:2]], FORM_ID, 1)
    assert store.leave_group_conference(empty.group_id, "me")
    assert store.draft_for_student(members[0].id) is None

    written = store.start_group_conference([m.id for m in members[:2]], FORM_ID, 1)
    # Only one member's own note: the whole group's draft is kept, for n to reopen.
    own = written.members[0].conference
    store.save_answers(own.id, [AnswerEdit("each", "next_step", "Reread", False, Kind.NEXT_STEP)])
    assert not store.leave_group_conference(written.group_id, "me")
    kept = store.group_conference(written.group_id)
    assert len(kept.members) == 2 and kept.is_draft
