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

if TYPE_CHECKING:
    from conference_tui.store.records import HabitTally, SearchFilters
    from conference_tui.store.store import Store

# Loaded on first use too: the records' module builds twenty dataclasses (see
# roster_records.py).
LAZY = {
    "Store": "conference_tui.store.store",
    "HabitTally": "conference_tui.store.records",
    "SearchFilters": "conference_tui.store.records",
}


def __getattr__(name: str) -> Any:
    if name in LAZY:
        return getattr(importlib.import_module(LAZY[name]), name)
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
