"""The roster by keyboard: first start, classes, students, filter, overdue, archive."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, OptionList, Static

from conference_tui.field_kinds import Kind
from conference_tui.store import Store
from conference_tui.tui.screens.class_dialog import ClassDialog
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.screens.student_dialog import StudentDialog

from .conftest import SIZES, SettableClock, make_test_app, settle, type_ahead


def roster_names(app: object) -> list[str]:
    table = app.screen.query_one(DataTable)  # type: ignore[attr-defined]
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


@pytest.mark.parametrize("size", SIZES)
async def test_first_start_greets_then_class_and_student_by_keyboard(
    app_store: Store, fixed_clock: SettableClock, size: tuple[int, int]
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        welcome = app.screen.query_one("#welcome", Static)
        assert welcome.display and "add your first student" in str(welcome.render())

        await type_ahead(pilot, "c")
        await settle(pilot)
        assert isinstance(app.screen, ClassDialog)
        await type_ahead(pilot, *"Period 3 English", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert "has no students yet" in str(app.screen.query_one("#welcome", Static).render())
        assert "Period 3 English" in app.sub_title

        await type_ahead(pilot, "a")
        await settle(pilot)
        assert isinstance(app.screen, StudentDialog)
        # The class is asked for too (its first student), already filled in: tab past it.
        await type_ahead(pilot, *"Amara Okafor", "tab", "tab", *"Mara", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert roster_names(app) == ["Amara Okafor (Mara)"]
    [row] = app_store.roster(None)
    assert (row.student.name, row.student.preferred_name) == ("Amara Okafor", "Mara")


async def test_bad_student_names_get_a_message_and_nothing_is_saved(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    school_class = app_store.add_class("7B")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "a")
        await settle(pilot)
        await type_ahead(pilot, "enter", "enter")  # empty name
        await settle(pilot)
        assert isinstance(app.screen, StudentDialog)
        assert "cannot be empty" in str(app.screen.query_one("#error", Static).render())
        app.screen.query_one("#name").value = "x" * 250  # type: ignore[attr-defined]
        await type_ahead(pilot, "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StudentDialog)
        assert "characters long" in str(app.screen.query_one("#error", Static).render())
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    assert app_store.roster(school_class.id) == []


async def test_odd_names_are_accepted_as_typed(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    app_store.add_class("7B")
    app = make_test_app(app_store, fixed_clock)
    names = ["../x", "CON", "Zoë 🦊", "ليلى حسن", "[a](javascript:alert(1))"]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for name in names:
            await type_ahead(pilot, "a")
            await settle(pilot)
            app.screen.query_one("#name").value = name  # type: ignore[attr-defined]
            await type_ahead(pilot, "enter")
            await settle(pilot)
            assert isinstance(app.screen, RosterScreen), name
    assert sorted(r.student.name for r in app_store.roster(None)) == sorted(names)


@pytest.mark.parametrize("size", SIZES)
async def test_filter_as_you_type_and_clear(
    app_store: Store, fixed_clock: SettableClock, size: tuple[int, int]
) -> None:
    school_class = app_store.add_class("7B")
    for name in ("Ana Lopez", "Ben Ng", "Hana Sato"):
        app_store.add_student(school_class.id, name)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "slash", "a", "n")
        await settle(pilot)
        assert roster_names(app) == ["Ana Lopez", "Hana Sato"]
        await type_ahead(pilot, "a")  # keeps typing into the filter: "ana"
        await settle(pilot)
        assert roster_names(app) == ["Ana Lopez", "Hana Sato"]
        await type_ahead(pilot, "enter")  # back to the table, filter kept
        await settle(pilot)
        assert roster_names(app) == ["Ana Lopez", "Hana Sato"]
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert roster_names(app) == ["Ana Lopez", "Ben Ng", "Hana Sato"]


async def test_filter_ignores_accents_and_case_as_a_teacher_types_them(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    school_class = app_store.add_class("7B")
    for name in ("Chloé Martin", "Nguyễn Minh Anh", "Zoë Ng", "Øyvind Berg"):
        app_store.add_student(school_class.id, name)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for typed, found in (
            ("chloe", ["Chloé Martin"]),
            ("NGUYEN", ["Nguyễn Minh Anh"]),
            ("Nguyễn", ["Nguyễn Minh Anh"]),
            ("zoe", ["Zoë Ng"]),
            ("ng", ["Nguyễn Minh Anh", "Zoë Ng"]),
            ("øyv", ["Øyvind Berg"]),  # a letter of its own, not an accent: typed as it is
        ):
            await type_ahead(pilot, "slash", *typed, "enter")  # enter: back to the table
            assert roster_names(app) == found, typed


@pytest.mark.parametrize("size", SIZES)
async def test_switch_class(
    app_store: Store, fixed_clock: SettableClock, size: tuple[int, int]
) -> None:
    first = app_store.add_class("A period")
    second = app_store.add_class("B period")
    app_store.add_student(first.id, "Ana Lopez")
    app_store.add_student(second.id, "Ben Ng")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert roster_names(app) == ["Ana Lopez"]
        await type_ahead(pilot, "c")
        await settle(pilot)
        await type_ahead(pilot, "down", "enter")
        await settle(pilot)
        assert roster_names(app) == ["Ben Ng"]
        assert app.current_class_id == second.id
        assert "B period" in app.sub_title


async def test_another_class_starts_at_its_first_student(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    first = app_store.add_class("A period")
    second = app_store.add_class("B period")
    for number in range(4):
        app_store.add_student(first.id, f"Ana Lopez{number}")
        app_store.add_student(second.id, f"Ben Ng{number}")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "down", "down", "down", "c", "down", "enter")
        await settle(pilot)
        assert app.current_class_id == second.id
        # Not the fourth of B period, a student the teacher never picked.
        assert app.screen.query_one(DataTable).cursor_row == 0


async def test_the_class_dialog_shows_the_classes_as_they_are_in_the_store(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    # The dialog opens on the roster's list of classes, then reads them again: a class
    # or a student added since the roster was read (by another copy of the app, say)
    # is there once keys act.
    first = app_store.add_class("A period")
    app_store.add_student(first.id, "Ana Lopez")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app_store.add_student(first.id, "Ben Ng")
        second = app_store.add_class("B period")
        await type_ahead(pilot, "c")
        await settle(pilot)
        options = app.screen.query_one("#classes", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts == ["A period  (2 students)", "B period  (0 students)"]
        await type_ahead(pilot, "down", "enter")
        await settle(pilot)
        assert app.current_class_id == second.id


async def test_most_overdue_first_and_due_only(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    school_class = app_store.add_class("7B")
    recent = app_store.add_student(school_class.id, "Recent Rae")
    never = app_store.add_student(school_class.id, "Never Ned")
    late = app_store.add_student(school_class.id, "Late Lou")
    long_ago = app_store.add_student(school_class.id, "Absent Abe")
    now = fixed_clock.now
    for student, days_ago, follow_up in (
        (recent, 2, None),
        (late, 5, (now - timedelta(days=3)).date().isoformat()),
        (long_ago, 30, None),
    ):
        fixed_clock.now = now - timedelta(days=days_ago)
        conference = app_store.start_conference(student.id, "writing-conference", 1)
        if follow_up:
            app_store.save_answer(
                conference.id, "modify", "follow_up", follow_up, False, Kind.FOLLOW_UP
            )
        app_store.complete_conference(conference.id)
    fixed_clock.now = now
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert roster_names(app) == ["Absent Abe", "Late Lou", "Never Ned", "Recent Rae"]
        await type_ahead(pilot, "o", "o")  # family name, then first name, then overdue
        assert roster_names(app) == ["Late Lou", "Never Ned", "Absent Abe", "Recent Rae"]
        await type_ahead(pilot, "w")
        await settle(pilot)
        assert roster_names(app) == ["Late Lou", "Never Ned", "Absent Abe"]
        status = str(app.screen.query_one("#roster-status", Static).render())
        assert "3 due" in status and "due only" in status
    assert never.id  # never conferred counts as due


async def test_archive_student_keeps_notes(app_store: Store, fixed_clock: SettableClock) -> None:
    school_class = app_store.add_class("7B")
    student = app_store.add_student(school_class.id, "Ana Lopez")
    app_store.add_student(school_class.id, "Ben Ng")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "d")
        await settle(pilot)
        await type_ahead(pilot, "n")  # cancel first
        await settle(pilot)
        assert roster_names(app) == ["Ana Lopez", "Ben Ng"]
        await type_ahead(pilot, "d")
        await type_ahead(pilot, "y")
        await settle(pilot)
        assert roster_names(app) == ["Ben Ng"]
    assert app_store.get_student(student.id).archived


async def test_edit_student_renames(app_store: Store, fixed_clock: SettableClock) -> None:
    school_class = app_store.add_class("7B")
    student = app_store.add_student(school_class.id, "Ana Lopez")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "e")
        await settle(pilot)
        app.screen.query_one("#name").value = "Ana López"  # type: ignore[attr-defined]
        await type_ahead(pilot, "enter")
        await settle(pilot)
        assert roster_names(app) == ["Ana López"]
    assert app_store.get_student(student.id).name == "Ana López"


async def test_startup_warnings_show_inside_the_app(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A failed daily backup (or a broken form) is told on screen, not lost on stderr."""
    from conference_tui.settings import Settings
    from conference_tui.tui.app import make_app

    app = make_app(
        app_store,
        settings=Settings(default_form="no-such-form"),
        clock=fixed_clock,
        startup_warnings=["Today's backup was not made: disk full"],
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Today's backup was not made" in m for m in messages), messages
        assert any("no-such-form" in m and "built-in" in m for m in messages), messages
        assert app.form.id == "writing-conference"


async def test_todays_backup_is_made_after_the_first_frame_and_a_failure_is_told(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from conference_tui.tui.app import make_app

    made: list[str] = []

    def backup_today() -> str:
        made.append("backup")
        return "Today's backup was not made: the backups folder is full"

    app = make_app(app_store, clock=fixed_clock, background_startup=backup_today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert made == ["backup"]
        messages = [n.message for n in app._notifications]
        assert any("backups folder is full" in m for m in messages), messages


async def test_a_resize_keeps_the_cursor_on_its_student_and_n_opens_theirs(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A resize fits the columns again; the cursor stays on its student, so `n` and the
    notes typed after it go to the student the teacher chose (they went to the first)."""
    school_class = app_store.add_class("7B")
    for name in ("Ana Lopez", "Ben Ng", "Hana Sato"):
        app_store.add_student(school_class.id, name)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "down", "down")
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        chosen = screen.selected_student_id()
        assert chosen is not None
        for size in ((120, 40), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert screen.selected_student_id() == chosen, size
        await type_ahead(pilot, "n", *"River", "escape")
        await settle(pilot)
    draft = app_store.draft_for_student(chosen)
    assert draft is not None and draft.piece_title == "River"
