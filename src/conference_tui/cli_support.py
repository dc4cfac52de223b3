"""What every command shares: where the database is, and failing with one clear line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from conference_tui import paths
from conference_tui.store.checked_open import damaged_file_warning, open_checked
from conference_tui.store.text_rules import visible

if TYPE_CHECKING:
    from conference_tui.store import Store

P = ParamSpec("P")
R = TypeVar("R")

DB_HELP = (
    "SQLite file path or database URL (e.g. postgresql://user@host/db). "
    f"Default: ${paths.DB_ENV}, else the file in the data folder."
)


def database_option(command: Callable[P, R]) -> Callable[P, R]:
    """`--db` after a command's name too (`conference-tui locate --db X`), as before it;
    given in both places, the one after the command wins. Commands read it from
    `ctx.obj["database"]`, where the group puts its own."""

    def after_the_command(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            ctx.ensure_object(dict)["database"] = value

    return click.option(
        "--db",
        metavar="PATH_OR_URL",
        help=DB_HELP,
        expose_value=False,
        callback=after_the_command,
    )(command)


def database_of(ctx: click.Context) -> str:
    """The database a command was given (--db), else the default one."""
    return str(ctx.obj["database"] or paths.default_database())


def require_database_file(database: str, nothing_to: str) -> None:
    """A command that reads notes must never make an empty database where none was (a
    mistyped --db would then report nothing to do, as if the notes were gone)."""
    from conference_tui.store.location import locate

    path = locate(database).path
    if path is not None and not path.exists():
        fail(
            f"there is no database at {path} yet: nothing to {nothing_to}. "
            "`conference-tui locate` shows where your notes are."
        )


def require_notes_in(path: Path, nothing_to: str) -> None:
    """Refuse a file that holds no notes (empty, another program's database) before
    anything is made from it: a backup of an empty file was "checked: ok", and became the
    newest backup, the one the advice for a damaged file says to open."""
    from conference_tui.store import StoreError
    from conference_tui.store.location import sqlite_schema_revision

    refuse_an_empty_file_with_backups(str(path))
    try:
        revision = sqlite_schema_revision(path)
    except StoreError as exc:
        fail(exc.for_command_line)
    if revision is None:
        fail(
            f"{path} holds no notes (it is empty): nothing to {nothing_to}. "
            "`conference-tui locate` shows where your notes are."
        )


def echo(message: str, *, err: bool = False) -> None:
    """A line for the teacher. Text from a file or a record in it shows as its own
    characters (an archive's bad date, quoted in the refusal, retitled the terminal)."""
    click.echo(visible(message), err=err)


def fail(message: str) -> NoReturn:
    """Print a message the teacher can act on, never a traceback, and exit 1."""
    click.secho(f"conference-tui: {visible(message)}", fg="red", err=True)
    sys.exit(1)


def open_store(database: str | None, *, say_read_only: bool = True) -> Store:
    """The store for a command or the app, or a one-line failure. A damaged file is
    opened read-only (see damaged_file_warning), with the warning on stderr unless the
    command says it in its own words (`say_read_only`)."""
    from conference_tui.store import StoreError

    database = database or paths.default_database()
    refuse_an_empty_file_with_backups(database)
    say_if_upgrading(database)
    try:
        store = open_checked(database)
    except StoreError as exc:
        fail(exc.for_command_line)
    if store.read_only_because and say_read_only:
        echo(store.read_only_because, err=True)
    return store


def say_if_upgrading(database: str) -> None:
    """An older file is brought up to date before anything shows: say so, since on a large
    file it takes a while (a minute at 250,000 conferences) and the screen stays empty."""
    from conference_tui.store import StoreError
    from conference_tui.store.location import (
        head_revision,
        known_revisions,
        locate,
        sqlite_schema_revision,
    )

    path = locate(database).path
    if path is None or not path.is_file():
        return
    try:
        revision = sqlite_schema_revision(path)
    except StoreError:
        return  # the open itself says what is wrong
    if revision in known_revisions() and revision != head_revision():
        echo(
            f"Updating {path} for this version of conference-tui (once; a large file takes "
            "a minute)…",
            err=True,
        )


@contextlib.contextmanager
def warning_if_damaged(database: str, warning: str) -> Iterator[None]:
    """For a command that only reads the file: the quick check of `damaged_file_warning`
    runs beside the block, on a thread (SQLite checks without Python's lock), and
    `warning` is printed when the block has done its work on a damaged file. A block
    that fails says why itself; the check still ends before the block's exit."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quick-check") as pool:
        checking = pool.submit(damaged_file_warning, database)
        yield
        if checking.result():
            echo(warning, err=True)


def refuse_an_empty_file_with_backups(database: str) -> None:
    """An empty file where the notes should be, when backups exist, is a loss to report,
    not a new start: opening it would make it an empty database (and, by evening, the
    newest backup). Without backups it is a first start that never finished."""
    from conference_tui.store.backup import all_backups
    from conference_tui.store.diagnosis import Fault, describe
    from conference_tui.store.location import locate

    path = locate(database).path
    if (
        path is None
        or not path.is_file()
        or path.stat().st_size
        or not all_backups(paths.backups_dir())
    ):
        return
    fail(describe(Fault.EMPTY_FILE, str(path)).message)


@contextlib.contextmanager
def clear_errors() -> Iterator[None]:
    """Every expected failure of a command as one line and exit 1, never a traceback."""
    from conference_tui.export.files import ExportError, describe_os_error
    from conference_tui.forms import FormError
    from conference_tui.store import StoreError

    try:
        yield
    except StoreError as exc:
        fail(exc.for_command_line)
    except (ExportError, FormError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(describe_os_error(exc, Path(str(exc.filename or "."))))
