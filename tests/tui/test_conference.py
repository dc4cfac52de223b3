"""A conference by keyboard only: the spiral, autosave, drafts, last time, completing."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from rich.console import Console
from sqlalchemy import event
from textual import events
from textual.widgets import DataTable, Static

from conference_tui.field_kinds import Kind
from conference_tui.forms import parse_form
from conference_tui.store import Store
from conference_tui.tui.screens.conference import SAVE_INTERVAL_SECONDS, ConferenceScreen
from conference_tui.tui.screens.help import HelpScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.spiral import GoalList, LastTimePanel, SpiralStepper

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


@contextlib.contextmanager
def write_lock_held(store: Store) -> Iterator[None]:
    """Another program holding the write lock, as a second copy of the app would."""
    assert store.location.path is not None
    other = sqlite3.connect(store.location.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def screen(app: object) -> ConferenceScreen:
    current = app.screen  # type: ignore[attr-defined]
    assert isinstance(current, ConferenceScreen)
    return current


def stage_title(app: object) -> str:
    return str(screen(app).query_one("#stage-title", Static).render())


def focused_field(app: object) -> str:
    editor = screen(app).focused_editor()
    return editor.field_key if editor else ""


async def open_conference(pilot: object) -> None:
    await type_ahead(pilot, "n")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(pilot.app.screen, ConferenceScreen)  # type: ignore[attr-defined]


async def wait_until(pilot: object, condition: Callable[[], object], what: str) -> None:
    """Until `condition()` holds, letting the app run (its timers, workers, messages)
    between looks: for what only the app's own timers bring about, such as the autosave
    or a retry once the database is free. Waits for the app to go idle, never for a
    length of time; fails, naming `what`, if the app never gets there."""
    for _ in range(2000):
        if condition():
            return
        await pilot.pause()  # type: ignore[attr-defined]
    raise AssertionError(f"the app never got to: {what}")


async def autosave(pilot: object) -> None:
    """Save what is typed now, as the autosave timer does, and wait until it is saved
    (or refused): nothing pending, no save under way."""
    await settle(pilot)  # type: ignore[arg-type]
    conference = screen(pilot.app)  # type: ignore[attr-defined]
    for _ in range(100):
        draft = conference.draft
        assert draft is not None
        if not draft.pending and not draft.saving:
            return
        conference.flush()
        await settle(pilot)  # type: ignore[arg-type]
    raise AssertionError(f"the conference never saved: {draft.pending}")


def saved_value(app: object, field_key: str) -> str:
    """The text of a field as the conference knows the database holds it."""
    draft = screen(app).draft
    assert draft is not None
    return draft.saved.get(field_key, ("", False))[0]


def save_running(app: object) -> bool:
    """A save of the conference is under way (waiting for the lock, say)."""
    draft = screen(app).draft
    return draft is not None and draft.saving and not draft.pending


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
async def test_whole_spiral_by_keyboard_then_roster_updates(
    app_store: Store, fixed_clock: SettableClock, size: tuple[int, int]
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        assert "Stage 1 of 6" in stage_title(app)
        assert focused_field(app) == "piece_title"
        await type_ahead(pilot, *"Dog", "tab", *"memoir", "tab")
        assert focused_field(app) == "process_stage"
        await type_ahead(pilot, "enter", "down", "down", "enter")
        await type_ahead(pilot, "tab", *"Scary")
        for number in range(2, 7):
            await type_ahead(pilot, "pagedown")
            assert f"{number} of 6 · " in stage_title(app)
            if number == 4:
                await type_ahead(pilot, *"Voice")
        assert focused_field(app) == "goal"
        await type_ahead(pilot, *"Dialogue", "tab", *"Add two lines", "tab", "plus", "7", "tab")
        await type_ahead(pilot, "pageup")
        assert "5 of 6 · " in stage_title(app)
        await type_ahead(pilot, "pagedown", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        table = app.screen.query_one(DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[3] == "1" and row[4] == "Dialogue"

    [summary] = app_store.history(student_id)
    conference = app_store.get_conference(summary.id)
    assert conference.status == "complete"
    assert conference.piece_title == "Dog"
    assert conference.genre == "memoir"
    assert conference.process_stage  # a choice was made by keyboard
    assert conference.value("purpose") == "Scary"
    assert conference.value("strength") == "Voice"
    assert conference.value("next_step") == "Add two lines"
    assert conference.follow_up_on == fixed_clock().date() + timedelta(days=7)
    assert [g.text for g in app_store.active_goals(student_id)] == ["Dialogue"]


async def test_autosave_reaches_the_database_within_a_second_without_a_key(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Owl")
        # No key after "Owl" and no save asked for: only the autosave timer, every
        # SAVE_INTERVAL_SECONDS, can write it.
        assert SAVE_INTERVAL_SECONDS < 1
        await wait_until(
            pilot, lambda: saved_value(app, "piece_title") == "Owl", "autosaving the title"
        )
        draft = app_store.draft_for_student(student_id)
        assert draft is not None and draft.value("piece_title") == "Owl"
        assert isinstance(app.screen, ConferenceScreen)


async def test_ctrl_s_with_everything_autosaved_completes_where_the_teacher_was(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Every word saved by the autosave, then a move to another stage: ctrl+s writes the
    stage with the completion (one write), and the conference is complete."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Owl")
        await wait_until(
            pilot, lambda: saved_value(app, "piece_title") == "Owl", "autosaving the title"
        )
        await type_ahead(pilot, "pagedown", "pagedown", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    conference_id = app_store.latest_conference_id(student_id)
    assert conference_id is not None
    done = app_store.get_conference(conference_id)
    assert done.status == "complete" and done.piece_title == "Owl"
    assert done.current_stage == "act"


@pytest.mark.parametrize("size", SIZES)
async def test_draft_left_with_escape_reopens_exactly_where_it_was(
    app_store: Store, fixed_clock: SettableClock, size: tuple[int, int]
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "pagedown", "pagedown", "tab", *"She said")
        assert focused_field(app) == "quotes"
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        name = str(app.screen.query_one(DataTable).get_row_at(0)[1])
        assert name.startswith("✎")
        await open_conference(pilot)
        assert "Stage 3 of 6" in stage_title(app)
        assert focused_field(app) == "quotes"
        editor = screen(app).editors["quotes"]
        assert editor.value() == "She said"
        assert screen(app).query_one(SpiralStepper).filled == {"act"}
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.current_stage == "act"


async def test_empty_conference_left_with_escape_leaves_no_draft(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    assert app_store.draft_for_student(student_id) is None
    assert app_store.history(student_id) == []


@pytest.mark.parametrize("size", SIZES)
async def test_last_time_shows_previous_goal_and_marks_it_met(
    app_store: Store, fixed_clock: SettableClock, size: tuple[int, int]
) -> None:
    student_id = one_student(app_store)
    fixed_clock.set(fixed_clock() - timedelta(days=9))
    earlier = app_store.start_conference(student_id, "writing-conference", 1)
    app_store.save_answer(earlier.id, "modify", "goal", "Use paragraphs", False, Kind.GOAL)
    app_store.save_answer(
        earlier.id, "modify", "next_step", "Split the long page", False, Kind.NEXT_STEP
    )
    app_store.complete_conference(earlier.id)
    fixed_clock.set(fixed_clock() + timedelta(days=9))
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        panel = screen(app).query_one(LastTimePanel)
        goals = panel.query_one(GoalList)
        assert "Use paragraphs" in str(goals.get_option_at_index(0).prompt)
        assert "Next step: Split the long" in str(goals.get_option_at_index(1).prompt)
        await type_ahead(pilot, "ctrl+g", "m")
        await settle(pilot)
        assert "met" in str(goals.get_option_at_index(0).prompt)
        current_id = screen(app).conference_id
    [goal] = app_store.goal_chain(student_id)
    assert goal.status == "met" and goal.closed_by_conference_id == current_id


async def test_undoing_a_goal_mark_takes_down_the_notice_of_the_mark(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: "… marked met. To undo: ctrl+g, then u" stayed up
    beside "Goal mark undone", the goal no longer met."""
    student_id = one_student(app_store)
    fixed_clock.set(fixed_clock() - timedelta(days=9))
    earlier = app_store.start_conference(student_id, "writing-conference", 1)
    app_store.save_answer(earlier.id, "modify", "goal", "Use paragraphs", False, Kind.GOAL)
    app_store.complete_conference(earlier.id)
    fixed_clock.set(fixed_clock() + timedelta(days=9))
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "ctrl+g", "m")
        await settle(pilot)
        on_screen = [notice.message for notice in app._notifications]
        assert any("marked met" in message for message in on_screen)
        await type_ahead(pilot, "ctrl+g", "u")
        await settle(pilot)
        on_screen = [notice.message for notice in app._notifications]
        assert not any("marked met" in message for message in on_screen)
        assert any("Goal mark undone" in message for message in on_screen)
    [goal] = app_store.goal_chain(student_id)
    assert goal.status == "active"


async def test_a_conference_whose_only_goal_mark_was_undone_leaves_no_draft(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: marked and undone, nothing recorded, yet escape kept
    the conference as a draft."""
    student_id = one_student(app_store)
    fixed_clock.set(fixed_clock() - timedelta(days=9))
    earlier = app_store.start_conference(student_id, "writing-conference", 1)
    app_store.save_answer(earlier.id, "modify", "goal", "Use paragraphs", False, Kind.GOAL)
    app_store.complete_conference(earlier.id)
    fixed_clock.set(fixed_clock() + timedelta(days=9))
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "ctrl+g", "m")
        await type_ahead(pilot, "ctrl+g", "u")
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
    assert app_store.draft_for_student(student_id) is None
    [goal] = app_store.goal_chain(student_id)
    assert goal.status == "active"


async def test_ctrl_s_right_after_typing_saves_and_completes_in_one_write(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Each write is synced to disk: the words typed just before ctrl+s and the
    completion go in one (the benchmark's ctrl+s took two)."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await autosave(pilot)
        # The autosave's interval, due every 0.4 s, may come between "Owl" and ctrl+s on
        # a slow machine and write "Owl" on its own (two writes, as the teacher's would
        # be): held still, every word is still unsaved when ctrl+s arrives.
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        for timer in screen.timers:
            timer.pause()
        event.listen(app_store._write_engine, "commit", committed)
        try:
            await type_ahead(pilot, "Owl", "tab", "poem", "ctrl+s")
        finally:
            event.remove(app_store._write_engine, "commit", committed)
        assert isinstance(app.screen, RosterScreen)
    assert len(commits) == 1
    [summary] = app_store.history(student_id)
    conference = app_store.get_conference(summary.id)
    assert not conference.is_draft
    assert (conference.value("piece_title"), conference.value("genre")) == ("Owl", "poem")


async def test_bad_follow_up_date_is_explained_and_blocks_only_completion(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        for _ in range(5):
            await type_ahead(pilot, "pagedown")
        await type_ahead(pilot, *"Dialogue", "tab", "tab", *"soon")
        await autosave(pilot)
        error = screen(app).editors["follow_up"].query_one(".field-error", Static)
        assert error.display and "not a date" in str(error.render())
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        draft = app_store.draft_for_student(student_id)
        assert draft is not None and draft.value("goal") == "Dialogue"
        follow_up = screen(app).editors["follow_up"].control
        follow_up.value = "2026-12-01"  # type: ignore[attr-defined]
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    [summary] = app_store.history(student_id)
    assert app_store.get_conference(summary.id).follow_up_on.isoformat() == "2026-12-01"  # type: ignore[union-attr]


async def test_ctrl_t_marks_a_note_private(app_store: Store, fixed_clock: SettableClock) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "tab", "tab", "tab", *"Win", "ctrl+t")
        assert focused_field(app) == "purpose"
        await autosave(pilot)
        editor: FieldEditor = screen(app).editors["purpose"]
        assert editor.private
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.answers["purpose"].private


async def test_quitting_mid_sentence_keeps_the_words(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Kite", "ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None, "quitting")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Kite"


async def test_help_and_palette_list_conference_keys(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Next stage", "Prev stage", "Complete", "Draft & back", "Private?"):
            assert wanted in titles
        await type_ahead(pilot, "f1")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert {"Roster (home)", "Conference"} <= set(help_screen.sections)
        rows = dict((description, keys) for keys, description in help_screen.key_rows)
        assert rows["Next stage"] == "pgdn" and rows["Complete"] == "^s"
        for wanted in ("Conference", "Filter", "Order", "Help", "Quit"):
            assert wanted in rows, wanted
        # Every section's title whole at 80 columns (in the keys' column, long ones
        # were cut: "Follow-up dates (…").
        keys = help_screen.query_one("#help-keys", Static)
        console = Console(file=io.StringIO(), width=keys.content_size.width, color_system=None)
        console.print(keys.content)
        shown = " ".join(console.file.getvalue().split())  # type: ignore[attr-defined]
        for title in help_screen.sections:
            assert title in shown, title
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)


async def test_locked_database_keeps_the_note_on_screen_and_saves_when_free(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A second program holding the write lock: a clear message, nothing lost, saved later."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        with write_lock_held(app_store):
            # Not type_ahead: it would wait for the save, which waits for the lock.
            await pilot.press(*"Owl")
            # The autosave waits out the database's busy timeout, then says so.
            await wait_until(
                pilot,
                lambda: any("Not saved" in n.title for n in told(app)),
                "a message that the title is not saved",
            )
            messages = [n.message for n in told(app)]
            assert any("busy" in m for m in messages), messages
            assert screen(app).editors["piece_title"].value() == "Owl"
        # The autosave retries by itself once the database is free.
        await wait_until(
            pilot, lambda: saved_value(app, "piece_title") == "Owl", "saving the title later"
        )
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Owl"


async def test_help_opened_while_completing_does_not_strand_the_conference(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Kite", "ctrl+s", "f1")
        await settle(pilot)
        assert not any(isinstance(s, ConferenceScreen) for s in app.screen_stack)
    [summary] = app_store.history(student_id)
    assert summary.status == "complete" and summary.piece_title == "Kite"


async def test_quit_on_a_locked_database_keeps_the_app_open_until_saved(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        with write_lock_held(app_store):
            # Not type_ahead: settling would wait for the saves, each of which waits out
            # the busy timeout while the autosave keeps retrying (once took minutes).
            await pilot.press(*"Owl", "ctrl+q")
            # Quitting first tries to save, waiting out the database's busy timeout.
            await wait_until(
                pilot,
                lambda: any(n.title == "Not quitting yet" for n in told(app)),
                "being told the app is not quitting yet",
            )
            assert app.is_running and isinstance(app.screen, ConferenceScreen)
            messages = [n.message for n in told(app)]
            assert any("is not saved yet" in m for m in messages), messages
        await type_ahead(pilot, "ctrl+q")
        await wait_until(pilot, lambda: app.return_code is not None, "quitting")
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Owl"


async def test_an_edit_undone_while_saving_is_saved_as_undone(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Kit")
        await autosave(pilot)
        assert saved_value(app, "piece_title") == "Kit"
        editor = screen(app).editors["piece_title"]
        with write_lock_held(app_store):
            # pilot.press, not type_ahead: settling would wait for the lock.
            await pilot.press("e")
            await wait_until(
                pilot, lambda: save_running(app), 'the autosave of "Kite" waiting for the lock'
            )
            await pilot.press("backspace")
            # Not settle(): that would wait for the save, which waits for the lock.
            await app.key_gate.wait_settled()
            await wait_until(pilot, lambda: editor.value() == "Kit", "the backspace")
            assert save_running(app)  # undone while "Kite" is being saved
        # Once the database is free, "Kite" is saved, then the autosave saves "Kit".
        await wait_until(
            pilot,
            lambda: saved_value(app, "piece_title") == "Kit" and not save_running(app),
            'saving "Kit" again',
        )
        await settle(pilot)
        assert screen(app).editors["piece_title"].value() == "Kit"
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Kit"


async def test_a_refused_date_cleared_again_no_longer_blocks_completion(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Gull")
        for _ in range(5):
            await type_ahead(pilot, "pagedown")
        await type_ahead(pilot, "tab", "tab", *"soon")
        await autosave(pilot)
        follow_up = screen(app).editors["follow_up"]
        assert follow_up.query_one(".field-error", Static).display
        follow_up.control.value = ""  # type: ignore[attr-defined]
        await autosave(pilot)
        assert not follow_up.query_one(".field-error", Static).display
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    [summary] = app_store.history(student_id)
    assert summary.status == "complete"


async def test_habits_reopen_as_recorded_and_viewing_amends_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    conference = app_store.start_conference(student_id, "writing-conference", 1)
    # Recorded without an answer of their own, as older and imported records are.
    app_store.set_habits(conference.id, ["Thinking flexibly", "Persisting"])
    app_store.complete_conference(conference.id)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_conference(student_id, conference.id, stage_key="reflect")
        await settle(pilot)
        habits = screen(app).editors["habits"]
        assert habits.value() == "Persisting\nThinking flexibly"
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    reopened = app_store.get_conference(conference.id)
    assert reopened.habits == ("Persisting", "Thinking flexibly")
    assert reopened.revisions == () and reopened.amended_at is None


async def test_tab_never_stops_where_typing_is_lost(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Every tab stop in a conference is a field (or last time's goals)."""
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        for _ in range(12):
            await type_ahead(pilot, "tab")
            focused = app.focused
            assert focused is not None
            assert screen(app).focused_editor() is not None or isinstance(focused, GoalList), (
                focused
            )


async def test_completing_an_empty_conference_asks_first(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        assert any("Nothing is recorded" in n.message for n in told(app))
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    assert app_store.history(student_id) == []


async def test_why_ctrl_s_stopped_short_is_taken_down_once_the_conference_is_complete(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The notice that the conference records nothing yet, still up over the roster after
    the teacher wrote and completed it, would read as the notes lost."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, "ctrl+s")
        assert any("Nothing is recorded" in n.message for n in app._notifications)
        await type_ahead(pilot, *"Owl", "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
        assert not [n for n in app._notifications if "Nothing is recorded" in n.message]
    assert [c.piece_title for c in app_store.history(student_id)] == ["Owl"]


async def test_a_new_conference_opens_and_leaves_under_a_busy_database_writing_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A new conference is written with its first words, not as it opens: another
    program writing does not hold `n` up, and `n` then escape writes nothing, then or
    once the database is free."""
    student_id = one_student(app_store)
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        event.listen(app_store._write_engine, "commit", committed)
        try:
            with write_lock_held(app_store):
                await type_ahead(pilot, "n")
                assert isinstance(app.screen, ConferenceScreen)
                await type_ahead(pilot, "escape")
                assert isinstance(app.screen, RosterScreen)
            await settle(pilot)
        finally:
            event.remove(app_store._write_engine, "commit", committed)
        assert commits == []
        assert not told(app)
    assert app_store.draft_for_student(student_id) is None


def a_draft(store: Store, student_id: str, title: str) -> str:
    """A draft left with a piece title typed, as escape leaves one."""
    draft = store.start_conference(student_id, "writing-conference", 1, "clarify")
    store.save_answer(draft.id, "clarify", "piece_title", title, False)
    store.close_editing(draft.id, "")
    return draft.id


async def test_keys_waiting_for_a_slow_open_are_explained_then_land_in_the_conference(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Law 1's "or the app shows why not": keys typed while a draft cannot reopen yet
    (it is marked open here as it reopens, and another program is writing) wait, the
    teacher is told so, and once the database is free they land in the conference."""
    student_id = one_student(app_store)
    a_draft(app_store, student_id, "Owl")
    app = make_test_app(app_store, fixed_clock)
    app.key_gate.tell_after_seconds = 0.05
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with write_lock_held(app_store):
            await pilot.press("n", *"Kite")  # not type_ahead: the open waits for the lock
            await wait_until(
                pilot,
                lambda: any("Waiting for" in n.message for n in told(app)),
                "being told why the keys wait",
            )
            [waiting] = [n.message for n in told(app) if "Waiting for" in n.message]
            assert "the conference to open" in waiting and "kept" in waiting
            assert isinstance(app.screen, RosterScreen)
        await wait_until(pilot, lambda: isinstance(app.screen, ConferenceScreen), "the open")
        await settle(pilot)
        assert screen(app).editors["piece_title"].value() == "OwlKite"
        # The wait is over: no notice says it is still going on.
        assert not any("Waiting for" in n.message for n in app._notifications)
        await type_ahead(pilot, "ctrl+s")
    [summary] = app_store.history(student_id)
    assert summary.piece_title == "OwlKite"


async def test_a_database_too_busy_to_open_the_conference_says_so_and_drops_the_keys(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    draft_id = a_draft(app_store, student_id, "Owl")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        with write_lock_held(app_store):
            await type_ahead(pilot, "n", "Kite")  # waits out the busy timeout
        assert isinstance(app.screen, RosterScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "the conference did not open" in shown and "Press n again" in shown
        assert "kept on screen" not in shown  # no note was on screen to keep
        assert app.key_gate.dropped_total == 4
    assert app_store.get_conference(draft_id).value("piece_title") == "Owl"


async def test_a_click_while_the_conference_closes_changes_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Between ctrl+s and the roster the keys wait at the key gate; a click in that
    moment is dropped too, so it cannot move the cursor into a field of a conference
    whose notes are already on their way to the database."""
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Dog", "tab")
        conference = screen(app)
        title = conference.editors["piece_title"].control
        assert app.focused is not title

        def click_title() -> None:
            x, y = title.region.offset
            for event_type in (events.MouseDown, events.MouseUp, events.Click):
                app.post_message(event_type(None, x + 1, y, 0, 0, 1, False, False, False, x + 1, y))

        conference.stop_editing()  # as ctrl+s does before its save
        click_title()
        await settle(pilot)
        assert app.focused is not title
        # Had the database refused the save, the conference is editable again.
        conference.could_not_close("The database is busy.")
        await settle(pilot)
        click_title()
        await settle(pilot)
        assert app.focused is title


async def test_the_roster_is_never_shown_under_the_conference_title(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """After ctrl+s or escape the roster's first frame has its own title, not the
    student's name the conference showed."""
    one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    titles_on_return: list[str] = []
    watching = [False]

    def note_title(message: object) -> None:
        back = isinstance(message, events.ScreenResume) and isinstance(app.screen, RosterScreen)
        if back and watching[0]:
            titles_on_return.append(app.sub_title)

    async with app.run_test(size=(80, 24), message_hook=note_title) as pilot:
        await settle(pilot)
        roster_title = app.sub_title
        watching[0] = True
        await type_ahead(pilot, "n", "Dog", "ctrl+s")
        await type_ahead(pilot, "n", "escape")
        assert isinstance(app.screen, RosterScreen)
    assert titles_on_return == [roster_title, roster_title]


# A teacher's own form: its goal, next step and follow-up keyed otherwise than the
# built-in form's, found by their type and role.
AIMS_FORM = """
id = "aims"
version = 1
title = "Aims conference"

[[stages]]
key = "talk"
title = "Talk"
questions = ["How is it going?"]

[[stages.fields]]
key = "purpose"
label = "Purpose"
type = "long_text"

[[stages]]
key = "ahead"
title = "Ahead"
questions = ["What next?"]

[[stages.fields]]
key = "aim"
label = "Aim"
type = "goal"
private = false

[[stages.fields]]
key = "then"
label = "Then"
type = "next_step"
private = false

[[stages.fields]]
key = "check_back"
label = "Check back on"
type = "date"
role = "follow_up"
private = false
"""


async def test_a_teachers_own_form_sets_and_carries_goals_whatever_its_keys(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    form = parse_form(AIMS_FORM, "aims.toml")
    student_id = one_student(app_store)
    class_id = app_store.get_student(student_id).class_id
    app = make_test_app(app_store, fixed_clock, form=form)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_conference(pilot)
        await type_ahead(pilot, *"Poem", "pagedown", *"Use stanzas", "tab", *"Reread it")
        await type_ahead(pilot, "tab", *"2026-12-01", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        table = app.screen.query_one(DataTable)
        shown = " ".join(str(cell) for cell in table.get_row_at(0))
        assert "Use stanzas" in shown
        (row,) = app_store.roster(class_id)
        assert (row.active_goal, row.last_next_step) == ("Use stanzas", "Reread it")
        assert row.follow_up_on is not None and row.follow_up_on.isoformat() == "2026-12-01"

        fixed_clock.set(fixed_clock() + timedelta(days=7))
        await open_conference(pilot)
        goals = screen(app).query_one(GoalList)
        assert "Use stanzas" in str(goals.get_option_at_index(0).prompt)
        assert "Next step: Reread it" in str(goals.get_option_at_index(1).prompt)
        await type_ahead(pilot, "ctrl+g", "m")
        await settle(pilot)
        current_id = screen(app).conference_id
    [goal] = app_store.goal_chain(student_id)
    assert goal.status == "met" and goal.closed_by_conference_id == current_id


async def test_a_field_tabbed_to_behind_pagedown_stays_in_sight(
    app_store: Store, fixed_clock: SettableClock, story: StoryData
) -> None:
    """The stage scrolls to its top after it is shown; keys typed at once behind pagedown
    may have moved the focus down the page by then, and it must stay in sight. The page
    has stopped once the keys are handled: Textual's own scroll to a field reached by tab
    is animated, and a check made while it still ran (sooner on a busy machine) found
    the field half out of sight."""
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(5):
            await type_ahead(pilot, "n", *["pagedown"] * 5, "tab", "tab", "tab")
            screen = app.screen
            assert isinstance(screen, ConferenceScreen)
            focused = app.focused
            assert focused is not None
            fields = screen.query_one("#stage-fields")
            assert not app.animator.is_being_animated(fields, "scroll_y"), "still scrolling"
            shown = fields.content_region
            assert shown.contains_region(focused.region), (focused, focused.region, shown)
            await type_ahead(pilot, "escape", "escape", "down")
