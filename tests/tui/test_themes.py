"""Every built-in theme draws every main screen, and marks due students in its own colour."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen

from .conftest import SettableClock, make_test_app, settle, student_named


async def test_every_builtin_theme_renders_roster_and_conference(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(demo_store, fixed_clock)
    student_id = student_named(demo_store, "Amara Okafor")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        themes = sorted(app.available_themes)
        assert len(themes) > 5
        for theme in themes:
            app.theme = theme
            await settle(pilot)
            roster = app.screen
            roster.render_rows()  # type: ignore[attr-defined]
            await settle(pilot)
            table = roster.query_one(DataTable)
            due_cells = [
                table.get_row_at(i)[1]
                for i in range(table.row_count)
                if str(table.get_row_at(i)[0]) == "●"
            ]
            assert due_cells, theme
            warning = app.current_theme.warning
            assert warning and warning.lower() in str(due_cells[0].style).lower(), theme
            assert "Amara" in app.export_screenshot()
        app.theme = "textual-light"
        app.open_conference(student_id)
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        title = app.screen.query_one("#stage-title", Static)
        assert "Stage 1 of 6" in str(title.render())
        assert "Amara" in app.export_screenshot()


async def test_a_theme_chosen_in_the_app_is_kept_in_config_toml(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from conference_tui import paths
    from conference_tui.settings import load_settings

    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("# mine\ntarget_minutes = 7\n", encoding="utf-8")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    kept = load_settings()
    assert kept.theme == "nord" and kept.target_minutes == 7 and not kept.problems
    assert config.read_text(encoding="utf-8").startswith("# mine\n")
