"""The part of the store every concern shares: the engine, the clock and sessions."""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from conference_tui.store.engine import DatabaseLocation, friendly_errors, writing
from conference_tui.store.errors import InvalidInputError, NotFoundError
from conference_tui.store.models import utc_now

Clock = Callable[[], datetime]
T = TypeVar("T")

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 1_000_000


class StoreBase:
    def __init__(self, engine: Engine, location: DatabaseLocation, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.location = location
        self.clock = clock
        self._write_engine = writing(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def today(self) -> date:
        return self.clock().astimezone().date()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        with friendly_errors(self.location), Session(self.engine) as session:
            yield session

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """A short transaction that holds the write lock from its first statement."""
        with (
            friendly_errors(self.location),
            Session(self._write_engine) as session,
            session.begin(),
        ):
            yield session

    def close(self) -> None:
        self.engine.dispose()


def require(record: T | None, what: str, record_id: str) -> T:
    if record is None:
        raise NotFoundError(f"No {what} with id {record_id}: it may have been removed.")
    return record


def clean_name(name: str, what: str = "name") -> str:
    """A person's or class's name, whitespace-normalised: `" ".join(name.split())`.

    Refuses, with a message that says what to fix, a name that is empty, longer than
    MAX_NAME_LENGTH, or holds control characters (NUL, escape, C1 codes...) once
    normalised. Every other character, in any script, is kept.
    """
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError(f"The {what} cannot be empty.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"The {what} is {len(cleaned)} characters long; keep it under {MAX_NAME_LENGTH}."
        )
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise InvalidInputError(f"The {what} contains control characters.")
    return cleaned


def clean_optional_name(name: str, what: str) -> str:
    """Like clean_name, but empty is allowed: a preferred name, a school year."""
    return clean_name(name, what) if name.split() else ""


def check_text(value: str, what: str = "note") -> str:
    """Free text (answers, learner notes, goals) exactly as typed, except NUL characters,
    which are dropped on every backend: they are invisible, mean nothing in a note, and
    PostgreSQL cannot store them. Refuses text longer than MAX_TEXT_LENGTH."""
    value = value.replace("\x00", "")
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidInputError(
            f"The {what} is {len(value):,} characters long; the limit is {MAX_TEXT_LENGTH:,}."
        )
    return value
