"""An export's reads from a database file, with the sqlite3 module alone.

Loading SQLAlchemy and its mapped tables takes a tenth of an export of 25,000
conferences, and their rows cost more to build than sqlite3's. An export reads the
file through this instead, with the same SQL as the store (export_sql.py and
roster_reads.py), when nothing about the file needs the store: a file at this version's
schema. Anything else, a server, a new or empty file, a schema to migrate, a file that
will not open, gives None, and the command opens the store as it always did.

The connection writes nothing and sees what another copy of the app commits meanwhile.
Without changes in a -wal beside the file it is writable but query_only: closing last, it removes
the -wal and -shm that reading made (or an empty one left beside it). A -wal holding
changes is not the reader's to fold into the file (it may belong to another copy of
the database: `has_wal_content`), and a writable connection that closes last checkpoints it,
even under query_only; so then the file is opened read-only, which never checkpoints
and leaves the -wal as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from conference_tui.store.clock import utc_now
from conference_tui.store.diagnosis import Fault, has_wal_content
from conference_tui.store.errors import NotFoundError, StoreError
from conference_tui.store.export_sql import (
    StudentTally,
    read_conferences_by_id,
    read_conferences_of_students,
    read_goal_chains,
    read_tallies,
)
from conference_tui.store.location import (
    BUSY_TIMEOUT_MS,
    DatabaseLocation,
    file_at_head,
    locate,
    sqlite_errors,
    sqlite_file_uri,
)
from conference_tui.store.opening_reads import CLASS_SQL, STUDENT_SQL
from conference_tui.store.records import ExportConference, GoalInfo
from conference_tui.store.roster_reads import read_classes, read_roster
from conference_tui.store.roster_records import ClassInfo, RosterRow, StudentInfo


class FileNotesReader:
    """What an export reads (see `NotesSource` in export/scope.py), from a file."""

    def __init__(self, connection: sqlite3.Connection, location: DatabaseLocation) -> None:
        self._connection = connection
        self.location = location

    def _all(self, sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        with sqlite_errors(self.location):
            return self._connection.execute(sql, params).fetchall()

    def today(self) -> date:
        return utc_now().astimezone().date()

    def list_classes(self, include_archived: bool = False) -> list[ClassInfo]:
        """Classes by name, with how many current students each holds."""
        return read_classes(self._all, include_archived)

    def get_class(self, class_id: str) -> ClassInfo:
        """The class, without counting its students (as the store's `get_class`)."""
        rows = self._all(CLASS_SQL, {"id": class_id})
        if not rows:
            raise NotFoundError(f"No class with id {class_id}: it may have been removed.")
        id_, name, school_year, archived, default_form = rows[0]
        return ClassInfo(id_, name, school_year, bool(archived), default_form=default_form)

    def get_student(self, student_id: str) -> StudentInfo:
        """The student (archived too), or NotFoundError."""
        rows = self._all(STUDENT_SQL, {"id": student_id})
        if not rows:
            raise NotFoundError(f"No student with id {student_id}: it may have been removed.")
        id_, class_id, name, preferred, interests, strengths, needs, archived = rows[0]
        return StudentInfo(
            id_, class_id, name, preferred, interests, strengths, needs, bool(archived)
        )

    def roster(self, class_id: str | None, *, include_archived: bool = False) -> list[RosterRow]:
        """One row per student of a class (all classes when None), sorted by name."""
        return read_roster(self._all, class_id, self.today(), include_archived=include_archived)

    def conference_tallies(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, StudentTally]:
        """For each student with conferences in scope: how many, and with which forms."""
        with sqlite_errors(self.location):
            return read_tallies(
                self._connection.execute, student_ids, include_drafts=include_drafts
            )

    def conferences_of_students(
        self, student_ids: Sequence[str], *, include_drafts: bool = False
    ) -> dict[str, list[ExportConference]]:
        """Every conference of each student as an export shows it, oldest first."""
        with sqlite_errors(self.location):
            return read_conferences_of_students(
                self._connection.execute, student_ids, include_drafts=include_drafts
            )

    def conferences_by_id(self, conference_ids: Sequence[str]) -> dict[str, ExportConference]:
        """The conferences with these ids (those that exist), as an export shows them."""
        with sqlite_errors(self.location):
            return read_conferences_by_id(self._connection.execute, conference_ids)

    def goal_chains(self, student_ids: Sequence[str]) -> dict[str, list[GoalInfo]]:
        """Each student's goals, oldest first."""
        with sqlite_errors(self.location):
            return read_goal_chains(self._connection.execute, student_ids)

    def close(self) -> None:
        """Close the file's connection."""
        self._connection.close()


def open_file_reader(database: str) -> FileNotesReader | None:
    """A reader of the file `database` names, or None when the store must open it.
    Raises DatabaseLockedError when another program holds the file locked."""
    location = locate(database)
    try:
        with sqlite_errors(location):
            path = file_at_head(location)
            if path is None:
                return None
            connection = sqlite3.connect(
                sqlite_file_uri(path, "ro" if has_wal_content(str(path)) else "rw"),
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
            )
            try:
                connection.execute("PRAGMA query_only = 1")
                connection.execute("SELECT count(*) FROM school_class").fetchone()
            except sqlite3.Error:
                connection.close()
                raise
    except StoreError as exc:
        if exc.fault == Fault.LOCKED:
            # Busy for the store too: it would wait out the same timeout a second time.
            raise
        return None
    return FileNotesReader(connection, location)
