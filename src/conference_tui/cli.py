"""The command line. The TUI and slow imports load only when a command needs them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from conference_tui import __version__, paths
from conference_tui.cli_app import run_app
from conference_tui.cli_server import server
from conference_tui.cli_support import DB_HELP, database_option, echo
from conference_tui.cli_transfer import TRANSFER_COMMANDS

if TYPE_CHECKING:
    pass


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


@cli.command()
@database_option
@click.pass_context
def locate(ctx: click.Context) -> None:
    """Print where the database, settings, forms and backups are."""
    from conference_tui.store.location import locate as locate_database

    database = ctx.obj["database"] or paths.default_database()
    echo(f"database:  {locate_database(database).describe()}")
    echo(f"config:    {paths.config_file()}")
    echo(f"forms:     {paths.user_forms_dir()}  (built-in: {paths.builtin_forms_dir()})")
    echo(f"backups:   {paths.backups_dir()}")
    echo(f"log:       {paths.log_file()}")


@cli.command()
def keys() -> None:
    """List every key by its id, for a [keys] table in config.toml."""
    from conference_tui.settings import load_settings
    from conference_tui.tui.app import ConferenceApp
    from conference_tui.tui.keymap import check_keymap, key_ids, keys_for

    settings = load_settings()
    checked = check_keymap(settings.keys, ConferenceApp, settings.config_name)
    for problem in (*settings.problems, *checked.problems):
        echo(problem, err=True)
    echo(f'# Remap a key in {settings.config_name}, e.g.  [keys]  "roster.search" = "ctrl+f"')
    for place, bindings in key_ids(ConferenceApp):
        echo(f"\n{place}")
        for binding in bindings:
            keys = keys_for(binding, checked.keymap)
            mine = "  (yours)" if binding.id in checked.keymap else ""
            echo(f"  {binding.id:<28} {keys:<16} {binding.description}{mine}")


for command in TRANSFER_COMMANDS:
    cli.add_command(command)
cli.add_command(server)


def main() -> None:
    cli(prog_name="conference-tui")
