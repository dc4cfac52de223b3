"""The conference's autosave: what is typed is queued into the draft session and
written in a worker every SAVE_INTERVAL_SECONDS, in order; and written at once
before a copy, a quit, or the app stopping on an error."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from textual._time import get_time
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from conference_tui.failure_log import log_failure
from conference_tui.field_kinds import Kind, form_field_key
from conference_tui.store.errors import NotFoundError
from conference_tui.store.records import BatchSaved, ConferenceInfo, Progress
from conference_tui.tui.background import run_in_background
from conference_tui.tui.draft_session import Batch, WritesInOrder
from conference_tui.tui.draft_start import DraftStart
from conference_tui.tui.screens.conference_state import ConferenceState
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.spiral import ConferenceTimer

log = logging.getLogger(__name__)

SAVE_INTERVAL_SECONDS = 0.4


class Autosave(ConferenceState):
    """The part of the conference screen that saves what is typed. A mixin of
    ConferenceScreen; the DraftSession it drives decides what is unsaved. A save
    asked for by ctrl+s or escape (`after_save`) goes on to ConferenceClosing."""

    writes: WritesInOrder
    after_save: str | None
    checking_removed: bool
    elapsed_base: int
    clock_started: float
    save_worker: Worker[None] | None

    def queue_if_unsaved(self, editor: FieldEditor) -> None:
        self.queue_parts(editor, editor.parts())

    def queue_parts(
        self,
        editor: FieldEditor,
        parts: list[tuple[str, str, Kind | None]],
        *,
        by_student: bool = False,
    ) -> None:
        """Queue the answers `parts` of `editor`'s field that the store does not hold."""
        if self.draft is None or self.nothing_is_kept():
            return
        typed_at = self.conference_app.key_gate.last_typed_at
        editor.queue_into([self.draft], typed_at, parts, by_student=by_student)

    def queue_everything_unsaved(self) -> None:
        """Read every field directly: a key typed just before ctrl+s may not have
        announced its change yet, and leaving must not lose it."""
        for editor in self.editors.values():
            if not editor.read_only:
                self.queue_if_unsaved(editor)

    def elapsed(self) -> int:
        return self.elapsed_base + int(self.conference_app.monotonic() - self.clock_started)

    def tick(self) -> None:
        elapsed = self.elapsed()
        self.query_one(ConferenceTimer).elapsed = elapsed
        if self.draft is not None:
            self.draft.tick(elapsed)

    def where(self) -> Progress:
        return Progress(self.stages[self.stage_index].key, self.current_field, self.elapsed())

    def save_batch(self, batch: Batch, *, complete: bool = False) -> Callable[[], BatchSaved]:
        """The store call that writes `batch` (and with `complete`, completes the
        conference in the same write), for a worker thread."""
        store, start = self.conference_app.store, self.start
        editor_id = self.conference_app.editor_id if self.conference.is_draft else ""
        ticket = self.writes.ticket()
        return lambda: self.writes.write(
            ticket,
            list(batch.edits.values()),
            lambda edits: start.writing(
                store,
                lambda conference_id: store.save_answers(
                    conference_id,
                    edits,
                    batch.progress,
                    begin_amendment=batch.begin_amendment,
                    editor_id=editor_id,
                    complete=complete,
                ),
            ),
        )

    def flush(self, then: str | None = None) -> None:
        """Save what changed since the last save, in a worker; `then` runs after it."""
        draft = self.draft
        if draft is None or self.closing:
            return
        if then is not None:
            self.after_save = then
        self.drop_what_cannot_be_kept()
        batch = draft.take_batch(self.where(), leaving=self.after_save is not None)
        if batch is None:
            if self.after_save is not None and not draft.saving:
                # A new conference with nothing typed in it: nothing to write first.
                self.run_after_save()
            return
        complete = self.after_save == "complete" and self.may_complete_at_once(batch)

        def saved(result: BatchSaved) -> None:
            self.adopt_written()
            self.show_saved(batch, result)
            if result.completed:
                self.after_save = None
                self.completed()
                return
            self.update_filled()
            # An edit made during the save may now equal the old text (typed, then
            # undone): compare every field with what was just stored.
            self.queue_everything_unsaved()
            self.run_after_save()

        def failed(message: str) -> None:
            self.adopt_written()
            if self.draft is not draft:
                # Written for a conference that was removed, and is now kept in a new
                # draft: that one saves everything on screen, and goes on with a ctrl+s
                # or escape under way.
                return
            news = draft.batch_failed(batch, message)
            if self.drop_what_cannot_be_kept():
                self.run_after_save()
            elif news and self.conference.is_written:
                # Whether it failed because another copy of the app removed or completed
                # the conference, which no retry would mend.
                self.save_if_gone_elsewhere(message)
            elif not self.checking_removed:
                self.not_saved(message, news)

        self.save_worker = run_in_background(
            self,
            self.save_batch(batch, complete=complete),
            saved,
            group="save-conference",
            exclusive=False,
            failed=failed,
        )

    def drop_what_cannot_be_kept(self) -> bool:
        """Whether the file has turned out to be open only to read: a new conference
        opened while it was still opening (conference_first_look.py), and SQLite's check
        then found it damaged. What was typed before cannot be kept; nothing_is_kept
        tells the teacher so, and escape leaves."""
        told_before = self.read_only_told
        if self.draft is None or not self.nothing_is_kept():
            return False
        self.draft.pending.clear()
        self.draft.progress_dirty = False
        if not told_before:
            self.show_student_heading()  # the header says so from now on
        return True

    def not_saved(self, message: str, news: bool) -> None:
        if self.after_save:
            self.after_save = None
            self.stay_open(
                f"{message}\nYour notes are still on screen and will be saved on retry.",
                title="Not saved yet",
                severity="error",
            )
        elif news:
            self.notify(message, title="Not saved yet: retrying", severity="error", timeout=8)

    def save_if_gone_elsewhere(self, message: str) -> None:
        """A save failed: if the conference is no longer in the database (another copy
        of the app discarded it, or a restore took it away), or another copy completed
        the draft open here (a complete conference takes changes only as an amendment),
        what is on screen goes into a new draft for the student, and a ctrl+s or escape
        under way goes on with it; otherwise the failure is said as it is, to be
        retried."""
        store = self.conference_app.store
        conference = self.conference
        amending = self.draft is not None and self.draft.amend

        def gone() -> str:
            """How it went elsewhere: "removed", "completed", or "" (it did not)."""
            try:
                stored = store.get_conference(conference.id)
            except NotFoundError:
                return "removed"
            return "" if amending or stored.is_draft else "completed"

        def checked(how: str) -> None:
            if self.conference is not conference or self.closing:
                return
            if how:
                self.keep_in_new_draft(conference, how)
            else:
                self.checking_removed = False
                self.not_saved(message, news=True)

        def not_checked(_: str) -> None:
            self.checking_removed = False
            self.not_saved(message, news=True)

        # Saves failing meanwhile (the autosave's, or escape's) wait for its answer.
        self.checking_removed = True
        run_in_background(self, gone, checked, group="save-check", failed=not_checked)

    def keep_in_new_draft(self, removed: ConferenceInfo, how: str) -> None:
        store = self.conference_app.store
        name = self.student.display_name
        editor_id = self.conference_app.editor_id
        first_stage = self.stages[0].key

        def start() -> ConferenceInfo:
            return store.start_conference(
                removed.student_id, removed.form_id, removed.form_version, first_stage, editor_id
            )

        def started(conference: ConferenceInfo) -> None:
            if self.conference is not removed or self.closing:
                return
            self.checking_removed = False
            self.conference = conference
            self.start = DraftStart(conference, editor_id)
            self.draft = self.open_draft_session(conference, amend=False)
            self.writes = WritesInOrder()
            self.queue_everything_unsaved()
            there = "; the history shows it as completed there" if how == "completed" else ""
            self.notify(
                f"This conference was {how} by another copy of the app (another window or "
                f"laptop){there}. Everything on screen is kept in a new draft for {name}.",
                title="Kept in a new draft",
                severity="warning",
                timeout=12,
            )
            self.flush()

        def cannot(message: str) -> None:
            self.checking_removed = False
            self.after_save = None
            self.stay_open(
                f"This conference was {how} by another copy of the app, and no new draft "
                f"can hold it ({message}). What you typed is only on this screen: copy it "
                "with the mouse before you leave.",
                title="Not saved",
                severity="error",
            )

        run_in_background(self, start, started, group="save-conference", failed=cannot)

    def show_saved(self, batch: Batch, result: BatchSaved) -> None:
        """Take the store's answer to a batch: each field's problem (a refused date, a
        change made elsewhere) under it, and a word when another copy changed one."""
        assert self.draft is not None
        shown_at = get_time()  # the clock events are stamped with: keys typed later saw it
        shown: dict[str, str] = {}
        for key, problem in self.draft.batch_saved(batch, result, shown_at).items():
            # A rubric's parts share one line: a problem with any of them is shown.
            field_key = form_field_key(key)
            shown[field_key] = shown.get(field_key) or problem
        for field_key, problem in shown.items():
            self.editors[field_key].show_error(problem)
        if result.conflicts:
            self.notify(
                "Another copy of the app (another window or laptop) changed a field of "
                "this conference. Both texts are on screen; nothing was overwritten.",
                title="Changed elsewhere",
                severity="warning",
                timeout=10,
            )

    def save_pending_blocking(self) -> None:
        """The app is stopping on an error: write what is typed here and now, on the
        event loop, since no worker will run again."""
        if self.draft is None:
            return
        try:
            self.queue_everything_unsaved()
            self.draft.saving = False  # a worker's save will never report back now
            batch = self.draft.take_batch(self.where())
            if batch is not None:
                self.save_batch(batch)()
        except Exception as exc:
            log_failure(log, "could not save the conference while stopping", exc)

    async def conference_to_copy(self) -> str | None:
        # The words typed a moment ago are written first, so that the copy holds them.
        if not await self.save_now():
            self.conference_app.notify(
                "Nothing copied: what you typed last is not saved yet. Try again in a moment.",
                severity="warning",
            )
            return None
        self.adopt_written()
        if not self.conference.is_written:
            self.conference_app.notify(
                "Nothing copied: nothing is written in this conference yet.", severity="warning"
            )
            return None
        return self.conference_id

    async def save_now(self) -> bool:
        """Called before the app quits: wait for a save under way, then write whatever
        is still unsaved. False when the database would not take it."""
        draft = self.draft
        if draft is None or self.closing:
            return True
        if self.save_worker is not None and self.save_worker.is_running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await self.save_worker.wait()
        self.queue_everything_unsaved()
        batch = draft.take_batch(self.where())
        if batch is None:
            return not draft.saving
        problems: list[str] = []

        def saved(result: BatchSaved) -> None:
            self.show_saved(batch, result)
            if result.conflicts:
                # Quitting now would lose the teacher's text: it is in no database.
                problems.append("changed elsewhere")

        worker = run_in_background(
            self,
            self.save_batch(batch),
            saved,
            group="save-quit",
            failed=problems.append,
        )
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await worker.wait()
        if problems and problems[0] != "changed elsewhere":
            draft.batch_failed(batch, problems[0])
        return not problems
