"""Search by keyboard: results as you type, filters, hostile text, enter opens the stage."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from conference_tui.field_kinds import form_field_key
from conference_tui.forms import HABITS_OF_MIND
from conference_tui.store import SearchFilters, Store
from conference_tui.store.records import AnswerEdit, SearchPage
from conference_tui.store.search import PAGE_SIZE
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.screens.search import Query, SearchScreen, nothing_found

from .conftest import (
    FORM,
    SIZES,
    SettableClock,
    StoryData,
    at,
    hold_conference,
    key_event,
    make_test_app,
    one_student,
    settle,
    type_ahead,
)
from .test_conference import wait_until


def status(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status", Static).content)


def error(screen: SearchScreen) -> str:
    box = screen.query_one("#search-error", Static)
    return str(box.content) if box.display else ""


def result_lines(screen: SearchScreen) -> list[str]:
    results = screen.query_one("#results", OptionList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def open_search(pilot: object, app: object) -> SearchScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await type_ahead(pilot, "s")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, SearchScreen)
    return screen


async def search_for(pilot: object, screen: SearchScreen, text: str) -> None:
    box = screen.query_one("#search-box", Input)
    box.value = ""
    box.focus()
    await type_ahead(pilot, *text)  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


# One word per stage, each written in exactly one note of the fixed class.
WORD_IN_STAGE = [
    ("scared", "clarify"),
    ("zeppelin", "plan"),
    ("climax", "act"),
    ("tension", "assess"),
    ("narrator", "reflect"),
    ("schedule", "modify"),
]


@pytest.mark.slow
async def test_a_word_in_any_stage_is_found_and_enter_opens_that_stage(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        for word, stage_key in WORD_IN_STAGE:
            await search_for(pilot, screen, word)
            [line] = result_lines(screen)
            stage = FORM.stage(stage_key)
            assert line.startswith("Amara Okafor · "), word
            assert stage.title in line and word in line.casefold()
            await type_ahead(pilot, "down")  # from the box into the results
            assert app.focused is screen.query_one("#results")
            hit = screen.selected_hit()
            assert hit is not None
            await type_ahead(pilot, "enter")
            await settle(pilot)
            conference = app.screen
            assert isinstance(conference, ConferenceScreen), word
            assert conference.student_id == story.students["Amara"]
            assert FORM.stages[conference.stage_index].key == stage_key, word
            # The cursor is in the note the word was found in, not the stage's first
            # field (found in a tmux check: a Purpose hit opened with the Piece focused).
            editor = conference.focused_editor()
            assert editor is not None and editor.field_key == form_field_key(hit.field_key)
            title = str(conference.query_one("#stage-title", Static).content)
            assert stage.title in title
            await type_ahead(pilot, "escape")
            await settle(pilot)
            assert app.screen is screen  # back to the same results
            assert len(result_lines(screen)) == 1


@pytest.mark.parametrize("size", SIZES)
async def test_results_show_student_date_stage_and_highlight_the_words(
    app_store: Store, fixed_clock: SettableClock, story: StoryData, size: tuple[int, int]
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_search(pilot, app)
        await search_for(pilot, screen, "dialogue end")
        lines = result_lines(screen)
        # Newest first: Ben's next step, then Amara's two.
        assert [line.split(" · ")[0] for line in lines] == [
            "Ben Adeyemi",
            "Amara Okafor",
            "Amara Okafor",
        ]
        assert " · 2026-11-18 · Modify actions based on new knowledge" in lines[0]
        prompt = screen.query_one("#results", OptionList).get_option_at_index(0).prompt
        highlighted = {prompt.plain[span.start : span.end] for span in prompt.spans}  # type: ignore[attr-defined]
        assert {"dialogue", "ending"} <= highlighted
        assert "3 notes" in status(screen)

        await search_for(pilot, screen, "Minecraft")  # a learner note, not a conference
        [line] = result_lines(screen)
        assert "Learner profile" in line
        await type_ahead(pilot, "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.student_id == story.students["Ben"]
        await type_ahead(pilot, "escape")
        await settle(pilot)
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


async def test_filters_by_class_dates_and_habit(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    other = app_store.add_class("Period 5")
    zoe = app_store.add_student(other.id, "Zoë Lin").id
    hold_conference(
        app_store,
        fixed_clock,
        zoe,
        at(1),
        {"next_step": "Add dialogue to the ending scene."},
        habits=("Finding humor",),
    )
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        await search_for(pilot, screen, "dialogue")
        assert len(result_lines(screen)) == 4

        screen.query_one("#filter-class", Select).value = other.id
        await settle(pilot)
        assert [line.split(" · ")[0] for line in result_lines(screen)] == ["Zoë Lin"]
        screen.query_one("#filter-class", Select).clear()

        screen.query_one("#filter-habit", Select).value = "Persisting"
        await settle(pilot)
        assert [line.split(" · ")[1] for line in result_lines(screen)] == ["2026-10-30"]
        await type_ahead(pilot, "ctrl+r")  # clear every filter
        await settle(pilot)
        assert len(result_lines(screen)) == 4

        since = screen.query_one("#filter-since", Input)
        since.focus()
        await type_ahead(pilot, *"2026-11-10")
        await settle(pilot)
        assert [line.split(" · ")[1] for line in result_lines(screen)] == [
            "2026-11-22",
            "2026-11-18",
            "2026-11-13",
        ]
        until = screen.query_one("#filter-until", Input)
        until.focus()
        await type_ahead(pilot, *"2026-11-18")
        await settle(pilot)
        assert [line.split(" · ")[1] for line in result_lines(screen)] == [
            "2026-11-18",
            "2026-11-13",
        ]

        # A bad date: a message that says what to write; the last good results stay.
        await type_ahead(pilot, "backspace", "backspace", "3", "2")
        await settle(pilot)
        assert "“2026-11-32” is not a date" in error(screen) and "YYYY-MM-DD" in error(screen)
        assert len(result_lines(screen)) == 2
        until.value = "2026-11-01"
        await settle(pilot)
        assert "from date is after the to date" in error(screen)
        until.value = ""
        await settle(pilot)
        assert error(screen) == ""
        assert len(result_lines(screen)) == 3


HOSTILE = [
    '"',
    "*",
    "NEAR(",
    "-",
    "AND OR NOT",
    "'; DROP TABLE answer; --",
    "🦊🦊",
    "ending*",
    '"ending" NEAR("dialogue"',
    "\\",
    "%_%",
    "[b]ending[/b]",
]


async def test_hostile_search_text_never_breaks_the_screen(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        box = screen.query_one("#search-box", Input)
        for text in HOSTILE:
            box.value = text
            await settle(pilot)
            assert app.screen is screen, text
            assert status(screen), text
        await search_for(pilot, screen, '"ending')
        assert len(result_lines(screen)) == 5  # quotes and stars are just not words
        box.value = ("ending dialogue " * 700)[:10_000]  # a 10 KB paste
        await settle(pilot)
        assert app.screen is screen
        assert len(result_lines(screen)) == 3
        # Every Habit of Mind can be chosen as a filter without trouble.
        habit = screen.query_one("#filter-habit", Select)
        for name in HABITS_OF_MIND:
            habit.value = name
        await settle(pilot)
        assert app.screen is screen
    assert app_store.search("ending")  # the database is untouched


async def test_a_late_answer_never_replaces_a_newer_one(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        newer = app_store.search_page("zeppelin")
        older = app_store.search_page("ending")
        screen.asked = 2  # two searches asked, answered out of order
        screen.show_hits(2, Query("zeppelin", SearchFilters()), newer)
        screen.show_hits(1, Query("ending", SearchFilters()), older)
        assert len(result_lines(screen)) == 1 and "zeppelin" in result_lines(screen)[0]
        # Typed quickly, only the last text's results show.
        await type_ahead(pilot, *"end", "backspace", "backspace", "backspace", *"zeppelin")
        await settle(pilot)
        assert len(result_lines(screen)) == 1 and "zeppelin" in result_lines(screen)[0]


async def test_words_typed_while_a_search_runs_are_asked_for_together_once_it_answers(
    app_store: Store,
    fixed_clock: SettableClock,
    story: StoryData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search starts with the first letter, not after a pause in typing; the letters
    typed while it runs make one search once it answers, and its own answer (for words
    the teacher has typed past) is never drawn."""
    looked_up = app_store.search_page
    asked: list[str] = []
    answer = threading.Event()

    def search_page_when_let(text: str, *args: Any, **kwargs: Any) -> SearchPage:
        asked.append(text)
        answer.wait()
        return looked_up(text, *args, **kwargs)

    monkeypatch.setattr(app_store, "search_page", search_page_when_let)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        drawn: list[str] = []
        show_hits = screen.show_hits
        monkeypatch.setattr(
            screen,
            "show_hits",
            lambda n, query, page: (drawn.append(query.text), show_hits(n, query, page)),
        )
        try:
            for key in "zep":
                app.post_message(key_event(key))
            await wait_until(pilot, lambda: asked, "the first letter's search")
            for key in "pelin":
                app.post_message(key_event(key))
            await wait_until(
                pilot,
                lambda: screen.query_one("#search-box", Input).value == "zeppelin",
                "the rest of the word typed",
            )
            assert asked == ["z"], "a search asked while one was running"
        finally:
            answer.set()
        await settle(pilot)
        assert asked == ["z", "zeppelin"]
        assert drawn == ["zeppelin"]
        assert len(result_lines(screen)) == 1 and "zeppelin" in result_lines(screen)[0]


async def test_escape_goes_back_and_nothing_found_says_so(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        await search_for(pilot, screen, "xylophone")
        assert result_lines(screen) == []
        assert status(screen) == "No notes match. Check the spelling, or try another word."
        await type_ahead(pilot, "down", "enter")  # nothing to go to, nothing to open
        await settle(pilot)
        assert app.screen is screen
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


NOTE_FIELDS = (
    "purpose",
    "goal_review",
    "plan",
    "strength",
    "teaching_point",
    "next_step",
    "teacher_notes",
)


def many_kestrels(store: Store, clock: SettableClock) -> tuple[str, int]:
    """More notes with "kestrel" than a page holds; the student and how many notes."""
    student = one_student(store)
    conferences = PAGE_SIZE // len(NOTE_FIELDS) + 3
    for days_ago in range(conferences):
        answers = {key: f"Kestrel {days_ago} {key}" for key in NOTE_FIELDS}
        hold_conference(store, clock, student, at(days_ago + 1), answers)
    return student, conferences * len(NOTE_FIELDS)


async def test_the_next_page_loads_as_the_cursor_nears_the_end(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    _, total = many_kestrels(app_store, fixed_clock)
    expected = [hit.snippet for hit in app_store.search("kestrel", limit=total)]
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        await search_for(pilot, screen, "kestrel")
        results = screen.query_one("#results", OptionList)
        assert results.option_count == PAGE_SIZE
        assert f"{PAGE_SIZE} notes so far, more below" in status(screen)
        await type_ahead(pilot, "down", "end")  # into the results, then the last one shown
        await settle(pilot)
        assert results.option_count == total  # the rest came
        assert results.highlighted == PAGE_SIZE - 1  # and the cursor stayed where it was
        assert [hit.snippet for hit in screen.hits] == expected  # in order, none twice
        assert status(screen).startswith(f"{total} notes · ")
        await type_ahead(pilot, "end", "down")  # nothing more to come: round to the top as ever
        await settle(pilot)
        assert results.highlighted == 0


async def kestrels_with_the_next_page_held(
    pilot: object, app: object, store: Store
) -> tuple[SearchScreen, SearchPage]:
    """The search dialog showing the first page of "kestrel", and the next page, which
    the test holds back while the dialog waits for it as if it were on its way."""
    screen = await open_search(pilot, app)
    await search_for(pilot, screen, "kestrel")
    next_page = store.search_page("kestrel", after=screen.next_page)
    screen.loading_more = True
    return screen, next_page


async def test_down_past_the_last_result_shown_goes_on_into_the_next_page(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Keys typed while the next page loads wait for it: down, down, enter opens the
    second note of the new page. The page is handed over by the test, so the keys are
    sure to be typed before it comes."""
    student, total = many_kestrels(app_store, fixed_clock)
    wanted = app_store.search("kestrel", limit=total)[PAGE_SIZE + 1]
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, next_page = await kestrels_with_the_next_page_held(pilot, app, app_store)
        # Not type_ahead: settling would wait for the page this test holds back.
        await pilot.press("down", "end", "down", "down", "enter")
        await pilot.pause()
        results = screen.query_one("#results", OptionList)
        assert results.highlighted == PAGE_SIZE - 1  # not round to the top
        assert app.key_gate.is_held and app.screen is screen  # the rest wait
        screen.more_arrived(screen.answered, next_page)
        await settle(pilot)
        conference = app.screen
        assert isinstance(conference, ConferenceScreen)
        assert (conference.student_id, conference.conference_id) == (
            student,
            wanted.conference_id,
        )


async def test_a_page_for_results_since_replaced_is_dropped(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    many_kestrels(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        await search_for(pilot, screen, "kestrel")
        first = app_store.search_page("kestrel")
        stale = app_store.search_page("kestrel", after=first.next_page)
        answered = screen.answered
        await search_for(pilot, screen, "kestrel 3")
        lines = result_lines(screen)
        screen.more_arrived(answered, stale)
        await settle(pilot)
        assert result_lines(screen) == lines


def test_search_snapshot(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    """Searching the demo class for a word, the results list focused, at 80x24."""
    app = make_test_app(demo_store, fixed_clock)

    async def search(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await type_ahead(pilot, "s")
        await settle(pilot)
        await type_ahead(pilot, *"claim")
        await settle(pilot)
        await type_ahead(pilot, "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=search)  # type: ignore[operator]


def test_a_hit_is_named_from_the_form_its_conference_was_held_with() -> None:
    from conference_tui.forms import load_forms
    from conference_tui.store.records import SearchHit
    from conference_tui.tui.screens.search import where_found

    forms, _ = load_forms()
    rubric = SearchHit(
        "answer", "s", "Ana", "c", "k", "assess", "rubric.voice.note", None, "…", "writing-rubric"
    )
    assert where_found(rubric, forms[rubric.form_id]) == "Writing rubric · Voice · note"
    step = SearchHit("answer", "s", "Ana", "c", "k", "next", "next_step", None, "…")
    assert where_found(step, forms["quick-compliment"]) == "One next step"


async def test_words_typed_on_the_results_go_on_in_the_search_box(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Found in a teacher's check: typing on the results list refused each letter (and
    pointed at f1, not at the search box)."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, app)
        word, _stage = WORD_IN_STAGE[0]
        await search_for(pilot, screen, word)
        await type_ahead(pilot, "down")
        assert app.focused is screen.query_one("#results")
        await type_ahead(pilot, " xyz")
        box = screen.query_one("#search-box", Input)
        assert app.focused is box
        assert box.value == f"{word} xyz"
        assert app.key_gate.dropped_total == 0
        await settle(pilot)
        assert result_lines(screen) == []


async def test_results_are_read_again_on_return_from_a_note(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Found in a teacher's check: back from a hit whose note was amended, the results
    still showed the old words."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(pilot, app)
        await search_for(pilot, screen, "scared")
        await type_ahead(pilot, "down")
        hit = screen.selected_hit()
        assert hit is not None and hit.conference_id is not None
        await type_ahead(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        # Amended meanwhile (here by another copy, as the teacher's own amendment would).
        edit = AnswerEdit(hit.stage_key, hit.field_key, "Still scared of the dark", False)
        app_store.save_answers(hit.conference_id, [edit], begin_amendment=True)
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert app.screen is screen
        [line] = result_lines(screen)
        assert "Still scared of the dark" in line
        assert app.focused is screen.query_one("#results")
        assert screen.selected_hit() is not None


async def test_back_from_a_note_past_the_first_page_the_cursor_is_still_on_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: back from the 22nd result, the results were read
    again as one page, and the cursor fell back to the 20th: enter opened another note."""
    _, total = many_kestrels(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_search(pilot, app)
        await search_for(pilot, screen, "kestrel")
        await type_ahead(pilot, "down", "end", "down", "down")
        wanted = screen.selected_hit()
        results = screen.query_one("#results", OptionList)
        assert results.highlighted == PAGE_SIZE + 1 and wanted is not None
        await type_ahead(pilot, "enter")
        assert isinstance(app.screen, ConferenceScreen)
        await type_ahead(pilot, "escape")
        assert app.screen is screen
        assert screen.selected_hit() == wanted
        assert results.highlighted == PAGE_SIZE + 1
        assert results.option_count == total


def test_nothing_found_offers_only_the_advice_that_can_help() -> None:
    none = SearchFilters()
    since = SearchFilters(since=date(2026, 1, 5))
    assert nothing_found(Query("kite", none)) == (
        "No notes match. Check the spelling, or try another word."
    )
    assert nothing_found(Query("kite tail", none)) == "No notes match. Try fewer words."
    assert nothing_found(Query("kite", since)) == ("No notes match. Clear the filters (ctrl+r).")
    assert nothing_found(Query("kite tail", since)) == (
        "No notes match. Try fewer words, or clear the filters (ctrl+r)."
    )


async def test_a_down_whose_page_came_before_it_was_handled_still_goes_down(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Down on the last result asks for the next page with a message; the page asked for
    as the cursor neared the end can come before that message is handled. The down was
    then lost (the page left nothing more to ask for), found in a busy test run."""
    many_kestrels(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, next_page = await kestrels_with_the_next_page_held(pilot, app, app_store)
        await type_ahead(pilot, "down", "end")
        results = screen.query_one("#results", OptionList)
        assert results.highlighted == PAGE_SIZE - 1
        screen.more_arrived(screen.answered, next_page)  # the page comes first ...
        screen.down_past_the_last()  # ... then the down that asked for it is handled
        await settle(pilot)
        assert results.highlighted == PAGE_SIZE
        assert not app.key_gate.is_held
