"""A school on one PostgreSQL server: each teacher's role reaches only the rows of its
own and shared classes, the coach's reads notes that are not private and writes
nothing, and the server enforces it on raw SQL as well as through the store.

The roles are created here with a prefix of their own (roles belong to the whole
server, not to the test's database) and dropped after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from tests.conftest import _new_pg_database

from conference_tui.cli import cli
from conference_tui.cli_server import ROLE_PREFIX_ENV
from conference_tui.export.notes import export_notes
from conference_tui.export.scope import Audience, ExportScope
from conference_tui.field_kinds import Kind
from conference_tui.forms import load_default_form
from conference_tui.store import DatabaseUnavailableError, Store
from conference_tui.store.diagnosis import Fault
from conference_tui.store.engine import create_store_engine, migrate, open_engine
from conference_tui.store.location import locate
from conference_tui.store.records import AnswerEdit
from conference_tui.store.school import (
    NotAllowedError,
    SchoolRoles,
    add_login,
    init_school,
    list_classes,
    move_class,
    share_class,
)

pytestmark = pytest.mark.postgres


@dataclass
class School:
    url: str
    roles: SchoolRoles
    admin_engine: Engine  # the server's superuser, who ran `server init`
    passwords: dict[str, str]

    def login(self, who: str, with_password: bool = True) -> str:
        """The URL a role connects with."""
        name = f"{self.roles.prefix}_{who}"
        url = make_url(self.url).set(username=name)
        if with_password:
            url = url.set(password=self.passwords[name])
        return url.render_as_string(hide_password=False)

    def store(self, who: str) -> Store:
        return Store.open(self.login(who))

    def raw(self, who: str) -> psycopg.Connection:
        """A plain psycopg connection as `who`: the SQL anyone could type into psql."""
        return psycopg.connect(plain_url(self.login(who)), autocommit=True)


def plain_url(url: str) -> str:
    """A URL for psycopg itself (no +psycopg)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def drop_roles(admin_url: str, names: list[str]) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture
def school(pg_admin_url: str) -> Iterator[School]:
    """A migrated database, the group roles, teachers a, b and c, a coach and an admin."""
    roles = SchoolRoles(f"t{uuid.uuid4().hex[:12]}")
    logins = {"a": roles.teacher, "b": roles.teacher, "c": roles.teacher}
    logins |= {"ann_coach": roles.coach, "it_admin": roles.admin}
    names = [f"{roles.prefix}_{who}" for who in logins]
    try:
        with _new_pg_database(pg_admin_url) as url:
            engine, _ = open_engine(url)
            try:
                init_school(engine, roles)
                passwords = {
                    f"{roles.prefix}_{who}": add_login(engine, f"{roles.prefix}_{who}", group)
                    for who, group in logins.items()
                }
                yield School(url, roles, engine, passwords)
            finally:
                engine.dispose()
    finally:
        drop_roles(pg_admin_url, [*names, roles.teacher, roles.coach, roles.admin])


@pytest.fixture
def a_class_of_teacher_a(school: School) -> Iterator[dict[str, str]]:
    """Teacher a's class, with one student and a conference holding a shareable and a
    private note."""
    store = school.store("a")
    try:
        klass = store.add_class("7A")
        student = store.add_student(klass.id, "Amara Okafor")
        conference = store.start_conference(student.id, "writing-conference", 1, "clarify")
        store.save_answer(
            conference.id, "assess", "strength", "A vivid opening", False, Kind.STRENGTH
        )
        store.save_answer(conference.id, "modify", "teacher_notes", "Family news", True)
        yield {"class": klass.id, "student": student.id, "conference": conference.id}
    finally:
        store.close()


def count(connection: psycopg.Connection, table: str) -> int:
    row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


TABLES = ("school_class", "student", "conference", "answer")


def test_a_class_belongs_to_the_teacher_who_adds_it(
    school: School, a_class_of_teacher_a: dict[str, str]
) -> None:
    owners = {name: owner for _id, name, _year, owner in list_classes(school.admin_engine)}
    assert owners == {"7A": f"{school.roles.prefix}_a"}


def test_teacher_b_cannot_read_change_or_delete_teacher_as_rows_with_raw_sql(
    school: School, a_class_of_teacher_a: dict[str, str]
) -> None:
    ids = a_class_of_teacher_a
    with school.raw("b") as b:
        assert [count(b, table) for table in TABLES] == [0, 0, 0, 0]
        for statement in (
            "UPDATE answer SET value = 'taken'",
            "UPDATE student SET name = 'taken'",
            "UPDATE school_class SET name = 'taken'",
            "DELETE FROM answer",
            "DELETE FROM conference",
            "DELETE FROM student",
            "DELETE FROM school_class",
        ):
            assert b.execute(statement).rowcount == 0, statement
        # Nor can b put a student into a's class, nor give itself a's class.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            b.execute(
                "INSERT INTO student (id, class_id, name, preferred_name, interests,"
                " strengths, needs, archived, created_at, updated_at) VALUES ('x', %s, 'Spy',"
                " '', '', '', '', false, now(), now())",
                [ids["class"]],
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            b.execute("UPDATE school_class SET owner = current_user")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            b.execute(
                "INSERT INTO class_share (class_id, teacher) VALUES (%s, current_user)",
                [ids["class"]],
            )
    store_b = school.store("b")
    try:
        assert store_b.list_classes() == []
        assert store_b.search("vivid") == []
    finally:
        store_b.close()
    with school.raw("a") as a:
        assert [count(a, table) for table in TABLES] == [1, 1, 1, 2]
        values = a.execute("SELECT value FROM answer ORDER BY value").fetchall()
        assert values == [("A vivid opening",), ("Family news",)]


def test_a_teachers_export_of_everything_holds_only_its_own_classes(
    school: School, a_class_of_teacher_a: dict[str, str], tmp_path: Path
) -> None:
    """The export's set-based reads (answers and habits joined to their conferences) run
    as the teacher's role: row-level security keeps teacher a's class out of b's files."""
    store_b = school.store("b")
    try:
        klass = store_b.add_class("8B")
        student = store_b.add_student(klass.id, "Ben Ito")
        conference = store_b.start_conference(student.id, "writing-conference", 1, "clarify")
        store_b.save_answer(conference.id, "assess", "strength", "Strong verbs", False)
        store_b.save_answer(conference.id, "modify", "teacher_notes", "Needs glasses", True)
        store_b.set_habits(conference.id, ["Persisting"])
        store_b.complete_conference(conference.id)
        form = load_default_form("writing-conference")
        exported = {
            audience: export_notes(
                store_b, form, ExportScope.everything(), audience, tmp_path / audience.value
            )
            for audience in Audience
        }
    finally:
        store_b.close()
    for result in exported.values():
        assert (result.students, result.conferences, len(result.files)) == (1, 1, 1)
        assert result.files[0].name.startswith("ben-ito-")
    teacher = exported[Audience.TEACHER].files[0].read_text(encoding="utf-8")
    shareable = exported[Audience.SHAREABLE].files[0].read_text(encoding="utf-8")
    assert "Strong verbs" in teacher and "Persisting" in teacher
    assert "Needs glasses" in teacher and "Needs glasses" not in shareable
    for written in (teacher, shareable):
        assert "Amara" not in written and "vivid" not in written
        assert "Family news" not in written


def test_the_coach_reads_shareable_notes_of_every_class_and_no_private_one(
    school: School, a_class_of_teacher_a: dict[str, str]
) -> None:
    store_b = school.store("b")
    try:
        klass = store_b.add_class("7B")
        student = store_b.add_student(klass.id, "Ben")
        conference = store_b.start_conference(student.id, "writing-conference", 1, "clarify")
        store_b.save_answer(
            conference.id, "assess", "strength", "Strong verbs", False, Kind.STRENGTH
        )
        store_b.save_answer(conference.id, "modify", "teacher_notes", "Sleeps badly", True)
    finally:
        store_b.close()
    with school.raw("ann_coach") as coach:
        assert count(coach, "school_class") == 2 and count(coach, "student") == 2
        notes = coach.execute("SELECT value FROM answer ORDER BY value").fetchall()
        assert notes == [("A vivid opening",), ("Strong verbs",)]
        assert count(coach, "answer WHERE private") == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            coach.execute("UPDATE answer SET value = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            coach.execute("SELECT count(*) FROM goal")


def test_the_coach_cannot_read_a_private_piece_title_through_its_conference_row(
    school: School,
) -> None:
    """The conference row keeps a copy of the piece's title, genre and stage and of the
    follow-up date; a teacher may note any of them as private."""
    store = school.store("a")
    try:
        student = store.add_student(store.add_class("7A").id, "Amara Okafor")
        conference = store.start_conference(student.id, "writing-conference", 1, "clarify")
        store.save_answer(conference.id, "clarify", "piece_title", "My parents' divorce", True)
        store.save_answer(conference.id, "modify", "follow_up", "2026-12-01", True, Kind.FOLLOW_UP)
    finally:
        store.close()
    init_school(school.admin_engine, school.roles)  # run again: still closed
    with school.raw("ann_coach") as coach:
        assert count(coach, "conference") == 1
        row = coach.execute("SELECT id, status, started_at FROM conference").fetchone()
        assert row is not None and row[0] == conference.id
        assert count(coach, "answer") == 0  # both answers private
        for column in ("piece_title", "genre", "process_stage", "follow_up_on"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                coach.execute(f"SELECT {column} FROM conference")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            coach.execute("SELECT * FROM conference")


def test_co_teachers_both_see_and_write_a_shared_class(
    school: School, a_class_of_teacher_a: dict[str, str]
) -> None:
    ids = a_class_of_teacher_a
    engine_a = open_engine(school.login("a"))[0]
    try:  # the owner shares the class herself
        share_class(engine_a, "7A", f"{school.roles.prefix}_b", school.roles)
    finally:
        engine_a.dispose()
    store_b = school.store("b")
    try:
        assert [c.name for c in store_b.list_classes()] == ["7A"]
        saved = store_b.save_answers(
            ids["conference"], [AnswerEdit("plan", "plan", "Reread aloud", False)]
        )
        assert saved.versions == {"plan": 1}
    finally:
        store_b.close()
    with school.raw("a") as a:
        assert count(a, "answer WHERE value = 'Reread aloud'") == 1
    with school.raw("c") as c:
        assert [count(c, table) for table in TABLES] == [0, 0, 0, 0]


def test_the_admin_moves_a_class_and_reads_no_notes(
    school: School, a_class_of_teacher_a: dict[str, str]
) -> None:
    admin_engine = open_engine(school.login("it_admin"))[0]
    try:
        said = move_class(admin_engine, "7A", f"{school.roles.prefix}_b", school.roles)
        assert "now belongs to" in said
    finally:
        admin_engine.dispose()
    with school.raw("a") as a, school.raw("b") as b, school.raw("it_admin") as admin:
        assert count(a, "student") == 0
        assert count(b, "answer") == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            admin.execute("SELECT count(*) FROM answer")


def test_a_teacher_may_not_move_a_class_nor_set_up_the_server(
    school: School, a_class_of_teacher_a: dict[str, str]
) -> None:
    engine = open_engine(school.login("a"))[0]
    try:
        with pytest.raises(NotAllowedError, match="may not create roles"):
            init_school(engine, school.roles)
        with pytest.raises(NotAllowedError, match="admin"):
            move_class(engine, "7A", f"{school.roles.prefix}_b", school.roles)
    finally:
        engine.dispose()


def test_an_archive_imported_onto_the_server_belongs_to_the_importing_teacher(
    school: School, tmp_path: Path
) -> None:
    laptop = Store.open(str(tmp_path / "laptop.db"))
    try:
        klass = laptop.add_class("Laptop class")
        student = laptop.add_student(klass.id, "Dara")
        conference = laptop.start_conference(student.id, "writing-conference", 1, "clarify")
        laptop.save_answer(conference.id, "modify", "teacher_notes", "Private words", True)
        archive = laptop.dump_records()
    finally:
        laptop.close()
    store_a = school.store("a")
    try:
        first = store_a.merge_records(archive, dry_run=False)
        assert first.counts["classes"].new == 1 and first.counts["answers"].new == 1
        again = store_a.merge_records(archive, dry_run=False)
        assert again.changed == 0
    finally:
        store_a.close()
    owners = [owner for *_rest, owner in list_classes(school.admin_engine)]
    assert owners == [f"{school.roles.prefix}_a"]
    with school.raw("b") as b:
        assert [count(b, table) for table in TABLES] == [0, 0, 0, 0]


def test_the_server_commands_say_what_they_did_and_refuse_in_one_line(
    school: School, a_class_of_teacher_a: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = school.roles.prefix
    monkeypatch.setenv(ROLE_PREFIX_ENV, prefix)
    runner = CliRunner()
    server_url = make_url(school.url).render_as_string(hide_password=False)

    def run(url: str, *args: str, password: str = "") -> Result:
        env = {"PGPASSWORD": password} if password else {}
        return runner.invoke(cli, ["--db", url, "server", *args], env=env)

    again = run(server_url, "init")
    assert again.exit_code == 0, again.output
    assert f"role {prefix}_teacher was already there" in again.stdout

    name = f"{prefix}_dana"
    try:
        added = run(server_url, "add-teacher", name)
        assert added.exit_code == 0, added.output
        password = added.stdout.splitlines()[1]
        assert len(password) >= 20
        password_a = school.passwords[f"{prefix}_a"]
        shared = run(school.login("a", False), "share", "7A", name, password=password_a)
        assert shared.exit_code == 0, shared.output
        dana_url = make_url(school.url).set(username=name).render_as_string()
        listed = run(dana_url, "classes", password=password)
        assert listed.exit_code == 0 and "7A" in listed.stdout
        refused = run(dana_url, "init", password=password)
        assert refused.exit_code == 1
        assert refused.stderr.count("\n") == 1 and "may not create roles" in refused.stderr
        assert "Traceback" not in refused.output
        with_password = run(school.login("a"), "classes")
        assert with_password.exit_code == 1 and "holds a password" in with_password.stderr
    finally:
        drop_roles(plain_url(school.url), [name])


def test_a_single_teachers_database_upgrades_with_every_row_owned_by_her(
    pg_admin_url: str,
) -> None:
    """A database one role made and used alone, as before schools: the upgrade, run by
    that role, gives it every class, and with row-level security forced on the owner
    of the tables, it still reads and writes all of its notes."""
    from tests.store.test_migrations import insert_rows_with_the_old_schema

    solo = f"t{uuid.uuid4().hex[:12]}_solo"
    try:
        with _new_pg_database(pg_admin_url) as admin_url:
            database = make_url(admin_url).database
            with psycopg.connect(pg_admin_url, autocommit=True) as admin:
                admin.execute(f"CREATE ROLE {solo} LOGIN PASSWORD 'solo-pass'")
                admin.execute(f'ALTER DATABASE "{database}" OWNER TO {solo}')
            url = make_url(admin_url).set(username=solo, password="solo-pass")
            solo_url = url.render_as_string(hide_password=False)
            location = locate(solo_url)
            engine = create_store_engine(location)
            try:
                migrate(engine, location, target="0006")
                insert_rows_with_the_old_schema(engine)
            finally:
                engine.dispose()

            store = Store.open(solo_url)
            try:
                (row,) = store.roster("c1")
                assert row.student.name == "Amara Okafor"
                assert store.get_conference("k1").value("strength") == "A thunderous opening"
                assert len(store.search("thunderous")) == 1
                store.add_class("Year 8")
            finally:
                store.close()
            admin_engine = create_store_engine(locate(admin_url))
            try:
                with admin_engine.connect() as conn:
                    owners = conn.execute(
                        text("SELECT name, owner FROM school_class ORDER BY name")
                    ).all()
                    forced = conn.execute(
                        text(
                            "SELECT count(*) FROM pg_class WHERE relname = 'answer'"
                            " AND relrowsecurity AND relforcerowsecurity"
                        )
                    ).scalar_one()
            finally:
                admin_engine.dispose()
            assert owners == [("Year 7", solo), ("Year 8", solo)]
            assert forced == 1
    finally:
        drop_roles(pg_admin_url, [solo])


def test_the_upgrade_gives_kinds_to_the_answers_of_classes_it_does_not_own(
    pg_admin_url: str,
) -> None:
    """Migration 0008 runs as the tables' owner under forced row-level security: the
    answers of another teacher's class are hidden from it, and must still get their
    kinds (the goal a conference set is found by kind afterwards)."""
    from tests.store.test_migrations import WHEN

    owner = f"t{uuid.uuid4().hex[:12]}_owner"
    try:
        with _new_pg_database(pg_admin_url) as admin_url:
            database = make_url(admin_url).database
            with psycopg.connect(pg_admin_url, autocommit=True) as admin:
                admin.execute(f"CREATE ROLE {owner} LOGIN PASSWORD 'owner-pass'")
                admin.execute(f'ALTER DATABASE "{database}" OWNER TO {owner}')
            url = make_url(admin_url).set(username=owner, password="owner-pass")
            owner_url = url.render_as_string(hide_password=False)
            location = locate(owner_url)
            engine = create_store_engine(location)
            try:
                migrate(engine, location, target="0007")
            finally:
                engine.dispose()
            with psycopg.connect(plain_url(admin_url), autocommit=True) as admin:
                for statement in (
                    "INSERT INTO school_class (id, name, school_year, archived, created_at,"
                    f" updated_at, owner) VALUES ('c9', 'Theirs', '', false, '{WHEN}',"
                    f" '{WHEN}', 'someone_else')",
                    "INSERT INTO student (id, class_id, name, preferred_name, interests,"
                    " strengths, needs, archived, created_at, updated_at) VALUES ('s9', 'c9',"
                    f" 'Ben', '', '', '', '', false, '{WHEN}', '{WHEN}')",
                    "INSERT INTO conference (id, student_id, form_id, form_version, status,"
                    " started_at, updated_at, piece_title, genre, process_stage,"
                    " current_stage, current_field, elapsed_seconds) VALUES ('k9', 's9',"
                    f" 'writing-conference', 1, 'complete', '{WHEN}', '{WHEN}', '', '', '',"
                    " '', '', 0)",
                    "INSERT INTO answer (id, conference_id, stage_key, field_key, value,"
                    f" private, updated_at) VALUES ('a9', 'k9', 'modify', 'goal', 'Paragraphs',"
                    f" false, '{WHEN}')",
                ):
                    admin.execute(statement)
            Store.open(owner_url).close()
            with psycopg.connect(plain_url(admin_url), autocommit=True) as admin:
                kind = admin.execute("SELECT kind FROM answer WHERE id = 'a9'").fetchone()
                forced = admin.execute(
                    "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'answer'"
                ).fetchone()
            assert kind == ("goal",)
            assert forced == (True,)
    finally:
        drop_roles(pg_admin_url, [owner])


def test_a_teacher_opening_a_database_to_update_is_told_who_may(school: School) -> None:
    """Only the administrator may change the schema: a teacher's copy of a newer
    conference-tui that finds the database older is refused, in words, and nothing
    changes."""
    with school.admin_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    with pytest.raises(DatabaseUnavailableError, match="server init") as refused:
        school.store("a")
    assert refused.value.fault == Fault.NOT_ALLOWED
    with school.admin_engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0006"
