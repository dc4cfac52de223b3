"""Archived students come back; a write by another connection is noticed cheaply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import private_copy

from conference_tui.store import InvalidInputError, RecordsClashError, Store
from conference_tui.store.roster_records import ClassInfo, StudentInfo


def other_copy(store: Store) -> Store:
    """The same database opened again, as a command-line import or a second copy of the
    app would: its own engine and connections."""
    database = str(store.location.path or store.location.url)
    return Store.open(database, clock=store.clock)


def test_archived_students_listed_by_family_name_and_restored(
    store: Store, klass: ClassInfo, student: StudentInfo
) -> None:
    ben = store.add_student(klass.id, "Ben Zeller")
    zoe = store.add_student(klass.id, "Zoë Ávila")
    other = store.add_class("Other")
    elsewhere = store.add_student(other.id, "Cy Adams")
    for gone in (ben, zoe, elsewhere):
        store.archive_student(gone.id)
    assert [s.name for s in store.archived_students(klass.id)] == ["Zoë Ávila", "Ben Zeller"]
    assert [s.name for s in store.archived_students(None)] == [
        "Cy Adams", "Zoë Ávila", "Ben Zeller",
    ]  # fmt: skip
    store.archive_student(zoe.id, archived=False)
    assert [s.name for s in store.archived_students(klass.id)] == ["Ben Zeller"]
    names = [row.student.name for row in store.roster(klass.id)]
    assert sorted(names) == ["Amara Okafor", "Zoë Ávila"]
    assert store.archived_students(other.id)[0].archived


def test_a_change_by_another_connection_moves_the_marker(
    store: Store, klass: ClassInfo, student: StudentInfo
) -> None:
    before = store.change_marker()
    assert store.change_marker() == before  # nothing written: the same
    second = other_copy(store)
    try:
        second.add_student(klass.id, "Ben Zeller")
        after_add = store.change_marker()
        assert after_add != before
        assert store.change_marker() == after_add
        second.archive_student(student.id)
        after_archive = store.change_marker()
        assert after_archive != after_add
        second.update_student(student.id, name="Amara N. Okafor")
        assert store.change_marker() != after_archive
    finally:
        second.close()
    store.close()
    store.close()  # closing twice (the app and the fixture) is harmless


def test_first_student_and_class_by_name_in_one_step(store: Store) -> None:
    first = store.add_student_to_class_named("Period 3", "Amara Okafor", "Amy")
    [period_3] = store.list_classes()
    assert (period_3.name, first.class_id, first.preferred_name) == ("Period 3", period_3.id, "Amy")
    # The same class whatever the case and spacing; an archived one is not reused.
    second = store.add_student_to_class_named("  period   3 ", "Ben Ng")
    assert second.class_id == period_3.id
    store.archive_class(period_3.id)
    third = store.add_student_to_class_named("Period 3", "Cy Day")
    assert third.class_id != period_3.id
    # Both or neither: a refused name makes no class.
    before = store.list_classes(include_archived=True)
    for class_name, name in (("Period 9", " "), (" ", "Dee Ray"), ("Period 9", "x" * 300)):
        with pytest.raises(InvalidInputError):
            store.add_student_to_class_named(class_name, name)
    assert store.list_classes(include_archived=True) == before


@pytest.fixture
def laptop(sqlite_migrated_template: Path, tmp_path: Path, store: Store) -> Iterator[Store]:
    """A second copy of the notes on a laptop of its own (SQLite), on the same clock."""
    opened = Store.open(
        private_copy(sqlite_migrated_template, tmp_path / "laptop.db"), clock=store.clock
    )
    yield opened
    opened.close()


def draft_of(store: Store, student_id: str, title: str) -> str:
    draft = store.start_conference(student_id, "writing-conference", 1, "clarify")
    store.save_answer(draft.id, "clarify", "piece_title", title, False)
    return draft.id


def test_an_archive_that_finishes_a_draft_here_and_starts_the_next_merges(
    store: Store, laptop: Store
) -> None:
    """The laptop completed the draft both copies had and began the next: merged, the
    old one is completed and the new one is the student's one draft. Written in id
    order, the new draft could come before the old one's completion and be refused."""
    student = laptop.add_student(laptop.add_class("7B").id, "Ana Lopez")
    old = draft_of(laptop, student.id, "Both have this")
    store.merge_records(laptop.dump_records(), dry_run=False)
    store.clock.advance(hours=1)
    laptop.complete_conference(old)
    new = draft_of(laptop, student.id, "Begun on the laptop")
    archive = laptop.dump_records()

    dry = store.merge_records(archive, dry_run=True)
    assert (dry.counts["conferences"].new, dry.counts["conferences"].updated) == (1, 1)
    store.merge_records(archive, dry_run=False)
    draft = store.draft_for_student(student.id)
    assert draft is not None and draft.id == new
    assert store.get_conference(old).status == "complete"


def test_a_dry_run_refuses_the_second_draft_the_import_would_be_refused_for(
    store: Store, laptop: Store
) -> None:
    """Both copies began a conference with the student: the import is refused whole,
    and the dry run, which writes nothing, says so too rather than counting it fine."""
    student = laptop.add_student(laptop.add_class("7B").id, "Ana Lopez")
    store.merge_records(laptop.dump_records(), dry_run=False)
    draft_of(laptop, student.id, "From the laptop")
    draft_of(store, student.id, "From here")
    before = store.dump_records()

    with pytest.raises(RecordsClashError):
        store.merge_records(laptop.dump_records(), dry_run=True)
    with pytest.raises(RecordsClashError):
        store.merge_records(laptop.dump_records(), dry_run=False)
    assert store.dump_records() == before
