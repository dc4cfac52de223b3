"""The roster for the first frame, read with the sqlite3 module alone.

Loading SQLAlchemy and its mapped tables takes longer than Textual needs to paint.
The teacher sees their class at once: this reads it (the same SQL as the store, see
roster_reads.py) while the store opens behind it (opening_store.py). Anything unusual,
a server, a new or empty file, a schema to migrate, a file that will not read, gives
None, and the store opens before the first frame as it always did.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from conference_tui.store.diagnosis import Fault, as_store_error, describe, fault_of_sqlite
from conference_tui.store.errors import StoreError
from conference_tui.store.location import (
    BUSY_TIMEOUT_MS,
    DatabaseLocation,
    file_at_head,
    untouched_read_uri,
)
from conference_tui.store.roster_reads import RunSql, pick_class, read_classes, read_roster
from conference_tui.store.roster_records import ClassInfo, RosterRow


@dataclass(frozen=True)
class FirstLook:
    classes: list[ClassInfo]
    current: ClassInfo | None
    rows: list[RosterRow]


@contextlib.contextmanager
def read_untouched(location: DatabaseLocation) -> Iterator[RunSql | None]:
    """Plain SQL on the file at `location` by the sqlite3 module alone, writing not a
    byte; None when the store must open it first (see file_at_head)."""
    path = file_at_head(location)
    if path is None:
        yield None
        return
    connection = sqlite3.connect(untouched_read_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:

        def run(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
            return connection.execute(sql, params).fetchall()

        yield run
    finally:
        connection.close()


def first_look(location: DatabaseLocation, today: date, due_after_days: int) -> FirstLook | None:
    """The roster to paint, or None for the store to open the file first; raises the
    store's LOCKED error when another program holds the file past the busy timeout."""
    try:
        with read_untouched(location) as run:
            if run is None:
                return None
            classes = read_classes(run)
            current = pick_class(classes, None)
            rows = (
                read_roster(run, current.id, today, due_after_days=due_after_days)
                if current
                else []
            )
    except StoreError as exc:
        if exc.fault == Fault.LOCKED:
            # Another program has held it for the whole wait: the store's open would wait
            # again, twice, before saying so (21 s of a blank terminal).
            raise
        return None
    except sqlite3.Error as exc:
        if fault_of_sqlite(exc, location.path) is Fault.LOCKED:
            raise as_store_error(describe(Fault.LOCKED, str(location.path))) from exc
        return None
    except ValueError:
        # A stored date that does not read. The store's own open says why.
        return None
    return FirstLook(classes, current, rows)
