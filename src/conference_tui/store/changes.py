"""Whether anyone else has written to the database: a cheap question asked every few
seconds, so that an open roster shows what a command-line import or a second copy of
the app has just written."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import text

from conference_tui.store.base import StoreBase
from conference_tui.store.engine import friendly_errors

# PostgreSQL has no data_version: for each table the roster shows, how many rows and the
# sum of the transaction ids that last wrote them (xmin). A row added or removed moves
# the count; a row changed gets the id of the transaction that changed it, which moves
# the sum, whatever the clocks say. One pass over a school's few thousand rows.
SERVER_MARKER_SQL = " UNION ALL ".join(
    f"SELECT count(*), sum(xmin::text::bigint) FROM {table}"
    for table in ("school_class", "student", "conference", "goal")
)


class ChangeStore(StoreBase):
    _watch: Any = None
    # One lock for every store: asked every few seconds, held for a microsecond.
    _watch_lock = threading.Lock()

    def change_marker(self) -> tuple[object, ...]:
        """A value that differs from the one before once another connection has committed
        a change (on SQLite, any other connection; on a server, a change to classes,
        students or conferences). Compare two to know whether to read again."""
        if self.dialect != "sqlite":
            with self._read() as session:
                return tuple(tuple(row) for row in session.execute(text(SERVER_MARKER_SQL)))
        # data_version counts commits by *other* connections, as seen from one
        # connection: the same one must be asked every time, so it is kept.
        with self._watch_lock, friendly_errors(self.location):
            if self._watch is None:
                self._watch = self.engine.raw_connection()
            cursor = self._watch.cursor()
            try:
                cursor.execute("PRAGMA data_version")
                return tuple(cursor.fetchone())
            finally:
                cursor.close()

    def close(self) -> None:
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        super().close()
