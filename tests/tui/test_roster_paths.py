"""The roster's everyday paths at full speed, at 80x24: archive and bring back, the
first student, the order, Home/End in every list, and changes made by another copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static, Tree

from conference_tui.settings import load_settings
from conference_tui.store import Store
from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.screens.archived_dialog import ArchivedDialog
from conference_tui.tui.screens.class_dialog import ClassDialog
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.groups import GroupsScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.screens.student_dialog import StudentDialog
from conference_tui.tui.widgets.dialogs import ConfirmDialog

from .conftest import (
    SettableClock,
    StoryData,
    make_test_app,
    settle,
    student_named,
    type_ahead,
)
from .conftest import told as given


def names_shown(app: ConferenceApp) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def selected_name(app: ConferenceApp) -> str:
    table = app.screen.query_one(DataTable)
    return str(table.get_row_at(table.cursor_row)[1])


def told(app: ConferenceApp) -> list[str]:
    """Every message the app will show the teacher from now on, kept: a notification
    leaves the screen after its timeout, which a slow machine may pass mid-test."""
    seen: list[str] = []
    show = app.notify

    def notify(message: str, **options: Any) -> None:
        seen.append(message)
        show(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return seen


def roster(app: ConferenceApp) -> RosterScreen:
    assert isinstance(app.screen, RosterScreen)
    return app.screen


async def test_home_down_d_y_archives_the_second_student_then_undo_and_restore(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("7B")
    for name in ("Cy Baker", "Ann Zeller", "Bo Adams"):
        app_store.add_student(klass.id, name)
    app = make_test_app(app_store, fixed_clock)
    messages = told(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert names_shown(app) == ["Bo Adams", "Cy Baker", "Ann Zeller"]
        await type_ahead(pilot, "end", "home", "down", "d")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == "Archive Cy Baker?"
        await type_ahead(pilot, "y", "end")
        assert names_shown(app) == ["Bo Adams", "Ann Zeller"]
        assert "Archived Cy Baker — u to undo" in messages
        assert selected_name(app) == "Ann Zeller"  # end, typed after y, acted on what shows

        await type_ahead(pilot, "u")  # undo: back, and selected
        assert names_shown(app) == ["Bo Adams", "Cy Baker", "Ann Zeller"]
        assert selected_name(app) == "Cy Baker"
        await type_ahead(pilot, "u")  # nothing left to undo: said, nothing changes
        assert any(m.startswith("Nothing to undo") for m in messages)

        # Two archived, then brought back from the list: end picks the last of it. (Each
        # question answered once it shows: see test_type_ahead for keys typed before.)
        await type_ahead(pilot, "home", "d")
        await type_ahead(pilot, "y", "end", "d")
        await type_ahead(pilot, "y", "D")
        under = app.screen_stack[-2]
        assert isinstance(under, RosterScreen)
        assert [row.student.name for row in under.rows] == ["Cy Baker"]
        dialog = app.screen
        assert isinstance(dialog, ArchivedDialog)
        options = dialog.query_one("#archived", OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown == ["Bo Adams", "Ann Zeller"]
        await type_ahead(pilot, "end", "enter")
        assert names_shown(app) == ["Cy Baker", "Ann Zeller"]
        assert selected_name(app) == "Ann Zeller"
        await type_ahead(pilot, "D", "home", "r")
        assert names_shown(app) == ["Bo Adams", "Cy Baker", "Ann Zeller"]
        await type_ahead(pilot, "D")
        hint = str(app.screen.query_one("#hint", Static).render())
        assert "No archived students in 7B" in hint
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
    assert app_store.archived_students(klass.id) == []


async def test_n_with_the_whole_class_hidden_says_what_hides_it_not_to_add_a_student(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: a filter that matched nobody, then n, said "No
    student selected. Press a to add one.": the way to a second record of a student."""
    klass = app_store.add_class("7B")
    for name in ("Cy Baker", "Ann Zeller"):
        student = app_store.add_student(klass.id, name)
        # Seen today: neither is due.
        held = app_store.start_conference(student.id, "writing-conference", 1)
        app_store.complete_conference(held.id)
    app = make_test_app(app_store, fixed_clock)
    messages = told(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", "zzz", "enter", "n", "Hello")
        assert names_shown(app) == []
        said = [m for m in messages if m.startswith("No student")]
        assert said == [
            "No student is shown: the filter hides them all (escape clears it).\n"
            "The 5 keys typed after it were not used."
        ]
        await type_ahead(pilot, "escape", "w")
        await type_ahead(pilot, "n")
        assert messages[-1] == (
            "No student is shown: only students who are due are shown (w shows everyone)."
        )
        await type_ahead(pilot, "w", "n")
        assert isinstance(app.screen, ConferenceScreen)
        await type_ahead(pilot, "escape")


async def test_first_student_and_class_in_one_burst_on_an_empty_database(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(app_store, fixed_clock)
    messages = told(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")  # says the same as the welcome: press a
        assert "No student selected. Press a to add one." in messages
        welcome = str(app.screen.query_one("#welcome", Static).render())
        assert "Press a to add your first student" in welcome

        await type_ahead(pilot, "a", "Okafor, Amara", "tab", "Period 3", "enter")
        assert isinstance(app.screen, RosterScreen)
        assert names_shown(app) == ["Amara Okafor"]
        assert "Period 3" in app.sub_title
        # The class has a student now: the dialog asks only for the name.
        await type_ahead(pilot, "a", "Ben Ng", "enter")
        assert names_shown(app) == ["Ben Ng", "Amara Okafor"]  # by family name
        assert selected_name(app) == "Ben Ng"
    [school_class] = app_store.list_classes()
    assert school_class.name == "Period 3" and school_class.student_count == 2


async def test_an_empty_class_is_offered_and_a_new_name_makes_a_new_class(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    app_store.add_class("Period 3")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "a")
        assert isinstance(app.screen, StudentDialog)
        assert app.screen.query_one("#class-name", Input).value == "Period 3"
        await type_ahead(pilot, "Ann Lee", "tab", "  period 3 ", "enter")  # the same class
        await type_ahead(pilot, "c", "tab", "Period 4", "enter")  # a new, empty class
        await type_ahead(pilot, "a", "Bo Ray", "tab", "Period 5", "enter")  # another one
        assert names_shown(app) == ["Bo Ray"]
        assert "Period 5" in app.sub_title
        # A refused name says why, keeps what was typed and saves nothing.
        await type_ahead(pilot, "c", "tab", "Period 4", "enter", "a", "tab", "Period 6", "enter")
        assert isinstance(app.screen, StudentDialog)
        assert "cannot be empty" in str(app.screen.query_one("#error", Static).render())
        assert app.screen.query_one("#class-name", Input).value == "Period 6"
    classes = {c.name: c.student_count for c in app_store.list_classes()}
    assert classes == {"Period 3": 1, "Period 4": 0, "Period 5": 1}


async def test_a_name_typed_on_the_list_of_classes_makes_that_class(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: c, then "Period 4" refused every letter on the
    list of classes, though the dialog says "type a name, then enter". The name goes
    into the new class's box; up, down and enter still pick a class."""
    app_store.add_class("Period 3")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "c")
        assert isinstance(app.screen, ClassDialog)
        assert app.focused is app.screen.query_one("#classes")
        await type_ahead(pilot, "Period 4", "enter")
        assert isinstance(app.screen, RosterScreen)
        assert "Period 4" in app.sub_title
        assert not [n for n in given(app) if n.title == "Key not used"]
        await type_ahead(pilot, "c", "enter")  # the highlighted class, as before
        assert isinstance(app.screen, RosterScreen)
        # A class's own name opens it (it made an empty twin), however it is spaced or cased.
        await type_ahead(pilot, "c", "period  3", "enter")
        assert isinstance(app.screen, RosterScreen) and "Period 3" in app.sub_title
        # Up in the box goes back to the list: enter then opens the class it is on.
        await type_ahead(pilot, "c", "Per", "up")
        assert isinstance(app.screen, ClassDialog)
        assert app.focused is app.screen.query_one("#classes")
        await type_ahead(pilot, "escape")
    assert sorted(c.name for c in app_store.list_classes()) == ["Period 3", "Period 4"]


async def test_order_cycles_shows_in_the_heading_and_is_kept(
    app_store: Store, fixed_clock: SettableClock, tmp_path: Path
) -> None:
    klass = app_store.add_class("7B")
    for name in ("zoë adams", "Eli Ávila", "Amara Okafor", "José Avila"):
        app_store.add_student(klass.id, name)
    app = make_test_app(app_store, fixed_clock)

    def heading() -> str:
        table = app.screen.query_one(DataTable)
        return str(table.ordered_columns[1].label)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert names_shown(app) == ["zoë adams", "Eli Ávila", "José Avila", "Amara Okafor"]
        assert heading() == "Student · family name"
        await type_ahead(pilot, "end", "o")
        assert names_shown(app) == ["Amara Okafor", "Eli Ávila", "José Avila", "zoë adams"]
        assert heading() == "Student · first name"
        assert selected_name(app) == "Amara Okafor"  # the same student, where they now are
        status = str(app.screen.query_one("#roster-status", Static).render())
        assert "by first name" in status
        await type_ahead(pilot, "o")
        assert heading() == "Student · most overdue"
    assert load_settings().roster_order == "overdue"
    again = make_test_app(app_store, fixed_clock, settings=load_settings())
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert roster(again).order == "overdue"
        await type_ahead(pilot, "o")
        assert names_shown(again)[0] == "zoë adams"
    assert load_settings().roster_order == "family"


async def test_home_and_end_in_history_and_groups(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "end")
        assert selected_name(app) == "Chen Wei (Chen)"
        await type_ahead(pilot, "home", "down", "down", "enter", "end")
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#history-table", DataTable)
        assert table.cursor_row == 2
        await type_ahead(pilot, "home")
        assert table.cursor_row == 0
        await type_ahead(pilot, "escape", "g", "end")
        assert isinstance(app.screen, GroupsScreen)
        tree = app.screen.query_one(Tree)
        assert tree.cursor_line == tree.last_line > 0
        await type_ahead(pilot, "home")
        assert tree.cursor_line == 0


async def test_a_change_by_another_copy_appears_without_moving_the_cursor_or_the_typing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("7B")
    for name in ("Ann Okafor", "Bo Okoye", "Cy Ruiz"):
        app_store.add_student(klass.id, name)
    assert app_store.location.path is not None
    other = Store.open(str(app_store.location.path), clock=fixed_clock)
    app = make_test_app(app_store, fixed_clock)

    async def poll(pilot: Pilot[object]) -> None:
        """What the timer does every few seconds (the test does not wait for it)."""
        roster(app).poll_for_changes()
        await settle(pilot)

    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_ahead(pilot, "down", "down")
            assert selected_name(app) == "Cy Ruiz"
            await poll(pilot)  # nothing changed: nothing read again
            other.add_student(klass.id, "Al Aardvark")  # a command-line import, say
            await poll(pilot)
            assert names_shown(app) == ["Al Aardvark", "Ann Okafor", "Bo Okoye", "Cy Ruiz"]
            assert selected_name(app) == "Cy Ruiz"

            await type_ahead(pilot, "slash", "ok")  # the teacher is typing a filter
            other.add_student(klass.id, "Di Okonkwo")
            other.archive_student(app_store.roster(klass.id)[0].student.id)
            await poll(pilot)
            box = app.screen.query_one("#filter", Input)
            assert (box.value, app.focused) == ("ok", box)
            assert names_shown(app) == ["Ann Okafor", "Di Okonkwo", "Bo Okoye"]
            await type_ahead(pilot, "o", "y", "enter")  # goes on where it was
            assert names_shown(app) == ["Bo Okoye"]

            # Behind a dialog the roster does not read: it reads when it shows again.
            await type_ahead(pilot, "a")
            other.add_student(klass.id, "Ed Okoye")
            roster_screen = app.screen_stack[-2]
            assert isinstance(roster_screen, RosterScreen)
            roster_screen.poll_for_changes()
            await settle(pilot)
            assert "Ed Okoye" not in [row.student.name for row in roster_screen.rows]
            await type_ahead(pilot, "escape")
            assert names_shown(app) == ["Bo Okoye", "Ed Okoye"]

            # The student under the cursor archived elsewhere: the cursor takes the next.
            await type_ahead(pilot, "escape", "home", "down")
            assert selected_name(app) == "Di Okonkwo"
            other.archive_student(student_named(app_store, "Di Okonkwo"))
            await poll(pilot)
            assert names_shown(app) == ["Ann Okafor", "Bo Okoye", "Ed Okoye", "Cy Ruiz"]
            assert selected_name(app) == "Bo Okoye"
    finally:
        other.close()
