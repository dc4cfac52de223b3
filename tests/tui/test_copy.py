"""Copying a conference from the history, search and conference screens, typed fast:
what lands on the clipboard (as Textual records it) and the notice that says so."""

from __future__ import annotations

from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.screens.search import SearchScreen

from .conftest import SettableClock, StoryData, make_test_app, settle, told, type_ahead
from .test_search import search_for

PRIVATE_NOTE = "Ask about the team's schedule."


def last_notice(app: ConferenceApp) -> str:
    return told(app)[-1].message


async def test_copy_keys_in_history_search_and_conference(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock, Settings(roster_order="first"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # History: enter and the copy key in one burst; the newest conference is copied.
        await type_ahead(pilot, "enter", "ctrl+o")
        assert isinstance(app.screen, HistoryScreen)
        # The three keys are in the command palette (help lists them from the same bindings).
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Copy", "Copy with private notes", "Copy goal and next step"} <= commands
        copied = app.clipboard
        # The export's Markdown: parentheses escaped, so they never make a link.
        assert copied.startswith("# Amara Okafor \\(Amy\\): conference of 2026-11-13 09:30\n")
        assert "Back each reason with a piece of evidence." in copied
        assert "Audience: shareable" in copied
        assert PRIVATE_NOTE not in copied
        assert last_notice(app) == (
            "Copied Amara Okafor's conference of 2026-11-13 as Markdown (shareable)."
        )
        # The teacher's copy holds the private note, marked.
        await type_ahead(pilot, "f8")
        assert PRIVATE_NOTE in app.clipboard
        assert "**Teacher's notes** (private)" in app.clipboard
        assert last_notice(app).endswith("as Markdown (teacher).")
        # Two rows down, the oldest conference: its goal and next step, as plain lines.
        await type_ahead(pilot, "down", "down", "ctrl+b")
        assert app.clipboard == (
            "Goal: Stretch the most important moment across a paragraph.\n"
            "Next step: Rewrite the blackout scene beat by beat.\n"
        )
        assert last_notice(app) == "Copied Amara Okafor's goal and next step (shareable)."

        # Search: the highlighted hit's conference.
        await type_ahead(pilot, "escape", "s")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await search_for(pilot, screen, "zeppelin")
        await type_ahead(pilot, "down", "ctrl+b")
        assert app.clipboard == (
            "Goal: Make a claim the reader could argue with.\n"
            "Next step: Add dialogue to the ending.\n"
        )
        await type_ahead(pilot, "ctrl+o")
        assert "Check the zeppelin metaphor in the ending." in app.clipboard

        # Conference: what was typed a moment ago is in the copy (it is saved first).
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "down", "down", "n", "Kites over <b>Lagos</b>", "ctrl+o")
        conference = app.screen
        assert isinstance(conference, ConferenceScreen)
        assert "Chen Wei \\(Chen\\): conference of 2026-11-23" in app.clipboard
        assert "Kites over &lt;b&gt;Lagos&lt;/b&gt;" in app.clipboard
        assert last_notice(app).startswith("Copied Chen Wei's conference of 2026-11-23")
        # Nothing to copy yet: the clipboard keeps what it had, and the notice says why.
        before = app.clipboard
        await type_ahead(pilot, "ctrl+b")
        assert app.clipboard == before
        assert last_notice(app).startswith("Nothing copied: Chen Wei's goal and next step")
        assert isinstance(app.screen, ConferenceScreen)
