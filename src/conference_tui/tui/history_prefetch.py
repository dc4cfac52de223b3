"""The history of the student the roster's cursor rests on, read before enter is pressed.

Opening a history is a read (12 to 20 ms at 25,000 conferences) and then the screen.
The teacher moves the cursor to a student and presses enter a moment later: read in
that moment, the history opens on what was read, and only the screen is waited for.
What was read is used only while nothing has been written since (the store's change
marker, taken before the read, is the same) and for half a minute at most; otherwise
the history reads again, as it always did. On SQLite only: see `read`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.timer import Timer

from conference_tui.tui.background import run_in_background

if TYPE_CHECKING:
    from conference_tui.store import Store
    from conference_tui.tui.app import ConferenceApp
    from conference_tui.tui.screens.history import Detail, Story

# The cursor has stopped on the student (a teacher scrolling past reads nothing).
REST_SECONDS = 0.15
FRESH_FOR_SECONDS = 30.0


@dataclass(frozen=True)
class Prefetched:
    student_id: str
    marker: tuple[object, ...]
    read_at: float
    opening: tuple[Story, Detail | None]


class HistoryPrefetch:
    def __init__(self, app: ConferenceApp) -> None:
        self.app = app
        self.kept: Prefetched | None = None
        self.timer: Timer | None = None
        self.resting_on: str | None = None

    def rest_on(self, student_id: str) -> None:
        """The roster's cursor is on this student: read their history once it stays."""
        if self.timer is not None:
            self.timer.stop()
        self.resting_on = student_id
        self.timer = self.app.set_timer(REST_SECONDS, lambda: self.read(student_id))

    def read(self, student_id: str) -> None:
        """Read the student's history in a thread (a newer read replaces an older one)."""
        if self.app.settling:
            return  # the app's own start comes first; warm_first_reads reads it then
        store = self.app.store
        if store.dialect != "sqlite":
            # A server's change marker is a pass over its tables, dearer than the read,
            # and it does not see a note changed by another teacher: read on enter.
            return

        kept = self.kept

        def read() -> Prefetched:
            from conference_tui.tui.screens.history import read_opening

            # Taken before the read: a write while it reads makes it old at once.
            marker = store.change_marker()
            same = self.of_student(kept, student_id)
            if same is not None and same.marker == marker:
                return same  # back on the same student, nothing written since
            return Prefetched(student_id, marker, time.monotonic(), read_opening(store, student_id))

        def keep(prefetched: Prefetched) -> None:
            self.kept = prefetched

        # Nothing is said if it fails: enter reads again, and says why then.
        run_in_background(
            self.app, read, keep, group="prefetch-history", exclusive=True, failed=lambda _: None
        )

    @staticmethod
    def of_student(kept: Prefetched | None, student_id: str) -> Prefetched | None:
        """`kept`, if it is this student's and young enough; whether nothing was written
        since is the marker's to say."""
        if kept is None or kept.student_id != student_id:
            return None
        return kept if time.monotonic() - kept.read_at <= FRESH_FOR_SECONDS else None

    def take(self, store: Store, student_id: str) -> tuple[Story, Detail | None] | None:
        """What was read for this student, if nothing has been written since; in the
        thread that opens the history (the marker is a question to the database)."""
        kept = self.of_student(self.kept, student_id)
        if kept is None or store.change_marker() != kept.marker:
            return None
        return kept.opening
