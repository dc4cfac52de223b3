"""The command line. The TUI and slow imports load only when a command needs them."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from conference_tui import __version__, paths

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

        demo_folder = Path(tempfile.mkdtemp(prefix="conference-tui-demo-"))
        database = str(demo_folder / "demo.db")
        build_demo_database(Path(database))
    try:
        store = open_store(database)
        from conference_tui.tui.app import make_app

        app = make_app(store, settings=settings, demo=demo)
        app.run()
        store.close()
        if app.return_code:
            sys.exit(app.return_code)
    finally:
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)


@cli.command()
@click.pass_context
def locate(ctx: click.Context) -> None:
    """Print where the database, settings, forms and backups are."""
    from conference_tui.store.engine import locate as locate_database

    database = ctx.obj["database"] or paths.default_database()
    click.echo(f"database:  {locate_database(database).describe()}")
    click.echo(f"config:    {paths.config_file()}")
    click.echo(f"forms:     {paths.user_forms_dir()}  (built-in: {paths.builtin_forms_dir()})")
    click.echo(f"backups:   {paths.backups_dir()}")


def main() -> None:
    cli(prog_name="conference-tui")
