"""After ctrl+s, N opens the next due student's conference: the most overdue first."""

from __future__ import annotations

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, make_test_app, settle, told, type_ahead


async def test_n_then_ctrl_s_then_shift_n_goes_on_to_the_most_overdue(
    demo_store: Store, fixed_clock: SettableClock
) -> None:
    rows = demo_store.roster(None)
    most_late = max(
        (row for row in rows if row.follow_up_on is not None and row.is_due),
        key=lambda row: fixed_clock().date() - row.follow_up_on,  # type: ignore[operator]
    )
    app = make_test_app(demo_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = app.screen.selected_row()  # type: ignore[attr-defined]
        assert first is not None and first.student.id != most_late.student.id
        # One burst: a conference, a title, complete it, and on to the next due student.
        await type_ahead(pilot, "n", "Volcano poem", "ctrl+s", "N")
        conference = app.screen
        assert isinstance(conference, ConferenceScreen)
        assert conference.student_id == most_late.student.id
        done = demo_store.conferences_of_students([first.student.id])[first.student.id]
        assert done[-1].piece_title == "Volcano poem" and done[-1].status == "complete"
        # Back on the roster, that student is the highlighted one.
        await type_ahead(pilot, "escape")
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        assert roster.selected_student_id() == most_late.student.id


async def test_shift_n_with_nobody_due_says_so_and_opens_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    klass = app_store.add_class("Year 9", "")
    app_store.add_student(klass.id, "Ana Lopez")
    student = app_store.roster(klass.id)[0].student
    conference = app_store.start_conference(student.id, "writing-conference", 1)
    app_store.complete_conference(conference.id)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "N")
        assert isinstance(app.screen, RosterScreen)
        messages = [n.message for n in told(app)]
        assert any(m.startswith("No student is due") for m in messages), messages
