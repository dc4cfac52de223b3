"""One learner's history by keyboard: the list, the goal chain, habits, profile, amending."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from rich.console import Console
from sqlalchemy.orm import Session
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TextArea

from conference_tui.store import Store
from conference_tui.store.models import Answer, Conference
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.history import PAGE_SIZE, HistoryScreen
from conference_tui.tui.screens.profile_dialog import ProfileDialog
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.conference_view import ConferenceView, conference_renderable
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.tab_bar import TabBar

from .conftest import (
    FORM,
    NOW,
    SIZES,
    SettableClock,
    StoryData,
    at,
    goal_set_by,
    hold_conference,
    make_test_app,
    settle,
    student_named,
    told,
    type_ahead,
)
from .test_type_ahead import select_student


def cells(table: DataTable[object], column: int) -> list[str]:
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


def shown_text(widget: Static) -> str:
    """What a Static shows, as plain text, whatever it was given (str, Text, Rich renderable)."""
    content = widget.content
    if isinstance(content, str):
        return content
    plain = getattr(content, "plain", None)
    if isinstance(plain, str):
        return plain
    return plain_text(content)


def plain_text(renderable: object, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def view_text(screen: HistoryScreen) -> str:
    """What the conference pane shows, as plain text."""
    return shown_text(screen.query_one(ConferenceView).query_one(".conference-view-body", Static))


async def open_history_of(pilot: object, app: object, student_id: str) -> HistoryScreen:
    app.open_history(student_id)  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, HistoryScreen)
    return screen


@pytest.mark.parametrize("size", SIZES)
async def test_history_newest_first_with_goal_chain_habits_and_profile(
    app_store: Store, fixed_clock: SettableClock, story: StoryData, size: tuple[int, int]
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "down", "down", "enter")  # Adeyemi, Novak, Okafor: Amara
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history-table", DataTable)
        assert cells(table, 1) == ["2026-11-13", "2026-10-30", "2026-10-16"]
        assert cells(table, 0) == ["", "✱", ""]  # the amended one is marked
        assert "3 conferences" in shown_text(screen.query_one("#history-title", Static))
        # The highlighted (newest) conference is shown in full, in spiral order.
        text = view_text(screen)
        assert "Back each reason with a piece of evidence." in text
        assert text.index("1. Clarify") < text.index("5. Study") < text.index("6. Modify")
        assert "Teacher's notes (private)" in text

        await type_ahead(pilot, "down")
        await settle(pilot)
        text = view_text(screen)
        assert "End by showing how the narrator changed." in text
        assert "until changed 2026-11-14 15:30: End by showing what changed in the narrator." in (
            " ".join(text.split())
        )

        await type_ahead(pilot, "2")
        await settle(pilot)
        assert screen.active_tab() == "goals"
        goals = screen.query_one("#goals-table", DataTable)
        assert cells(goals, 3) == ["○ active", "↻ revised", "✓ met"]
        assert cells(goals, 1) == ["2026-11-13", "2026-10-30", "2026-10-16"]
        assert cells(goals, 2) == ["", "2026-11-13", "2026-10-30"]
        # enter on a goal goes back to the conference that set it.
        await type_ahead(pilot, "down", "enter")
        await settle(pilot)
        assert screen.active_tab() == "conferences"
        assert screen.selected_conference_id() == story.conferences["Amara"][1]

        await type_ahead(pilot, "3")
        await settle(pilot)
        habits = screen.query_one("#habits-table", DataTable)
        assert cells(habits, 0)[0] == "Persisting"
        assert [str(cell) for cell in habits.get_row_at(0)[1:]] == ["2", "2026-10-16", "2026-10-30"]

        await type_ahead(pilot, "4")
        await settle(pilot)
        profile = shown_text(screen.query_one("#profile-view", Static))
        assert "Football; graphic novels." in profile and "Slows down" in profile
        assert app.focused is screen.query_one("#profile-pane")
        await type_ahead(pilot, "enter")  # on the profile tab, enter edits it
        await settle(pilot)
        assert isinstance(app.screen, ProfileDialog)
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert app.screen is screen

        await type_ahead(pilot, "f1")  # every key of the screen is in the help
        await settle(pilot)
        help_text = plain_text(app.screen.query_one("#help-keys", Static).content)
        assert "History" in help_text
        for detail in (
            "Open the selected conference",
            "Start (or resume) a conference with this student",
            "Export this student's notes",
            "Edit the learner profile",
            "Show the chain of goals",
        ):
            assert detail in help_text, detail
        await type_ahead(pilot, "escape")
        await settle(pilot)

        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_amend_from_history_keeps_both_versions(
    app_store: Store, fixed_clock: SettableClock, story: StoryData, size: tuple[int, int]
) -> None:
    newest = story.conferences["Amara"][0]
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, story.students["Amara"])
        fixed_clock.set(NOW + timedelta(hours=1))
        await type_ahead(pilot, "enter")
        await settle(pilot)
        conference_screen = app.screen
        assert isinstance(conference_screen, ConferenceScreen)
        assert conference_screen.conference_id == newest and conference_screen.amend
        focused = app.focused
        assert isinstance(focused, Input) and focused.id == "control-piece_title"
        focused.action_end()
        await type_ahead(pilot, *" (final)")
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        table = screen.query_one("#history-table", DataTable)
        assert cells(table, 0)[0] == "✱"
        assert "Girls Deserve a Real Pitch (final)" in view_text(screen)
        assert "until changed" in view_text(screen)

    amended = app_store.get_conference(newest)
    assert amended.amended_at is not None and not amended.is_draft
    assert amended.value("piece_title") == "Girls Deserve a Real Pitch (final)"
    assert ("piece_title", "Girls Deserve a Real Pitch") in [
        (r.field_key, r.value) for r in amended.revisions
    ]


async def test_profile_is_edited_in_a_dialog_and_saved(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, story.students["Chen"])
        await type_ahead(pilot, "p")
        await settle(pilot)
        assert isinstance(app.screen, ProfileDialog)
        await type_ahead(pilot, *"Chess club [b]not bold[/b]")
        await type_ahead(pilot, "tab", *"Careful reader")
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await type_ahead(pilot, "4")
        profile = shown_text(screen.query_one("#profile-view", Static))
        assert "Chess club [b]not bold[/b]" in profile and "Careful reader" in profile

        await type_ahead(pilot, "p")
        await settle(pilot)
        area = app.screen.query_one("#profile-needs", TextArea)
        area.soft_wrap = False  # wrapping a megabyte takes the test's time, not the app's
        area.text = "x" * 1_000_001  # over the store's limit: refused with a message
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfileDialog)
        assert "limit" in shown_text(app.screen.query_one("#profile-error", Static))
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert app.screen is screen
    student = app_store.get_student(story.students["Chen"])
    assert (student.interests, student.strengths, student.needs) == (
        "Chess club [b]not bold[/b]",
        "Careful reader",
        "",
    )


async def test_no_conferences_yet_and_new_conference_key(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, story.students["Chen"])
        assert "No conferences yet" in view_text(screen)
        await type_ahead(pilot, "enter")  # nothing to open: a message, not a traceback
        await settle(pilot)
        assert app.screen is screen
        await type_ahead(pilot, "n")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.student_id == story.students["Chen"]
        await type_ahead(pilot, *"A new piece")
        await type_ahead(pilot, "escape")  # kept as a draft
        await settle(pilot)
        assert app.screen is screen
        await settle(pilot)
        assert cells(screen.query_one("#history-table", DataTable), 0) == ["✎"]


async def test_a_student_that_is_not_there_gives_a_message(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_history("no-such-student")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert any("No student" in n.message for n in told(app))


def seed_conferences(store: Store, student_id: str, count: int) -> None:
    """Many completed conferences in one transaction (the app's own path fsyncs each one)."""
    with Session(store.engine) as session, session.begin():
        for number in range(count):
            started = NOW - timedelta(days=count - number)
            conference = Conference(
                student_id=student_id,
                form_id=FORM.id,
                form_version=FORM.version,
                status="complete",
                started_at=started,
                ended_at=started + timedelta(minutes=5),
                updated_at=started,
                piece_title=f"Piece {number}",
            )
            session.add(conference)
            session.flush()
            session.add(
                Answer(
                    conference_id=conference.id,
                    stage_key="reflect",
                    field_key="teaching_point",
                    value=f"Teaching point number {number}",
                    updated_at=started,
                )
            )


async def test_a_name_too_long_for_the_title_line_ends_in_an_ellipsis(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("Long names")
    name = "Maximiliana Alexandrina Konstantinopoulou-Worthington-Fitzgerald de la Cruz"
    student_id = app_store.add_student(klass.id, name).id
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, student_id)
        line = screen.query_one("#history-title", Static).render_line(0).text.rstrip()
        # Cut where the line ends, and said to be cut: not a shorter name.
        assert line.startswith("Maximiliana Alexandrina")
        assert line.endswith("…")
        assert len(line) <= 80


async def test_three_hundred_conferences_open_at_once_and_load_in_pages(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("Big")
    student_id = app_store.add_student(klass.id, "Prolific Writer").id
    seed_conferences(app_store, student_id, 300)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, student_id)
        table = screen.query_one("#history-table", DataTable)
        assert table.row_count == PAGE_SIZE  # one page, not all 300
        assert cells(table, 2)[0] == "Piece 299"
        assert "300 conferences" in shown_text(screen.query_one("#history-title", Static))

        await type_ahead(pilot, "ctrl+end")  # near the end of what is loaded: the next page comes
        await settle(pilot)
        assert table.row_count == 2 * PAGE_SIZE
        await type_ahead(pilot, "ctrl+end")
        await settle(pilot)
        await type_ahead(pilot, "ctrl+end")
        await settle(pilot)
        assert table.row_count == 300
        assert cells(table, 2)[-1] == "Piece 0"
        assert "Teaching point number 0" in view_text(screen)


def test_conference_view_leaves_nothing_out(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Every stage in spiral order; empty stages say so; notes of unknown fields still shown."""
    conference_id = story.conferences["Amara"][0]
    app_store.begin_amendment(conference_id)
    app_store.save_answer(conference_id, "gone", "old_field", "kept <b>as typed</b>", True)
    conference = app_store.get_conference(conference_id)
    goals = app_store.goals_touching(conference_id)
    text = plain_text(conference_renderable(conference, FORM, goals), width=80)
    titles = [f"{stage.number}. {stage.title}" for stage in FORM.stages]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "nothing noted" in text
    assert "old_field (private)" in text and "kept <b>as typed</b>" in text
    assert "set: Name one reason" in text and "revised: Make a claim" in text


def test_history_snapshot(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    """A demo learner's amended conference, at 80x24."""
    app = make_test_app(demo_store, fixed_clock)
    student_id = student_named(demo_store, "Sofía Castillo")

    async def open_amended(pilot: Pilot[object]) -> None:
        await settle(pilot)
        app.open_history(student_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        amended = [s.id for s in screen.summaries.values() if s.amended_at is not None]
        table = screen.query_one("#history-table", DataTable)
        table.move_cursor(row=table.get_row_index(amended[0]))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_amended)  # type: ignore[operator]


def test_history_goals_snapshot(
    snap_compare: object, demo_store: Store, fixed_clock: SettableClock
) -> None:
    """A demo learner's chain of goals: met, revised, active."""
    app = make_test_app(demo_store, fixed_clock)
    student_id = student_named(demo_store, "Amara Okafor")

    async def open_goals(pilot: Pilot[object]) -> None:
        await settle(pilot)
        app.open_history(student_id)
        await settle(pilot)
        await type_ahead(pilot, "2")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_goals)  # type: ignore[operator]


async def test_the_next_students_history_refills_the_same_screen_with_nothing_left_over(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "enter", "2")  # Ben Adeyemi's history, on the goals tab
        await settle(pilot)
        first = app.screen
        assert isinstance(first, HistoryScreen)
        assert first.active_tab() == "goals"
        ben_dates = cells(first.query_one("#history-table", DataTable), 1)
        # Back, two students down, and into Amara's history, typed as fast as keys go.
        await type_ahead(pilot, "escape", "down", "down", "enter", "down")
        await settle(pilot)
        assert app.screen is first, "the screen was built again, not refilled"
        assert first.student_id == story.students["Amara"]
        assert first.active_tab() == "conferences"
        table = first.query_one("#history-table", DataTable)
        assert app.focused is table
        assert cells(table, 1) == ["2026-11-13", "2026-10-30", "2026-10-16"]
        assert not set(ben_dates) & set(cells(table, 1))
        assert first.selected_conference_id() == story.conferences["Amara"][1]  # the "down"
        assert "Amara" in shown_text(first.query_one("#history-title", Static))
        assert "Ben" not in shown_text(first.query_one("#history-title", Static))
        assert "End by showing how the narrator changed." in view_text(first)
        # The goals tab, built on Ben's visit, waits empty until shown, then shows Amara's.
        assert cells(first.query_one("#goals-table", DataTable), 3) == []
        await type_ahead(pilot, "2")
        goals = cells(first.query_one("#goals-table", DataTable), 3)
        assert goals == ["○ active", "↻ revised", "✓ met"]
        await type_ahead(pilot, "1")

        await type_ahead(pilot, "escape", "up", "up", "enter")  # and back to Ben's
        await settle(pilot)
        assert app.screen is first
        assert cells(first.query_one("#history-table", DataTable), 1) == ben_dates
        assert "Amara" not in view_text(first)


async def test_the_history_opens_focused_on_its_table_and_nowhere_else(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Focused as it is composed: Textual focused a new screen's first focusable widget
    (the tab bar), and the table's focus, asked for at mount, moved it there after the
    first frame in a terminal, restyling and drawing the whole screen again."""
    app = make_test_app(app_store, fixed_clock)
    focused: list[str] = []

    def pushed(screen: object) -> None:
        if isinstance(screen, HistoryScreen) and not focused:
            app.watch(
                screen,
                "focused",
                lambda widget: focused.append(type(widget).__name__),
                init=False,
            )

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.screen_change_signal.subscribe(app, pushed)
        await pilot.press("enter")  # Ben Adeyemi's history
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.focused is app.screen.query_one("#history-table")
        assert focused == [], "the focus moved once the screen was up"


def title_shown(app: object) -> str:
    """The header's line, as the teacher reads it at the top of the screen."""
    return app.screen.query_one(AppHeader).heading().plain  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("opening", "to_history", "title"),
    [("v", "h", "Class status"), ("g", "enter", "Small groups")],
)
async def test_the_screen_left_under_a_history_shows_its_own_title_again(
    app_store: Store,
    fixed_clock: SettableClock,
    story: StoryData,
    opening: str,
    to_history: str,
    title: str,
) -> None:
    """The history is kept between visits; its title went with it only on the roster."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for visit in ("first", "kept"):
            await type_ahead(pilot, opening)
            assert title_shown(app) == f"conference-tui — {title}", visit
            await type_ahead(pilot, to_history)
            assert isinstance(app.screen, HistoryScreen)
            assert title_shown(app).startswith("conference-tui — History · "), visit
            await type_ahead(pilot, "escape")
            assert title_shown(app) == f"conference-tui — {title}", visit
            await type_ahead(pilot, "escape")
            assert isinstance(app.screen, RosterScreen)
            assert title_shown(app) == f"conference-tui — {app.current_class_name}", visit


async def test_a_tab_is_built_when_first_shown_and_keys_typed_behind_it_land_there(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """The goals, habits and profile are built on their first showing, not with the
    screen; keys typed right behind the tab's key still reach what it shows."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, story.students["Amara"])
        for built_later in ("#goals-table", "#habits-table", "#profile-view"):
            assert not screen.query(built_later), built_later
        # To the second goal, then to the conference that set it, as fast as keys go.
        await type_ahead(pilot, "2", "down", "enter")
        assert screen.active_tab() == "conferences"
        assert screen.selected_conference_id() == story.conferences["Amara"][1]
        assert not screen.query("#habits-table")

        habits_tab = next(p for p in screen.query_one(TabBar).places if p.tab == "habits")
        # From the tab bar, not a key; and the keys then go to what the tab shows.
        await pilot.click("#history-tabs", offset=(habits_tab.x + 1, 0))
        await settle(pilot)
        assert screen.active_tab() == "habits"
        assert app.focused is screen.query_one("#habits-table")
        assert cells(screen.query_one("#habits-table", DataTable), 0)[0] == "Persisting"


async def test_keys_behind_a_tab_on_a_refilled_history_move_from_its_first_row(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """On a kept history, the goals typed to at once (2, down, down) show from the top:
    the table is laid out before the keys move its cursor, so no row is scrolled away
    (it showed from the third goal, the active one above it out of sight)."""
    student_id = app_store.add_student(story.class_id, "Many Goals").id
    goal_id = ""
    for days_ago in range(40, 0, -2):
        closing = ((goal_id, "met"),) if goal_id else ()
        conference_id = hold_conference(
            app_store,
            fixed_clock,
            student_id,
            at(days_ago),
            {"goal": f"Goal set {days_ago} days ago"},
            close_goals=closing,
        )
        goal_id = goal_set_by(app_store, conference_id)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # From the roster, as fast as keys go: the student, the history, its goals.
        await type_ahead(pilot, "/", *"Many", "enter", "enter", "2", "down", "escape")
        screen = app.kept_history
        assert screen is not None and isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "enter", "2", "down", "down")
        assert app.screen is screen
        table = screen.query_one("#goals-table", DataTable)
        assert table.row_count == 20 > table.size.height
        assert table.cursor_row == 2
        assert table.scroll_y == 0


async def test_a_resize_keeps_the_teachers_place_in_the_history(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """The tables are fitted again to a new width; the row the teacher was on stays
    selected (it went back to the newest)."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, story.students["Amara"])
        await type_ahead(pilot, "down")
        selected = screen.selected_conference_id()
        assert selected == story.conferences["Amara"][1]
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert screen.selected_conference_id() == selected
        await type_ahead(pilot, "2", "down")
        goals = screen.query_one("#goals-table", DataTable)
        assert goals.cursor_row == 1
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        assert goals.cursor_row == 1


async def test_a_history_opened_again_starts_on_the_newest_conference(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """However far down the last visit left the cursor, a history opened starts on the
    newest conference: the same keys (enter, down, enter) open the same conference each
    time."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "down", "down", "enter", "down", "down")  # Amara's
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert history.selected_conference_id() == story.conferences["Amara"][2]
        await type_ahead(pilot, "escape", "enter")
        await settle(pilot)
        assert app.screen is history
        assert history.selected_conference_id() == story.conferences["Amara"][0]


async def test_the_tab_bar_moves_along_with_left_and_right_and_marks_the_tab_shown(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """The tab bar, focused (shift+tab from the table), moves along the tabs with
    left/right and keeps the focus; a digit goes to what its tab shows. The chosen tab
    is the one underlined."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, story.students["Amara"])
        bar = screen.query_one(TabBar)
        assert bar.render_line(0).text.rstrip() == " 1 Conferences  2 Goals  3 Habits  4 Profile"

        def underlined() -> str:
            """The label over the part of the underline drawn in the cursor's colour."""
            chosen = bar.get_component_rich_style("tab-bar--bar").color
            x, start, end = 0, 0, 0
            for segment in bar.render_line(1):
                if segment.style is not None and segment.style.color == chosen:
                    start, end = x, x + len(segment.text)
                x += len(segment.text)
            return bar.render_line(0).text[start:end]

        assert underlined() == "1 Conferences"
        await type_ahead(pilot, "shift+tab", "right", "right")
        assert (screen.active_tab(), app.focused) == ("habits", bar)
        assert underlined() == "3 Habits"
        await type_ahead(pilot, "left", "left", "left")  # round to the last
        assert (screen.active_tab(), app.focused) == ("profile", bar)
        assert underlined() == "4 Profile"
        await type_ahead(pilot, "2", "down")
        assert screen.active_tab() == "goals"
        goals = screen.query_one("#goals-table", DataTable)
        assert app.focused is goals and goals.cursor_row == 1
        assert underlined() == "2 Goals"
        # Only the tab shown is on screen.
        shown = [pane.id for pane in screen.query(".history-pane") if pane.display]
        assert shown == ["goals-pane"]


async def test_the_history_opens_with_no_widget_for_a_tab_not_shown(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """Each widget is styled, laid out and drawn as the screen first shows: the tab bar
    is one widget, and the tabs not shown have none (Textual's TabbedContent was 14 of
    the screen's 25, its first visit 2x the floor's)."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_history_of(pilot, app, story.students["Amara"])
        widgets = [type(widget).__name__ for widget in screen.walk_children()]
        assert len(widgets) <= 11, widgets


async def test_a_history_read_ahead_is_shown_only_while_nothing_was_written_since(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """The history of the student the cursor rests on is read before enter: used as it
    is while the database is unchanged, read again once anything was written (here by
    another copy of the app, which completes a conference with her meanwhile)."""
    amara = story.students["Amara"]
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # The cursor on her, its own read ahead stopped: the test reads when it means to
        # (a timer's read landing in the middle would make what it checks a race).
        select_student(app, amara)
        await settle(pilot)
        assert app.history_prefetch.resting_on == amara
        assert app.history_prefetch.timer is not None
        app.history_prefetch.timer.stop()
        app.history_prefetch.read(amara)  # as the cursor resting on her does
        await settle(pilot)
        kept = app.history_prefetch.kept
        assert kept is not None and kept.student_id == amara
        assert app.history_prefetch.take(app_store, amara) is kept.opening
        assert app.history_prefetch.take(app_store, story.students["Ben"]) is None
        other = Store.open(str(app_store.location.path), clock=fixed_clock)
        try:
            late = hold_conference(other, fixed_clock, amara, at(0, 11), {"piece_title": "Late"})
        finally:
            other.close()
        assert app.history_prefetch.take(app_store, amara) is None
        # The cursor rests on her again: read again, as the write made the last one old.
        app.history_prefetch.read(amara)
        await settle(pilot)
        again = app.history_prefetch.kept
        assert again is not None and again is not kept
        assert app.history_prefetch.take(app_store, amara) is again.opening
        await type_ahead(pilot, "enter")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        shown = [
            str(table.coordinate_to_cell_key((row, 0)).row_key.value)
            for row in range(table.row_count)
        ]
        assert late in shown and len(shown) == len(story.conferences["Amara"]) + 1


async def test_the_roster_reads_ahead_the_history_of_the_student_the_cursor_rests_on(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        for keys in (("down",), ("down", "down"), ("up",)):
            await type_ahead(pilot, *keys)
            assert app.history_prefetch.resting_on == roster.selected_student_id()
        # Back from a conference that wrote, the rows are read again: the student under
        # the cursor is read ahead again (the last read is old).
        app.history_prefetch.resting_on = None
        await type_ahead(pilot, "n", *"A title", "ctrl+s")
        assert app.screen is roster
        assert app.history_prefetch.resting_on == roster.selected_student_id()
