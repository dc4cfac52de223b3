"""A rubric in a conference, by keyboard and mouse: the teacher's level and the
student's own kept apart, notes per criterion, and history showing each over time."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from conference_tui import paths
from conference_tui.field_kinds import Kind, RubricPart
from conference_tui.forms import load_form
from conference_tui.store import Store
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.rubric import RubricEditor, RubricGrid

from .conftest import (
    NOW,
    SettableClock,
    at,
    make_test_app,
    one_student,
    settle,
    told,
    type_ahead,
)
from .test_conference import autosave, open_conference, screen
from .test_history import view_text
from .test_search import open_search, result_lines, search_for

RUBRIC_FORM = load_form(paths.builtin_forms_dir() / "writing-rubric.toml")


def scored(
    store: Store,
    clock: SettableClock,
    student_id: str,
    days_ago: int,
    levels: dict[str, str],
    *,
    complete: bool = True,
) -> str:
    """A conference held with the rubric form `days_ago`, its rubric parts (keyed
    `criterion.part`) saved as the conference screen saves them; returns its id."""
    clock.set(at(days_ago))
    conference = store.start_conference(student_id, RUBRIC_FORM.id, RUBRIC_FORM.version, "clarify")
    rubric = RUBRIC_FORM.field("rubric")
    kinds = dict(rubric.answer_keys())
    for part, value in levels.items():
        key = f"rubric.{part}"
        store.save_answer(conference.id, "assess", key, value, rubric.private, kinds[key])
    if complete:
        store.complete_conference(conference.id)
    clock.set(NOW)
    return conference.id


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


async def test_home_and_end_go_to_the_first_and_last_criterion(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: home on the grid did nothing, without a word."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "pagedown", "pagedown", "pagedown", "end", "2", "home", "3")
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
    criteria = [criterion.key for criterion in RUBRIC_FORM.field("rubric").criteria]
    stored = answers_of(app_store, student_id)
    assert stored[f"rubric.{criteria[-1]}.teacher"][0] == "2"
    assert stored[f"rubric.{criteria[0]}.teacher"][0] == "3"


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


async def test_history_shows_each_criterion_over_time_teacher_and_student_apart(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    scored(app_store, fixed_clock, student_id, 30, {"focus.teacher": "1", "focus.student": "3"})
    scored(app_store, fixed_clock, student_id, 20, {"focus.teacher": "2"})
    scored(
        app_store,
        fixed_clock,
        student_id,
        10,
        {
            "focus.teacher": "4",
            "focus.student": "4",
            "focus.note": "Every scene serves the ending.",
            # Stored under a rubric that had more levels: shown as unknown, kept.
            "voice.teacher": "7",
        },
    )
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_history(student_id)
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        shown = " ".join(view_text(history).split())
        assert "Writing rubric" in shown
        assert "Focus: T 4 Exceeding · S 4 Exceeding — Every scene serves the ending." in shown
        # The teacher's levels oldest first (1, 2, 4), the student's own beside (3, 4).
        assert "over time T ▁▃█ S ▆█" in shown
        assert "Voice: T unknown level “7” · S —" in shown
        assert "rubric.focus" not in shown  # never shown as a stray note
        # The conference before: its own levels, the same trend.
        await type_ahead(pilot, "down")
        await settle(pilot)
        shown = " ".join(view_text(history).split())
        assert "Focus: T 2 Developing · S —" in shown
        assert "Voice" not in shown


async def test_tab_leaves_the_rubric_by_its_note_and_a_click_sets_a_level(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "pagedown", "pagedown", "pagedown")
        conference = screen(app)
        assert isinstance(app.focused, RubricGrid)
        # Tab: the note, then the next field; shift+tab comes back. Never a dead stop.
        await type_ahead(pilot, "tab")
        assert app.focused is conference.editors["rubric"].query_one(".rubric-note")
        await type_ahead(pilot, "tab")
        assert conference.focused_editor() is conference.editors["evidence"]
        await type_ahead(pilot, "shift+tab", "shift+tab")
        assert isinstance(app.focused, RubricGrid)
        # A click on Detail's third level sets the teacher's level there. Where the grid
        # is on screen is read once shift+tab's scroll to it has ended: a click aimed while
        # it moved missed the grid once, on a loaded machine.
        grid = app.focused
        await pilot.wait_for_scheduled_animations()
        name_width, cell = grid.columns()
        await pilot.click(grid, offset=(name_width + 2 * cell + 1, 3))
        await settle(pilot)
        assert grid.level("detail", RubricPart.TEACHER) == "3"
        # A letter that is no key of the rubric is refused out loud, not lost unseen.
        await type_ahead(pilot, "x")
        assert any("not a key of the rubric" in n.message for n in told(app))
        await autosave(pilot)
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
    assert answers_of(app_store, student_id) == {
        "rubric.detail.teacher": ("3", Kind.RUBRIC_TEACHER)
    }


async def test_a_level_the_form_no_longer_has_is_shown_unknown_and_kept(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A draft scored on a rubric with more levels, reopened after the form changed:
    the grid says the level is unknown, and nothing is rewritten unless the teacher
    sets that criterion anew."""
    student_id = one_student(app_store)
    draft = scored(
        app_store,
        fixed_clock,
        student_id,
        0,
        {"focus.teacher": "6", "focus.student": "two"},
        complete=False,
    )
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_conference(student_id, draft, stage_key="assess")
        await settle(pilot)
        editor = screen(app).editors["rubric"]
        side = str(editor.query_one(".rubric-side", Static).render())
        assert "T unknown “6”" in side and "S unknown “two”" in side
        assert "T/S?" in str(editor.grid.render())
        await type_ahead(pilot, "down", "2")
        await autosave(pilot)
        await type_ahead(pilot, "escape")
        await settle(pilot)
    stored = app_store.get_conference(draft).answers
    assert stored["rubric.focus.teacher"].value == "6"
    assert stored["rubric.focus.student"].value == "two"
    assert stored["rubric.structure.teacher"].value == "2"


async def test_search_says_which_rubric_and_criterion_a_note_is_in_and_opens_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    scored(app_store, fixed_clock, student_id, 3, {"voice.note": "Sounds like a sportscaster."})
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)
    async with app.run_test(size=(80, 24)) as pilot:
        search = await open_search(pilot, app)
        await search_for(pilot, search, "sportscaster")
        [line] = result_lines(search)
        assert "Writing rubric · Voice · note" in line
        await type_ahead(pilot, "down", "enter")
        await settle(pilot)
        conference = screen(app)
        assert RUBRIC_FORM.stages[conference.stage_index].key == "assess"
        # In the note it was found in (Voice's), not on the grid's first row.
        editor = conference.editors["rubric"]
        assert isinstance(editor, RubricEditor)
        assert editor.note_box.has_focus and editor.note_for == "voice"
        assert editor.note_box.value == "Sounds like a sportscaster."


async def test_a_draft_left_in_a_rubric_note_reopens_in_that_note(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: a draft left in the Structure note reopened on
    the grid's first row, and " soon" typed at once set Focus to 1 (its space) and
    switched sides (its s). It reopens in the note, and the words go on in it."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock, form=RUBRIC_FORM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "pagedown", "pagedown", "pagedown", "down", "n", "needs an ending")
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "n", " soon")
        editor = screen(app).editors["rubric"]
        assert isinstance(editor, RubricEditor)
        assert editor.note_box.has_focus and editor.note_for == "structure"
        assert editor.note_box.value == "needs an ending soon"
        await type_ahead(pilot, "escape")
    stored = answers_of(app_store, student_id)
    assert stored == {"rubric.structure.note": ("needs an ending soon", Kind.RUBRIC_NOTE)}


async def test_history_shows_a_rubric_conference_with_its_own_form(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The app's form is the writing conference; a conference held with the rubric form
    still reads as a rubric in history, never as stray keyed notes."""
    student_id = one_student(app_store)
    scored(app_store, fixed_clock, student_id, 5, {"focus.teacher": "2"})
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_history(student_id)
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        shown = " ".join(view_text(history).split())
        assert "Focus: T 2 Developing · S —" in shown
        assert "rubric.focus" not in shown
