"""Amending an older conference, leaving an amendment, reopening a draft where it was
left, and what "last time" shows: typed at full speed, at 80x24."""

from __future__ import annotations

from conference_tui.store import Store
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, key_event, make_test_app, one_student, settle, type_ahead
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
