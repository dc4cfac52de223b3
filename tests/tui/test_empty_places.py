"""Every tab and list with nothing in it says what would appear there, typed at full
speed at 80x24."""

from __future__ import annotations

from textual.widgets import Static

from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.search import SearchScreen
from conference_tui.tui.widgets.conference_view import ConferenceView

from .conftest import SettableClock, StoryData, make_test_app, settle, type_ahead


def shown(screen: object, selector: str) -> str:
    widget = screen.query_one(selector)  # type: ignore[attr-defined]
    if not widget.display:
        return ""
    return str(widget.render()) if isinstance(widget, Static) else ""


async def test_empty_tabs_and_lists_say_what_would_be_there(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock, Settings(roster_order="first"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Chen (third on the roster) has never had a conference.
        await type_ahead(pilot, "down", "down", "enter", "1")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert screen.student_id == story.students["Chen"]
        view = screen.query_one(ConferenceView)
        assert "No conferences yet. Press n" in str(view.query_one(Static).render())
        await type_ahead(pilot, "2")
        assert shown(screen, "#goal-detail").startswith("No goals yet")
        await type_ahead(pilot, "3")
        assert shown(screen, "#habits-empty").startswith(
            "No Habits of Mind noticed yet. Those ticked in a conference (Habits of Mind "
            "observed, stage 5) are counted here"
        )
        # Amara has habits noticed: the table, no note.
        await type_ahead(pilot, "escape", "up", "up", "enter", "3")
        assert app.screen.student_id == story.students["Amara"]  # type: ignore[attr-defined]
        assert shown(app.screen, "#habits-empty") == ""
        await type_ahead(pilot, "escape", "s", "zebrafish")
        assert isinstance(app.screen, SearchScreen)
        assert shown(app.screen, "#search-status").startswith("No notes match")
