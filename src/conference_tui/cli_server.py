"""`conference-tui server ...`: setting up one PostgreSQL server for a school.

The connection comes from --db (or $CONFERENCE_TUI_DB) as a URL without a password,
e.g. postgresql://admin@db.school.example/conferences or postgresql:///?service=school;
libpq finds the password in $PGPASSWORD, the service file or ~/.pgpass. Nothing here
writes a password anywhere: the one made for a new login is printed once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from conference_tui.cli_support import database_option, echo, fail

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Engine

    from conference_tui.store.school import SchoolRoles

ROLE_PREFIX_ENV = "CONFERENCE_TUI_ROLE_PREFIX"
SERVER_URL_HINT = (
    "give the school's server as --db postgresql://ROLE@HOST/DATABASE (the password comes "
    "from $PGPASSWORD, a service file or ~/.pgpass, never from the command line)"
)


def _server_engine(ctx: click.Context) -> Engine:
    """The server's engine, migrated to this version's schema, or a one-line failure."""
    from sqlalchemy.engine import make_url

    from conference_tui.store import StoreError
    from conference_tui.store.engine import open_engine
    from conference_tui.store.location import locate

    database = ctx.obj.get("database") if ctx.obj else None
    if not database or locate(database).is_sqlite:
        fail(f"The server commands work on PostgreSQL only: {SERVER_URL_HINT}.")
    if make_url(database).password is not None:
        fail(
            f"The URL holds a password, which would stay in the shell's history: {SERVER_URL_HINT}."
        )
    try:
        engine, _location = open_engine(database)
    except StoreError as exc:
        fail(exc.for_command_line)
    return engine


def _roles() -> SchoolRoles:
    """The group roles: conference_teacher, _coach and _admin, unless another prefix is
    set (two schools' databases on one server, or tests: roles are the server's)."""
    import os

    from conference_tui.store.school import SchoolRoles

    return SchoolRoles(os.environ.get(ROLE_PREFIX_ENV) or "conference")


def _run(ctx: click.Context, act: Callable[[Engine], None]) -> None:
    from conference_tui.store import StoreError

    engine = _server_engine(ctx)
    try:
        act(engine)
    except StoreError as exc:
        fail(exc.for_command_line)
    finally:
        engine.dispose()


@click.group()
def server() -> None:
    """Set up a PostgreSQL server shared by a school's teachers."""


@server.command()
@database_option
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the schema and the teacher, coach and admin roles (safe to run again)."""
    from conference_tui.store.location import head_revision
    from conference_tui.store.school import init_school

    def act(engine: Engine) -> None:
        echo(f"the schema is at revision {head_revision()}")
        for line in init_school(engine, _roles()):
            echo(line)

    _run(ctx, act)


def _add_login(ctx: click.Context, name: str, what: str) -> None:
    from conference_tui.store.school import add_login

    roles = _roles()
    group = roles.teacher if what == "teacher" else roles.coach

    def act(engine: Engine) -> None:
        password = add_login(engine, name, group)
        echo(f"added the {what} {name}; their password (shown this once, kept nowhere):")
        echo(password)
        echo(
            f"They connect with --db postgresql://{name}@HOST/DATABASE and this "
            "password in ~/.pgpass or $PGPASSWORD."
        )

    _run(ctx, act)


@server.command(name="add-teacher")
@click.argument("name")
@database_option
@click.pass_context
def add_teacher(ctx: click.Context, name: str) -> None:
    """Add a teacher's login; they see only their own classes and those shared with them."""
    _add_login(ctx, name, "teacher")


@server.command(name="add-coach")
@click.argument("name")
@database_option
@click.pass_context
def add_coach(ctx: click.Context, name: str) -> None:
    """Add a coach's login: reads every class's notes that are not private, writes none."""
    _add_login(ctx, name, "coach")


@server.command()
@click.argument("class_name", metavar="CLASS")
@click.argument("teacher")
@database_option
@click.pass_context
def share(ctx: click.Context, class_name: str, teacher: str) -> None:
    """Share a class (its name or id) with a co-teacher."""
    from conference_tui.store.school import share_class

    _run(ctx, lambda engine: echo(share_class(engine, class_name, teacher, _roles())))


@server.command()
@click.argument("class_name", metavar="CLASS")
@click.argument("teacher")
@database_option
@click.pass_context
def move(ctx: click.Context, class_name: str, teacher: str) -> None:
    """Give a class (its name or id), with all its notes, to another teacher (admin only)."""
    from conference_tui.store.school import move_class

    _run(ctx, lambda engine: echo(move_class(engine, class_name, teacher, _roles())))


@server.command()
@database_option
@click.pass_context
def classes(ctx: click.Context) -> None:
    """List the classes this role can see, with their ids and owners."""
    from conference_tui.store.school import list_classes

    def act(engine: Engine) -> None:
        for class_id, name, year, owner in list_classes(engine):
            echo(f"{class_id}  {name}  {year}  owner: {owner}")

    _run(ctx, act)
