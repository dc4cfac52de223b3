"""The command line. The TUI and slow imports load only when a command needs them."""

from __future__ import annotations

import gc
import shutil
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from conference_tui import __version__, paths
from conference_tui.cli_server import server
from conference_tui.cli_support import DB_HELP, database_option, fail, open_checked, open_store
from conference_tui.cli_transfer import TRANSFER_COMMANDS

if TYPE_CHECKING:
    from conference_tui.settings import Settings
    from conference_tui.store import Store
    from conference_tui.store.first_look import FirstLook


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "database", envvar=paths.DB_ENV, metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--demo", is_flag=True, help="Open a throwaway copy of a sample class.")
@click.version_option(__version__, prog_name="conference-tui")
@click.pass_context
def cli(ctx: click.Context, database: str | None, demo: bool) -> None:
    """Writing conferences along the feedback spiral, in your terminal.

    Run without a command to open the app.
    """
    ctx.ensure_object(dict)
    ctx.obj["database"] = database
    if ctx.invoked_subcommand is None:
        run_app(database, demo)


def run_app(database: str | None, demo: bool) -> None:
    from conference_tui.settings import load_settings

    settings = load_settings()
    demo_folder: Path | None = None
    if demo:
        from conference_tui.demo import build_demo_database

        click.echo("Preparing the demo class (a few seconds, the first time each day)…", err=True)
        demo_folder = Path(tempfile.mkdtemp(prefix="conference-tui-demo-"))
        database = str(demo_folder / "demo.db")
        build_demo_database(Path(database))
    # Until the app has settled, nearly every object made lives as long as the app:
    # collecting garbage then only delays the first frame (see settle_memory).
    gc.disable()
    database = database or paths.default_database()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="first-look") as pool:
            # The roster is read (in SQLite, which lets go of the GIL) while Python loads
            # Textual and the app's screens: 5 to 10 ms of the first frame.
            reading = None if demo else _start_first_look(pool, database, settings)
            from conference_tui.tui.app import make_app
            from conference_tui.tui.escape_keys import read_escape_then_key

            look, store = _open_for_app(database, reading)
        # The demo logs too: an error message always names a log that exists.
        warnings = [_start_log()]
        app = make_app(
            store,
            settings=settings,
            demo=demo,
            startup_warnings=[w for w in warnings if w],
            # Made once the store is open (never from a damaged file, which would push out
            # a good older copy), in the background: at 25,000 conferences it takes a second.
            background_startup=None if demo else partial(_daily_backup, database),
            first_look=look,
            settled=settle_memory,
        )
        read_escape_then_key()
        app.run()
        store.close()
        if app.return_code:
            sys.exit(app.return_code)
    finally:
        gc.enable()
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)


def settle_memory() -> None:
    """Once the app has started: what it made so far (modules, classes, styles, the
    store, the roster: about 120,000 objects) stays for its whole run, so the garbage
    collector stops walking it: a full collection walked all of it, 60 to 90 ms (up to
    250 ms on a busy machine) falling on a screen change. (None falls while a key is
    handled: see KeyGate.deliver_waiting.) What is frozen and later dropped in a cycle
    is never freed, so the start's garbage is collected first: once, 60 to 80 ms as the
    app finishes opening (keys typed meanwhile wait, and are kept), 1 MiB less at any
    size of database."""
    gc.collect()
    gc.freeze()
    gc.enable()
    give_back_freed_memory()


def give_back_freed_memory() -> None:
    """Hand the memory the C allocator holds free back to the system, now and after each
    collection of older objects. Python frees a screen's objects into the allocator's
    heap, which keeps them (and the start's imports' read buffers) as the app's: 2 to 3
    MiB of the app's peak at 250,000 conferences. A trim takes under a millisecond.
    Only glibc has malloc_trim; elsewhere nothing changes."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except AttributeError:
        return
    trim(0)

    def after_collecting(phase: str, info: dict[str, int]) -> None:
        # Young collections run every few hundred objects made: too often to trim after.
        if phase == "stop" and info["generation"] >= 1:
            trim(0)

    gc.callbacks.append(after_collecting)


def _start_first_look(
    pool: ThreadPoolExecutor, database: str, settings: Settings
) -> Future[FirstLook | None]:
    """The roster to paint at once, read in `pool`: None unless the file is an
    up-to-date SQLite database. The demo's file is new, the app's own: it has none."""
    from datetime import date

    from conference_tui.store.first_look import first_look
    from conference_tui.store.location import in_use_elsewhere
    from conference_tui.store.location import locate as locate_database

    location = locate_database(database)
    path = location.path
    if path is not None and path.is_file() and in_use_elsewhere(path):
        click.echo(
            f"The database at {path} is in use by another program; waiting a few seconds for it…",
            err=True,
        )
    return pool.submit(first_look, location, date.today(), settings.due_after_days)


def _open_for_app(
    database: str, reading: Future[FirstLook | None] | None
) -> tuple[FirstLook | None, Store]:
    """The first look, with a store still opening behind it; without one (none read, or
    the file is not an up-to-date SQLite database), the store opened now."""
    from conference_tui.store.errors import StoreError
    from conference_tui.store.opening_store import OpeningStore

    try:
        look = None if reading is None else reading.result()
    except StoreError as exc:
        fail(exc.for_command_line)
    if look is None:
        return None, open_store(database)
    # The app only ever reaches it from workers, which wait for it: it stands for a Store.
    return look, cast("Store", OpeningStore(partial(open_checked, database)))


@cli.command()
@database_option
@click.pass_context
def locate(ctx: click.Context) -> None:
    """Print where the database, settings, forms and backups are."""
    from conference_tui.store.location import locate as locate_database

    database = ctx.obj["database"] or paths.default_database()
    click.echo(f"database:  {locate_database(database).describe()}")
    click.echo(f"config:    {paths.config_file()}")
    click.echo(f"forms:     {paths.user_forms_dir()}  (built-in: {paths.builtin_forms_dir()})")
    click.echo(f"backups:   {paths.backups_dir()}")
    click.echo(f"log:       {paths.log_file()}")


@cli.command()
def keys() -> None:
    """List every key by its id, for a [keys] table in config.toml."""
    from conference_tui.settings import load_settings
    from conference_tui.tui.app import ConferenceApp
    from conference_tui.tui.keymap import check_keymap, key_ids, keys_for

    settings = load_settings()
    checked = check_keymap(settings.keys, ConferenceApp, settings.config_name)
    for problem in (*settings.problems, *checked.problems):
        click.echo(problem, err=True)
    click.echo(f'# Remap a key in {settings.config_name}, e.g.  [keys]  "roster.search" = "ctrl+f"')
    for place, bindings in key_ids(ConferenceApp):
        click.echo(f"\n{place}")
        for binding in bindings:
            keys = keys_for(binding, checked.keymap)
            mine = "  (yours)" if binding.id in checked.keymap else ""
            click.echo(f"  {binding.id:<28} {keys:<16} {binding.description}{mine}")


def _daily_backup(database: str | None) -> str:
    """Today's rolling copy of the database: a fast no-op once made; never stops the app.

    Returns a warning for the app to show, or "" when all went well.
    """
    from datetime import date

    try:
        from conference_tui.store.backup import daily_backup

        daily_backup(database or paths.default_database(), paths.backups_dir(), date.today())
    except Exception as exc:  # any failure of a backup must only warn: the app still starts
        return f"Today's backup was not made: {exc}"
    return ""


def _start_log() -> str:
    """Unexpected errors go to a private log file, never onto the teacher's screen."""
    import logging
    import os

    log_file = paths.log_file()
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(log_file, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
        handler = logging.FileHandler(log_file, encoding="utf-8")
    except OSError as exc:
        return f"The log file {log_file} cannot be written ({exc.strerror})."
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("conference_tui").addHandler(handler)
    return ""


for command in TRANSFER_COMMANDS:
    cli.add_command(command)
cli.add_command(server)


def main() -> None:
    cli(prog_name="conference-tui")
