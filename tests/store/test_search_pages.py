"""Search a page at a time: each page continues the one before, whatever is typed."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from conference_tui.store import SearchFilters, Store
from conference_tui.store.records import SearchHit, SearchPosition
from conference_tui.store.roster_records import ClassInfo, StudentInfo
from conference_tui.store.text_rules import MATCH_END, MATCH_START

if TYPE_CHECKING:
    from tests.conftest import FakeClock
    from tests.store.conftest import ConferenceMaker


def every_page(
    store: Store, typed: str, filters: SearchFilters | None = None, size: int = 2
) -> list[list[SearchHit]]:
    pages = []
    after: SearchPosition | None = None
    for _ in range(100):
        page = store.search_page(typed, filters, after=after, limit=size)
        assert len(page.hits) <= size
        pages.append(page.hits)
        if page.next_page is None:
            return pages
        assert len(page.hits) == size  # a page is full unless it is the last
        after = page.next_page
    raise AssertionError("the pages never ended")


def identity(hit: SearchHit) -> tuple[str, str | None, str, str]:
    return (hit.kind, hit.conference_id, hit.field_key, hit.student_id)


def plain(snippet: str) -> str:
    return snippet.replace(MATCH_START, "").replace(MATCH_END, "")


def joined(pages: list[list[SearchHit]]) -> list[tuple[str, str | None, str, str]]:
    return [identity(hit) for page in pages for hit in page]


def test_pages_continue_each_other_newest_first_with_undated_notes_last(
    store: Store, clock: FakeClock, klass: ClassInfo, finished_conference: ConferenceMaker
) -> None:
    ada = store.add_student(klass.id, "Ada", interests="kites")
    ben = store.add_student(klass.id, "Ben", needs="kites and more kites")
    store.set_goal(ben.id, "Write about kites")
    made = []
    for _ in range(4):
        # Two conferences started in the same second, with two matching notes each.
        made.append(finished_conference(ada.id, strength="kites", teaching_point="kites"))
        made.append(finished_conference(ben.id, strength="red kites", next_step="kites"))
        clock.advance(days=1)

    for size in (1, 2, 3, 7, 50):
        pages = every_page(store, "kite", size=size)
        found = joined(pages)
        assert len(found) == len(set(found)) == 4 * 4 + 3, size  # no note twice, none left
        assert found == joined([store.search("kite", limit=100)])  # in the same order
    hits = [hit for page in every_page(store, "kite") for hit in page]
    times = [hit.when for hit in hits if hit.when is not None]
    assert times == sorted(times, reverse=True)
    assert sorted(hit.kind for hit in hits[-3:]) == ["goal", "student", "student"]
    assert {hit.conference_id for hit in hits[:4]} == {made[-1].id, made[-2].id}


def test_a_note_written_between_pages_moves_nothing_on_the_next(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    for _ in range(5):
        finished_conference(student.id, strength="sonnet")
        clock.advance(hours=1)
    first = store.search_page("sonnet", limit=2)
    assert first.next_page is not None
    finished_conference(student.id, strength="a newer sonnet")
    rest = every_page(store, "sonnet", size=2)
    later = store.search_page("sonnet", after=first.next_page, limit=10)
    assert [identity(h) for h in later.hits] == joined(rest)[3:]  # after the two, not shifted
    assert later.next_page is None


def test_filters_narrow_every_page(
    store: Store, clock: FakeClock, klass: ClassInfo, finished_conference: ConferenceMaker
) -> None:
    other = store.add_class("Year 9")
    ada = store.add_student(klass.id, "Ada", interests="metaphor")
    ben = store.add_student(other.id, "Ben")
    first_day = clock.local_today()
    for day in range(6):
        finished_conference(ada.id, strength="metaphor", habits=("Persisting",) * (day % 2))
        finished_conference(ben.id, strength="metaphor", habits=("Persisting",))
        clock.advance(days=1)
    last_day = first_day + timedelta(days=5)

    cases = [
        SearchFilters(class_id=klass.id),
        SearchFilters(class_id=other.id),
        SearchFilters(habit="Persisting"),
        SearchFilters(class_id=klass.id, habit="Persisting"),
        SearchFilters(since=first_day + timedelta(days=2)),
        SearchFilters(until=first_day + timedelta(days=1)),
        SearchFilters(since=first_day + timedelta(days=1), until=last_day - timedelta(days=1)),
        SearchFilters(since=last_day + timedelta(days=1)),
        SearchFilters(class_id=klass.id, since=first_day, until=first_day, habit="Persisting"),
    ]
    for filters in cases:
        paged = [hit for page in every_page(store, "metaphor", filters, size=1) for hit in page]
        assert joined([paged]) == joined([store.search("metaphor", filters, limit=100)])
        for hit in paged:
            if filters.class_id:
                assert hit.class_id == filters.class_id
            if filters.since or filters.until:
                assert hit.when is not None  # the learner note has no date
                day = hit.when.astimezone().date()
                assert (filters.since or day) <= day <= (filters.until or day)
    by_class = every_page(store, "metaphor", SearchFilters(class_id=klass.id), size=50)
    assert len(joined(by_class)) == 7  # six conferences and the learner note
    both = every_page(store, "metaphor", SearchFilters(since=first_day, until=last_day), size=5)
    assert len(joined(both)) == 12
    persisting = every_page(store, "metaphor", SearchFilters(habit="Persisting"), size=2)
    assert len(joined(persisting)) == 6 + 3


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ('"dragons', ["dragons"]),
        ("dragons*", ["dragons"]),
        ("*", []),
        ("-dragons", ["dragons"]),
        ("dragons -unicorns", []),  # "unicorns" is a word to find, not one to leave out
        ("NOT dragons", []),
        ("dragons OR unicorns", []),
        ("dragons AND", []),
        ("NEAR(dragons unicorns)", []),
        ("((dragons", ["dragons"]),
        ("dragons)", ["dragons"]),
        ("body:dragons", []),
        ("{body}: dragons", []),
        ("^dragons", ["dragons"]),
        ("\x00dragons\x01", ["dragons"]),
        ("\x1b[31mdragons\x1b[0m", []),  # "31mdragons" is no word in any note
        ("\x1b[31m dragons", []),
        ("\t\r\ndragons\x7f", ["dragons"]),
        ("'dragons'", ["dragons"]),
        ("drag", ["dragons"]),
        ("unicorn", ["unicorns"]),
    ],
)
def test_hostile_words_page_like_any_others_and_never_match_everything(
    store: Store,
    clock: FakeClock,
    student: StudentInfo,
    finished_conference: ConferenceMaker,
    typed: str,
    finds: list[str],
) -> None:
    for word in ("dragons", "unicorns", "castles", "dragons", "unicorns"):
        finished_conference(student.id, strength=f"The {word} guard the gate")
        clock.advance(hours=1)
    pages = every_page(store, typed, size=1)
    found = {plain(hit.snippet).split()[1].casefold() for page in pages for hit in page}
    assert found == set(finds)
    assert len(joined(pages)) == 2 * len(finds)


def test_a_page_of_nothing_typed_or_no_room_is_empty(store: Store, student: StudentInfo) -> None:
    assert store.search_page("   ").hits == [] and store.search_page("   ").next_page is None
    assert store.search_page("Amara", limit=0).hits == []


def test_a_conference_moved_in_time_moves_in_the_results(
    store: Store, clock: FakeClock, student: StudentInfo, finished_conference: ConferenceMaker
) -> None:
    """A merged copy may carry another start time for a conference: its notes follow it."""
    older = finished_conference(student.id, strength="haiku", teaching_point="haiku")
    clock.advance(days=1)
    newer = finished_conference(student.id, strength="haiku")
    assert [h.conference_id for h in store.search("haiku")] == [newer.id, older.id, older.id]
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE conference SET started_at = :at WHERE id = :id"),
            {"at": (clock.now + timedelta(days=1)).replace(tzinfo=None), "id": older.id},
        )
    moved = joined(every_page(store, "haiku", size=1))
    assert [conference for _, conference, _, _ in moved] == [older.id, older.id, newer.id]
    assert len(set(moved)) == 3
