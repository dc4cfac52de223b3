"""Follow-up dates typed at full speed: shortcuts shown as dates, a past date asked
about, and what is no date refused with every form understood."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Static

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.help import HelpScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, make_test_app, one_student, settle, type_ahead
from .test_conference import autosave, open_conference, screen


def shown(app: object, part: str) -> str:
    editor = screen(app).editors["follow_up"]
    if part == "date":
        return str(editor.control.border_subtitle or "")
    made = editor.query(part)  # the error's line is made with the first error
    if not made:
        return ""
    widget = made.first()
    assert isinstance(widget, Static | Label)
    return str(widget.render()) if widget.display else ""


@pytest.mark.slow
async def test_follow_up_forms_at_full_speed_at_80x24(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The clock says Monday 2026-11-23."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *["pagedown"] * 5, "Dialogue", "tab", "tab", "tomorrow", "tab")
        follow_up = screen(app).editors["follow_up"]
        assert isinstance(follow_up.control, Input)
        assert follow_up.control.value == "2026-11-24"
        assert "Tue 24 Nov (tomorrow)" in shown(app, "date")

        await type_ahead(pilot, "shift+tab", "ctrl+u", "next friday")
        assert "Fri 27 Nov (in 4 days)" in shown(app, "date")
        await type_ahead(pilot, "enter")
        assert follow_up.control.value == "2026-11-27"

        for typed in ("+0", "+2w", "fri"):
            await type_ahead(pilot, "ctrl+u", typed, "enter")
            await autosave(pilot)
            assert not shown(app, ".field-error") and not shown(app, ".field-confirm")
        assert app_store.draft_for_student(student_id).follow_up_on.isoformat() == "2026-11-27"  # type: ignore[union-attr]

        for typed in ("+9999", "next", "fri fri", "+٧", "2020-02-30"):
            await type_ahead(pilot, "ctrl+u", typed)
            await autosave(pilot)
            error = shown(app, ".field-error")
            assert "YYYY-MM-DD" in error, typed
            if typed not in ("+9999", "2020-02-30"):
                assert "+7" in error and "+2w" in error and "next friday" in error, typed
            assert "→" not in shown(app, "date")

        # A past date is kept on screen and saved, but asked about before completing.
        await type_ahead(pilot, "ctrl+u", "2020-01-01")
        assert "in the past" in shown(app, ".field-confirm")
        assert "2518 days ago" in shown(app, "date")
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, ConferenceScreen)
        assert screen(app).focused_editor() is follow_up
        # Enter keeps it; keys typed straight after it go on into the conference.
        await type_ahead(pilot, "enter", "shift+tab", " today")
        assert not shown(app, ".field-confirm")
        assert screen(app).editors["next_step"].value() == " today"
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
    [summary] = app_store.history(student_id)
    conference = app_store.get_conference(summary.id)
    assert conference.follow_up_on is not None
    assert conference.follow_up_on.isoformat() == "2020-01-01"


async def test_a_second_ctrl_s_completes_with_the_past_date_and_help_lists_the_forms(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.key_rows)
        assert "+7 +2w +1m" in rows and "fri / next friday" in rows and "YYYY-MM-DD" in rows
        await type_ahead(pilot, "escape")
        await open_conference(pilot)
        # Left as a draft with yesterday's date and reopened: still asked about.
        await type_ahead(pilot, *["pagedown"] * 5, "Goal", "tab", "tab", "2026-11-22", "escape")
        assert isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "n", "ctrl+s")
        assert isinstance(app.screen, ConferenceScreen)
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
    [summary] = app_store.history(student_id)
    assert app_store.get_conference(summary.id).value("follow_up") == "2026-11-22"
