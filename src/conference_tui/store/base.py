"""The part of the store every concern shares: the engine, the clock and sessions."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from conference_tui.store.clock import Clock, utc_now
from conference_tui.store.diagnosis import Fault
from conference_tui.store.engine import friendly_errors, writing
from conference_tui.store.errors import DatabaseUnavailableError, NotFoundError
from conference_tui.store.location import DatabaseLocation
from conference_tui.store.roster_reads import RunSql

T = TypeVar("T")


class StoreBase:
    def __init__(
        self,
        engine: Engine,
        location: DatabaseLocation,
        clock: Clock = utc_now,
        *,
        read_only_because: str = "",
    ) -> None:
        self.engine = engine
        self.location = location
        self.clock = clock
        self._write_engine = writing(engine)
        # A rehearsal's session, per thread (see _rehearsal).
        self._rehearsals = threading.local()
        # Why nothing may be written (a damaged file opened to read what it holds).
        self.read_only_because = read_only_because

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def today(self) -> date:
        return self.clock().astimezone().date()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        if (rehearsing := self._rehearsing()) is not None:
            yield rehearsing  # one connection, which sees what the rehearsal wrote
            return
        with friendly_errors(self.location), Session(self.engine) as session:
            yield session

    @staticmethod
    def _run_sql(session: Session) -> RunSql:
        """Plain SQL (see roster_reads.py) on this session's connection."""

        def run(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
            return session.execute(text(sql), params).all()

        return run

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """A short transaction that holds the write lock from its first statement; inside
        a rehearsal (in this thread), the rehearsal's, which is never committed."""
        if (rehearsing := self._rehearsing()) is not None:
            yield rehearsing
            return
        if self.read_only_because:
            raise DatabaseUnavailableError(self.read_only_because, Fault.READ_ONLY)
        with (
            friendly_errors(self.location),
            Session(self._write_engine) as session,
            session.begin(),
        ):
            yield session

    def _rehearsing(self) -> Session | None:
        """The session every store call in this thread shares, if it is in a rehearsal
        or in one transaction (see `_one_session`)."""
        session: Session | None = getattr(self._rehearsals, "session", None)
        return session

    @contextlib.contextmanager
    def _one_session(self, *, give_way: bool) -> Iterator[Session]:
        """One session on one connection, which every read and write made in this thread
        inside the block uses; with `give_way`, it gives way at once to another copy's
        write instead of waiting for it."""
        if self.read_only_because:
            raise DatabaseUnavailableError(self.read_only_because, Fault.READ_ONLY)
        with friendly_errors(self.location), self._write_engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None  # a connection just checked out of the pool
            waits = 0
            if give_way and self.location.is_sqlite:
                waits = driver.execute("PRAGMA busy_timeout").fetchone()[0]
                driver.execute("PRAGMA busy_timeout = 0")
            session = Session(bind=connection)
            self._rehearsals.session = session
            try:
                yield session
            finally:
                self._rehearsals.session = None
                session.close()  # rolls back what was not committed
                if give_way and self.location.is_sqlite:
                    driver.execute(f"PRAGMA busy_timeout = {int(waits)}")

    @contextlib.contextmanager
    def _rehearsal(self) -> Iterator[None]:
        """Every read and write made in this thread inside it goes into one transaction
        that is rolled back: the statements are built and run, and nothing is kept."""
        with self._one_session(give_way=True) as session:
            try:
                yield
                session.flush()
            finally:
                session.rollback()

    @contextlib.contextmanager
    def in_one_transaction(self) -> Iterator[None]:
        """Every read and write made in this thread inside it goes into one transaction,
        committed as the block ends, and none of it if the block fails: for building a
        whole database (the demo), where a transaction per call took a third of the
        time, and for a new conference written with its first save (tui/draft_start.py).
        It holds the write lock throughout, so never around more than one save."""
        with self._one_session(give_way=False) as session:
            yield
            session.commit()

    def close(self) -> None:
        self.engine.dispose()


def require(record: T | None, what: str, record_id: str) -> T:
    if record is None:
        raise NotFoundError(f"No {what} with id {record_id}: it may have been removed.")
    return record
