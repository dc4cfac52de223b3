"""Whatever a teacher types or pastes comes back as it went in, on every backend.

The one exception is NUL (U+0000): PostgreSQL cannot store it, so the store drops it
from free text on every backend; names refuse it with other control characters.
"""

from __future__ import annotations

import random
import unicodedata
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conference_tui.field_kinds import Kind
from conference_tui.store import InvalidInputError, Store
from conference_tui.store.roster_records import ClassInfo, StudentInfo
from conference_tui.store.text_rules import MAX_NAME_LENGTH, MAX_TEXT_LENGTH

if TYPE_CHECKING:
    from tests.conftest import FakeClock

# One store per test, shared by its examples: each example writes records of its own.
per_test_store = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TRICKY = [
    "",
    " ",
    "\n\n\n",
    "\r\n\t line endings \r",
    "العربية من اليمين إلى اليسار",
    "עברית",
    "\u202eoverride\u202c",
    "日本語のテキスト",
    "👩🏽‍🏫🧑‍🎓🏳️‍🌈",
    "e\u0301 combining",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x0b\x0c\x7f\x85\x9b",
    "\ufeffBOM",
    "\U0010ffff\ufffe",
    "nul\x00inside",
    "'; DROP TABLE answer; --",
    "<script>alert(1)</script> **bold** # heading",
]


PICTURES = {**{chr(code): chr(0x2400 + code) for code in range(0x20)}, "\x7f": "\u2421"}


def without_nul(value: str) -> str:
    """What the store keeps of free text: NUL dropped, carriage returns as line breaks,
    every other control character but newline and tab as its visible picture (C1: �)."""
    value = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        character
        if character in "\n\t" or unicodedata.category(character) != "Cc"
        else PICTURES.get(character, "\ufffd")
        for character in value
    )


def expected_name(name: str) -> str | None:
    """What the store keeps of a name, or None when it must refuse it (see clean_name)."""
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        return None
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        return None
    return cleaned


def a_long_text(size: int) -> str:
    """`size` characters from every plane and script, with line breaks."""
    rng = random.Random(size)
    pools = [
        (0x20, 0x7E),
        (0xA0, 0x2FF),
        (0x370, 0x6FF),
        (0x4E00, 0x9FFF),
        (0x1F300, 0x1FAFF),
        (0x10000, 0x10FFFF),
    ]
    chars = []
    for _ in range(size):
        low, high = rng.choice(pools)
        code = rng.randint(low, high)
        chars.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "\n")
    return "".join(chars)


# -- answers ---------------------------------------------------------------------


@per_test_store
@given(value=st.text())
@example(value=TRICKY[0])
@example(value="".join(TRICKY))
def test_any_answer_survives_save_and_reload(
    store: Store, student: StudentInfo, value: str
) -> None:
    conference = store.start_conference(student.id, "writing-conference", 1)
    store.save_answer(conference.id, "assess", "strength", value, True, Kind.STRENGTH)
    saved = store.get_conference(conference.id).answers["strength"]
    assert saved.value == without_nul(value)
    assert saved.private is True


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_answers_survive(store: Store, student: StudentInfo, value: str) -> None:
    conference = store.start_conference(student.id, "writing-conference", 1)
    store.save_answer(conference.id, "modify", "teacher_notes", value, False)
    assert store.get_conference(conference.id).value("teacher_notes") == without_nul(value)


def test_a_100_kb_answer_survives(store: Store, student: StudentInfo) -> None:
    value = a_long_text(100_000)
    conference = store.start_conference(student.id, "writing-conference", 1)
    store.save_answer(conference.id, "act", "research_notes", value, False)
    assert store.get_conference(conference.id).value("research_notes") == value


def test_an_answer_over_the_limit_is_refused_and_the_old_one_kept(
    store: Store, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, "writing-conference", 1)
    store.save_answer(conference.id, "act", "research_notes", "kept", False)
    with pytest.raises(InvalidInputError, match="the limit is"):
        store.save_answer(
            conference.id, "act", "research_notes", "x" * (MAX_TEXT_LENGTH + 1), False
        )
    assert store.get_conference(conference.id).value("research_notes") == "kept"


def test_nul_is_dropped_from_free_text_on_every_backend(
    store: Store, klass: ClassInfo, student: StudentInfo
) -> None:
    conference = store.start_conference(student.id, "writing-conference", 1)
    store.save_answer(conference.id, "clarify", "piece_title", "The\x00 Storm\x00", False)
    store.save_answer(conference.id, "modify", "goal", "\x00Use\x00 paragraphs", False, Kind.GOAL)
    saved = store.get_conference(conference.id)
    assert saved.value("piece_title") == "The Storm"
    assert saved.piece_title == "The Storm"
    assert [g.text for g in store.active_goals(student.id)] == ["Use paragraphs"]
    assert store.set_goal(student.id, " Read \x00aloud\x00 ").text == "Read aloud"
    updated = store.update_student(student.id, needs="\x00stamina\x00")
    assert updated.needs == "stamina"
    assert store.add_student(klass.id, "Ben", interests="a\x00b").interests == "ab"
    assert len(store.search("stamina")) == 1


@pytest.mark.parametrize("name", ["Amara\x00", "\x00"])
def test_nul_in_a_name_is_refused_on_every_backend(
    store: Store, klass: ClassInfo, name: str
) -> None:
    with pytest.raises(InvalidInputError):
        store.add_student(klass.id, name)
    with pytest.raises(InvalidInputError, match="control characters"):
        store.add_student(klass.id, "Amara", preferred_name="Amy\x00")
    with pytest.raises(InvalidInputError, match="control characters"):
        store.add_class("Year 7", "2025\x00")


# -- names and learner notes -------------------------------------------------------


@per_test_store
@given(name=st.text(max_size=MAX_NAME_LENGTH + 20), preferred=st.text(max_size=30))
@example(name="  Zoë \t\n Ng \u3000", preferred="")
@example(name="李小龍", preferred="  Bruce  ")
@example(name="\u200f محمد", preferred="\x85")
@example(name="a\x1cb", preferred="")
def test_student_names_are_whitespace_normalised_or_refused(
    store: Store, klass: ClassInfo, name: str, preferred: str
) -> None:
    kept_name = expected_name(name)
    kept_preferred = expected_name(preferred) if preferred.split() else ""
    if kept_name is None or kept_preferred is None:
        with pytest.raises(InvalidInputError):
            store.add_student(klass.id, name, preferred)
        return
    added = store.add_student(klass.id, name, preferred)
    again = store.get_student(added.id)
    assert (again.name, again.preferred_name) == (kept_name, kept_preferred)
    assert again.name == " ".join(name.split())  # the documented normalisation


@per_test_store
@given(interests=st.text(), strengths=st.text(), needs=st.text())
@example(interests=TRICKY[4], strengths=TRICKY[8], needs="".join(TRICKY))
def test_learner_notes_survive_exactly(
    store: Store, student: StudentInfo, interests: str, strengths: str, needs: str
) -> None:
    store.update_student(student.id, interests=interests, strengths=strengths, needs=needs)
    again = store.get_student(student.id)
    assert (again.interests, again.strengths, again.needs) == (
        without_nul(interests),
        without_nul(strengths),
        without_nul(needs),
    )


@per_test_store
@given(text=st.text(min_size=1))
def test_goals_keep_their_words(
    store: Store, student: StudentInfo, clock: FakeClock, text: str
) -> None:
    # Each example's goal is the newest: the chain is in the order the goals were set,
    # and goals set at one moment come in no order (PostgreSQL's varied with the rows
    # deleted from a reused database).
    clock.advance(seconds=1)
    words = without_nul(text).strip()
    if not words:
        with pytest.raises(InvalidInputError):
            store.set_goal(student.id, text)
        return
    goal = store.set_goal(student.id, text)
    assert goal.text == words
    assert store.goal_chain(student.id)[-1].text == words


# -- search ----------------------------------------------------------------------


@per_test_store
@given(typed=st.text())
@example(typed='"unbalanced')
@example(typed="NEAR(a b, 2) OR c* AND NOT -d ^e {f}: g+h")
@example(typed="\x00\x00")
def test_searching_any_text_never_raises(store: Store, student: StudentInfo, typed: str) -> None:
    hits = store.search(typed)
    assert all(h.student_id == student.id for h in hits)
