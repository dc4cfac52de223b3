"""What every command shares: where the database is, and failing with one clear line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from conference_tui import paths

if TYPE_CHECKING:
    from conference_tui.store import Store

DB_HELP = (
    "SQLite file path or database URL (e.g. postgresql://user@host/db). "
    f"Default: ${paths.DB_ENV}, else the file in the data folder."
)


def fail(message: str) -> NoReturn:
    """Print a message the teacher can act on, never a traceback, and exit 1."""
    click.secho(f"conference-tui: {message}", fg="red", err=True)
    sys.exit(1)


def open_store(database: str | None) -> Store:
    from conference_tui.store import Store, StoreError

    try:
        return Store.open(database or paths.default_database())
    except StoreError as exc:
        fail(str(exc))


@contextlib.contextmanager
def clear_errors() -> Iterator[None]:
    """Every expected failure of a command as one line and exit 1, never a traceback."""
    from conference_tui.export.files import ExportError, describe_os_error
    from conference_tui.forms import FormError
    from conference_tui.store import StoreError

    try:
        yield
    except (StoreError, ExportError, FormError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(describe_os_error(exc, Path(str(exc.filename or "."))))
