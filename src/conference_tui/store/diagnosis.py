"""What is wrong with a database, told once for the app, every command and `check`.

A fault is recognised from what the driver says it is (SQLite's error name, PostgreSQL's
SQLSTATE) and from the file itself, never from the wording of a message. Each fault has
a message that says what happened and the one safe thing to do; no advice ever copies
anything over a file that may hold notes newer than the backup. The messages never
quote a driver's message: it can hold a student's note.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from conference_tui.store.errors import (
    DatabaseLockedError,
    DatabaseUnavailableError,
    SchemaTooNewError,
    StoreError,
)

# Less free space than this, and a write that fails with an I/O error failed for space.
FULL_BELOW_BYTES = 1024 * 1024


class Fault(StrEnum):
    DISK_FULL = "disk full"
    READ_ONLY = "read-only"
    NO_FILE = "no database file"
    NOT_A_FILE = "not a file"
    EMPTY_FILE = "empty file"
    NOT_A_DATABASE = "not a database"
    NOT_OURS = "not a conference-tui database"
    SCHEMA_TOO_NEW = "written by a newer version"
    DAMAGED = "damaged"
    DAMAGED_SEARCH_INDEX = "search index damaged"
    LOCKED = "locked by another writer"
    SERVER_UNREACHABLE = "server unreachable"
    NOT_ALLOWED = "not allowed on the server"
    CANNOT_OPEN = "cannot be opened"
    DISK_ERROR = "disk error"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Diagnosis:
    fault: Fault
    what: str
    advice: str
    # The whole message for a command, when the app's words are not true there.
    for_command_line: str = ""

    @property
    def message(self) -> str:
        return f"{self.what} {self.advice}"


RESTORE_ADVICE = (
    "Keep this file as it is: it may hold notes newer than any backup. Copy the newest "
    "backup (in the backups folder `conference-tui locate` shows) to a new name beside "
    "it, never over it, and open that copy with --db PATH."
)


STRAY_WAL_ADVICE = (
    "Keep both files as they are, together: the -wal may hold notes newer than any "
    "backup. Copy the newest backup (in the backups folder `conference-tui locate` "
    "shows) to a new name beside them, never over them, and open that copy with --db PATH."
)


def has_wal_content(where: str) -> bool:
    """Whether a -wal holding changes is beside the file `where` names (for a server,
    nothing is). Such a -wal is not a reader's to fold into the file: it may come from
    another copy of the database (copied along with a file that was open elsewhere)."""
    try:
        return Path(f"{where}-wal").stat().st_size > 0
    except OSError:
        return False


def describe(fault: Fault, where: str, *, detail: str = "") -> Diagnosis:
    """The message for a fault of the database at `where`. Damage with a -wal beside
    the file may be the -wal's, so that message names it (see `has_wal_content`)."""
    if fault is Fault.DAMAGED and has_wal_content(where):
        # SQLite reads a -wal's pages in place of the file's without asking whose they
        # are: a -wal from another copy of the database reads as damage.
        return Diagnosis(
            fault,
            f"The database at {where} is damaged{detail}, or the {Path(where).name}-wal "
            "file beside it is not its own (one from another copy of the database, e.g. "
            "copied along with a file that was open elsewhere, reads as damage). Nothing "
            "more was written to either file.",
            STRAY_WAL_ADVICE,
        )
    if fault is Fault.NOT_OURS and has_wal_content(where):
        # A -wal from another database altogether replaces the file's first page as
        # SQLite reads it: the teacher's own file reads as some other database.
        return Diagnosis(
            fault,
            f"{where} reads as a database that is not conference-tui's, or the "
            f"{Path(where).name}-wal file beside it is not its own (a -wal from another "
            "database changes what the file reads as). Nothing was written to either file.",
            STRAY_WAL_ADVICE,
        )
    if fault is Fault.DISK_FULL:
        return Diagnosis(
            fault,
            f"The disk holding {where} is full{detail}. Nothing already saved was lost.",
            "Free some space on that disk (empty the trash, delete large downloads), then "
            "try again; what is typed on screen is saved once there is room.",
        )
    if fault is Fault.READ_ONLY:
        return Diagnosis(
            fault,
            f"The database at {where} cannot be written: the file, its folder or its disk "
            "is read-only. It was left untouched.",
            "Make it writable again (file permissions, or a drive not mounted read-only), "
            "or open a copy elsewhere with --db PATH.",
        )
    if fault is Fault.NO_FILE:
        return Diagnosis(
            fault,
            f"There is no database file at {where}.",
            "Check the path; `conference-tui locate` shows where your notes are kept.",
        )
    if fault is Fault.NOT_A_FILE:
        return Diagnosis(
            fault,
            f"{where} is a folder, not a database file.",
            "Give the database's file name with --db PATH (e.g. conferences.db inside it).",
        )
    if fault is Fault.EMPTY_FILE:
        return Diagnosis(
            fault,
            f"The database file {where} is empty (0 bytes): it holds no notes. It was left "
            "untouched.",
            RESTORE_ADVICE,
        )
    if fault is Fault.NOT_A_DATABASE:
        return Diagnosis(
            fault,
            f"{where} is not a SQLite database (it may be another kind of file, or damaged "
            "from its first page). It was left untouched.",
            RESTORE_ADVICE,
        )
    if fault is Fault.NOT_OURS:
        return Diagnosis(
            fault,
            f"{where} is a SQLite database, but not one of conference-tui's. It was left "
            "untouched.",
            "Open the right file with --db PATH (`conference-tui locate` shows the default).",
        )
    if fault is Fault.SCHEMA_TOO_NEW:
        return Diagnosis(
            fault,
            f"The database at {where} was written by a newer version of conference-tui"
            f"{detail}. It was left untouched.",
            "Upgrade conference-tui (pip install --upgrade conference-tui) to open it.",
        )
    if fault is Fault.DAMAGED:
        return Diagnosis(
            fault,
            f"The database at {where} is damaged{detail}. Nothing more was written to it.",
            RESTORE_ADVICE,
        )
    if fault is Fault.DAMAGED_SEARCH_INDEX:
        return Diagnosis(
            fault,
            f"The search index of {where} is out of step with the notes; the notes are fine.",
            "Run `conference-tui check --repair` to rebuild the index from the notes.",
        )
    if fault is Fault.LOCKED:
        return Diagnosis(
            fault,
            f"The database at {where} is busy: another copy of conference-tui (or a backup) "
            "is writing.",
            "Your note is kept on screen; it is saved when the other copy lets go. Close the "
            "other copy if it was left open.",
            for_command_line=(
                f"The database at {where} is in use by another program (another copy of "
                "conference-tui, or a backup) and was left as it was. Close that program or "
                "let it finish, then try again."
            ),
        )
    if fault is Fault.SERVER_UNREACHABLE:
        return Diagnosis(
            fault,
            f"Cannot reach the database server at {where}.",
            "Check that the server is running, that this computer is on its network, and "
            "that the URL is right; then try again.",
        )
    if fault is Fault.NOT_ALLOWED:
        return Diagnosis(
            fault,
            f"The server at {where} did not let this role do that (permission denied). "
            "Nothing was changed.",
            "If conference-tui was just updated, the server's administrator runs "
            "`conference-tui server init` once to update the database; otherwise ask them "
            "for access (a class can be shared with `server share`).",
        )
    if fault is Fault.CANNOT_OPEN:
        return Diagnosis(
            fault,
            f"The database at {where} cannot be opened.",
            "Check that its folder exists and that you may read and write it.",
        )
    if fault is Fault.DISK_ERROR:
        return Diagnosis(
            fault,
            f"The disk holding {where} reported an error while reading or writing it. "
            "Nothing more was written.",
            "Run `conference-tui check` to tell a disk problem from a damaged file; copy "
            "the file somewhere safe before anything else.",
        )
    return Diagnosis(
        fault,
        f"The database at {where} could not be used{detail}.",
        "Run `conference-tui check` for a diagnosis.",
    )


# -- from the file ------------------------------------------------------------------


def diagnose_file(path: Path) -> Fault | None:
    """What the file at `path` itself says before SQLite opens it; None when it looks
    like something SQLite may open (or there is no file yet)."""
    if path.is_dir():
        return Fault.NOT_A_FILE
    if path.exists() and not path.is_file():
        return Fault.NOT_A_FILE
    return None


def is_short_of_space(path: Path) -> bool:
    """Whether the disk of `path` (or of its nearest existing folder) is nearly full."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def is_writable(path: Path) -> bool:
    """Whether this process may write the file and create files next to it (-wal,
    -shm). Root is not stopped by permission bits, so ask the system, not the mode."""
    folder = path.parent
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)


# -- from the driver ----------------------------------------------------------------


def fault_of_sqlite(error: sqlite3.Error, path: Path | None) -> Fault:
    """The fault behind a sqlite3 error, from SQLite's own error name."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL"):
        return Fault.DISK_FULL
    if name.startswith("SQLITE_READONLY"):
        return Fault.READ_ONLY
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return Fault.LOCKED
    if name.startswith("SQLITE_NOTADB"):
        return Fault.NOT_A_DATABASE
    if name == "SQLITE_CORRUPT_VTAB":
        return Fault.DAMAGED_SEARCH_INDEX
    if name.startswith("SQLITE_CORRUPT"):
        return Fault.DAMAGED
    if name.startswith("SQLITE_CANTOPEN"):
        if path is not None and diagnose_file(path) is not None:
            return Fault.NOT_A_FILE
        if path is not None and path.exists() and not is_writable(path):
            return Fault.READ_ONLY
        return Fault.CANNOT_OPEN
    if name.startswith("SQLITE_IOERR"):
        # A full disk often shows as an I/O error (the WAL index cannot grow, a write
        # is cut short): tell it apart by looking at the disk.
        if path is not None and is_short_of_space(path):
            return Fault.DISK_FULL
        return Fault.DISK_ERROR
    if isinstance(error, sqlite3.OperationalError) and "decode" in str(error):
        # A text value whose bytes are not UTF-8: damaged pages read as text.
        return Fault.DAMAGED
    return Fault.UNKNOWN


def is_unique_violation(error: BaseException) -> bool:
    """Whether a driver error (sqlite3's or psycopg's) is a row that would repeat a key or
    a unique index of a row already there."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"):
        return True
    return getattr(error, "sqlstate", None) == "23505"


# PostgreSQL's SQLSTATE classes and codes (appendix A of its manual).
SERVER_STATES = {
    "53100": Fault.DISK_FULL,
    "25006": Fault.READ_ONLY,
    "42501": Fault.NOT_ALLOWED,
    "40P01": Fault.LOCKED,
    "55P03": Fault.LOCKED,
    "57P01": Fault.SERVER_UNREACHABLE,
    "57P03": Fault.SERVER_UNREACHABLE,
    "53300": Fault.SERVER_UNREACHABLE,
    "XX001": Fault.DAMAGED,
    "XX002": Fault.DAMAGED,
}


def fault_of_server(error: BaseException) -> Fault:
    """The fault behind a psycopg error, from its SQLSTATE."""
    state = getattr(error, "sqlstate", None) or ""
    if state in SERVER_STATES:
        return SERVER_STATES[state]
    if state.startswith("08") or (not state and type(error).__name__ == "OperationalError"):
        # Class 08 is the connection; psycopg gives no state when it never connected.
        return Fault.SERVER_UNREACHABLE
    return Fault.UNKNOWN


def diagnose_error(error: BaseException, where: str, path: Path | None) -> Diagnosis:
    """A driver error (sqlite3's or psycopg's) as the message for the person."""
    if isinstance(error, sqlite3.Error):
        fault = fault_of_sqlite(error, path)
        name = getattr(error, "sqlite_errorname", "") or type(error).__name__
        detail = f" (SQLite: {name})" if fault is Fault.UNKNOWN else ""
        return describe(fault, where, detail=detail)
    fault = fault_of_server(error)
    state = getattr(error, "sqlstate", None)
    detail = f" (server error {state})" if fault is Fault.UNKNOWN and state else ""
    return describe(fault, where, detail=detail)


def as_store_error(diagnosis: Diagnosis) -> StoreError:
    """The exception the store raises for a diagnosis."""
    wording = (diagnosis.message, diagnosis.fault, diagnosis.for_command_line)
    if diagnosis.fault is Fault.LOCKED:
        return DatabaseLockedError(*wording)
    if diagnosis.fault is Fault.SCHEMA_TOO_NEW:
        return SchemaTooNewError(*wording)
    return DatabaseUnavailableError(*wording)
