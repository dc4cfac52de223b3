"""More than one form: f picks the form a conference is held with, d makes it the
one n starts for the class, and each built-in form runs from first key to ctrl+s."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from conference_tui.field_kinds import Kind
from conference_tui.forms import load_forms
from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.form_dialog import FormDialog
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, make_test_app, one_student, settle, told, type_ahead

# The forms of a conference with one student: a small-group form starts with a group.
BUILT_IN = {key: form for key, form in load_forms()[0].items() if not form.is_group_form}


def shown_options(app: object) -> list[str]:
    options = app.screen.query_one("#forms", OptionList)  # type: ignore[attr-defined]
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_f_offers_every_form_and_the_quick_compliment_runs_end_to_end(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "f")
        assert isinstance(app.screen, FormDialog)
        shown = shown_options(app)
        assert [line.split(" · ")[0] for line in shown] == [
            "Performance-task review",
            "Quick compliment",
            "Writing conference",
            "Writing conference with a rubric",
        ]
        assert "n starts this one" in shown[2]
        # Typed at once: the form, the piece, the compliment, the next step, done.
        await type_ahead(pilot, "up", "enter", *"Owls", "tab", *"Strong verbs")
        await type_ahead(pilot, "pagedown", *"Add a title", "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
    [summary] = app_store.history(student_id)
    conference = app_store.get_conference(summary.id)
    assert conference.form_id == "quick-compliment" and not conference.is_draft
    assert conference.value("strength") == "Strong verbs"
    next_step = conference.answer_of_kind(Kind.NEXT_STEP)
    assert next_step is not None and next_step.value == "Add a title"
    (row,) = app_store.roster(app_store.get_student(student_id).class_id)
    assert row.last_next_step == "Add a title"


async def test_d_makes_a_form_the_class_default_and_n_starts_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    class_id = app_store.get_student(student_id).class_id
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "f", "up", "d")
        assert app_store.get_class(class_id).default_form == "quick-compliment"
        assert "n starts this one" in shown_options(app)[1]
        await type_ahead(pilot, "escape", "n")
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.form.id == "quick-compliment"
        assert [stage.key for stage in app.screen.stages] == ["notice", "next"]


async def test_n_reopens_a_draft_of_another_form_rather_than_start_a_second(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    draft = app_store.start_conference(student_id, "quick-compliment", 1, "notice")
    app_store.save_answer(draft.id, "notice", "strength", "Bold title", False, Kind.STRENGTH)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.conference_id == draft.id
        assert app.screen.editors["strength"].value() == "Bold title"


async def test_a_conference_whose_form_is_gone_says_so_and_changes_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    draft = app_store.start_conference(student_id, "my-old-form", 3, "start")
    app_store.save_answer(draft.id, "start", "thoughts", "Kept safe", False)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", *"typed after")
        assert isinstance(app.screen, RosterScreen)
        messages = [n.message for n in told(app)]
        assert any("“my-old-form”, which is not among the forms" in m for m in messages)
    assert app_store.get_conference(draft.id).value("thoughts") == "Kept safe"


@pytest.mark.parametrize("form_id", sorted(BUILT_IN))
async def test_each_built_in_form_runs_from_the_picker_to_ctrl_s(
    app_store: Store, fixed_clock: SettableClock, form_id: str
) -> None:
    form = BUILT_IN[form_id]
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    position = sorted(BUILT_IN.values(), key=lambda f: f.title.casefold()).index(form)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "f", "home", *["down"] * position, "enter")
        assert isinstance(app.screen, ConferenceScreen) and app.screen.form.id == form_id
        for stage in form.stages:
            first = stage.fields[0]
            if first.type in ("long_text", "short_text", "goal", "next_step"):
                await type_ahead(pilot, *f"{stage.key} noted")
            await type_ahead(pilot, "pagedown")
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
    [summary] = app_store.history(student_id)
    conference = app_store.get_conference(summary.id)
    assert conference.form_id == form_id and not conference.is_draft
    typed = {key: answer.value for key, answer in conference.answers.items()}
    expected = {
        stage.fields[0].key: f"{stage.key} noted"
        for stage in form.stages
        if stage.fields[0].type in ("long_text", "short_text", "goal", "next_step")
    }
    assert typed == expected


def test_the_form_picker(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    one_student(app_store, "Nguyễn Minh Anh")
    app = make_test_app(app_store, fixed_clock)

    async def steps(pilot: object) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        await type_ahead(pilot, "f", "up")  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)  # type: ignore[operator]


async def test_the_picker_says_which_forms_have_a_draft_open_and_enter_reopens_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    draft = app_store.start_conference(student_id, "writing-rubric", 1, "clarify")
    app_store.save_answer(draft.id, "clarify", "piece_title", "Owls", False)
    app_store.start_conference(student_id, "quick-compliment", 1, "notice")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "f")
        marked = [line.split(" · ")[0] for line in shown_options(app) if "draft open" in line]
        assert marked == ["Quick compliment", "Writing conference with a rubric"]
        await type_ahead(pilot, "end", "enter")
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.conference_id == draft.id
