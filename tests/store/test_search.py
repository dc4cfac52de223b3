"""Searching every note: answers, goals and what the teacher knows about a learner."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from conference_tui.field_kinds import Kind
from conference_tui.store import SearchFilters, Store
from conference_tui.store.roster_records import ClassInfo, StudentInfo
from conference_tui.store.search import fts_query
from conference_tui.store.text_rules import MATCH_END, MATCH_START

if TYPE_CHECKING:
    from tests.conftest import FakeClock
    from tests.store.conftest import ConferenceMaker


def kinds_and_fields(hits: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(h.kind, h.field_key) for h in hits]


def test_search_finds_words_in_every_kind_of_note(
    store: Store, klass: ClassInfo, finished_conference: ConferenceMaker
) -> None:
    ada = store.add_student(klass.id, "Ada Lovelace", interests="volcanoes", needs="stamina")
    ben = store.add_student(klass.id, "Ben Cho", strengths="vivid similes")
    conference = finished_conference(ada.id, strength="Her volcano piece has a gripping lead")
    store.set_goal(ben.id, "Add sensory detail to the volcano scene")

    volcano = store.search("volcano")
    assert sorted(kinds_and_fields(volcano)) == [
        ("answer", "strength"),
        ("goal", "goal"),
        ("student", ""),
    ]
    (answer_hit,) = [h for h in volcano if h.kind == "answer"]
    assert (answer_hit.student_id, answer_hit.student_name, answer_hit.class_id) == (
        ada.id,
        "Ada Lovelace",
        klass.id,
    )
    assert (answer_hit.conference_id, answer_hit.stage_key) == (conference.id, "assess")
    assert answer_hit.when == conference.started_at
    assert MATCH_START in answer_hit.snippet and MATCH_END in answer_hit.snippet
    (student_hit,) = [h for h in volcano if h.kind == "student"]
    assert (student_hit.student_id, student_hit.conference_id, student_hit.when) == (
        ada.id,
        None,
        None,
    )
    assert [h.student_id for h in store.search("similes")] == [ben.id]
    assert [h.student_id for h in store.search("lovelace")] == [ada.id]  # names too


def test_every_word_must_match_in_the_same_note(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    finished_conference(
        student.id, strength="Strong dialogue", teaching_point="Paragraph breaks in dialogue"
    )
    assert kinds_and_fields(store.search("dialogue paragraph")) == [("answer", "teaching_point")]
    assert len(store.search("dialogue")) == 2
    assert store.search("dialogue volcano") == []


def test_the_last_word_matches_as_a_prefix_while_typing(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    finished_conference(student.id, strength="Onomatopoeia everywhere")
    for typed in ("on", "onomat", "ONOMATOPOEIA", "everywhere ono"):
        assert len(store.search(typed)) == 1, typed
    assert store.search("onomatopoeias") == []


def test_case_does_not_matter(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    finished_conference(student.id, strength="Écrit à Montréal")
    assert len(store.search("montréal")) == 1
    assert len(store.search("ÉCRIT")) == 1


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '"dragons',
        'dragons"',
        "dragons*",
        "*",
        "dragons OR castles",
        "dragons AND",
        "NOT dragons",
        "NEAR(dragons castles)",
        "NEAR(",
        "-dragons",
        "dragons -castles",
        "body:dragons",
        "^dragons",
        "(dragons",
        "{body}: dragons",
        "dragons + castles",
        "drag'ons",
        "'; DROP TABLE student; --",
        "%",
        "_",
        "\\",
        "\x00",
        "🐉",
    ],
)
def test_search_operators_in_typed_text_never_raise(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker, typed: str
) -> None:
    finished_conference(student.id, strength="Dragons guard the castles")
    hits = store.search(typed)
    assert isinstance(hits, list)
    assert store.roster(None)  # and nothing was dropped


@pytest.mark.parametrize("typed", ['"dragons"', "dragons*", "(dragons)", "-dragons", "DRAGONS:"])
def test_punctuation_around_a_word_still_finds_it(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker, typed: str
) -> None:
    finished_conference(student.id, strength="Dragons guard the castles")
    assert kinds_and_fields(store.search(typed)) == [("answer", "strength")]


@pytest.mark.parametrize("typed", ["", "   ", "!?", '"" * -'])
def test_nothing_to_search_for_finds_nothing(
    store: Store, student: StudentInfo, typed: str
) -> None:
    assert store.search(typed) == []


def test_like_wildcards_are_not_wildcards(
    store: Store, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    finished_conference(student.id, strength="axb")
    assert store.search("a_b") == []


def test_results_are_newest_first_with_learner_notes_last(
    store: Store, clock: FakeClock, klass: ClassInfo, finished_conference: ConferenceMaker
) -> None:
    ada = store.add_student(klass.id, "Ada", interests="poetry")
    older = finished_conference(ada.id, strength="poetry slam")
    clock.advance(days=3)
    newer = finished_conference(ada.id, strength="poetry again")
    hits = store.search("poetry")
    assert [h.conference_id for h in hits] == [newer.id, older.id, None]
    assert len(store.search("poetry", limit=2)) == 2


def test_filters_by_class_date_and_habit(
    store: Store, clock: FakeClock, klass: ClassInfo, finished_conference: ConferenceMaker
) -> None:
    other_class = store.add_class("Year 9")
    ada = store.add_student(klass.id, "Ada")
    ben = store.add_student(other_class.id, "Ben")
    first_day = clock.local_today()
    early = finished_conference(ada.id, strength="metaphor", habits=("Persisting",))
    clock.advance(days=10)
    late = finished_conference(ada.id, strength="metaphor", habits=("Questioning",))
    elsewhere = finished_conference(ben.id, strength="metaphor")
    last_day = clock.local_today()

    def found(**filters: object) -> list[str | None]:
        return [h.conference_id for h in store.search("metaphor", SearchFilters(**filters))]  # type: ignore[arg-type]

    assert set(found()) == {early.id, late.id, elsewhere.id}
    assert set(found(class_id=klass.id)) == {early.id, late.id}
    assert found(class_id=other_class.id) == [elsewhere.id]
    assert found(until=first_day) == [early.id]
    assert set(found(since=last_day)) == {late.id, elsewhere.id}
    assert found(since=first_day + timedelta(days=1), until=last_day - timedelta(days=1)) == []
    assert found(since=first_day, until=last_day, class_id=klass.id, habit="Questioning") == [
        late.id
    ]
    assert found(habit="Persisting") == [early.id]
    assert found(habit="Managing impulsivity") == []


def test_search_follows_edits_and_deletions(
    store: Store, klass: ClassInfo, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, "writing-conference", 1)
    store.save_answer(conference.id, "assess", "strength", "alliteration", False, Kind.STRENGTH)
    assert len(store.search("alliteration")) == 1
    store.save_answer(conference.id, "assess", "strength", "assonance", False, Kind.STRENGTH)
    assert store.search("alliteration") == []
    assert len(store.search("assonance")) == 1

    store.save_answer(conference.id, "modify", "goal", "Try enjambment", False, Kind.GOAL)
    assert kinds_and_fields(store.search("enjambment")) == [("answer", "goal")]
    store.save_answer(conference.id, "modify", "goal", "", False, Kind.GOAL)
    assert store.search("enjambment") == []

    store.update_student(student.id, name="Renamed Pupil", needs="stamina")
    assert [h.kind for h in store.search("renamed stamina")] == ["student"]
    assert store.search("Amara") == []

    store.save_answer(conference.id, "assess", "strength", "", False, Kind.STRENGTH)
    assert store.discard_draft(conference.id) is True
    assert store.search("assonance") == []


def fts_integrity_check(store: Store) -> None:
    with store.engine.connect() as conn:
        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES('integrity-check')"))


def test_the_fts_index_stays_consistent(
    store: Store, backend: str, clock: FakeClock, klass: ClassInfo
) -> None:
    if backend != "sqlite":
        pytest.skip("FTS5 is SQLite's; PostgreSQL searches the tables themselves")
    students = [
        store.add_student(klass.id, f"Student {n}", interests=f"topic{n}") for n in range(5)
    ]
    for n, pupil in enumerate(students):
        conference = store.start_conference(pupil.id, "writing-conference", 1)
        for version in range(3):
            store.save_answer(
                conference.id, "assess", "strength", f"draft {version} of {n}", False, Kind.STRENGTH
            )
        store.save_answer(conference.id, "modify", "goal", f"goal {n}", False, Kind.GOAL)
        if n % 2:
            store.save_answer(conference.id, "modify", "goal", "", False, Kind.GOAL)
            store.save_answer(conference.id, "assess", "strength", "", False, Kind.STRENGTH)
            assert store.discard_draft(conference.id)
        else:
            store.complete_conference(conference.id)
        store.set_goal(pupil.id, f"outside goal {n}")
        store.update_student(pupil.id, interests=f"changed topic {n}")
        clock.advance(hours=1)
    fts_integrity_check(store)

    with store.engine.connect() as conn:
        documents = conn.execute(text("SELECT kind, count(*) FROM search_doc GROUP BY kind")).all()
    # 5 students, 3 remaining conferences x 2 answers (strength, goal), 5 outside goals.
    assert dict(documents) == {"student": 5, "answer": 6, "goal": 5}
    assert len(store.search("changed topic")) == 5
    assert store.search("topic0") == []


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('dragons OR "castles" NEAR(') == '"dragons" "OR" "castles" "NEAR"*'
    assert fts_query("  ") == ""
