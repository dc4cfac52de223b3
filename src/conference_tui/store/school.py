"""A school's server: the group roles, their grants and policies, teachers' logins, shares.

Migration 0007 makes every class owned by a role and lets a role reach only the rows of
its classes (row-level security). What needs roles lives here, run by the server's
administrator through `conference-tui server ...`, each step safe to repeat:

- conference_teacher: reads and writes the rows of its own and shared classes; may not
  give a class away (no UPDATE of `owner`).
- conference_coach: reads every class, student and conference, and every answer that is
  not private (a restrictive policy: no other policy can let a private one through);
  of a conference's row, not the answers copied into it; writes nothing.
- conference_admin: reads the classes (never a student or a note), moves a class to
  another teacher, shares it. For the school's IT, not for a teacher: a teacher who was
  also admin would see every class, and through it every class's notes.

Tests use another prefix than "conference": roles belong to the whole server.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from conference_tui.store.errors import InvalidInputError, NotFoundError, StoreError

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TEACHER_TABLES = (
    "student",
    "conference",
    "answer",
    "answer_revision",
    "habit_observation",
    "goal",
)
COACH_TABLES = ("school_class", "student", "answer")
# The coach reads a conference's row but not the answers copied into it (the piece's
# title, genre and stage, the follow-up date): the copy of a private answer would
# otherwise show what the answer's policy hides. Listed, not derived, so that a column
# added later stays closed to the coach until someone decides it may be read.
COACH_CONFERENCE_COLUMNS = (
    "id",
    "student_id",
    "form_id",
    "form_version",
    "status",
    "started_at",
    "ended_at",
    "updated_at",
    "amended_at",
    "current_stage",
    "current_field",
    "elapsed_seconds",
)


class NotAllowedError(StoreError):
    """The connected role may not do this on the server."""


@contextlib.contextmanager
def _refusals_said(what: str) -> Iterator[None]:
    """The server's refusal (permission denied, SQLSTATE 42501) as one line."""
    try:
        yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":
            raise
        reason = str(exc.orig).splitlines()[0]
        raise NotAllowedError(
            f"The server refused to {what} ({reason}): run it as the school's admin."
        ) from exc


@dataclass(frozen=True)
class SchoolRoles:
    """The names of the three group roles."""

    prefix: str = "conference"

    @property
    def teacher(self) -> str:
        return f"{self.prefix}_teacher"

    @property
    def coach(self) -> str:
        return f"{self.prefix}_coach"

    @property
    def admin(self) -> str:
        return f"{self.prefix}_admin"


def check_role_name(name: str) -> str:
    """A role name as PostgreSQL and ~/.pgpass take it without quoting, or refused."""
    if not ROLE_NAME.fullmatch(name):
        raise InvalidInputError(
            f"“{name[:40]}” cannot be a role name: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit), e.g. teacher_okafor."
        )
    return name


def _role_exists(connection: Connection, name: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def _require_role_creation(connection: Connection, what: str) -> None:
    row = connection.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).first()
    if not (row and row[0]):
        user = connection.execute(text("SELECT current_user")).scalar_one()
        raise NotAllowedError(
            f"The role {user} may not create roles, so it cannot {what}: run this as the "
            "server's administrator (a superuser, or a role with CREATEROLE)."
        )


def _grants(roles: SchoolRoles, schema: str) -> list[str]:
    teacher, coach, admin = roles.teacher, roles.coach, roles.admin
    statements = [f"GRANT USAGE ON SCHEMA {schema} TO {teacher}, {coach}, {admin}"]
    statements.append(f"GRANT SELECT ON alembic_version TO {teacher}, {coach}, {admin}")
    tables = ", ".join(TEACHER_TABLES)
    statements += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {teacher}",
        f"GRANT SELECT, INSERT, DELETE ON school_class TO {teacher}",
        f"GRANT UPDATE (name, school_year, archived, updated_at) ON school_class TO {teacher}",
        f"GRANT SELECT, INSERT, DELETE ON class_share TO {teacher}",
        f"GRANT SELECT ON {', '.join(COACH_TABLES)} TO {coach}",
        # A server set up before the column list had the whole table: taken back first.
        f"REVOKE SELECT ON conference FROM {coach}",
        f"GRANT SELECT ({', '.join(COACH_CONFERENCE_COLUMNS)}) ON conference TO {coach}",
        f"GRANT SELECT ON school_class, class_share TO {admin}",
        f"GRANT UPDATE (owner, updated_at) ON school_class TO {admin}",
        f"GRANT INSERT, DELETE ON class_share TO {admin}",
    ]
    return statements


def _policies(roles: SchoolRoles) -> list[tuple[str, str, str]]:
    """(name, table, the rest of CREATE POLICY) for the coach and the admin."""
    coach, admin = roles.coach, roles.admin
    return [
        ("coach_reads_classes", "school_class", f"FOR SELECT TO {coach} USING (true)"),
        (
            "coach_never_private",
            "answer",
            f"AS RESTRICTIVE FOR SELECT TO {coach} USING (NOT private)",
        ),
        ("admin_reads_classes", "school_class", f"FOR SELECT TO {admin} USING (true)"),
        (
            "admin_moves_classes",
            "school_class",
            f"FOR UPDATE TO {admin} USING (true) WITH CHECK (true)",
        ),
        ("admin_shares", "class_share", f"FOR ALL TO {admin} USING (true) WITH CHECK (true)"),
    ]


def init_school(engine: Engine, roles: SchoolRoles = SchoolRoles()) -> list[str]:
    """Create the group roles, grant them the tables and add the coach's and admin's
    policies, on a database already migrated to head. Returns what was done, a line
    each; running it again changes nothing and says so."""
    done: list[str] = []
    with _refusals_said("set up the school's roles"), engine.begin() as connection:
        _require_role_creation(connection, "set up the school's roles")
        for name in (roles.teacher, roles.coach, roles.admin):
            if _role_exists(connection, name):
                done.append(f"role {name} was already there")
            else:
                connection.execute(text(f"CREATE ROLE {check_role_name(name)} NOLOGIN"))
                done.append(f"created the group role {name}")
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        for statement in _grants(roles, str(schema)):
            connection.execute(text(statement))
        done.append(f"granted {roles.teacher}, {roles.coach} and {roles.admin} their tables")
        for name, table, rest in _policies(roles):
            policy = f"{roles.prefix}_{name}"
            connection.execute(text(f"DROP POLICY IF EXISTS {policy} ON {table}"))
            connection.execute(text(f"CREATE POLICY {policy} ON {table} {rest}"))
        done.append("the coach reads answers that are not private; the admin moves classes")
    return done


def add_login(engine: Engine, name: str, group: str) -> str:
    """Create a login role in `group` with a new password, and return the password
    (it is stored nowhere but in the server's hash of it)."""
    check_role_name(name)
    password = secrets.token_urlsafe(18)
    with _refusals_said(f"add {name}"), engine.begin() as connection:
        _require_role_creation(connection, f"add {name}")
        if not _role_exists(connection, group):
            raise NotFoundError(
                f"The group role {group} is not on this server: run `conference-tui server "
                "init` first."
            )
        if _role_exists(connection, name):
            raise InvalidInputError(
                f"A role named {name} is already on this server: choose another name."
            )
        # A password cannot be a bound parameter of CREATE ROLE; it is made of
        # letters, digits, - and _ only, so it is quoted as it is.
        connection.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE {group}"))
    return password


def _find_class(connection: Connection, reference: str) -> tuple[str, str]:
    """(id, name) of the class with this id, or the only one with this name."""
    rows = connection.execute(
        text("SELECT id, name FROM school_class WHERE id = :r OR name = :r ORDER BY id"),
        {"r": reference},
    ).all()
    exact = [row for row in rows if row[0] == reference]
    if exact or len(rows) == 1:
        return str((exact or rows)[0][0]), str((exact or rows)[0][1])
    if not rows:
        raise NotFoundError(
            f"No class “{reference[:60]}” that this role can see: give its name or id as "
            "`conference-tui server classes` lists them."
        )
    raise InvalidInputError(
        f"{len(rows)} classes are named “{reference[:60]}”: give the id of one "
        f"({', '.join(str(row[0]) for row in rows)})."
    )


def _require_teacher(connection: Connection, teacher: str, roles: SchoolRoles) -> None:
    check_role_name(teacher)
    member = connection.execute(
        text("SELECT pg_has_role(:t, :g, 'member') FROM pg_roles WHERE rolname = :t"),
        {"t": teacher, "g": roles.teacher},
    ).first()
    if member is None or not member[0]:
        raise NotFoundError(
            f"{teacher} is not a teacher on this server: add them first with "
            f"`conference-tui server add-teacher {teacher}`."
        )


def share_class(
    engine: Engine, reference: str, teacher: str, roles: SchoolRoles = SchoolRoles()
) -> str:
    """Share a class (name or id) with a co-teacher's role; sharing twice is once."""
    with _refusals_said("share the class"), engine.begin() as connection:
        _require_teacher(connection, teacher, roles)
        class_id, name = _find_class(connection, reference)
        connection.execute(
            text(
                "INSERT INTO class_share (class_id, teacher) VALUES (:c, :t) ON CONFLICT DO NOTHING"
            ),
            {"c": class_id, "t": teacher},
        )
    return f"{name} ({class_id}) is shared with {teacher}"


def move_class(
    engine: Engine, reference: str, teacher: str, roles: SchoolRoles = SchoolRoles()
) -> str:
    """Give a class (name or id) to another teacher's role, with everything in it."""
    with _refusals_said("move the class"), engine.begin() as connection:
        _require_teacher(connection, teacher, roles)
        class_id, name = _find_class(connection, reference)
        moved = connection.execute(
            text("UPDATE school_class SET owner = :t WHERE id = :c"),
            {"c": class_id, "t": teacher},
        )
        if moved.rowcount != 1:
            raise NotAllowedError(f"This role may not move {name}: run it as the school's admin.")
    return f"{name} ({class_id}) now belongs to {teacher}"


def list_classes(engine: Engine) -> list[tuple[str, str, str, str]]:
    """(id, name, school year, owner) of every class this role can see."""
    with _refusals_said("list the classes"), engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, name, school_year, owner FROM school_class ORDER BY name, id")
        ).all()
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]
