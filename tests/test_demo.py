"""The demo class: built through the store, realistic, and the same for the same day."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import DEMO_TODAY

from conference_tui import demo as demo_module
from conference_tui.demo import build_demo_database, demo_fingerprint
from conference_tui.field_kinds import Kind
from conference_tui.forms import HABITS_OF_MIND, load_forms
from conference_tui.sample_data import builtin_form
from conference_tui.store import Store
from conference_tui.store.roster_records import RosterRow

TODAY = DEMO_TODAY  # a Monday
MAIN_CLASS = "English 7 — Period 2"
CLUB = "Writers' Club"


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12)).astimezone().astimezone(UTC)


@pytest.fixture
def demo_path(demo_database: Path) -> Path:
    """Built for TODAY, once per run (the tests only read it)."""
    return demo_database


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Store]:
    store = Store.open(str(demo_path), clock=lambda: noon(TODAY))
    try:
        yield store
    finally:
        store.close()


def roster_of(store: Store, class_name: str) -> list[RosterRow]:
    classes = {c.name: c for c in store.list_classes()}
    return store.roster(classes[class_name].id)


def test_two_classes_a_full_one_and_a_small_one(demo: Store) -> None:
    counts = {c.name: c.student_count for c in demo.list_classes()}
    assert counts == {MAIN_CLASS: 25, CLUB: 8}
    assert {c.school_year for c in demo.list_classes()} == {"2026-27"}


def test_names_from_many_scripts_and_preferred_names(demo: Store) -> None:
    students = [row.student for row in roster_of(demo, MAIN_CLASS)]
    names = {s.name for s in students}
    assert "ليلى حداد" in names  # right to left
    assert any(not s.name.isascii() for s in students if s.name != "ليلى حداد")
    assert sum(1 for s in students if s.preferred_name) >= 3
    assert all(s.interests and s.strengths and s.needs for s in students)


def test_the_roster_shows_who_needs_the_teacher(demo: Store) -> None:
    rows = roster_of(demo, MAIN_CLASS)
    reasons = [row.due_reason for row in rows]
    assert any("overdue" in r for r in reasons)
    assert reasons.count("never conferred") >= 2
    assert sum(1 for row in rows if row.draft_conference_id) == 1
    assert any(not row.is_due for row in rows), "some students were seen recently"
    conferred = [row.conference_count for row in rows if row.conference_count]
    assert min(conferred) >= 3 and max(conferred) <= 10


def test_the_open_draft_reopens_where_the_teacher_stopped(demo: Store) -> None:
    row = next(r for r in roster_of(demo, MAIN_CLASS) if r.draft_conference_id)
    assert row.draft_conference_id is not None
    draft = demo.get_conference(row.draft_conference_id)
    assert draft.is_draft and draft.ended_at is None
    assert draft.current_stage in ("clarify", "plan", "act") and draft.current_field
    assert draft.elapsed_seconds > 0
    assert {a.stage_key for a in draft.answers.values()} <= {"clarify", "plan", "act"}


def test_goals_spiral_through_every_state(demo: Store) -> None:
    chains = [demo.goal_chain(row.student.id) for row in roster_of(demo, MAIN_CLASS)]
    statuses = {goal.status for chain in chains for goal in chain}
    assert statuses == {"active", "met", "revised", "dropped"}
    for chain in chains:
        for before, after in itertools.pairwise(chain):
            # A closed goal is closed by the conference that set the next one (or later).
            assert before.status != "active"
            assert before.closed_at is not None and before.closed_at <= after.set_at


def test_conferences_fall_on_school_days_at_school_times(demo: Store) -> None:
    for class_name, weekdays in ((MAIN_CLASS, {0, 1, 2, 3, 4}), (CLUB, {3})):
        for row in roster_of(demo, class_name):
            for summary in demo.history(row.student.id):
                conference = demo.get_conference(summary.id)
                local = conference.started_at.astimezone()
                assert local.weekday() in weekdays
                assert time(8) <= local.time() <= time(16, 30)
                assert local.date() <= TODAY
                if not conference.is_draft:
                    assert conference.ended_at is not None
                    minutes = (conference.ended_at - conference.started_at).total_seconds() / 60
                    # A quick compliment is about ninety seconds at the student's desk, a
                    # small group about ten minutes.
                    quick = conference.form_id == "quick-compliment"
                    longest = 12 if summary.in_group else 8
                    assert 1 <= minutes <= 2 if quick else 2 <= minutes <= longest


def test_notes_are_complete_and_private_where_the_form_says(demo: Store) -> None:
    form = builtin_form()
    forms = load_forms()[0]
    seen_fields: set[str] = set()
    seen_habits: set[str] = set()
    for row in roster_of(demo, MAIN_CLASS):
        for summary in demo.history(row.student.id):
            conference = demo.get_conference(summary.id)
            held_with = forms[conference.form_id]
            for key, answer in conference.answers.items():
                field = held_with.field_of_answer(key)
                assert field is not None and answer.private == field.private, key
                assert answer.stage_key == held_with.stage_of(key).key, key
                assert (
                    answer.value.strip() and "{" not in answer.value and "lorem" not in answer.value
                )
            if held_with.id != form.id:
                continue
            seen_fields |= set(conference.answers)
            seen_habits |= set(conference.habits)
            if not conference.is_draft:
                assert conference.piece_title and conference.follow_up_on is not None
                assert conference.value("teaching_point")
    all_fields = {f.key for stage in form.stages for f in stage.fields if f.type != "habits"}
    assert seen_fields == all_fields
    assert seen_habits <= set(HABITS_OF_MIND) and len(seen_habits) >= 10


def test_the_class_is_conferred_with_in_several_forms_and_rubric_scores_rise(
    demo: Store,
) -> None:
    held: dict[str, int] = {}
    rising = 0
    for row in roster_of(demo, MAIN_CLASS):
        checks = []
        for summary in reversed(demo.history(row.student.id)):
            conference = demo.get_conference(summary.id)
            held[conference.form_id] = held.get(conference.form_id, 0) + 1
            levels = [
                int(answer.value)
                for answer in conference.answers.values()
                if answer.kind == Kind.RUBRIC_TEACHER
            ]
            theirs = [a for a in conference.answers.values() if a.kind == Kind.RUBRIC_STUDENT]
            if levels:
                assert len(levels) == len(theirs) == 5
                checks.append(sum(levels))
        rising += len(checks) > 1 and checks[-1] > checks[0]
    assert held.keys() == {
        "writing-conference",
        "quick-compliment",
        "writing-rubric",
        "small-group",
    }
    assert held["quick-compliment"] >= 10 and held["writing-rubric"] >= 6
    assert rising >= 2


def test_one_conference_was_amended_after_class(demo: Store) -> None:
    amended = [
        summary
        for row in roster_of(demo, MAIN_CLASS)
        for summary in demo.history(row.student.id)
        if summary.amended_at is not None
    ]
    assert len(amended) == 1
    conference = demo.get_conference(amended[0].id)
    assert [r.field_key for r in conference.revisions] == ["next_step"]


def test_the_notes_can_be_searched(demo: Store) -> None:
    hits = demo.search("abuela")
    assert any(hit.student_name == "Mateo Hernández Ruiz" for hit in hits)
    assert demo.search("quotation marks")


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "precious.db"
    path.write_bytes(b"a teacher's notes")
    with pytest.raises(FileExistsError):
        build_demo_database(path, TODAY)
    assert path.read_bytes() == b"a teacher's notes"


def test_the_fingerprint_follows_the_day() -> None:
    assert demo_fingerprint(TODAY) == demo_fingerprint(TODAY)
    assert demo_fingerprint(TODAY) != demo_fingerprint(date(2026, 11, 24))


def content(path: Path) -> list[Any]:
    """Everything the demo holds, through the store, without the generated ids."""
    store = Store.open(str(path), clock=lambda: noon(TODAY))
    try:
        result: list[Any] = []
        for klass in store.list_classes():
            result.append((klass.name, klass.school_year))
            for row in store.roster(klass.id):
                student = row.student
                result.append((student.name, student.preferred_name, student.needs))
                result.append(
                    [
                        (g.text, g.status, g.set_at, g.closed_at)
                        for g in store.goal_chain(student.id)
                    ]
                )
                for summary in store.history(student.id):
                    c = store.get_conference(summary.id)
                    answers = sorted(
                        (a.field_key, a.value, a.private, a.updated_at) for a in c.answers.values()
                    )
                    result.append(
                        (c.status, c.started_at, c.ended_at, c.follow_up_on, c.habits, answers)
                    )
        return result
    finally:
        store.close()


@pytest.mark.slow
def test_the_same_day_gives_the_same_demo(demo_path: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    build_demo_database(again, TODAY, cache=False)
    assert content(again) == content(demo_path)


def test_a_build_is_reused_while_the_day_stays_the_same(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_folders: Path
) -> None:
    replays: list[date] = []

    def replay(path: Path, today: date) -> None:
        replays.append(today)
        shutil.copyfile(demo_path, path)

    monkeypatch.setattr(demo_module, "_replay_into", replay)
    monkeypatch.setattr(demo_module, "_MEMO", {})
    build_demo_database(tmp_path / "a.db", TODAY)
    build_demo_database(tmp_path / "b.db", TODAY)  # from this process's memory
    monkeypatch.setattr(demo_module, "_MEMO", {})
    build_demo_database(tmp_path / "c.db", TODAY)  # from the cache in the data folder
    assert replays == [TODAY]
    for name in ("a.db", "b.db", "c.db"):
        assert (tmp_path / name).read_bytes() == demo_path.read_bytes()
    for name in ("b.db", "c.db"):
        assert ((tmp_path / name).stat().st_mode & 0o777) == 0o600

    build_demo_database(tmp_path / "d.db", date(2026, 11, 24))
    assert replays == [TODAY, date(2026, 11, 24)]
    cached = list((private_folders / "data" / demo_module.CACHE_FOLDER).iterdir())
    assert [p.name for p in cached] == [f"{demo_fingerprint(date(2026, 11, 24))}.db"]


def test_the_demo_class_holds_small_group_conferences(demo: Store) -> None:
    """Each member has the group's notes and their own next step, in their history."""
    groups: dict[str, list[str]] = {}
    for row in roster_of(demo, MAIN_CLASS):
        for summary in demo.history(row.student.id):
            if summary.in_group:
                conference = demo.get_conference(summary.id)
                assert conference.group_id is not None and not conference.is_draft
                assert conference.value("teaching_point") and conference.value("next_step")
                groups.setdefault(conference.group_id, []).append(conference.value("next_step"))
    assert sorted(len(steps) for steps in groups.values()) == [2, 3]
    # Each member's own next step, not the group's.
    assert all(len(set(steps)) == len(steps) for steps in groups.values())
