"""ctrl+r: the same piece as last time, its title and genre filled, typed at full speed."""

from __future__ import annotations

from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.help import HelpScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import (
    SettableClock,
    at,
    hold_conference,
    make_test_app,
    settle,
    type_ahead,
)
from .test_conference import screen


def value(app: object, key: str) -> str:
    return screen(app).editors[key].value()


async def test_ctrl_r_fills_the_piece_from_the_previous_conference_at_80x24(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("7B")
    ana = app_store.add_student(klass.id, "Ana Lopez").id
    bo = app_store.add_student(klass.id, "Bo Chen").id
    hold_conference(app_store, fixed_clock, ana, at(20), {"piece_title": "Kites", "genre": "poem"})
    hold_conference(
        app_store, fixed_clock, ana, at(6), {"piece_title": "The Storm", "genre": "narrative"}
    )
    app = make_test_app(app_store, fixed_clock, Settings(roster_order="first"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        assert ("^r", "Same piece") in app.screen.key_rows
        # Bo has no earlier conference: nothing to fill, and what is typed after it
        # still goes where the teacher is.
        await type_ahead(pilot, "escape", "down", "n", "ctrl+r", "Bridges")
        assert value(app, "piece_title") == "Bridges" and value(app, "genre") == ""
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, RosterScreen)

        # Ana: the keys after ctrl+r wait until the piece is filled, then go on to the
        # next stage, as typed.
        await type_ahead(pilot, "up", "n", "ctrl+r", "pagedown", "The ending is weak")
        assert isinstance(app.screen, ConferenceScreen)
        assert value(app, "piece_title") == "The Storm"
        assert value(app, "genre") == "narrative"
        assert value(app, "help_request") == "The ending is weak"
        # A field with text of its own keeps it; the empty one is filled.
        await type_ahead(pilot, "pageup", "ctrl+u", "Storm II", "tab", "ctrl+u", "ctrl+r")
        assert value(app, "piece_title") == "Storm II"
        assert value(app, "genre") == "narrative"
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
    latest = app_store.get_conference(app_store.latest_conference_id(ana) or "")
    assert (latest.piece_title, latest.genre) == ("Storm II", "narrative")
    assert latest.value("help_request") == "The ending is weak"
    first_of_bo = app_store.get_conference(app_store.latest_conference_id(bo) or "")
    assert (first_of_bo.piece_title, first_of_bo.genre) == ("Bridges", "")
