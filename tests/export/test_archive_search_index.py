"""An imported archive's answers reach the search index whole, under the keys the app
gives them, and in a few large pieces rather than one per answer (store/search_bulk.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from school_data import Clock, hold_conference, store_from_template

from conference_tui.export.archive import import_archive, write_archive
from conference_tui.forms import Form
from conference_tui.store import RecordsClashError, Store

FIELDS = ("purpose", "plan", "strength", "teaching_point", "next_step")


def fresh(empty_database: Path, path: Path) -> tuple[Store, Clock]:
    clock = Clock()
    return store_from_template(empty_database, path, clock), clock


def fts_in_step(store: Store) -> None:
    with sqlite3.connect(_database(store)) as connection:
        connection.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")


def _database(store: Store) -> Path:
    assert store.location.path is not None
    return store.location.path


def search_rows(store: Store) -> list[tuple[Any, ...]]:
    with sqlite3.connect(_database(store)) as connection:
        return connection.execute(
            "SELECT id, kind, ref_id, student_id, conference_id, stage_key, field_key, body"
            " FROM search_doc ORDER BY id"
        ).fetchall()


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    while True:
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at


def fts_leaves_written(store: Store) -> int:
    """How many leaf pages FTS5 has written at level 0, from its structure record (a
    4-byte cookie, then varints: levels, segments, leaves written). Every time FTS5
    writes out what it has gathered it writes at least one leaf."""
    with sqlite3.connect(_database(store)) as connection:
        (structure,) = connection.execute(
            "SELECT block FROM search_fts_data WHERE id = 10"
        ).fetchone()
    _, at = _varint(structure, 4)
    _, at = _varint(structure, at)
    written, _ = _varint(structure, at)
    return written


def schema_version(store: Store) -> int:
    with sqlite3.connect(_database(store)) as connection:
        return int(connection.execute("PRAGMA schema_version").fetchone()[0])


def answer_trigger(store: Store) -> str | None:
    with sqlite3.connect(_database(store)) as connection:
        row = connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'answer_search_ai'"
        ).fetchone()
    return None if row is None else str(row[0])


def ref_index(store: Store) -> str | None:
    """The search rows' index of the notes they stand for, which an import into a
    database with no answers builds after the rows rather than row by row."""
    with sqlite3.connect(_database(store)) as connection:
        row = connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_search_doc_ref'"
        ).fetchone()
    return None if row is None else str(row[0])


def test_an_imports_answers_are_indexed_whole_and_together(
    empty_database: Path, form: Form, tmp_path: Path
) -> None:
    source, clock = fresh(empty_database, tmp_path / "source.db")
    target, _ = fresh(empty_database, tmp_path / "target.db")
    school_class = source.add_class("Period 3")
    for name in ("Ann", "Ben", "Cy"):
        student = source.add_student(school_class.id, name)
        for number in range(10):
            # Some conferences start in the same second, as the keys are per second.
            clock.advance(minutes=number % 2)
            answers = {field: f"{name} drafts chapter {number} {field}" for field in FIELDS}
            hold_conference(source, form, student.id, dict(answers))
    archive, counts = write_archive(source, tmp_path, "school")
    before = fts_leaves_written(target)

    import_archive(target, archive, dry_run=False)

    fts_in_step(target)
    # Every answer has its search row, with its student, conference, field and text...
    assert sorted(row[1:] for row in search_rows(target)) == sorted(
        row[1:] for row in search_rows(source)
    )
    assert len(target.search("drafts", limit=1000)) == counts["answers"] == 150
    # ...keyed newest first: keys count up with the conferences' start.
    started = {c["id"]: c["started_at"] for c in target.dump_records()["conferences"]}
    in_key_order = [started[row[4]] for row in search_rows(target) if row[1] == "answer"]
    assert in_key_order == sorted(in_key_order)
    # One by one, FTS5 wrote at least a leaf per answer; together, a few in all.
    assert fts_leaves_written(target) - before < counts["answers"] // 4
    assert answer_trigger(target) == answer_trigger(source)
    assert ref_index(target) == ref_index(source) is not None
    # Imported again, nothing is added: the trigger stays as it is, the schema unchanged.
    schema = schema_version(target)
    assert import_archive(target, archive, dry_run=False).changed == 0
    assert schema_version(target) == schema
    source.close()
    target.close()


def test_answers_merged_into_a_conference_follow_its_own(
    empty_database: Path, form: Form, tmp_path: Path
) -> None:
    """An answer new to a conference this copy holds is keyed after that conference's
    answers here, as if saved here: both copies end with the same search rows."""
    laptop_a, clock = fresh(empty_database, tmp_path / "a.db")
    laptop_b, _ = fresh(empty_database, tmp_path / "b.db")
    student = laptop_a.add_student(laptop_a.add_class("Period 3").id, "Ann")
    conference = hold_conference(laptop_a, form, student.id, {"purpose": "A story"}, complete=False)
    first, _ = write_archive(laptop_a, tmp_path, "first")
    import_archive(laptop_b, first, dry_run=False)
    clock.advance(hours=1)
    laptop_a.save_answer(conference, form.stage_of("plan").key, "plan", "A storm", False)
    second, _ = write_archive(laptop_a, tmp_path, "second")

    report = import_archive(laptop_b, second, dry_run=False)

    assert report.counts["answers"].new == 1
    assert search_rows(laptop_b) == search_rows(laptop_a)
    fts_in_step(laptop_b)
    laptop_a.close()
    laptop_b.close()


class Interrupted(Exception):
    pass


def test_an_import_interrupted_among_the_answers_leaves_search_as_it_was(
    empty_database: Path, form: Form, tmp_path: Path
) -> None:
    """Stopped (ctrl+c) while the answers go in, the import undoes everything, the
    set-aside trigger included: answers saved afterwards are found."""
    source, _ = fresh(empty_database, tmp_path / "source.db")
    target, _ = fresh(empty_database, tmp_path / "target.db")
    student = source.add_student(source.add_class("Period 3").id, "Ann")
    hold_conference(source, form, student.id, {"purpose": "A story", "plan": "A storm"})
    archive, counts = write_archive(source, tmp_path, "school")
    written_before_answers = sum(
        counts[kind] for kind in ("classes", "students", "conferences", "goals")
    )

    def stop_among_the_answers(done: int, total: int) -> None:
        if total and done - total // 2 > written_before_answers:
            raise Interrupted

    with pytest.raises(Interrupted):
        target.merge_record_stream(
            ((kind, row) for kind, rows in source.dump_records().items() for row in rows),
            dry_run=False,
            progress=stop_among_the_answers,
        )

    assert target.dump_records() == {kind: [] for kind in target.dump_records()}
    assert answer_trigger(target) == answer_trigger(source) is not None
    import_archive(target, archive, dry_run=False)
    late = hold_conference(target, form, student.id, {"purpose": "Saved after"})
    assert [hit.conference_id for hit in target.search("after")] == [late]
    fts_in_step(target)
    source.close()
    target.close()


def test_an_import_failing_as_its_search_rows_are_indexed_leaves_the_file_as_it_was(
    empty_database: Path, form: Form, tmp_path: Path
) -> None:
    """Into a database with no answers, the search rows' index is set aside while they are
    written and built after them: an answer whose id is a student's (two search rows for
    one note) is refused only then, as records that clash, and the
    import undoes everything, index included."""
    source, _ = fresh(empty_database, tmp_path / "source.db")
    target, _ = fresh(empty_database, tmp_path / "target.db")
    student = source.add_student(source.add_class("Period 3").id, "Ann")
    hold_conference(source, form, student.id, {"purpose": "A story", "plan": "A storm"})
    records = source.dump_records()
    records["answers"][0]["id"] = student.id

    with pytest.raises(RecordsClashError):
        target.merge_records(records, dry_run=False)

    assert target.dump_records() == {kind: [] for kind in target.dump_records()}
    assert ref_index(target) == ref_index(source) is not None
    assert answer_trigger(target) == answer_trigger(source) is not None
    fts_in_step(target)
    source.close()
    target.close()
