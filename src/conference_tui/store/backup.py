"""Copies of the SQLite file that can be trusted, and a health check of the file.

A copy is made with SQLite's online backup API in one step, so it is a consistent
snapshot even while the app (or another process) is writing: in WAL mode a reader
never blocks a writer. The copy is written under a temporary name, checked with
`PRAGMA integrity_check`, switched to the rollback journal (so it is one
self-contained file) and only then given its final name, which never replaces an
existing file.

The check opens the file read-only for SQLite's own checks, and touches it only to
ask the full-text index whether it is in step with the notes; `--repair` rebuilds
that index, the one thing a check may repair.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from conference_tui.store.diagnosis import (
    Diagnosis,
    Fault,
    describe,
    diagnose_file,
    fault_of_sqlite,
    has_wal_content,
    is_writable,
)
from conference_tui.store.errors import DatabaseUnavailableError
from conference_tui.store.location import (
    BUSY_TIMEOUT_MS,
    known_revisions,
    locate,
    sqlite_file_uri,
    untouched_read_uri,
)

DAILY_PREFIX = "daily-"
DAILY_KEEP = 14
# daily-DATE-WHICH.db: WHICH tells the databases apart (a teacher may keep two).
DAILY_PATTERN = re.compile(r"daily-(\d{4}-\d{2}-\d{2})-([0-9a-f]{8})\.db")
CHECK_LIMIT = 50
# Long enough to check the whole of a file of 25,000 conferences (four years of a
# teacher's classes: 0.3 s alone, 0.5 s beside the app's start) on a slow machine, so
# that such a file, damaged, opens read-only. Half a second, once the check was
# really stopped on time, let a damaged 25k file open to be written (a tmux check).
QUICK_CHECK_SECONDS = 1.0


def _connect(
    path: Path, *, read_only: bool, busy_seconds: float = BUSY_TIMEOUT_MS / 1000
) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw"
    connection = sqlite3.connect(
        sqlite_file_uri(path, mode),
        uri=True,
        timeout=busy_seconds,
        isolation_level=None,
    )
    connection.execute(f"PRAGMA busy_timeout = {round(busy_seconds * 1000)}")
    return connection


@contextlib.contextmanager
def _connection(
    path: Path, *, read_only: bool, busy_seconds: float = BUSY_TIMEOUT_MS / 1000
) -> Iterator[sqlite3.Connection]:
    connection = _connect(path, read_only=read_only, busy_seconds=busy_seconds)
    try:
        yield connection
    finally:
        connection.close()


def _private_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _link_without_replacing(source: Path, folder: Path, stem: str, suffix: str) -> Path:
    """Give `source` the name stem+suffix in `folder`, or stem-2, stem-3...: never replace."""
    for attempt in range(1, 1000):
        target = folder / (f"{stem}{suffix}" if attempt == 1 else f"{stem}-{attempt}{suffix}")
        try:
            os.link(source, target)
        except FileExistsError:
            continue
        except OSError:
            # A file system without hard links (FAT on a USB stick): rename, after a check.
            if target.exists():
                continue
            os.rename(source, target)
            return target
        source.unlink()
        return target
    raise FileExistsError(f"{folder / stem}{suffix}: too many files of that name already")


class _StillBusy(Exception):
    pass


def _give_up_when_busy(status: int, remaining: int, total: int) -> None:
    # A step that found the file locked has waited the busy timeout for it already;
    # Python's backup would try again for as long as the other program holds it (a
    # rollback-journal file under a writer's lock: 13 silent minutes in a fault check).
    if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        raise _StillBusy


def backup_sqlite(
    source: Path, folder: Path, stem: str, *, busy_seconds: float = BUSY_TIMEOUT_MS / 1000
) -> Path:
    """Copy the database at `source` into `folder` as `stem`.db (0600), consistent even
    while others write; a file another program holds for longer than `busy_seconds` is
    not copied. Returns the new file; raises OSError or DatabaseUnavailableError."""
    if not source.is_file():
        raise DatabaseUnavailableError(f"There is no database at {source} to back up.")
    _private_folder(folder)
    temporary = folder / f".{stem}.{os.getpid()}.partial"
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        os.chmod(temporary, 0o600)
        try:
            with _connection(source, read_only=True, busy_seconds=busy_seconds) as origin:
                copy = sqlite3.connect(temporary, isolation_level=None)
                try:
                    origin.backup(copy, progress=_give_up_when_busy)
                    copy.execute("PRAGMA journal_mode = DELETE")
                    verdict = copy.execute("PRAGMA quick_check").fetchone()
                finally:
                    copy.close()
        except _StillBusy:
            locked = describe(Fault.LOCKED, str(source))
            raise DatabaseUnavailableError(locked.for_command_line) from None
        except sqlite3.Error as exc:
            raise DatabaseUnavailableError(_copy_failed(source, folder, exc)) from exc
        if not verdict or verdict[0] != "ok":
            found = verdict[0] if verdict else "no answer"
            raise DatabaseUnavailableError(
                f"The copy of {source} failed its check ({found}); run `conference-tui check`."
            )
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        return _link_without_replacing(temporary, folder, stem, ".db")
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _copy_failed(source: Path, folder: Path, exc: sqlite3.Error) -> str:
    """Whose fault a failed copy is: the backups folder's disk, or the database."""
    reason = str(exc).lower()
    if "full" in reason:
        return f"the disk holding {folder} is full: free some space, or back up elsewhere."
    if "readonly" in reason or "read-only" in reason or "unable to open" in reason:
        return f"cannot write in {folder}: choose another folder for the backup."
    return f"could not copy {source}: {exc}. Run `conference-tui check` for a diagnosis."


def database_tag(path: Path) -> str:
    """Eight hex digits that name one database file among the backups."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:8]


def daily_backups(folder: Path, database: Path) -> list[Path]:
    """The rolling backups of `database` in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    tag = database_tag(database)
    return sorted(
        p
        for p in folder.iterdir()
        if (match := DAILY_PATTERN.fullmatch(p.name)) and match.group(2) == tag
    )


def all_backups(folder: Path) -> list[Path]:
    """Every database copy in `folder` (daily and made by `backup`), oldest first."""
    if not folder.is_dir():
        return []
    copies = [p for p in folder.iterdir() if p.suffix == ".db" and p.is_file()]
    return sorted(copies, key=lambda p: (p.stat().st_mtime, p.name))


def daily_backup(database: str, folder: Path, today: date, keep: int = DAILY_KEEP) -> Path | None:
    """Today's rolling copy of a SQLite database, unless it exists; then keep its newest
    `keep` (each database file its own). Returns the new copy, or None when there was
    nothing to do (today's copy exists, the database is on a server, or there is no
    database yet)."""
    location = locate(database)
    if location.path is None or not location.path.is_file():
        return None
    if location.path.stat().st_size == 0:
        return None  # nothing to keep, and it must not push out a good older copy
    stem = f"{DAILY_PREFIX}{today.isoformat()}-{database_tag(location.path)}"
    if (folder / f"{stem}.db").exists():
        return None
    made = backup_sqlite(location.path, folder, stem)
    for old in daily_backups(folder, location.path)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    return made


# -- the health check -------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport:
    """What `check_database` found. `healthy` only when every check ran and passed;
    otherwise `diagnosis` says what is wrong and the one safe thing to do."""

    path: Path
    integrity_problems: tuple[str, ...] = ()
    foreign_key_problems: tuple[str, ...] = ()
    search_index_checked: bool = False
    diagnosis: Diagnosis | None = None

    @property
    def fault(self) -> Fault | None:
        return self.diagnosis.fault if self.diagnosis else None

    @property
    def damaged(self) -> bool:
        """The file itself is damaged: the notes it holds may not all be readable."""
        return self.fault in (Fault.DAMAGED, Fault.NOT_A_DATABASE)

    @property
    def healthy(self) -> bool:
        return (
            self.diagnosis is None and not self.foreign_key_problems and (self.search_index_checked)
        )


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = ?", (name,)
    ).fetchone()
    return bool(row and row[0])


def _foreign_key_problems(connection: sqlite3.Connection) -> tuple[str, ...]:
    rows = connection.execute("PRAGMA foreign_key_check").fetchmany(CHECK_LIMIT)
    return tuple(
        f"a row of {table} (rowid {rowid}) points at a missing row of {parent}"
        for table, rowid, parent, _ in rows
    )


def check_search_index(path: Path) -> Fault | None:
    """None when the full-text index is whole and in step with the notes. rank=1 makes
    FTS5 compare the index with its content table, not only with itself."""
    try:
        with contextlib.ExitStack() as stack:
            if has_wal_content(str(path)):
                # The -wal is not the check's to fold into the file (see has_wal_content): while a
                # read-only connection holds the file open, the writable one below does
                # not close last, so it does not checkpoint; the read-only one never does.
                holder = stack.enter_context(_connection(path, read_only=True))
                holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection = stack.enter_context(_connection(path, read_only=False))
            connection.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
            connection.execute(
                "INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)"
            )
    except sqlite3.Error as exc:
        fault = fault_of_sqlite(exc, path)
        # Only a check that ran and disagreed means the index is out of step.
        return Fault.DAMAGED_SEARCH_INDEX if fault in (Fault.DAMAGED, Fault.UNKNOWN) else fault
    return None


def check_database(path: Path) -> CheckReport:
    """Run SQLite's integrity and foreign-key checks and the search index's own check,
    and say what is wrong (diagnosis.py). Only reads the file, except that the search
    index's check needs a write transaction (it writes nothing)."""
    where = str(path)
    fault = diagnose_file(path)
    if fault is None and not path.exists():
        return CheckReport(path, diagnosis=describe(Fault.NO_FILE, where))
    if fault is None and path.stat().st_size == 0:
        fault = Fault.EMPTY_FILE
    if fault is not None:
        return CheckReport(path, diagnosis=describe(fault, where))
    try:
        with _connection(path, read_only=True) as connection:
            integrity = [
                str(row[0])
                for row in connection.execute(f"PRAGMA integrity_check({CHECK_LIMIT})").fetchall()
            ]
            problems = () if integrity == ["ok"] else tuple(integrity)
            foreign = _foreign_key_problems(connection)
            has_index = _has_table(connection, "search_fts")
            revision = _schema_revision(connection)
    except sqlite3.Error as exc:
        return CheckReport(path, diagnosis=describe(fault_of_sqlite(exc, path), where))
    if problems:
        return CheckReport(path, problems, foreign, diagnosis=describe(Fault.DAMAGED, where))
    if revision is None:
        return CheckReport(
            path, foreign_key_problems=foreign, diagnosis=describe(Fault.NOT_OURS, where)
        )
    if revision not in known_revisions():
        too_new = describe(Fault.SCHEMA_TOO_NEW, where, detail=f" (schema {revision})")
        return CheckReport(path, foreign_key_problems=foreign, diagnosis=too_new)
    if not is_writable(path):
        # The index's own check needs a write transaction; the file cannot take one.
        return CheckReport(
            path, foreign_key_problems=foreign, diagnosis=describe(Fault.READ_ONLY, where)
        )
    index_fault = check_search_index(path) if has_index else Fault.DAMAGED_SEARCH_INDEX
    return CheckReport(
        path,
        foreign_key_problems=foreign,
        search_index_checked=True,
        diagnosis=describe(index_fault, where) if index_fault else None,
    )


def quick_check(path: Path, seconds: float = QUICK_CHECK_SECONDS) -> bool | None:
    """SQLite's quick check of every page, read-only: True when it passed, False when it
    found damage (or could not read the file), None when it did not finish in `seconds`
    (a large file: the open goes on, and `check` runs the full test)."""
    try:
        connection = sqlite3.connect(untouched_read_uri(path), uri=True, isolation_level=None)
        # Stopped from another thread: SQLite walks every page in one step of its
        # program, and a progress handler is asked only between steps; at 250,000
        # conferences that step took a second when half a second was allowed.
        stop = threading.Timer(seconds, _interrupt, (connection,))
        stop.daemon = True
        stop.start()
        try:
            rows = connection.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            stop.cancel()
            stop.join()
            connection.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_INTERRUPT":
            return None
        # Not a database at all, locked, unreadable: the open itself says what it is.
        return False if fault_of_sqlite(exc, path) is Fault.DAMAGED else None
    return rows == [("ok",)]


def _interrupt(connection: sqlite3.Connection) -> None:
    # A check that ended as the time ran out has nothing left to stop.
    with contextlib.suppress(sqlite3.Error):
        connection.interrupt()


def _schema_revision(connection: sqlite3.Connection) -> str | None:
    if not _has_table(connection, "alembic_version"):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def repair_search_index(path: Path) -> None:
    """Rebuild the full-text index from the notes it indexes (the notes are not touched)."""
    try:
        with _connection(path, read_only=False) as connection:
            connection.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    except sqlite3.Error as exc:
        raise DatabaseUnavailableError(
            f"Could not rebuild the search index of {path}: {exc}."
        ) from exc
