"""Amending an older conference, leaving an amendment, reopening a draft where it was
left, and what "last time" shows: typed at full speed, at 80x24."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from conference_tui.store import Store
from conference_tui.store.records import ConferenceInfo
from conference_tui.tui.screens.amend_dialog import KeepOrDiscardDialog
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.spiral import GoalList

from .conftest import (
    SettableClock,
    at,
    goal_set_by,
    hold_conference,
    key_event,
    make_test_app,
    one_student,
    settle,
    told,
    type_ahead,
)
from .test_conference import autosave, focused_field, screen, wait_until, write_lock_held


def position(store: Store, student_id: str) -> tuple[str, str] | None:
    draft = store.draft_for_student(student_id)
    return (draft.current_stage, draft.current_field) if draft else None


async def test_a_draft_reopens_at_the_stage_and_field_it_was_left_at(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Nothing typed at stage 2, and the move to it made while the save of where the
    teacher was is on its way (the escape waits for that save): it reopens at stage 2,
    field 2, also in a new copy of the app after the old one was killed."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Dragons")
        conference = screen(app)
        draft = conference.draft
        assert draft is not None
        await autosave(pilot)
        with write_lock_held(app_store):
            # To the second field: the autosave writes where the teacher is, and is
            # held up by the lock while the teacher moves on to stage 2 and leaves.
            app.post_message(key_event("tab"))
            await wait_until(pilot, lambda: draft.progress_dirty or draft.saving, "the tab")
            conference.flush()
            assert draft.saving and not draft.pending
            for key in ("pagedown", "tab", "escape"):
                app.post_message(key_event(key))
            await wait_until(pilot, lambda: conference.after_save == "leave", "the escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        stored = app_store.draft_for_student(student_id)
        assert stored is not None and stored.value("piece_title") == "Dragons"
        assert (stored.current_stage, stored.current_field) == ("plan", "plan")
        # Reopened and left again at once, typed fast: still there.
        await type_ahead(pilot, "n", "escape", "n")
        assert (screen(app).stage_index, focused_field(app)) == (1, "plan")
        await type_ahead(pilot, "pagedown", "tab")
        # The autosave timer writes where the teacher is; then the app is killed.
        await wait_until(
            pilot,
            lambda: position(app_store, student_id) == ("act", "quotes"),
            "the autosave of where the teacher is",
        )
    # A new copy of the app (after a crash or a quit) opens it where it was.
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        assert (screen(app).stage_index, focused_field(app)) == (2, "quotes")


def three_conferences(store: Store, clock: SettableClock) -> tuple[str, list[str]]:
    """Weekly conferences: the first sets A; the second marks A met and sets B; the
    third sets C. Returns the student and the conferences, oldest first."""
    student_id = one_student(store)
    first = hold_conference(
        store,
        clock,
        student_id,
        at(21),
        {
            "strength": "Your lead drops us into the storm",
            "teaching_point": "A paragraph marks a new idea",
            "goal": "A: paragraphs",
            "next_step": "Split the long page into paragraphs before Friday",
        },
    )
    second = hold_conference(
        store,
        clock,
        student_id,
        at(14),
        {"piece_title": "Storm", "goal": "B: openings", "next_step": "Vary three openings"},
        close_goals=((goal_set_by(store, first), "met"),),
    )
    third = hold_conference(store, clock, student_id, at(7), {"goal": "C: dialogue"})
    return student_id, [first, second, third]


def options(app: object) -> list[str]:
    goals = screen(app).query_one(GoalList)
    return [str(goals.get_option_at_index(i).prompt) for i in range(goals.option_count)]


def answers_of(conference: ConferenceInfo) -> dict[str, tuple[str, bool]]:
    return {key: (a.value, a.private) for key, a in conference.answers.items()}


def goal_states(store: Store, student_id: str) -> dict[str, tuple[str, str | None]]:
    return {g.text: (g.status, g.closed_by_conference_id) for g in store.goal_chain(student_id)}


async def test_amending_an_older_conference_from_history(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The last time it shows is the conference before it, with the goals open then;
    m/r/d/a reach only those. Escape asks keep or discard: escape goes back to editing,
    d puts everything back (answers and goal marks), k keeps."""
    student_id, (_first, second, _third) = three_conferences(app_store, fixed_clock)
    goals_before = goal_states(app_store, student_id)
    as_held = app_store.get_conference(second)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Roster -> history -> the second newest conference, typed in one burst.
        await type_ahead(pilot, "enter", "down", "enter")
        conference = screen(app)
        assert conference.conference_id == second and conference.amend
        title = str(conference.query_one("#last-time-title", Static).render())
        assert at(21).date().isoformat() in title  # the first conference, not the third
        shown = options(app)
        assert shown[0] == "✓ A: paragraphs (met)"  # closed here: the mark can be undone
        assert not any("B: openings" in o or "C: dialogue" in o for o in shown)
        assert shown[1].startswith("Strength: Your lead drops")
        assert any(o.startswith("Taught: A paragraph marks") for o in shown)
        assert any(o.startswith("Next step: Split the") and o.endswith("…") for o in shown), shown
        # Whole while the list has focus; every mark reaches goal A only.
        await type_ahead(pilot, "ctrl+g")
        assert "Split the long page into paragraphs before Friday" in " ".join(options(app))
        # m on a line of last time's notes marks nothing; home is goal A.
        await type_ahead(pilot, "end", "m", "home", "r", "ctrl+g", "end", "up", "d")
        assert goal_states(app_store, student_id)["A: paragraphs"] == ("revised", second)
        await type_ahead(pilot, "ctrl+g", "home", "d")
        assert goal_states(app_store, student_id)["A: paragraphs"] == ("dropped", second)
        await type_ahead(pilot, "ctrl+g", "a")
        assert goal_states(app_store, student_id)["A: paragraphs"] == ("active", None)
        assert goal_states(app_store, student_id)["C: dialogue"] == ("active", None)
        # An answer changed, then escape: the question; escape again: back to editing,
        # and the keys typed after it land in the field.
        await type_ahead(pilot, " (final)", "escape", "escape", "!")
        assert isinstance(app.screen, ConferenceScreen)
        assert conference.editors["piece_title"].value() == "Storm (final)!"
        # Escape, then d once the question shows: everything as it was, back in the
        # history (a d typed with the escape answers nothing: see test_type_ahead).
        await type_ahead(pilot, "ctrl+g", "m", "escape")
        await type_ahead(pilot, "d", "down")
        assert isinstance(app.screen, HistoryScreen)
        restored = app_store.get_conference(second)
        assert answers_of(restored) == answers_of(as_held)
        assert (restored.amended_at, restored.revisions) == (None, ())
        assert goal_states(app_store, student_id) == goals_before
        # Again, and keep this time (y as well as k).
        await type_ahead(pilot, "up", "enter", " (final)", "escape")
        await type_ahead(pilot, "y")
        assert isinstance(app.screen, HistoryScreen)
    kept = app_store.get_conference(second)
    assert kept.value("piece_title") == "Storm (final)" and kept.amended_at is not None
    assert [(r.field_key, r.value) for r in kept.revisions] == [("piece_title", "Storm")]


async def test_keys_typed_with_the_escape_that_asks_answer_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: "escape" and "done" typed at once, leaving an
    amended conference, discarded the amendment at the "d", the question never read.
    Keys typed before the question showed answer nothing, and the teacher is told; the
    answer typed once it shows does; an escape among them still goes back to editing."""
    _student, (_first, second, _third) = three_conferences(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "enter", "down", "enter", " (final)", "escape", *"done")
        assert isinstance(app.screen, KeepOrDiscardDialog)
        assert any("not used to answer this question" in n.message for n in told(app))
        # Escape, and a word after it: back to editing, where the word lands.
        await type_ahead(pilot, "escape", "!")
        assert isinstance(app.screen, ConferenceScreen)
        assert screen(app).editors["piece_title"].value() == "Storm (final)!"
        await type_ahead(pilot, "escape")
        await type_ahead(pilot, "k")
        assert isinstance(app.screen, HistoryScreen)
    kept = app_store.get_conference(second)
    assert kept.value("piece_title") == "Storm (final)!" and kept.amended_at is not None


async def test_an_amendment_typed_then_deleted_again_asks_nothing_and_marks_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: a word typed into an old conference and deleted again
    still asked "keep or discard", and keeping marked the conference amended."""
    _student, (_first, second, _third) = three_conferences(app_store, fixed_clock)
    as_held = app_store.get_conference(second)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "enter", "down", "enter")
        assert screen(app).amend
        await type_ahead(pilot, " (final)")
        await autosave(pilot)
        await type_ahead(pilot, *["backspace"] * len(" (final)"), "escape")
        assert isinstance(app.screen, HistoryScreen)
    restored = app_store.get_conference(second)
    assert answers_of(restored) == answers_of(as_held)
    assert (restored.amended_at, restored.revisions) == (None, ())


def test_snapshot_keep_or_discard_an_amendment(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id, (_first, second, _third) = three_conferences(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)

    async def ask(pilot: Pilot[object]) -> None:
        await settle(pilot)
        app.open_conference(student_id, second, amend=True)
        # Opened first: keys typed while it opens would show the "waiting" notice in
        # the picture whenever the machine is slow.
        await settle(pilot)
        await type_ahead(pilot, "!", "escape")
        assert isinstance(app.screen, KeepOrDiscardDialog)

    assert snap_compare(app, terminal_size=(80, 24), run_before=ask)  # type: ignore[operator]
