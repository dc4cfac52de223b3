"""Type-ahead: every key typed right after a transition lands where the teacher will see
it, in order, none lost, none acted on by a widget the teacher never saw.

`pilot.press` waits for the app between keys, so it cannot show type-ahead; these tests
hand every key to the app back to back (`type_ahead`), as a terminal does, and then
check the database and the screen.
"""

from __future__ import annotations

import gc

import pytest
from textual.widgets import Input, Select

from conference_tui.store import Store
from conference_tui.store.roster_records import GoalStatus
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.dialogs import ConfirmDialog
from conference_tui.tui.widgets.field_editor import FieldEditor

from .conftest import (
    SIZES,
    SettableClock,
    StoryData,
    make_test_app,
    one_student,
    settle,
    told,
    type_ahead,
)


def select_student(app: object, student_id: str) -> None:
    roster = app.screen  # type: ignore[attr-defined]
    assert isinstance(roster, RosterScreen)
    table = roster.query_one("DataTable")
    table.move_cursor(row=table.get_row_index(student_id))  # type: ignore[attr-defined]


def field_text(app: object, key: str) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ConferenceScreen)
    return screen.editors[key].value()


def shown_text(app: object) -> str:
    """Everything on screen, toasts included, as plain text."""
    return app.export_screenshot().replace("&#160;", " ")  # type: ignore[attr-defined, no-any-return]


def goal_statuses(store: Store, student_id: str) -> dict[str, str]:
    return {goal.id: goal.status for goal in store.goal_chain(student_id)}


@pytest.mark.parametrize("size", SIZES)
async def test_n_then_typing_at_once_lands_in_the_first_field(
    app_store: Store, fixed_clock: SettableClock, size: tuple[int, int]
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "MARKEXPORT")
        assert isinstance(app.screen, ConferenceScreen)
        assert field_text(app, "piece_title") == "MARKEXPORT"
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "MARKEXPORT"


async def test_garbage_collection_resumes_once_the_keys_are_handled(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    # The gate pauses it while a key is handled (so that no collection holds up the
    # screen the key opens), never for longer.
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Piece", "escape", "g", "escape", "x")
        await settle(pilot)
        assert gc.isenabled()


async def test_n_then_typing_never_marks_last_times_goals(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    amara = story.students["Amara"]
    before = goal_statuses(app_store, amara)
    assert GoalStatus.ACTIVE in before.values()
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_student(app, amara)
        await type_ahead(pilot, "n", "read me a draft", "tab", "memoir")
        assert field_text(app, "piece_title") == "read me a draft"
        assert field_text(app, "genre") == "memoir"
        await type_ahead(pilot, "escape")
    assert goal_statuses(app_store, amara) == before


async def test_keys_after_tab_reach_the_next_field_not_the_last(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "PieceA", "tab", "GenreB", "shift+tab", "C")
        assert field_text(app, "piece_title") == "PieceAC"
        assert field_text(app, "genre") == "GenreB"
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert (draft.value("piece_title"), draft.value("genre")) == ("PieceAC", "GenreB")


async def test_pagedown_and_pageup_then_typing_land_in_the_stage_shown(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Every stage is mounted on its first visit here: no time to premount.
        await type_ahead(
            pilot, "n", "T", "pagedown", "P2", "pagedown", "A3", "pageup", "+", "pagedown", "!"
        )
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        first_of = {stage.key: stage.fields[0].key for stage in screen.stages}
        stages = [stage.key for stage in screen.stages]
        assert field_text(app, "piece_title") == "T"
        assert field_text(app, first_of[stages[1]]) == "P2+"
        assert field_text(app, first_of[stages[2]]) == "A3!"
        assert screen.stage_index == 2
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "T"


async def test_stage_six_goal_next_step_and_date_stay_apart(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = ["n", "Owl", *["pagedown"] * 5]
        await type_ahead(pilot, *keys, "Dialogue", "tab", "Add two lines", "tab", "+7", "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
    [summary] = app_store.history(student_id)
    conference = app_store.get_conference(summary.id)
    assert conference.status == "complete"
    assert conference.value("goal") == "Dialogue"
    assert conference.value("next_step") == "Add two lines"
    assert conference.follow_up_on is not None


async def test_keys_after_ctrl_s_go_to_the_roster_not_the_conference_left(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Piece text", "ctrl+s", "/", "Ana")
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        assert roster.query_one("#filter", Input).value == "Ana"
        # Enter keeps the filter and goes to the list; / again starts a new filter.
        await type_ahead(pilot, "enter", "/", "Bo")
        assert roster.query_one("#filter", Input).value == "Bo"
    [summary] = app_store.history(student_id)
    conference = app_store.get_conference(summary.id)
    assert conference.status == "complete"
    assert conference.piece_title == "Piece text"


async def test_keys_after_escape_go_to_the_roster(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Kite", "escape", "/", "An")
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        assert roster.query_one("#filter", Input).value == "An"
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Kite"


async def test_a_question_is_answered_only_by_keys_typed_once_it_shows(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: "dye" typed at once archived a student unseen (y)
    and opened the next one's edit dialog (e). Keys typed before "Archive ...?" showed
    answer nothing, and the teacher is told; an escape among them backs out, and the
    keys after it act on the roster."""
    school_class = app_store.add_class("7B")
    for name in ("Ana Lopez", "Ben Ng"):
        app_store.add_student(school_class.id, name)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "d", "y", "e")
        assert isinstance(app.screen, ConfirmDialog)
        assert [n.title for n in told(app)] == ["Keys not used"]
        assert "2 keys typed before it were not used" in told(app)[0].message
        assert app_store.archived_students(school_class.id) == []
        await type_ahead(pilot, "escape", "/", "Ben", "enter")
        assert isinstance(app.screen, RosterScreen)
        assert app.screen.query_one("#filter", Input).value == "Ben"
        await type_ahead(pilot, "d")
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question == "Archive Ben Ng?"
        await type_ahead(pilot, "y")
        assert isinstance(app.screen, RosterScreen)
    assert [s.name for s in app_store.archived_students(school_class.id)] == ["Ben Ng"]


async def test_add_dialog_name_and_preferred_name_stay_apart(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    school_class = app_store.add_class("7B English")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # The first student of a class: the class (filled in) follows the name.
        await type_ahead(
            pilot, "a", "Amara Okafor", "tab", "tab", "Amy", "enter", "a", "Ben", "enter"
        )
        assert isinstance(app.screen, RosterScreen)
    students = {row.student.name: row.student for row in app_store.roster(school_class.id)}
    assert students["Amara Okafor"].preferred_name == "Amy"
    assert "Ben" in students


async def test_reopened_draft_continues_its_text(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "The Storm", "escape")
        await type_ahead(pilot, "n", " II", "tab", "memoir", "shift+tab", "!")
        assert field_text(app, "piece_title") == "The Storm II!"
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "The Storm II!"


async def test_goal_marked_then_typing_returns_to_the_field(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    amara = story.students["Amara"]
    active = [goal.id for goal in app_store.active_goals(amara)]
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_student(app, amara)
        await type_ahead(pilot, "n", "ctrl+g", "m", "more dramatic")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        assert field_text(app, "piece_title") == "more dramatic"
        editor = screen.focused_editor()
        assert isinstance(editor, FieldEditor) and editor.field_key == "piece_title"
        await type_ahead(pilot, "escape")
    statuses = goal_statuses(app_store, amara)
    assert [statuses[goal_id] for goal_id in active] == ["met"]


async def test_keys_after_a_refused_n_are_dropped_not_run_as_commands(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """`n` with no student to open (a filter that matches nobody): the words typed for the
    conference must not run as roster commands (a: add, e: edit, o: sort...)."""
    school_class = app_store.add_class("7B English")
    app_store.add_student(school_class.id, "Ana Lopez")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", "zzz", "enter", "n", "draw a map", "enter")
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        assert roster.order == "family"
        assert app.key_gate.dropped_total == len("draw a map") + 1
    assert [row.student.name for row in app_store.roster(school_class.id)] == ["Ana Lopez"]


async def test_a_letter_on_a_choice_list_picks_a_choice(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Owl", "tab", "poem", "tab", "r", "tab", "Scary")
        assert field_text(app, "process_stage") == "rehearsal"
        await type_ahead(pilot, "shift+tab", "r")  # the next choice starting with r
        assert field_text(app, "process_stage") == "revising"
        await type_ahead(pilot, "tab", "shift+tab", "e")  # a new word: the first e
        assert field_text(app, "process_stage") == "editing"
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert draft.value("process_stage") == "editing"
    assert draft.value("genre") == "poem"
    assert draft.value("purpose") == "Scary"


async def test_a_word_typed_on_a_choice_list_picks_the_choice_it_begins(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # "drafting": d, then r (not "revising"), a, f... all begin the same choice.
        await type_ahead(pilot, "n", "Owl", "tab", "poem", "tab", "drafting", "tab", "Scary")
        assert field_text(app, "process_stage") == "drafting"
        assert app.key_gate.dropped_total == 0
        await type_ahead(pilot, "shift+tab", "re")  # from drafting on: revising
        assert field_text(app, "process_stage") == "revising"
        await type_ahead(pilot, "tab", "shift+tab", "reh")
        assert field_text(app, "process_stage") == "rehearsal"
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert (draft.value("process_stage"), draft.value("purpose")) == ("rehearsal", "Scary")


async def test_a_word_that_begins_no_choice_leaves_the_choice_as_it_was(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: "reads it aloud", typed on the stage list for the note
    below it, picked "revising" with its r before the refused a stopped it."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Owl", "tab", "poem", "tab", "drafting")
        assert field_text(app, "process_stage") == "drafting"
        await type_ahead(pilot, "tab", "shift+tab", "reads it aloud")
        assert field_text(app, "process_stage") == "drafting"
        said = told(app)[-1].message
        assert "starts with “rea”" in said
        assert "back to “drafting”" in said
        assert app.key_gate.dropped_total >= len("ds it aloud")
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert draft.value("process_stage") == "drafting"


async def test_a_word_on_an_empty_choice_list_leaves_it_empty(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Owl", "tab", "poem", "tab", "dry run")
        assert field_text(app, "process_stage") == ""
        assert "It is empty again" in told(app)[-1].message
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert draft.value("process_stage") == ""


async def test_a_space_after_a_choice_keeps_it_and_what_follows_lands(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: "drafting " then tab and the purpose, typed fast, was
    refused at the space, emptied the choice and dropped the purpose."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(
            pilot, "n", "Owl", "tab", "poem", "tab", "drafting ", "tab", "a funny ending"
        )
        assert field_text(app, "process_stage") == "drafting"
        assert field_text(app, "purpose") == "a funny ending"
        assert app.key_gate.dropped_total == 0
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert (draft.value("process_stage"), draft.value("purpose")) == ("drafting", "a funny ending")


async def test_space_on_a_closed_choice_list_opens_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Owl", "tab", "poem", "tab")
        await type_ahead(pilot, "space")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        select = screen.editors["process_stage"].control
        assert isinstance(select, Select) and select.expanded
        assert app.key_gate.dropped_total == 0
        assert not [notice for notice in told(app) if "No choice" in notice.message]


async def test_two_copies_on_one_draft_never_overwrite_each_other_unseen(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from conference_tui.store.records import AnswerEdit

    student_id = one_student(app_store)
    draft_id = app_store.start_conference(student_id, "writing-conference", 1, "clarify").id
    # The other copy (another laptop on the server) has it open and saving.
    app_store.save_answers(draft_id, [], editor_id="other-laptop")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        assert "Open elsewhere" in shown_text(app)
        app_store.save_answers(
            draft_id, [AnswerEdit("clarify", "piece_title", "Theirs", False, seen_version=0)]
        )
        await type_ahead(pilot, "Mine")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        screen.flush()
        await settle(pilot)
        assert app_store.get_conference(draft_id).value("piece_title") == "Theirs"
        assert field_text(app, "piece_title") == "Mine"
        shown = shown_text(app)
        assert "Changed elsewhere" in shown and "Theirs" in shown
        # Having seen theirs, the teacher changes the field: theirs is replaced knowingly.
        await type_ahead(pilot, "!")
        screen.flush()
        await settle(pilot)
        assert app_store.get_conference(draft_id).value("piece_title") == "Mine!"
        await type_ahead(pilot, "escape")


async def test_history_then_profile_then_typing_lands_in_the_profile(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    amara = story.students["Amara"]
    before = goal_statuses(app_store, amara)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_student(app, amara)
        await type_ahead(pilot, "enter", "p", " Loves maps.", "ctrl+s", "escape")
        assert isinstance(app.screen, RosterScreen)
    assert app_store.get_student(amara).interests.endswith("graphic novels. Loves maps.")
    assert goal_statuses(app_store, amara) == before


async def test_history_then_n_then_typing_lands_in_the_new_conference(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    chen = story.students["Chen"]
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_student(app, chen)
        await type_ahead(pilot, "enter", "n", "Haiku", "escape", "escape")
        assert isinstance(app.screen, RosterScreen)
    draft = app_store.draft_for_student(chen)
    assert draft is not None and draft.value("piece_title") == "Haiku"


async def test_search_then_words_then_enter_opens_the_note_found(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "s", "redstone", "down", "enter")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        assert screen.student_id == story.students["Ben"]
        await type_ahead(pilot, "escape", "escape")


async def test_class_dialog_then_typing_names_the_new_class(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "c", "Period 3", "enter", "a", "Ana", "enter")
        assert isinstance(app.screen, RosterScreen)
    [school_class] = app_store.list_classes()
    assert school_class.name == "Period 3"
    assert [row.student.name for row in app_store.roster(school_class.id)] == ["Ana"]


async def test_edit_dialog_then_typing_edits_the_name_at_its_end(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "e", " Ruiz", "tab", "Ana", "enter", "n", "Kite", "escape")
        assert isinstance(app.screen, RosterScreen)
    student = app_store.get_student(student_id)
    assert (student.name, student.preferred_name) == ("Ana Lopez Ruiz", "Ana")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Kite"


async def test_keys_after_a_refused_ctrl_s_are_not_typed_into_the_conference(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """ctrl+s with a follow-up that is not a date stays in the conference: the keys typed
    after it were meant for the roster, so they are dropped, never typed into a note."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = ["n", "Owl", *["pagedown"] * 5, "tab", "tab"]
        await type_ahead(pilot, *keys, "someday", "ctrl+s", "/", "Pia")
        assert isinstance(app.screen, ConferenceScreen)
        assert field_text(app, "follow_up") == "someday"
        assert app.key_gate.dropped_total == 4
        await type_ahead(pilot, "escape")  # warned once: the date is not saved
        assert app.key_gate.dropped_total == 4
        await type_ahead(pilot, "escape", "escape")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Owl"
    assert "Pia" not in " ".join(answer.value for answer in draft.answers.values())


async def test_a_new_change_elsewhere_is_warned_of_even_after_an_earlier_warning(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from conference_tui.store.records import AnswerEdit

    student_id = one_student(app_store)
    draft_id = app_store.start_conference(student_id, "writing-conference", 1, "clarify").id

    def other_copy_saves(field: str, text: str) -> None:
        app_store.save_answers(
            draft_id, [AnswerEdit("clarify", field, text, False, seen_version=0)]
        )

    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        other_copy_saves("piece_title", "Theirs")  # after this copy loaded the draft
        await type_ahead(pilot, "someday", "escape", "/Pia")
        assert app.screen is screen  # warned, not left: "someday" is in no database
        assert field_text(app, "piece_title") == "someday"
        await type_ahead(pilot, "!")  # changed having seen theirs: saved over it
        other_copy_saves("genre", "Their genre")
        await type_ahead(pilot, "tab", "mine", "escape")
        assert app.screen is screen  # a new problem: warned again, not left
        await type_ahead(pilot, "escape")  # warned of exactly this: leaves without it
        assert not isinstance(app.screen, ConferenceScreen)
    conference = app_store.get_conference(draft_id)
    assert conference.value("piece_title") == "someday!"
    assert conference.value("genre") == "Their genre"
