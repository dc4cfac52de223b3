"""Where the notes are and which schema they hold, known with the sqlite3 module alone.

The first frame is painted before SQLAlchemy loads (see first_look.py), so what it needs
to know about the database lives here; SQLAlchemy is imported only to read a server URL.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from conference_tui.store.diagnosis import (
    Fault,
    as_store_error,
    describe,
    diagnose_error,
    fault_of_sqlite,
)
from conference_tui.store.errors import StoreError

BUSY_TIMEOUT_MS = 5000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class DatabaseLocation:
    """Where the data lives: a SQLite file path, or a server URL."""

    url: str
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def describe(self) -> str:
        if self.path is not None:
            return str(self.path)
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)


def locate(database: str) -> DatabaseLocation:
    """Interpret a `--db` value: a URL has a scheme, anything else is a file path."""
    if "://" in database:
        from sqlalchemy.engine import make_url

        url = make_url(database)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        path = (
            Path(url.database).expanduser().resolve()
            if url.get_backend_name() == "sqlite" and url.database
            else None
        )
        return DatabaseLocation(url.render_as_string(hide_password=False), path)
    path = Path(database).expanduser().resolve()
    return DatabaseLocation(f"sqlite:///{path}", path)


@contextlib.contextmanager
def sqlite_errors(location: DatabaseLocation) -> Iterator[None]:
    """sqlite3's errors as StoreErrors whose message says what to do (diagnosis.py)."""
    try:
        yield
    except StoreError:
        raise
    except sqlite3.Error as exc:
        raise as_store_error(diagnose_error(exc, location.describe(), location.path)) from exc


def sqlite_file_uri(path: Path, mode: str) -> str:
    """A `file:` URI for sqlite3; the path is quoted since `#`, `?` and `%` are URI syntax."""
    return f"file:{quote(str(path))}?mode={mode}"


def has_wal(path: Path) -> bool:
    """Whether a -wal file is beside the database: another connection has it open, or
    one left it (a crash, or a copy of a file that was open)."""
    return Path(f"{path}-wal").exists()


def untouched_read_uri(path: Path) -> str:
    """A URI that reads the file without writing a byte. Read-only is not enough: reading
    a WAL database creates its -wal and -shm files. Unless a -wal is there, read it as
    immutable, which creates nothing. With one, read-only: such a connection never
    checkpoints the -wal into the file, though SQLite may create the -shm it needs."""
    uri = sqlite_file_uri(path, "ro")
    if not has_wal(path):
        uri += "&immutable=1"
    return uri


def sqlite_schema_revision(path: Path) -> str | None:
    """Read alembic's revision without writing a byte: the file may be too new to touch."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with sqlite_errors(DatabaseLocation(f"sqlite:///{path}", path)):
        conn = sqlite3.connect(untouched_read_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchall()
            if not tables:
                other = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                if other and other[0]:
                    raise as_store_error(describe(Fault.NOT_OURS, str(path)))
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(row[0]) if row else None
        finally:
            conn.close()


REVISION_LINE = re.compile(r'^(down_revision|revision) = "?([^"\n]*?)"?$', re.MULTILINE)


@functools.cache
def _revision_links() -> dict[str, str | None]:
    """Each migration's revision and the one it revises, read from the files' own
    `revision = ...` lines: Alembic's script machinery costs a tenth of a second to
    import, and an up-to-date database, the usual start, needs only these two lines."""
    links: dict[str, str | None] = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        down = found.get("down_revision")
        links[found["revision"]] = None if down in (None, "None") else down
    return links


@functools.cache
def head_revision() -> str:
    links = _revision_links()
    revised = {down for down in links.values() if down is not None}
    (head,) = set(links) - revised
    return head


@functools.cache
def known_revisions() -> frozenset[str]:
    return frozenset(_revision_links())


def refuse_if_too_new(current: str | None, location: DatabaseLocation) -> None:
    if current is not None and current not in known_revisions():
        diagnosis = describe(
            Fault.SCHEMA_TOO_NEW, location.describe(), detail=f" (schema {current})"
        )
        raise as_store_error(diagnosis)


def in_use_elsewhere(path: Path) -> bool:
    """Whether another program holds the SQLite file at `path` so that it cannot be read
    now (a writer in the rollback journal, or one that keeps it to itself): asked without
    waiting, to tell the teacher before the wait for it begins."""
    try:
        connection = sqlite3.connect(untouched_read_uri(path), uri=True, timeout=0)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return fault_of_sqlite(exc, path) is Fault.LOCKED
    return False


def file_at_head(location: DatabaseLocation) -> Path | None:
    """The SQLite file `location` names when the sqlite3 module alone can read it (there,
    not empty, at the schema this version writes: the first frame's roster, an export);
    None when the store must open it, to make, update or diagnose it. Reading the
    revision raises what the store raises for a file it cannot read."""
    path = location.path
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    return path if sqlite_schema_revision(path) == head_revision() else None
