"""A rubric in a conference, by keyboard and mouse: the teacher's level and the
student's own kept apart, notes per criterion, and history showing each over time."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from conference_tui import paths
from conference_tui.field_kinds import Kind
from conference_tui.forms import load_form
from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.rubric import RubricEditor, RubricGrid

from .conftest import SettableClock, make_test_app, one_student, settle, type_ahead
from .test_conference import autosave, open_conference, screen

RUBRIC_FORM = load_form(paths.builtin_forms_dir() / "writing-rubric.toml")


def answers_of(store: Store, student_id: str) -> dict[str, tuple[str, Kind | None]]:
    (summary,) = store.history(student_id)
    conference = store.get_conference(summary.id)
    return {key: (a.value, a.kind) for key, a in conference.answers.items() if a.value}


async def test_a_rubric_filled_by_keyboard_at_80x24_keeps_teacher_and_student_apart(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        # Straight from the first stage to the rubric, typed ahead of the screen.
        await type_ahead(
            pilot,
            "pagedown",
            "pagedown",
            "pagedown",
            "3",  # focus: the teacher's 3
            "s",
            "4",  # focus: the student's own 4
            "down",
            "s",
            "left",
            "left",
            "space",  # structure: the teacher's level under the cursor (4, then 2)
            "n",
            "Needs transitions",
        )
        await autosave(pilot)
        editor = screen(app).editors["rubric"]
        assert isinstance(editor, RubricEditor)
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    stored = answers_of(app_store, student_id)
    assert stored == {
        "rubric.focus.teacher": ("3", Kind.RUBRIC_TEACHER),
        "rubric.focus.student": ("4", Kind.RUBRIC_STUDENT),
        "rubric.structure.teacher": ("2", Kind.RUBRIC_TEACHER),
        "rubric.structure.note": ("Needs transitions", Kind.RUBRIC_NOTE),
    }


def test_snapshot_of_the_rubric_at_80x24(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    """The grid with both sides set on one criterion, the student's side being set, a
    note, and the focused cell's whole descriptor under the grid."""
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)

    async def fill(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "pagedown", "pagedown", "pagedown", "3", "s", "2", "down")
        await type_ahead(pilot, "s", "4", "s", "up", "left")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=fill)  # type: ignore[operator]
