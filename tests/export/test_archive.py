"""The JSON archive: backup then import gives back the same records; merging two
laptops' copies by UUID loses nothing and duplicates nothing."""

from __future__ import annotations

import itertools
import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from school_data import Clock, hold_conference, store_from_template

from conference_tui.export.archive import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    ArchiveError,
    import_archive,
    read_archive,
    write_archive,
)
from conference_tui.field_kinds import Kind
from conference_tui.forms import HABITS_OF_MIND, Form
from conference_tui.store import InvalidInputError, Store

TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
NAME = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "Zs", "P"]), min_size=1, max_size=20
).filter(lambda t: bool(t.strip()))
FIELDS = ["purpose", "plan", "research_notes", "strength", "teaching_point", "goal", "next_step"]


@dataclass
class ConferencePlan:
    answers: dict[str, tuple[str, bool]]
    habits: list[str]
    complete: bool
    amend: dict[str, str]
    close_goals_as: str | None


@dataclass
class StudentPlan:
    name: str
    preferred: str
    needs: str
    archived: bool
    conferences: list[ConferencePlan]
    loose_goal: str


conference_plans = st.builds(
    ConferencePlan,
    answers=st.dictionaries(st.sampled_from(FIELDS), st.tuples(TEXT, st.booleans()), max_size=4),
    habits=st.lists(st.sampled_from(HABITS_OF_MIND), max_size=3, unique=True),
    complete=st.booleans(),
    amend=st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=2),
    close_goals_as=st.none() | st.sampled_from(["met", "revised", "dropped"]),
)
student_plans = st.builds(
    StudentPlan,
    name=NAME,
    preferred=st.just("") | NAME,
    needs=TEXT,
    archived=st.booleans(),
    conferences=st.lists(conference_plans, max_size=2),
    loose_goal=st.just("") | NAME,
)
schools = st.lists(st.lists(student_plans, min_size=1, max_size=2), min_size=1, max_size=2)


def build(store: Store, form: Form, clock: Clock, school: list[list[StudentPlan]]) -> None:
    """Everything a teacher can make, through the store as the app makes it."""
    for number, students in enumerate(school):
        school_class = store.add_class(f"Class {number}", "2025-26")
        for plan in students:
            student = store.add_student(
                school_class.id, " ".join(plan.name.split()), plan.preferred, needs=plan.needs
            )
            for conference in plan.conferences:
                clock.advance(days=1)
                if conference.close_goals_as:
                    for goal in store.active_goals(student.id):
                        store.update_goal_status(goal.id, conference.close_goals_as)
                cid = hold_conference(
                    store, form, student.id, dict(conference.answers),
                    habits=tuple(conference.habits), complete=conference.complete,
                )  # fmt: skip
                if conference.complete and conference.amend:
                    clock.advance(hours=1)
                    store.begin_amendment(cid)
                    for key, value in conference.amend.items():
                        stage_key, kind = form.stage_of(key).key, form.field(key).kind
                        store.save_answer(cid, stage_key, key, value, False, kind)
            if plan.loose_goal.strip():
                store.set_goal(student.id, plan.loose_goal)
            if plan.archived:
                store.archive_student(student.id)


_counter = itertools.count()


def fresh(empty_database: Path, folder: Path) -> tuple[Store, Clock]:
    clock = Clock()
    return store_from_template(empty_database, folder / f"db{next(_counter)}.db", clock), clock


def fts_in_step(store: Store) -> None:
    assert store.location.path is not None
    with sqlite3.connect(store.location.path) as connection:
        connection.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")


@given(school=schools)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.slow
def test_backup_then_import_into_an_empty_database_gives_back_the_same_records(
    empty_database: Path, form: Form, tmp_path: Path, school: list[list[StudentPlan]]
) -> None:
    source, clock = fresh(empty_database, tmp_path)
    target, _ = fresh(empty_database, tmp_path)
    try:
        build(source, form, clock, school)
        archive, counts = write_archive(source, tmp_path, f"archive{next(_counter)}")
        assert counts["students"] == sum(len(students) for students in school)

        report = import_archive(target, archive, dry_run=False)
        assert target.dump_records() == source.dump_records()
        assert report.counts["students"].new == counts["students"]
        fts_in_step(target)

        again = import_archive(target, archive, dry_run=False)
        assert again.changed == 0
        assert target.dump_records() == source.dump_records()
    finally:
        source.close()
        target.close()


def test_archive_file_is_versioned_private_json(
    sqlite_store: Store, form: Form, tmp_path: Path
) -> None:
    school_class = sqlite_store.add_class("K")
    student = sqlite_store.add_student(school_class.id, "Ann")
    hold_conference(sqlite_store, form, student.id, {"purpose": "x"}, habits=("Persisting",))
    path, _ = write_archive(sqlite_store, tmp_path, "a")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == ARCHIVE_FORMAT == "conference-tui-archive"
    assert document["version"] == ARCHIVE_VERSION == 2
    assert document["counts"]["answers"] == 1
    assert document["habits"] == [
        {"conference_id": document["conferences"][0]["id"], "habit": "Persisting"}
    ]
    assert document["students"][0]["created_at"].endswith("+00:00")
    second, _ = write_archive(sqlite_store, tmp_path, "a")
    assert second.name == "a-2.json"


def test_two_laptops_merge_both_ways_to_the_same_records(
    empty_database: Path, form: Form, tmp_path: Path
) -> None:
    """A and B start from one archive; each then writes; merging either way round
    keeps the newer of each record and every record made on only one side."""
    laptop_a, clock_a = fresh(empty_database, tmp_path)
    laptop_b, clock_b = fresh(empty_database, tmp_path)
    school_class = laptop_a.add_class("Period 3")
    ann = laptop_a.add_student(school_class.id, "Ann")
    conference = hold_conference(
        laptop_a, form, ann.id, {"purpose": "first", "strength": "first"}, complete=False
    )
    start, _ = write_archive(laptop_a, tmp_path, "start")
    import_archive(laptop_b, start, dry_run=False)

    clock_a.advance(hours=1)
    laptop_a.save_answer(conference, "clarify", "purpose", "A's purpose", False)
    laptop_a.save_answer(conference, "act", "quotes", "A's quote", False)  # new on A
    clock_b.advance(hours=2)
    laptop_b.save_answer(conference, "assess", "strength", "B's strength", False, Kind.STRENGTH)
    laptop_b.save_answer(conference, "act", "quotes", "B's quote, later", False)  # new on B too
    ben = laptop_b.add_student(school_class.id, "Ben")

    from_a, _ = write_archive(laptop_a, tmp_path, "a")
    from_b, _ = write_archive(laptop_b, tmp_path, "b")
    report_b = import_archive(laptop_b, from_a, dry_run=False)
    report_a = import_archive(laptop_a, from_b, dry_run=False)

    # The same records on both: ids too, except that an answer written to the same field
    # on both laptops keeps each laptop's own id (its content is the newer one on both).
    assert _content(laptop_a.dump_records()) == _content(laptop_b.dump_records())
    assert laptop_a.dump_records()["students"] == laptop_b.dump_records()["students"]
    merged = laptop_b.get_conference(conference)
    assert merged.value("purpose") == "A's purpose"
    assert merged.value("strength") == "B's strength"
    assert merged.value("quotes") == "B's quote, later"  # same field, other id: newer wins
    assert {s.name for s in [laptop_a.get_student(ben.id)]} == {"Ben"}
    assert report_b.counts["answers"].updated == 1  # purpose
    assert report_b.counts["answers"].kept_local == 2  # strength and quotes are newer on B
    assert report_a.counts["answers"].updated == 2
    assert report_a.counts["students"].new == 1
    assert len(laptop_a.dump_records()["answers"]) == 3
    fts_in_step(laptop_a)
    laptop_a.close()
    laptop_b.close()


def _content(records: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    def without_answer_ids(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k not in ("id", "answer_id")}

    content = dict(records)
    for kind in ("answers", "answer_revisions"):
        content[kind] = sorted(
            (without_answer_ids(row) for row in records[kind]), key=lambda row: repr(row)
        )
    return content


def test_a_dry_run_counts_and_writes_nothing(
    sqlite_store: Store, empty_database: Path, form: Form, tmp_path: Path
) -> None:
    school_class = sqlite_store.add_class("K")
    for name in ("Ann", "Ben"):
        student = sqlite_store.add_student(school_class.id, name)
        hold_conference(sqlite_store, form, student.id, {"purpose": name, "goal": "Write"})
    archive, _ = write_archive(sqlite_store, tmp_path, "a")
    target, _ = fresh(empty_database, tmp_path)
    assert target.location.path is not None
    before = target.location.path.read_bytes()
    report = import_archive(target, archive, dry_run=True)
    assert report.dry_run
    assert {kind: c.new for kind, c in report.counts.items()} == {
        "classes": 1, "students": 2, "conferences": 2, "answers": 4,
        "answer_revisions": 0, "habits": 0, "goals": 2,
    }  # fmt: skip
    assert target.dump_records() == {kind: [] for kind in target.dump_records()}
    target.close()
    assert target.location.path.read_bytes() == before


def _archive_with(tmp_path: Path, store: Store, change: Any) -> Path:
    path, _ = write_archive(store, tmp_path, "base")
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    return broken


def test_a_version_1_archive_gives_its_answers_the_kinds_their_keys_stood_for(
    sqlite_store: Store, empty_database: Path, form: Form, tmp_path: Path
) -> None:
    """Written before answers kept their kind: its goal is still the goal a conference
    set (the merge compares goal saves by kind), its next step still the next step."""
    school_class = sqlite_store.add_class("K")
    student = sqlite_store.add_student(school_class.id, "Ann")
    answers = {"purpose": "x", "goal": "Use paragraphs", "next_step": "Reread page 2"}
    hold_conference(sqlite_store, form, student.id, answers)

    def as_version_1(document: dict[str, Any]) -> None:
        document["version"] = 1
        for answer in document["answers"]:
            del answer["kind"], answer["by_student"]
        for school_class in document["classes"]:
            del school_class["default_form"]
        for conference in document["conferences"]:
            del conference["group_id"]

    old = _archive_with(tmp_path, sqlite_store, as_version_1)
    target, _ = fresh(empty_database, tmp_path)
    try:
        import_archive(target, old, dry_run=False)
        assert _content(target.dump_records()) == _content(sqlite_store.dump_records())
        (row,) = target.roster(school_class.id)
        assert (row.active_goal, row.last_next_step) == ("Use paragraphs", "Reread page 2")
        assert import_archive(target, old, dry_run=False).changed == 0
    finally:
        target.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a conference-tui archive"),
        (lambda d: d.update(version=3), "newer conference-tui"),
        (lambda d: d["students"][0].update(name=5), r"students\[0\]\.name: expected text"),
        (lambda d: d["students"][0].pop("needs"), r"students\[0\]: missing field 'needs'"),
        (lambda d: d["students"][0].update(extra=1), "unknown field 'extra'"),
        (lambda d: d["students"][0].update(created_at="yesterday"), "not an ISO 8601 time"),
        (lambda d: d["students"][0].update(created_at="2026-01-01T10:00:00"), "no UTC offset"),
        (lambda d: d["students"][0].update(archived="no"), "expected true or false"),
        (lambda d: d.update(students={}), "students: expected a list"),
    ],
)
def test_bad_archives_say_where(
    sqlite_store: Store, tmp_path: Path, change: Any, message: str
) -> None:
    school_class = sqlite_store.add_class("K")
    sqlite_store.add_student(school_class.id, "Ann")
    broken = _archive_with(tmp_path, sqlite_store, change)
    with pytest.raises(ArchiveError, match=message):
        read_archive(broken)


def test_an_archive_missing_a_referenced_record_imports_nothing(
    sqlite_store: Store, empty_database: Path, tmp_path: Path
) -> None:
    school_class = sqlite_store.add_class("K")
    sqlite_store.add_student(school_class.id, "Ann")
    broken = _archive_with(tmp_path, sqlite_store, lambda d: d.update(classes=[]))
    target, _ = fresh(empty_database, tmp_path)
    with pytest.raises(InvalidInputError, match="incomplete"):
        import_archive(target, broken, dry_run=False)
    assert target.dump_records()["students"] == []
    target.close()


def test_not_json_at_all(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ArchiveError, match="not valid JSON"):
        read_archive(path)
    with pytest.raises(ArchiveError, match="cannot read"):
        read_archive(tmp_path / "missing.json")


def test_a_goal_closed_on_one_laptop_is_closed_on_both(
    empty_database: Path, form: Form, tmp_path: Path
) -> None:
    laptop_a, clock_a = fresh(empty_database, tmp_path)
    laptop_b, _ = fresh(empty_database, tmp_path)
    student = laptop_a.add_student(laptop_a.add_class("K").id, "Ann")
    hold_conference(laptop_a, form, student.id, {"goal": "Use dialogue"})
    start, _ = write_archive(laptop_a, tmp_path, "start")
    import_archive(laptop_b, start, dry_run=False)
    clock_a.advance(days=3)
    goal = laptop_a.active_goals(student.id)[0]
    laptop_a.update_goal_status(goal.id, "met")

    from_b, _ = write_archive(laptop_b, tmp_path, "b")
    assert import_archive(laptop_a, from_b, dry_run=False).counts["goals"].kept_local == 1
    from_a, _ = write_archive(laptop_a, tmp_path, "a")
    assert import_archive(laptop_b, from_a, dry_run=False).counts["goals"].updated == 1
    assert [g.status for g in laptop_b.goal_chain(student.id)] == ["met"]
    assert laptop_a.dump_records() == laptop_b.dump_records()
    laptop_a.close()
    laptop_b.close()


@pytest.mark.parametrize(
    ("kind", "column", "value", "refused"),
    [
        ("students", "name", "x" * 10_000, "under 200"),
        ("students", "name", "Zoe\x1b]0;pwned\x07", "control characters"),
        ("classes", "name", "   ", "cannot be empty"),
    ],
)
def test_an_archive_is_held_to_the_stores_rules_for_names(
    sqlite_store: Store, kind: str, column: str, value: str, refused: str
) -> None:
    """Anything an archive brings in could have been typed: what the store refuses from
    the teacher it refuses from a file, naming the record, and imports nothing."""
    school_class = sqlite_store.add_class("7B")
    sqlite_store.add_student(school_class.id, "Ana")
    records = sqlite_store.dump_records()
    records[kind][0][column] = value
    records[kind][0]["id"] = str(uuid.uuid4())
    if kind == "classes":
        records["students"] = []
    else:
        records["classes"] = []
    with pytest.raises(InvalidInputError, match=refused) as raised:
        sqlite_store.merge_records(records, dry_run=False)
    assert f"{kind}, record 1" in str(raised.value)
    assert [row.student.name for row in sqlite_store.roster(None)] == ["Ana"]


def test_an_archives_notes_arrive_as_the_store_keeps_them(sqlite_store: Store) -> None:
    school_class = sqlite_store.add_class("7B")
    student = sqlite_store.add_student(school_class.id, "Ana")
    records = sqlite_store.dump_records()
    records["students"][0]["interests"] = "red\x1b[31m\r\nbell\x07"
    records["students"][0]["updated_at"] = datetime(2099, 1, 1, tzinfo=UTC)
    sqlite_store.merge_records(records, dry_run=False)
    assert sqlite_store.get_student(student.id).interests == "red␛[31m\nbell␇"
