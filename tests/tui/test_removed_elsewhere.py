"""A draft another copy of the app removes while it is open here (another laptop left
it empty, which discards it): what the teacher types is kept in a new draft, never
retried for ever against a conference that is gone, with a message naming an id."""

from __future__ import annotations

from textual.pilot import Pilot

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, make_test_app, one_student, settle, told, type_ahead


async def written_empty(pilot: Pilot[None], screen: ConferenceScreen) -> str:
    """A new conference is written with its first save: a letter typed and taken back
    writes it empty, as another laptop may then find it (and discard it)."""
    await type_ahead(pilot, "x", "backspace")
    screen.flush()
    await settle(pilot)
    assert screen.conference.is_written
    return screen.conference_id


async def test_typing_into_a_draft_removed_elsewhere_goes_into_a_new_draft(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        removed = await written_empty(pilot, screen)
        assert app_store.discard_draft(removed)  # the other laptop, on the empty draft
        await type_ahead(pilot, "Owl")
        screen.flush()
        await settle(pilot)
        assert told(app)[-1].title == "Kept in a new draft"
        assert screen.conference_id != removed
        await type_ahead(pilot, " poem")
        screen.flush()
        await settle(pilot)
        assert not any("No conference with id" in notice.message for notice in told(app))
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert draft.value("piece_title") == "Owl poem"


async def test_escape_right_after_typing_into_a_removed_draft_leaves_with_it_kept(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        assert app_store.discard_draft(await written_empty(pilot, screen))
        await type_ahead(pilot, "Owl", "escape")
        assert isinstance(app.screen, RosterScreen)
        assert "Kept in a new draft" in [notice.title for notice in told(app)]
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert draft.value("piece_title") == "Owl"


async def test_escape_while_an_autosave_into_a_removed_draft_is_failing_still_leaves(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The autosave's write fails and is being looked into (was the conference removed?)
    when escape's own write fails too: escape waits for that answer and leaves with the
    words kept, rather than stopping with "Not saved yet: No conference with id …"."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        for timer in screen.timers:
            timer.pause()  # the two writes are the ones made here
        assert app_store.discard_draft(await written_empty(pilot, screen))
        await type_ahead(pilot, "Owl")
        screen.flush()  # the autosave's write, in a thread, failing
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen), [n.message for n in told(app)]
        titles = [notice.title for notice in told(app)]
        assert "Kept in a new draft" in titles and "Not saved yet" not in titles
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert draft.value("piece_title") == "Owl"


async def test_typing_into_a_draft_completed_elsewhere_goes_into_a_new_draft(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a fault check with two copies open on one student: the other completed
    the conference, and what was typed here was "Not saved yet … will be saved on retry",
    which no retry could do (a complete conference takes changes only as an amendment);
    leaving lost it. It is kept in a new draft, as when the other copy removes one."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "Owl")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        screen.flush()
        await settle(pilot)
        completed = screen.conference_id
        app_store.complete_conference(completed)  # the other copy, with ctrl+s
        await type_ahead(pilot, " poem", "tab", "memoir")
        screen.flush()
        await settle(pilot)
        assert told(app)[-1].title == "Kept in a new draft"
        assert "completed by another copy" in told(app)[-1].message
        assert screen.conference_id != completed
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
        assert not any("will be saved on retry" in notice.message for notice in told(app))
    assert app_store.get_conference(completed).value("piece_title") == "Owl"
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    assert (draft.value("piece_title"), draft.value("genre")) == ("Owl poem", "memoir")


async def test_a_draft_another_copy_started_at_the_same_time_is_shared_and_said(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Two copies press n on one student at once: neither has written its new conference
    yet, so both write into the one draft the first to save started, and the second is
    told the draft is open elsewhere too (found in a fault check: both merged silently)."""
    student_id = one_student(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        other = app_store.start_conference(
            student_id, screen.form.id, screen.form.version, "clarify", "the-other-laptop"
        )
        app_store.save_answer(other.id, "clarify", "genre", "memoir", False)
        await type_ahead(pilot, "Owl")
        screen.flush()
        await settle(pilot)
        assert screen.conference_id == other.id
        assert "Open elsewhere" in [notice.title for notice in told(app)]
    draft = app_store.draft_for_student(student_id)
    assert draft is not None and draft.id == other.id
    assert (draft.value("piece_title"), draft.value("genre")) == ("Owl", "memoir")
