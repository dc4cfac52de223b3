"""A new conference is written as a draft with its first write, not as it opens.

`n` then opens at once, even while the database is still opening (the conference reads
what it shows without the store: conference_first_look.py), and `n` then escape leaves
nothing behind. Every write of the conference (a save, a goal marked, completing it)
asks this for the conference's id in its worker thread; the first to ask writes the
draft, and the others wait for it and get the same one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:
    from conference_tui.store import Store
    from conference_tui.store.records import ConferenceInfo


class DraftStart:
    def __init__(self, conference: ConferenceInfo, editor_id: str) -> None:
        self.opened = conference
        self.editor_id = editor_id
        self._lock = threading.Lock()
        self._written: ConferenceInfo | None = conference if conference.is_written else None

    @property
    def written(self) -> ConferenceInfo | None:
        """The conference as written in the database; None until it is."""
        return self._written

    def writing(self, store: Store, write: Callable[[str], T]) -> T:
        """`write` given the conference's id, in a worker thread. A new conference is
        written by the same transaction (ctrl+s after the first words is one write), and
        only if `write` succeeds. Another copy of the app that wrote a draft of this
        student and form first gives that draft, as two copies starting at once always
        did (store.start_conference)."""
        with self._lock:
            if self._written is not None:
                return write(self._written.id)
            new = self.opened
            with store.in_one_transaction():
                written = store.start_conference(
                    new.student_id, new.form_id, new.form_version, new.current_stage, self.editor_id
                )
                done = write(written.id)
            self._written = written
            return done

    def write(self, store: Store) -> ConferenceInfo:
        """The conference as written, writing it first if it is new."""
        self.writing(store, lambda _id: None)
        assert self._written is not None
        return self._written
