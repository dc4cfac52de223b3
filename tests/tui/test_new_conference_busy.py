"""A new conference is written by its first write (tui/draft_start.py). When another
program holds the database's write lock at that moment, the teacher is told what is
true: the words wait to be saved, a goal is not marked, and nothing is said to have been
removed by another copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import private_copy

from conference_tui.store import Store
from conference_tui.store import engine as store_engine
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, hold_conference, make_test_app, one_student, settle, told
from .conftest import type_ahead as typed
from .test_conference import wait_until, write_lock_held


@pytest.fixture
def busy_store(
    sqlite_migrated_template: Path,
    tmp_path: Path,
    fixed_clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Store:
    """A store that gives up on a held lock after 0.3 s, not the app's 5."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 300)
    return Store.open(private_copy(sqlite_migrated_template, tmp_path / "c.db"), clock=fixed_clock)


def titles(app: object) -> list[str]:
    return [notice.title for notice in told(app)]


async def test_words_typed_while_another_program_writes_are_saved_once_it_lets_go(
    busy_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(busy_store)
    app = make_test_app(busy_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await typed(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        for timer in screen.timers:
            timer.pause()  # the first save is the one made under the lock
        await typed(pilot, "Kite")
        with write_lock_held(busy_store):
            screen.flush()
            await wait_until(pilot, lambda: "Not saved yet: retrying" in titles(app), "told")
        assert "Kept in a new draft" not in titles(app) and "Not saved" not in titles(app)
        assert not any("removed" in notice.message for notice in told(app))
        assert busy_store.draft_for_student(student_id) is None
        screen.flush()  # the retry, the database free
        await wait_until(pilot, lambda: busy_store.draft_for_student(student_id), "the save")
        await typed(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
    draft = busy_store.draft_for_student(student_id)
    assert draft is not None and draft.value("piece_title") == "Kite"
    busy_store.close()


async def test_a_goal_mark_the_database_refuses_says_so_and_keeps_nothing(
    busy_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(busy_store)
    held = hold_conference(
        busy_store, fixed_clock, student_id, fixed_clock(), {"goal": "Paragraphs"}
    )
    [goal] = busy_store.goals_touching(held)
    app = make_test_app(busy_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await typed(pilot, "n", "ctrl+g")
        with write_lock_held(busy_store):
            await typed(pilot, "m")
            await wait_until(pilot, lambda: "Goal not marked" in titles(app), "told")
        [notice] = [n.message for n in told(app) if n.title == "Goal not marked"]
        assert notice.startswith("The goal was not marked; it is as it was.")
        assert "kept on screen" not in notice
        await typed(pilot, "escape", "escape")
        assert isinstance(app.screen, RosterScreen)
        assert "Kept as a draft: n on the roster reopens it right here." not in [
            n.message for n in told(app)
        ]
    assert busy_store.draft_for_student(student_id) is None
    assert [g.status for g in busy_store.goals_touching(held)] == ["active"]
    assert goal.status == "active"
    busy_store.close()


async def test_same_piece_on_a_new_conference_reads_and_writes_nothing_first(
    busy_store: Store, fixed_clock: SettableClock
) -> None:
    """ctrl+r reads the last piece: another program writing does not hold it up."""
    student_id = one_student(busy_store)
    hold_conference(
        busy_store, fixed_clock, student_id, fixed_clock(), {"piece_title": "Owls", "genre": "poem"}
    )
    app = make_test_app(busy_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with write_lock_held(busy_store):
            await typed(pilot, "n", "ctrl+r")
            screen = app.screen
            assert isinstance(screen, ConferenceScreen)
            assert screen.editors["piece_title"].value() == "Owls"
            assert not any(title.startswith("Piece not filled") for title in titles(app))
        await settle(pilot)
    busy_store.close()
