"""Engines for SQLite (the embedded default) and PostgreSQL, with migrations at open.

SQLite is opened the careful way: the file is created 0600 before SQLite sees it
(its -wal and -shm files copy that mode), WAL with synchronous=FULL so a power cut
loses nothing that was committed, foreign keys on, a busy timeout so that a second
copy of the app waits instead of failing, and writes that take the lock up front
with BEGIN IMMEDIATE so that they never deadlock on a lock upgrade.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from conference_tui.store.diagnosis import as_store_error, describe, diagnose_error, diagnose_file
from conference_tui.store.errors import DatabaseUnavailableError, StoreError
from conference_tui.store.location import (
    BUSY_TIMEOUT_MS,
    MIGRATIONS_DIR,
    DatabaseLocation,
    head_revision,
    locate,
    refuse_if_too_new,
    sqlite_errors,
    sqlite_schema_revision,
    untouched_read_uri,
)


def _create_private_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError as exc:
        if os.path.lexists(path):
            return  # the database is already there
        # mkdir says this when a file sits where the folder should be.
        raise DatabaseUnavailableError(
            f"Cannot create the database at {path}: {path.parent} is not a folder. "
            "Choose another place with --db PATH."
        ) from exc
    except PermissionError as exc:
        raise DatabaseUnavailableError(
            f"Cannot create the database at {path}: the folder is not writable. "
            "Choose another place with --db PATH."
        ) from exc
    except OSError as exc:
        raise DatabaseUnavailableError(
            f"Cannot create the database at {path}: {exc.strerror}. "
            "Choose another place with --db PATH."
        ) from exc
    os.close(fd)
    # The umask may have removed bits we asked for, never added: enforce exactly 0600.
    os.chmod(path, 0o600)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's begin event emit BEGIN itself; pysqlite's implicit BEGIN is deferred.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@contextlib.contextmanager
def page_cache(connection: Connection, mebibytes: int) -> Iterator[None]:
    """SQLite keeps up to this much of the file in memory on this connection within the
    block, rather than its default 2 MiB. Bulk writes land all over the indexes of
    random UUIDs: with too small a cache each one reads its page back from the file
    and writes another out to make room. Elsewhere than on SQLite, nothing changes."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{mebibytes * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _on_sqlite_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _read_only_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        untouched_read_uri(path),
        uri=True,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )


def create_store_engine(location: DatabaseLocation, *, read_only: bool = False) -> Engine:
    """An engine with the pragmas and begin behaviour above; creates the SQLite file if
    needed. A read-only engine's connections open the file read-only (see `open_engine`)."""
    if location.is_sqlite and location.path is not None:
        path = location.path
        if not read_only:
            _create_private_file(path)
        # A URL object, not text: a folder named "Notes #1" or "a?b" must not be parsed
        # as a URL fragment or query (the data would go to another file).
        connecting: dict[str, Any] = (
            {"creator": partial(_read_only_connection, path)}
            if read_only
            else {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
        )
        engine = create_engine(URL.create("sqlite", database=str(path)), **connecting)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    # No JIT: row-level security's nested policies make the planner's cost estimates
    # of a teacher's every query large enough to compile it, seconds for a query that
    # runs in milliseconds (a search at 5,000 conferences: 27 s with JIT; migration 0007).
    return create_engine(location.url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})


def writing(engine: Engine) -> Engine:
    """The same engine, whose transactions take the write lock at BEGIN on SQLite."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


@contextlib.contextmanager
def friendly_errors(location: DatabaseLocation) -> Iterator[None]:
    """Turn driver errors into StoreErrors whose message says what to do (diagnosis.py)."""
    try:
        with sqlite_errors(location):
            yield
    except StoreError:
        raise
    except DBAPIError as exc:
        error = exc.orig if exc.orig is not None else exc
        raise as_store_error(diagnose_error(error, location.describe(), location.path)) from exc


def _server_schema_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        exists = conn.execute(
            text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_name = 'alembic_version'"
            )
        ).scalar_one()
        if not exists:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return str(row[0]) if row else None


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine, location: DatabaseLocation) -> str | None:
    if location.is_sqlite and location.path is not None:
        return sqlite_schema_revision(location.path)
    return _server_schema_revision(engine)


def migrate(engine: Engine, location: DatabaseLocation, target: str = "head") -> None:
    """Bring the schema to `target`, refusing a database from a newer version of the app."""
    current = current_revision(engine, location)
    refuse_if_too_new(current, location)
    if target == "head" and current == head_revision():
        return
    if target == "head" and current is None and location.is_sqlite:
        from conference_tui.store.schema_at_head import create_at_head

        with friendly_errors(location):
            if create_at_head(engine):
                return
    from alembic import command

    with friendly_errors(location):
        command.upgrade(_alembic_config(engine), target)


def open_engine(database: str, *, read_only: bool = False) -> tuple[Engine, DatabaseLocation]:
    """Open (creating if needed) and migrate the database named by a path or URL.
    `read_only` (a damaged file) neither creates nor migrates, and opens a SQLite file
    read-only: a writable connection closing last would checkpoint the -wal beside the
    file into it, for good, even having written nothing, and that -wal may be the very
    cause of the damage (one from another copy of the database)."""
    location = locate(database)
    if location.is_sqlite and location.path is not None:
        fault = diagnose_file(location.path)
        if fault is not None:
            raise as_store_error(describe(fault, location.describe()))
    if location.is_sqlite and location.path is not None and location.path.exists():
        # Refuse a too-new or foreign file before the engine writes its WAL header.
        refuse_if_too_new(sqlite_schema_revision(location.path), location)
    with friendly_errors(location):
        engine = create_store_engine(location, read_only=read_only)
        try:
            if not read_only:
                migrate(engine, location)
            # Connect now (a database already at head was not touched yet), so that a
            # file in a read-only folder is reported at open, not at the first keypress.
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except BaseException:
            engine.dispose()
            raise
    return engine, location
