"""The autosave of one open conference, apart from how it is drawn.

The conference screen reports each field's text as the teacher types; this object
decides what is unsaved, hands out batches to write, and takes the store's answer back:
which fields are saved (and their new versions), which were refused (a date that is not
a date) and which another copy of the app changed meanwhile. It knows nothing of Textual,
so every rule of autosave is tested without a screen.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from conference_tui.field_kinds import Kind
from conference_tui.store.records import (
    AnswerEdit,
    AnswerInfo,
    BatchSaved,
    ConferenceInfo,
    Progress,
)
from conference_tui.store.text_rules import visible

PROGRESS_EVERY_SECONDS = 10


@dataclass(frozen=True)
class Batch:
    """One write: the edits, where the teacher is, and whether it begins an amendment."""

    edits: dict[str, AnswerEdit]
    progress: Progress | None
    begin_amendment: bool


class WritesInOrder:
    """The writes of one conference, one at a time and never older over newer.

    Autosaves are taken one at a time, but when the app stops on an error it writes
    what is on screen at once, on the event loop, while an autosave taken earlier may
    still be on its way in a worker thread. That older write must not land last and
    put back the text of a moment before; and the newer one must not take the field
    the older one wrote for another editor's change (its answer never came back)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.taken = 0
        self.written = 0
        # Each field's version as this screen's own last write left it.
        self.own_versions: dict[str, int] = {}

    def ticket(self) -> int:
        """A place in line, taken on the event loop when the batch is taken."""
        self.taken += 1
        return self.taken

    def write(
        self,
        ticket: int,
        edits: list[AnswerEdit],
        save: Callable[[list[AnswerEdit]], BatchSaved],
    ) -> BatchSaved:
        with self.lock:
            if ticket < self.written:
                # A newer write holds everything this one would have written.
                return BatchSaved()
            result = save([self.seen_own_write(edit) for edit in edits])
            self.own_versions.update(result.versions)
            self.written = ticket
            return result

    def seen_own_write(self, edit: AnswerEdit) -> AnswerEdit:
        own = self.own_versions.get(edit.field_key)
        if edit.seen_version is None or own is None or own <= edit.seen_version:
            return edit
        return replace(edit, seen_version=own)


@dataclass
class DraftSession:
    conference: ConferenceInfo
    # Opened to change a completed conference: its first change begins an amendment.
    amend: bool
    # Field key -> (text, private) as the store holds it, and the version it holds.
    saved: dict[str, tuple[str, bool]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    pending: dict[str, AnswerEdit] = field(default_factory=dict)
    # Field key -> (the text not saved, why): shown under the field until it changes.
    refused: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Field key -> when another copy's text for it was put on screen (Textual's clock).
    conflicts_shown: dict[str, float] = field(default_factory=dict)
    saving: bool = False
    amendment_started: bool = False
    progress_dirty: bool = False
    last_progress_elapsed: int = 0
    last_error: str = ""
    goals_marked: bool = False
    # Whether the conference is in the database: a new one is written with its first
    # words (or a goal marked), never for where the teacher is alone (draft_start.py).
    written: bool = True

    @classmethod
    def open(
        cls, conference: ConferenceInfo, *, amend: bool, habits: dict[str, tuple[str, bool]]
    ) -> DraftSession:
        """`habits`: each habits field with the habits recorded for the conference (and
        the field's privacy), which count as saved when the field has no answer of its
        own (older or imported records), so that opening the conference changes nothing."""
        session = cls(
            conference, amend=amend or not conference.is_draft, written=conference.is_written
        )
        for key, answer in conference.answers.items():
            # As the fields show them (see FieldEditor): opening is not a change.
            session.saved[key] = (visible(answer.value), answer.private)
            session.versions[key] = answer.version
        for key, recorded in habits.items():
            session.saved.setdefault(key, recorded)
        return session

    # -- what the teacher typed ------------------------------------------------------

    def edited(
        self,
        stage_key: str,
        field_key: str,
        value: str,
        private: bool,
        *,
        form_private: bool,
        kind: Kind | None = None,
        by_student: bool = False,
        typed_at: float = math.inf,
    ) -> bool:
        """The field now reads `value`: queue it if the store does not hold it. True when
        a problem shown under the field is over (changed back to what is stored).
        `typed_at`: when the key that changed it was typed (by default, after anything)."""
        shown_at = self.conflicts_shown.get(field_key)
        if shown_at is not None:
            if typed_at <= shown_at:
                # Typed ahead, before the other copy's text was on screen: no choice to
                # replace it. Kept on screen, unsaved, with the warning.
                self.refused[field_key] = (value, self.refused[field_key][1])
                return False
            del self.conflicts_shown[field_key]
        refused = self.refused.get(field_key)
        if refused is not None and refused[0] == value and field_key not in self.pending:
            return False  # already refused and explained; wait for the teacher to change it
        # A field never answered counts as saved empty at the form's privacy: opening a
        # conference must not write (or, on a completed one, amend) empty answers.
        saved = self.saved.get(field_key, ("", form_private))
        if saved == (value, private) and field_key not in self.pending:
            if refused is not None:
                del self.refused[field_key]
                return True
            return False
        # The student's words stay theirs when the teacher's screen shows them back.
        waiting = self.pending.get(field_key)
        by_student = by_student or (
            waiting is not None and waiting.by_student and waiting.value == value
        )
        self.pending[field_key] = AnswerEdit(
            stage_key,
            field_key,
            value,
            private,
            kind,
            seen_version=self.versions.get(field_key, 0),
            by_student=by_student,
        )
        return False

    def tick(self, elapsed: int) -> None:
        if elapsed - self.last_progress_elapsed >= PROGRESS_EVERY_SECONDS:
            self.progress_dirty = True

    # -- writing -----------------------------------------------------------------

    def take_batch(self, where: Progress, *, leaving: bool = False) -> Batch | None:
        """What to write now, or None: nothing changed (a completed conference keeps
        where it was left), or a new conference has nothing typed in it yet. With
        `leaving`, a batch even when it is empty."""
        if self.saving or not (self.written or self.pending):
            return None
        edits, self.pending = self.pending, {}
        # Leaving a draft keeps where it was and the time spent, typed in or not.
        progress = where if (self.progress_dirty or edits or leaving) else None
        if not self.conference.is_draft and not edits:
            progress = None
        if not edits and progress is None and not leaving:
            return None
        if progress is not None:
            self.progress_dirty = False
            self.last_progress_elapsed = progress.elapsed_seconds
        begins = (
            not self.conference.is_draft
            and self.amend
            and bool(edits)
            and not self.amendment_started
        )
        self.saving = True
        return Batch(edits, progress, begins)

    def batch_saved(
        self, batch: Batch, result: BatchSaved, shown_at: float = -math.inf
    ) -> dict[str, str]:
        """Take the store's answer, put on screen at `shown_at`; returns, for each field
        of the batch, the problem to show under it ("" for none)."""
        self.saving = False
        self.written = True
        self.amendment_started = self.amendment_started or batch.begin_amendment
        self.last_error = ""
        shown: dict[str, str] = {}
        for key, edit in batch.edits.items():
            if key in result.refused:
                self.refused[key] = (edit.value, result.refused[key])
                shown[key] = result.refused[key]
            elif key in result.conflicts:
                theirs = result.conflicts[key]
                # The next change the teacher makes is made having seen theirs.
                self.saved[key] = (visible(theirs.value), theirs.private)
                self.versions[key] = theirs.version
                why = conflict_message(theirs)
                # Typed while this batch was on its way, so before theirs was on screen:
                # kept with the warning, never sent over theirs.
                newer = self.pending.pop(key, None)
                self.refused[key] = (newer.value if newer else edit.value, why)
                self.conflicts_shown[key] = shown_at
                shown[key] = why
            else:
                self.saved[key] = (edit.value, edit.private)
                self.versions[key] = result.versions.get(key, self.versions.get(key, 0))
                self.refused.pop(key, None)
                shown[key] = ""
        return shown

    def batch_failed(self, batch: Batch, message: str) -> bool:
        """The database would not take the batch: keep every edit (a newer edit of the
        same field wins) for the next try. True when this problem is news."""
        self.saving = False
        self.pending = {**batch.edits, **self.pending}
        self.progress_dirty = True
        news = message != self.last_error
        self.last_error = message
        return news

    # -- what there is -------------------------------------------------------------

    def has_unsaved(self) -> bool:
        """Edits not yet written, or (in a draft) a move to another stage or field: a
        draft reopens where it was left, typed in there or not."""
        return bool(self.pending) or (
            self.written and self.conference.is_draft and self.progress_dirty
        )

    def has_text(self, field_key: str) -> bool:
        return bool(self.saved.get(field_key, ("", False))[0].strip())

    def fields_with_text(self) -> set[str]:
        return {key for key, (value, _private) in self.saved.items() if value.strip()}

    def nothing_recorded(self, writing: Batch | None = None) -> bool:
        """A new conference with no text and no goal marked: saved, or with `writing`,
        once that batch is written."""
        texts = {key: value for key, (value, _private) in self.saved.items()}
        if writing is not None:
            texts.update({key: edit.value for key, edit in writing.edits.items()})
        recorded = any(text.strip() for text in texts.values())
        return self.conference.is_draft and not self.goals_marked and not recorded


def conflict_message(theirs: AnswerInfo) -> str:
    text = " ".join(visible(theirs.value).split())
    shown = text if len(text) <= 120 else text[:119] + "…"
    return (
        f"Another copy of the app changed this field to “{shown}”. Yours is kept here, "
        "not saved: change it to save yours over theirs."
    )
