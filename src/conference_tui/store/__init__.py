"""The only code that knows SQL. The UI and the command line call `Store`.

Importing this package is cheap: `Store`, and SQLAlchemy behind it, load on first use,
so that the first frame can be painted before they do (see first_look.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from conference_tui.store.errors import (
    DatabaseLockedError,
    DatabaseUnavailableError,
    InvalidInputError,
    NotFoundError,
    RecordsClashError,
    SchemaTooNewError,
    StoreError,
)
from conference_tui.store.location import DatabaseLocation
from conference_tui.store.records import HabitTally, SearchFilters

if TYPE_CHECKING:
    from conference_tui.store.store import Store


def __getattr__(name: str) -> Any:
    if name == "Store":
        return importlib.import_module("conference_tui.store.store").Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DatabaseLocation",
    "DatabaseLockedError",
    "DatabaseUnavailableError",
    "HabitTally",
    "InvalidInputError",
    "NotFoundError",
    "RecordsClashError",
    "SchemaTooNewError",
    "SearchFilters",
    "Store",
    "StoreError",
]
