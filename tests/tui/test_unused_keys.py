"""A character typed where nothing takes it is refused out loud (see unused_keys.py):
Textual dropped it without a word, and the keys after it acted as keys of that place.
Found with a burst typed into a tmux pane: `n`, "Owl", ESC, "]0;pwned", BEL, 10,000 x's.
"""

from __future__ import annotations

from textual import events

from conference_tui.store import Store
from conference_tui.tui.escape_keys import EscapeThenKeyParser
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.spiral import GoalList

from .conftest import SettableClock, StoryData, make_test_app, settle, told, type_ahead
from .test_type_ahead import field_text, goal_statuses, select_student, shown_text

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
        assert "it and the 6 keys typed after it were not used." in notice
        assert "m (met)" in notice and "escape goes back to your note" in notice
        # Typed on at a person's pace: the one notice counts on, none stacks over it.
        await type_ahead(pilot, "q")
        assert "it and the 7 keys typed after it were not used." in refusals(app)[-1]
        assert shown_text(app).count("Key not used") == 1
        await type_ahead(pilot, "escape")
        assert field_text(app, "piece_title") == "Owl"
        await type_ahead(pilot, "escape")
    assert goal_statuses(app_store, amara) == before


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
        assert f"it and the {len('0;pwned') + 1 + 10_000:,} keys typed after it" in notice
        assert notice.endswith("f1 lists the keys of this screen.")
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
