"""A character typed where nothing takes it is refused out loud (see unused_keys.py):
Textual dropped it without a word, and the keys after it acted as keys of that place.
Found with a burst typed into a tmux pane: `n`, "Owl", ESC, "]0;pwned", BEL, 10,000 x's.
"""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

from conference_tui.store import Store
from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.escape_keys import EscapeThenKeyParser
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.spiral import GoalList

from .conftest import (
    SettableClock,
    StoryData,
    TypingClock,
    key_event,
    make_test_app,
    settle,
    told,
    type_ahead,
)
from .test_type_ahead import field_text, goal_statuses, select_student

BURST = "nOwl\x1b]0;pwned\x07" + "x" * 10_000


def refusals(app: object) -> list[str]:
    return [n.message for n in told(app) if n.title == "Key not used"]


def terminal_keys(data: str) -> list[events.Key]:
    """The keys the app reads from `data` typed into its terminal at once."""
    parser = EscapeThenKeyParser(debug=False)
    return [m for m in (*parser.feed(data), *parser.feed("")) if isinstance(m, events.Key)]


async def test_a_character_typed_on_last_times_goals_is_refused_with_what_they_take(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    amara = story.students["Amara"]
    before = goal_statuses(app_store, amara)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        select_student(app, amara)
        await type_ahead(pilot, "n", "Owl", "ctrl+g", "xyz", "dear")
        assert isinstance(app.focused, GoalList)
        [notice] = refusals(app)
        assert notice.startswith("“x” is not a key here, and no text box has the cursor")
        # The `d` of "dear" never marks a goal: it was typed after the refused x.
        assert notice.endswith("\nThe 6 keys typed after it were not used.")
        assert "m (met)" in notice and "escape goes back to your note" in notice
        await type_ahead(pilot, "escape")
        assert field_text(app, "piece_title") == "Owl"
        await type_ahead(pilot, "escape")
    assert goal_statuses(app_store, amara) == before


async def typed_at_a_persons_pace(pilot: Pilot[object], text: str, *, gap: float = 0.08) -> None:
    """Each key delivered and handled before the next is typed, `gap` seconds apart: a
    teacher typing, not a burst the app reads at once."""
    app = pilot.app
    assert isinstance(app, ConferenceApp) and isinstance(app.key_gate.clock, TypingClock)
    for character in text:
        app.key_gate.clock.advance(gap)
        app.post_message(key_event(character))
        await settle(pilot)


async def test_a_word_typed_on_after_a_refused_letter_marks_no_goal(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Found in a teacher's tmux check: keys typed 80 ms apart after the refused `h`
    arrived one by one, after the refusal, and the `r` of "world" marked last time's
    goal revised (and "ld" went into the piece). The rest of the word is dropped too."""
    amara = story.students["Amara"]
    before = goal_statuses(app_store, amara)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        select_student(app, amara)
        await type_ahead(pilot, "n", "ctrl+g")
        await typed_at_a_persons_pace(pilot, "hello world")
        assert goal_statuses(app_store, amara) == before
        assert isinstance(app.focused, GoalList)
        [notice] = refusals(app)
        assert notice.startswith("“h” is not a key here")
        # Escape still acts (it ends the run), and the run is told whole.
        await type_ahead(pilot, "escape")
        assert field_text(app, "piece_title") == ""
        [count] = [n.message for n in told(app) if n.title == "Keys not used"]
        assert count.startswith("10 more keys were typed right after it, and not used either")
        assert count.endswith("Check where the cursor is, then type them again.")
    assert goal_statuses(app_store, amara) == before


async def test_after_a_pause_the_next_key_acts_and_a_new_screen_starts_afresh(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """ "zebra" typed on the roster opened Edit at its `e` and typed "bra" into the name.
    Now the word goes with its `z`; a key typed after a pause acts as a key again, and
    a refusal on another screen names its own key, not the roster's."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        select_student(app, story.students["Amara"])
        await typed_at_a_persons_pace(pilot, "zebra")
        assert isinstance(app.screen, RosterScreen)
        assert [n.startswith("“z” is not a key here") for n in refusals(app)] == [True]
        # A pause, then `n`: the teacher saw the notice; `n` opens the conference.
        await typed_at_a_persons_pace(pilot, "n", gap=1.5)
        assert isinstance(app.screen, ConferenceScreen)
        [count] = [n.message for n in told(app) if n.title == "Keys not used"]
        assert count.startswith("4 more keys were typed right after it")
        await type_ahead(pilot, "ctrl+g")
        await typed_at_a_persons_pace(pilot, "q")
        assert refusals(app)[-1].startswith("“q” is not a key here")
        assert refusals(app)[-1].endswith("escape goes back to your note.")


async def test_the_burst_from_a_terminal_opens_no_conference_it_did_not_choose(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    # ESC ] is escape then `]` (this app binds no alt chord): escape leaves the
    # conference, and `]` on the roster is no key. Before, it was dropped unseen, `w`
    # showed only the students due and `n` opened a conference with the first of them.
    amara = story.students["Amara"]
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_student(app, amara)
        for key in terminal_keys(BURST):
            app.post_message(key)
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        [notice] = refusals(app)
        assert notice.startswith("“]” is not a key here")
        assert f"The {len('0;pwned') + 1 + 10_000:,} keys typed after it were not used" in notice
        assert "f1 lists the keys of this screen." in notice
    drafts = {
        name: draft.value("piece_title")
        for name, student_id in story.students.items()
        if (draft := app_store.draft_for_student(student_id)) is not None
    }
    assert drafts == {"Amara": "Owl"}


async def test_a_letter_in_a_text_box_or_a_key_of_the_screen_is_not_refused(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_student(app, story.students["Amara"])
        await type_ahead(pilot, "n", "Owl", "tab", "poem")
        assert isinstance(app.screen, ConferenceScreen)
        await type_ahead(pilot, "escape", "slash", "Am", "escape")
        assert isinstance(app.screen, RosterScreen)
        assert refusals(app) == []


async def test_a_paste_where_no_text_box_has_the_cursor_is_said_not_lost_unseen(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Found in a check of the session's own change: a paste on a closed choice list
    went nowhere, without a word. A paste in a note goes in, unremarked."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        select_student(app, story.students["Amara"])
        await type_ahead(pilot, "n", "tab", "tab")
        assert app.screen.focused_editor().field_key == "process_stage"  # type: ignore[attr-defined]
        app.post_message(events.Paste("drafting the ending"))
        await settle(pilot)
        [notice] = [n.message for n in told(app) if n.title == "Paste not used"]
        assert notice.startswith("What you pasted did not go in: no text box has the cursor.")
        await type_ahead(pilot, "tab")
        app.post_message(events.Paste("to scare the reader"))
        await settle(pilot)
        assert field_text(app, "purpose") == "to scare the reader"
        assert len([n for n in told(app) if n.title == "Paste not used"]) == 1
        await type_ahead(pilot, "escape")


async def test_a_paste_of_several_lines_into_a_one_line_box_keeps_every_line(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Textual's Input keeps only a paste's first line: the rest was lost unseen."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_student(app, story.students["Amara"])
        await type_ahead(pilot, "n", *"The ")
        app.post_message(events.Paste("Owl\nin the\r\n\nBarn"))
        await settle(pilot)
        assert field_text(app, "piece_title") == "The Owl in the Barn"
        app.post_message(events.Paste("!"))  # one line: Input's own paste
        await settle(pilot)
        assert field_text(app, "piece_title") == "The Owl in the Barn!"
        await type_ahead(pilot, "escape")
