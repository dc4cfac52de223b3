"""Opening the screens the teacher goes to from the roster: each read in a thread, then
pushed whole, keys typed meanwhile waiting for it. The conference and history screens
are kept after their first visit and refilled for the next student."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual.screen import Screen

from conference_tui.failure_log import log_failure
from conference_tui.store.diagnosis import Fault
from conference_tui.store.errors import StoreError
from conference_tui.tui.background import run_in_background
from conference_tui.tui.screens.base import ClosesOverDialogs

if TYPE_CHECKING:
    from conference_tui.forms import Form
    from conference_tui.store.records import ConferenceInfo
    from conference_tui.tui.app import ConferenceApp
    from conference_tui.tui.screens.conference import ConferenceScreen
    from conference_tui.tui.screens.conference_opening import Opened
    from conference_tui.tui.screens.history import Detail, HistoryScreen, Story

log = logging.getLogger(__name__)

T = TypeVar("T")
KEPT_HISTORY = "history"
KEPT_CONFERENCE = "conference"


def open_conference(
    app: ConferenceApp,
    student_id: str,
    conference_id: str | None = None,
    *,
    stage_key: str | None = None,
    field_key: str | None = None,
    amend: bool = False,
    form: Form | None = None,
) -> None:
    """Start (or resume) a conference, or open an existing one at a stage (and a field
    of it, focused: a search hit's note). Without a
    `form`, the student's open draft (of any form) reopens, or the class's default
    form starts (written with its first save). Escape before it opened (a busy
    database) calls it off."""
    from conference_tui.tui.screens.conference_opening import (
        FormChoice,
        FormMissing,
        Opened,
        read_new_before_store,
        read_opened,
    )
    from conference_tui.tui.screens.group_conference import (
        GroupConferenceScreen,
        GroupOpened,
        read_group_opened,
    )

    store, editor_id = app.store, app.editor_id
    forms = FormChoice(dict(app.forms), app.form, form)
    now = app.clock()

    def read() -> Opened | GroupOpened:
        try:
            if conference_id is None and (
                new := read_new_before_store(store, forms, student_id, now)
            ):
                return new
            if form is None:
                existing = existing_conference()
                if existing is not None and existing.is_draft and existing.group_id:
                    # A student's group draft reopens with the whole group.
                    group = store.group_conference(existing.group_id)
                    return read_group_opened(store, forms.forms, group)
                return read_opened(
                    store,
                    forms,
                    student_id,
                    conference_id,
                    editor_id,
                    looked_up=True,
                    existing=existing,
                )
            return read_opened(store, forms, student_id, conference_id, editor_id)
        except FormMissing as exc:
            raise StoreError(str(exc)) from exc
        except StoreError as exc:
            if exc.fault != Fault.LOCKED:
                raise
            # The store's words are for a note on screen waiting to be saved.
            raise StoreError(
                "The database is busy: another copy of conference-tui (or a backup) is "
                "writing, so the conference did not open. Press n again in a moment; "
                "close the other copy if it was left open.",
                exc.fault,
            ) from exc

    def existing_conference() -> ConferenceInfo | None:
        """The conference asked for, or the student's draft: read once, for the
        group check and the opening alike."""
        if conference_id is not None:
            return store.get_conference(conference_id)
        return store.draft_for_student(student_id)

    def called_off(opened: Opened | GroupOpened) -> None:
        # A new conference is not written yet; a draft reopened was marked open here.
        if not isinstance(opened, Opened):
            return
        conference = opened.conference
        if conference.is_written and conference.is_draft:
            run_in_background(
                app, lambda: store.close_editing(conference.id, editor_id), group="discard"
            )

    def screen(opened: Opened | GroupOpened) -> Screen[object] | Awaitable[Screen[object]]:
        if isinstance(opened, GroupOpened):
            return GroupConferenceScreen(opened)
        return conference_screen(app, opened, stage_key=stage_key, field_key=field_key, amend=amend)

    read_then_push(
        app,
        read,
        screen,
        part="open-conference",
        what="the conference to open",
        cannot="Cannot open the conference",
        called_off=called_off,
    )


def open_group_conference(
    app: ConferenceApp, student_ids: list[str], started: Callable[[], object] | None = None
) -> None:
    """Start (or resume) a small-group conference with these students (2 to 8), with
    the small-group form; `started` runs once it is on screen. Refused with a word
    when the store will not start it (an archived student, another open draft)."""
    from conference_tui.forms import GROUP_FORM_ID
    from conference_tui.tui.screens.group_conference import (
        GroupConferenceScreen,
        GroupOpened,
        read_group_opened,
    )

    form = app.forms.get(GROUP_FORM_ID)
    if form is None:
        app.key_gate.refuse(
            "The small-group form is not among the forms (its file has a mistake, or "
            "was replaced: `conference-tui locate` shows the forms folder).",
            severity="error",
        )
        return
    store, forms, editor_id = app.store, dict(app.forms), app.editor_id

    def read() -> GroupOpened:
        group = store.start_group_conference(student_ids, form.id, form.version, form.stages[0].key)
        return read_group_opened(store, forms, group)

    def screen(opened: GroupOpened) -> Screen[object]:
        if started is not None:
            started()
        return GroupConferenceScreen(opened)

    def called_off(opened: GroupOpened) -> None:
        group_id = opened.group.group_id
        run_in_background(
            app,
            lambda: store.leave_group_conference(group_id, editor_id),
            group="discard",
        )

    read_then_push(
        app,
        read,
        screen,
        part="open-group-conference",
        what="the group conference to open",
        cannot="Cannot start the group conference",
        called_off=called_off,
    )


def open_history(app: ConferenceApp, student_id: str, conference_id: str | None = None) -> None:
    from conference_tui.tui.screens.history import read_opening

    store, prefetch = app.store, app.history_prefetch

    def read() -> tuple[Story, Detail | None]:
        prefetched = None if conference_id else prefetch.take(store, student_id)
        return prefetched or read_opening(store, student_id, conference_id)

    read_then_push(
        app,
        read,
        lambda read: history_screen(app, student_id, conference_id, read),
        part="open-history",
        what="the history",
        cannot="Cannot open the history",
    )


def open_class_status(app: ConferenceApp) -> None:
    from conference_tui.tui.screens.class_status import ClassStatusScreen

    store, class_id, name = app.store, app.current_class_id, app.current_class_name
    if class_id is None:
        app.key_gate.refuse("No class yet: press c to make one, then a to add students.")
        return
    due_after = app.settings.due_after_days
    read_then_push(
        app,
        lambda: store.class_status(class_id, due_after_days=due_after),
        lambda status: ClassStatusScreen(status, name),
        part="open-status",
        what="the class status",
        cannot="Cannot show the class status",
    )


def read_then_push(
    app: ConferenceApp,
    read: Callable[[], T],
    screen: Callable[[T], Screen[object] | Awaitable[Screen[object]]],
    *,
    part: str,
    what: str,
    cannot: str,
    called_off: Callable[[T], object] | None = None,
) -> None:
    """Read in a thread, then push the screen made from what was read: drawn once,
    whole. Keys typed meanwhile wait for it; if it cannot be read, they are dropped
    and the teacher told why. With `called_off`, an escape typed before it is read
    calls it off: the screen never shows, and `called_off` gets what was read. `part`
    names the hold and the worker."""
    off = False

    def call_off() -> None:
        nonlocal off
        off = True
        app.key_gate.release(app, part=part)

    app.key_gate.hold(app, what, part=part, call_off=call_off if called_off else None)

    def show(result: T) -> None:
        made = None if off else screen(result)
        if made is None or isinstance(made, Screen):
            push(result, made)
        else:
            app.run_worker(partial(show_when_ready, result, made), group=part, exit_on_error=False)

    async def show_when_ready(result: T, made: Awaitable[Screen[object]]) -> None:
        """A kept screen being refilled: pushed once it is whole."""
        try:
            ready = await made
        except Exception as exc:
            log_failure(log, f"could not show {what}", exc)
            failed(
                "It could not be shown; nothing typed was lost. Details are in the log "
                "(`conference-tui locate` shows where)."
            )
            return
        push(result, ready)

    def push(result: T, ready: Screen[object] | None) -> None:
        """Unless an escape called it off meanwhile (then nothing was made, or what
        was made is not shown)."""
        if off or ready is None:
            assert called_off is not None
            if isinstance(ready, ClosesOverDialogs):
                # A kept screen refilled for it: closed as any conference is, or its
                # autosave went on writing to the draft `called_off` discards ("Not
                # saved yet: No conference with id ...", found in a tmux check).
                ready.close()
            called_off(result)
            return
        app.push_screen(ready)
        app.key_gate.release(app, part=part)

    def failed(message: str) -> None:
        if off:
            return
        app.notify(message, title=cannot, severity="error", timeout=10)
        app.key_gate.release(app, part=part, deliver=False)

    run_in_background(app, read, show, group=part, failed=failed)


def history_screen(
    app: ConferenceApp,
    student_id: str,
    conference_id: str | None,
    read: tuple[Story, Detail | None],
) -> HistoryScreen:
    """The history screen, filled with this student's story. One is kept (installed)
    after its first visit and refilled: the teacher goes from student to student,
    and building the screen's widgets again each time would double the wait. A
    history opened while that one is on the stack (from a search over it) is new."""
    from conference_tui.tui.screens.history import HistoryScreen

    kept = app.kept_history
    if kept is not None and kept not in app.screen_stack and kept.is_mounted:
        kept.refill(student_id, conference_id, read)
        return kept
    screen = HistoryScreen(student_id, conference_id, read)
    if kept is None:
        app.install_screen(screen, KEPT_HISTORY)
        app.kept_history = screen
    return screen


def conference_screen(
    app: ConferenceApp,
    opened: Opened,
    *,
    stage_key: str | None,
    field_key: str | None = None,
    amend: bool,
) -> ConferenceScreen | Awaitable[ConferenceScreen]:
    """The conference screen, filled with this conference. As with the history, one is
    kept (installed) after its first visit and refilled for the next student, held
    with the same form; one opened while it is on the stack, or with another form, is
    new."""
    from conference_tui.tui.screens.conference import ConferenceScreen

    kept = app.kept_conference
    if kept is not None and kept.can_refill(opened):
        return kept.refill(opened, stage_key=stage_key, field_key=field_key, amend=amend)
    screen = ConferenceScreen(opened, stage_key=stage_key, field_key=field_key, amend=amend)
    if kept is None:
        app.install_screen(screen, KEPT_CONFERENCE)
        app.kept_conference = screen
    return screen
