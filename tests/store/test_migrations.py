"""Schema migrations at open: from an older schema, and never onto a newer one."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, inspect, text

from conference_tui.field_kinds import Kind
from conference_tui.store import NotFoundError, SchemaTooNewError, Store
from conference_tui.store.engine import create_store_engine, migrate
from conference_tui.store.location import DatabaseLocation, head_revision, locate
from conference_tui.store.schema_at_head import SCHEMA_FILE, create_at_head, schema_text

WHEN = "2026-02-02 09:30:00"


@pytest.fixture
def engine_at_0001(database_url: str) -> Iterator[tuple[Engine, DatabaseLocation]]:
    """A database built with the first schema, as the first release left it."""
    location = locate(database_url)
    engine = create_store_engine(location)
    migrate(engine, location, target="0001")
    try:
        yield engine, location
    finally:
        engine.dispose()


def revision(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def insert_rows_with_the_old_schema(engine: Engine) -> None:
    statements = [
        "INSERT INTO school_class (id, name, school_year, archived, created_at, updated_at)"
        f" VALUES ('c1', 'Year 7', '2025-26', false, '{WHEN}', '{WHEN}')",
        "INSERT INTO student (id, class_id, name, preferred_name, interests, strengths, needs,"
        f" archived, created_at, updated_at) VALUES ('s1', 'c1', 'Amara Okafor', 'Amy',"
        f" 'volcanoes', 'dialogue', 'stamina', false, '{WHEN}', '{WHEN}')",
        "INSERT INTO conference (id, student_id, form_id, form_version, status, started_at,"
        " ended_at, updated_at, piece_title, genre, process_stage, current_stage,"
        " current_field, elapsed_seconds) VALUES ('k1', 's1', 'writing-conference', 1,"
        f" 'complete', '{WHEN}', '{WHEN}', '{WHEN}', 'The Storm', 'Narrative', 'drafting',"
        " '', '', 300)",
        "INSERT INTO answer (id, conference_id, stage_key, field_key, value, private,"
        f" updated_at) VALUES ('a1', 'k1', 'assess', 'strength', 'A thunderous opening',"
        f" false, '{WHEN}')",
        "INSERT INTO answer (id, conference_id, stage_key, field_key, value, private,"
        f" updated_at) VALUES ('a2', 'k1', 'modify', 'goal', 'Use paragraphs', false, '{WHEN}')",
        "INSERT INTO goal (id, student_id, text, status, set_by_conference_id, set_at)"
        f" VALUES ('g1', 's1', 'Use paragraphs', 'active', 'k1', '{WHEN}')",
        "INSERT INTO goal (id, student_id, text, status, set_by_conference_id, set_at)"
        f" VALUES ('g2', 's1', 'Read one mentor text a week', 'active', NULL, '{WHEN}')",
        "INSERT INTO habit_observation (conference_id, habit) VALUES ('k1', 'Persisting')",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_migrations_build_the_schema_from_nothing(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        assert revision(store.engine) == head_revision()
        assert store.list_classes() == []
    finally:
        store.close()
    Store.open(database_url).close()  # opening again migrates nothing and changes nothing


def test_a_database_made_by_the_first_schema_opens_with_its_notes_searchable(
    engine_at_0001: tuple[Engine, DatabaseLocation], database_url: str, backend: str
) -> None:
    engine, _ = engine_at_0001
    assert revision(engine) == "0001"
    insert_rows_with_the_old_schema(engine)
    engine.dispose()

    store = Store.open(database_url)
    try:
        assert revision(store.engine) == head_revision()
        if backend == "sqlite":
            with store.engine.connect() as conn:
                kinds = conn.execute(text("SELECT kind, ref_id FROM search_doc")).all()
                conn.execute(text("INSERT INTO search_fts(search_fts) VALUES('integrity-check')"))
            # The conference's goal is found through its answer; only the other is a goal.
            assert sorted(kinds) == [
                ("answer", "a1"),
                ("answer", "a2"),
                ("goal", "g2"),
                ("student", "s1"),
            ]

        assert [(h.kind, h.conference_id) for h in store.search("thunderous")] == [("answer", "k1")]
        assert [h.kind for h in store.search("mentor")] == ["goal"]
        assert [h.kind for h in store.search("volcanoes stamina")] == ["student"]
        assert [h.field_key for h in store.search("paragraphs")] == ["goal"]

        (row,) = store.roster("c1")
        assert (row.student.name, row.conference_count, row.active_goal) == (
            "Amara Okafor",
            1,
            "Read one mentor text a week",
        )
        conference = store.get_conference("k1")
        assert (conference.piece_title, conference.elapsed_seconds) == ("The Storm", 300)
        assert conference.value("strength") == "A thunderous opening"
        assert conference.habits == ("Persisting",)
        # And the migrated database keeps working: new notes are indexed by the triggers.
        store.save_answer(
            store.start_conference("s1", "writing-conference", 1).id,
            "assess",
            "strength",
            "Lightning-fast pacing",
            False,
            Kind.STRENGTH,
        )
        assert len(store.search("lightning")) == 1
    finally:
        store.close()


def test_a_database_from_a_newer_version_is_refused_untouched(database_url: str) -> None:
    Store.open(database_url).close()
    location = locate(database_url)
    engine = create_store_engine(location)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
            conn.execute(
                text(
                    "INSERT INTO school_class (id, name, school_year, archived, created_at,"
                    f" updated_at) VALUES ('c1', 'Year 7', '', false, '{WHEN}', '{WHEN}')"
                )
            )
    finally:
        engine.dispose()

    with pytest.raises(SchemaTooNewError, match="newer version of conference-tui") as refused:
        Store.open(database_url)
    assert "9999_future" in str(refused.value)
    assert "left untouched" in str(refused.value)

    engine = create_store_engine(location)
    try:
        assert revision(engine) == "9999_future"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM school_class")).scalars().all() == ["Year 7"]
    finally:
        engine.dispose()


def test_migrate_refuses_a_newer_database_too(database_url: str) -> None:
    Store.open(database_url).close()
    location = locate(database_url)
    engine = create_store_engine(location)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
        with pytest.raises(SchemaTooNewError):
            migrate(engine, location)
        assert revision(engine) == "9999_future"
    finally:
        engine.dispose()


def test_a_database_at_0003_gains_answer_versions_and_keeps_its_notes(
    database_url: str,
) -> None:
    """The schema before answer versions: every answer starts at version 1, no draft is
    open anywhere, and a save from version 1 goes through."""
    location = locate(database_url)
    engine = create_store_engine(location)
    try:
        migrate(engine, location, target="0003")
        insert_rows_with_the_old_schema(engine)
    finally:
        engine.dispose()
    store = Store.open(database_url)
    try:
        assert revision(store.engine) == head_revision()
        conference = store.get_conference("k1")
        assert conference.answers["strength"].version == 1
        assert conference.editor_id == ""
        from conference_tui.store.records import AnswerEdit

        store.begin_amendment("k1")
        saved = store.save_answers(
            "k1",
            [
                AnswerEdit(
                    "assess", "strength", "A bold opening", False, Kind.STRENGTH, seen_version=1
                )
            ],
        )
        assert saved.versions == {"strength": 2} and not saved.conflicts
    finally:
        store.close()


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from conference_tui.store.location import MIGRATIONS_DIR, known_revisions

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_opening_an_up_to_date_database_leaves_alembic_unloaded(tmp_path: Path) -> None:
    """Alembic's script machinery costs a tenth of a second at every start; a database
    already at the head revision does not need it."""
    path = tmp_path / "conferences.db"
    Store.open(str(path)).close()
    probe = (
        "import sys; from conference_tui.store import Store; "
        f"Store.open({str(path)!r}).close(); "
        "print('alembic.script' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "False"


def migrated_one_by_one(path: Path) -> None:
    """A new SQLite file taken through every migration, as Alembic runs them."""
    location = locate(str(path))
    engine = create_store_engine(location)
    try:
        migrate(engine, location, target=head_revision())  # by name: no shortcut
    finally:
        engine.dispose()


def everything_in(path: Path) -> dict[str, object]:
    """What a file's schema is: every entry of sqlite_master (SQLite's own too), the
    full-text index's settings, the revision and the file's pragmas. Not the empty
    sqlite_sequence, which SQLite makes for an AUTOINCREMENT table: migration 0002's
    search_doc had one, 0005's has not, and a migrated file keeps it unused."""
    connection = sqlite3.connect(path)
    try:
        return {
            "schema": sorted(
                connection.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master"
                    " WHERE name != 'sqlite_sequence'"
                )
            ),
            "fts": sorted(connection.execute("SELECT * FROM search_fts_config")),
            "revision": connection.execute("SELECT version_num FROM alembic_version").fetchall(),
            "pragmas": [
                connection.execute(f"PRAGMA {name}").fetchone()
                for name in ("page_size", "auto_vacuum", "user_version", "journal_mode")
            ],
        }
    finally:
        connection.close()


def test_the_schema_file_is_what_the_migrations_build_today(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.db"
    migrated_one_by_one(migrated)
    expected = schema_text(migrated, head_revision())
    assert SCHEMA_FILE.read_text(encoding="utf-8") == expected, (
        "schema_at_head.sql is out of date: python -m conference_tui.store.schema_at_head"
    )


def test_a_new_file_made_in_one_step_is_the_same_as_one_migrated(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.db"
    migrated_one_by_one(migrated)
    made = tmp_path / "made.db"
    probe = (
        "import sys; from conference_tui.store import Store; "
        f"Store.open({str(made)!r}).close(); "
        "print('alembic' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "False"  # made from the file, not by the migrations
    assert everything_in(made) == everything_in(migrated)
    # And it works as one: a note is found by search, the schema is checked whole.
    store = Store.open(str(made))
    try:
        school_class = store.add_class("7B")
        store.add_student(school_class.id, "Zoë Marchetti")
        assert store.search("Marchetti")
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            connection.execute(text("INSERT INTO search_fts(search_fts) VALUES('integrity-check')"))
    finally:
        store.close()


def test_a_file_another_copy_has_begun_is_left_to_the_migrations(tmp_path: Path) -> None:
    """Two copies opening one new file at once: the second finds tables there and does
    not make them again (it would fail, or make a second schema)."""
    path = tmp_path / "conferences.db"
    Store.open(str(path)).close()
    location = locate(str(path))
    engine = create_store_engine(location)
    try:
        assert create_at_head(engine) is False
    finally:
        engine.dispose()
    assert everything_in(path)["revision"] == [(head_revision(),)]


def test_a_database_at_0004_has_its_notes_keyed_newest_first(
    database_url: str, backend: str
) -> None:
    """Migration 0005 keys every note by its conference's start, newest last in the
    table and first in the results; a later note of an older conference takes its
    conference's place. Going back to 0004 gives the old index back, working."""
    location = locate(database_url)
    engine = create_store_engine(location)
    try:
        migrate(engine, location, target="0004")
        insert_rows_with_the_old_schema(engine)
        with engine.begin() as conn:
            for conference, when, answer, value in [
                ("k0", "2025-12-01 10:00:00", "a0", "Paragraphs first"),
                ("k2", "2026-03-01 10:00:00", "a3", "Paragraphs again"),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO conference (id, student_id, form_id, form_version, status,"
                        " started_at, ended_at, updated_at, piece_title, genre, process_stage,"
                        " current_stage, current_field, elapsed_seconds) VALUES (:id, 's1',"
                        " 'writing-conference', 1, 'complete', :at, :at, :at, '', '', '', '',"
                        " '', 0)"
                    ),
                    {"id": conference, "at": when},
                )
                conn.execute(
                    text(
                        "INSERT INTO answer (id, conference_id, stage_key, field_key, value,"
                        " private, updated_at) VALUES (:id, :conference, 'assess', 'strength',"
                        " :value, false, :at)"
                    ),
                    {"id": answer, "conference": conference, "value": value, "at": when},
                )
    finally:
        engine.dispose()

    def newest_first() -> list[str | None]:
        store = Store.open(database_url)
        try:
            return [hit.conference_id for hit in store.search("paragraph")]
        finally:
            store.close()

    assert newest_first() == ["k2", "k1", "k0"]
    if backend != "sqlite":
        return
    engine = create_store_engine(location)
    try:
        with engine.connect() as conn:
            keyed = conn.execute(text("SELECT ref_id FROM search_doc ORDER BY id DESC")).all()
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES('integrity-check')"))
        assert [ref for (ref,) in keyed[:1]] == ["a3"]
        assert sorted(ref for (ref,) in keyed[1:3]) == ["a1", "a2"]
        assert [ref for (ref,) in keyed[3:]] == ["a0", "s1", "g2"]

        from alembic import command

        from conference_tui.store.engine import _alembic_config

        command.downgrade(_alembic_config(engine), "0004")
        assert revision(engine) == "0004"
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES('integrity-check')"))
            found = conn.execute(
                text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'paragraphs'")
            ).scalar_one()
        assert found == 3
    finally:
        engine.dispose()
    assert newest_first() == ["k2", "k1", "k0"]  # and up again


def test_the_search_key_span_is_the_migrations() -> None:
    import importlib.util

    from conference_tui.store.location import MIGRATIONS_DIR
    from conference_tui.store.search import KEY_SPAN

    path = MIGRATIONS_DIR / "versions" / "0005_search_newest_first.py"
    spec = importlib.util.spec_from_file_location("search_newest_first", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.SEARCH_KEY_SPAN == KEY_SPAN


def test_a_database_at_0005_with_twin_drafts_keeps_every_typed_word(database_url: str) -> None:
    """Migration 0006 makes one open draft per student and form a constraint. Twins
    made before it: the newest with something written stays open, an older one with
    text is completed (its text in the history), an empty one is removed."""
    location = locate(database_url)
    engine = create_store_engine(location)
    try:
        migrate(engine, location, target="0005")
        insert_rows_with_the_old_schema(engine)
        with engine.begin() as conn:
            for conference, saved, answer in [
                ("d_old", "2026-02-03 09:00:00", "An older plan"),
                ("d_mid", "2026-02-03 09:05:00", "The plan typed last"),
                ("d_new", "2026-02-03 09:10:00", ""),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO conference (id, student_id, form_id, form_version, status,"
                        " started_at, updated_at, piece_title, genre, process_stage,"
                        " current_stage, current_field, elapsed_seconds) VALUES (:id, 's1',"
                        " 'writing-conference', 1, 'draft', :at, :at, '', '', '', '', '', 0)"
                    ),
                    {"id": conference, "at": saved},
                )
                conn.execute(
                    text(
                        "INSERT INTO answer (id, conference_id, stage_key, field_key, value,"
                        " private, updated_at) VALUES (:id, :conference, 'plan', 'plan',"
                        " :value, false, :at)"
                    ),
                    {
                        "id": f"a_{conference}",
                        "conference": conference,
                        "value": answer,
                        "at": saved,
                    },
                )
    finally:
        engine.dispose()

    store = Store.open(database_url)
    try:
        draft = store.draft_for_student("s1")
        assert draft is not None and draft.id == "d_mid"
        assert draft.value("plan") == "The plan typed last"
        older = store.get_conference("d_old")
        assert (older.status, older.value("plan")) == ("complete", "An older plan")
        assert older.ended_at == older.updated_at
        assert len(store.search("older plan")) == 1
        with pytest.raises(NotFoundError):
            store.get_conference("d_new")
        with store.engine.connect() as conn:
            drafts = conn.execute(
                text("SELECT count(*) FROM conference WHERE student_id = 's1' AND status = 'draft'")
            ).scalar_one()
        assert drafts == 1
    finally:
        store.close()


def test_answers_saved_before_kinds_get_the_kinds_their_keys_stood_for(
    database_url: str,
) -> None:
    """Migration 0008: the goal, strength... of a database written when the app found
    them by key are found by kind after the upgrade; other answers have none."""
    location = locate(database_url)
    engine = create_store_engine(location)
    try:
        migrate(engine, location, target="0007")
        insert_rows_with_the_old_schema(engine)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO answer (id, conference_id, stage_key, field_key, value, private,"
                    " updated_at) VALUES ('a3', 'k1', 'clarify', 'purpose', 'A storm story',"
                    f" false, '{WHEN}')"
                )
            )
    finally:
        engine.dispose()

    store = Store.open(database_url)
    try:
        conference = store.get_conference("k1")
        kinds = {key: answer.kind for key, answer in conference.answers.items()}
        assert kinds == {"strength": Kind.STRENGTH, "goal": Kind.GOAL, "purpose": None}
    finally:
        store.close()


def test_a_database_at_0011_finds_the_goals_a_conference_closed_through_an_index(
    database_url: str,
) -> None:
    """Migration 0012: the goals a conference set or closed (each conference the history
    shows) are found through indexes, not by reading every goal of the school (8 ms a
    conference at 250,000 conferences); a goal closed before the upgrade is found."""
    location = locate(database_url)
    engine = create_store_engine(location)
    try:
        migrate(engine, location, target="0011")
        insert_rows_with_the_old_schema(engine)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO conference (id, student_id, form_id, form_version, status,"
                    " started_at, ended_at, updated_at, piece_title, genre, process_stage,"
                    " current_stage, current_field, elapsed_seconds) VALUES ('k2', 's1',"
                    f" 'writing-conference', 1, 'complete', '{WHEN}', '{WHEN}', '{WHEN}',"
                    " 'The Storm', 'Narrative', 'revising', '', '', 300)"
                )
            )
            conn.execute(
                text(
                    "UPDATE goal SET status = 'met', closed_by_conference_id = 'k2',"
                    f" closed_at = '{WHEN}' WHERE id = 'g1'"
                )
            )
    finally:
        engine.dispose()

    store = Store.open(database_url)
    try:
        assert [goal.id for goal in store.goals_touching("k2")] == ["g1"]
        assert [goal.id for goal in store.goals_touching("k1")] == ["g1"]
        indexed = {
            tuple(index["column_names"]) for index in inspect(store.engine).get_indexes("goal")
        }
        assert ("closed_by_conference_id",) in indexed
        if location.is_sqlite:
            plans = []

            @event.listens_for(store.engine, "before_cursor_execute")
            def explain(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
                if statement.lstrip().startswith("SELECT"):
                    found = cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                    plans.extend(row[-1] for row in found.fetchall())

            store.goals_touching("k2")
            event.remove(store.engine, "before_cursor_execute", explain)
            assert plans and not any(plan.startswith("SCAN goal") for plan in plans), plans
    finally:
        store.close()
