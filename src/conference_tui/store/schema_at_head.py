"""A new SQLite file is given the newest schema in one transaction, from schema_at_head.sql.

Running every migration from the first, through Alembic, took 90 ms of CPU after a
tenth of a second importing Alembic: paid by a teacher's first start, by every `--demo`
(a fresh copy each time) and by each test's new file. The file holds the statements
the migrations leave in `sqlite_master`, so a file made from it is the same as one
migrated; a test builds one each way and compares them, and checks that the file is
what the migrations make today. A file whose revision is not the newest is not used:
the migrations run instead. After a new migration, write it again with

    python -m conference_tui.store.schema_at_head
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import Engine

from conference_tui.store.location import head_revision

SCHEMA_FILE = Path(__file__).with_name("schema_at_head.sql")
REVISION_LINE = re.compile(r"^-- revision: (\S+)$", re.MULTILINE)
# Kept in this order, so that each statement finds what it names.
KINDS = ("table", "index", "trigger", "view")


def create_at_head(engine: Engine) -> bool:
    """Give an empty SQLite database the newest schema; False (nothing done) when the
    file is not at the newest revision or the database is not empty (another copy of
    the app made it meanwhile): the migrations then do what is left."""
    try:
        text = SCHEMA_FILE.read_text(encoding="utf-8")
    except OSError:
        return False
    found = REVISION_LINE.search(text)
    head = head_revision()
    if found is None or found.group(1) != head:
        return False
    from conference_tui.store.engine import writing

    with writing(engine).begin() as connection:
        # Under the write lock: two copies opening one new file take turns.
        if connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar_one():
            return False
        for statement in statements(text):
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
    return True


def statements(text: str) -> list[str]:
    """The file's statements, each whole (a trigger's body holds semicolons too)."""
    found: list[str] = []
    pending = ""
    for line in text.splitlines(keepends=True):
        if not pending and (line.startswith("--") or not line.strip()):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip().removesuffix(";"))
            pending = ""
    if pending.strip():
        raise ValueError(f"{SCHEMA_FILE.name} ends inside a statement")
    return found


def schema_text(path: Path, revision: str) -> str:
    """What schema_at_head.sql holds for the SQLite file at `path`: its own statements,
    without those SQLite makes itself (automatic indexes, sqlite_sequence, the tables
    behind a full-text index)."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
    finally:
        connection.close()
    virtual = [name for _type, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    own = [
        (kind, sql)
        for kind, name, sql in rows
        if name != "sqlite_sequence" and not any(name.startswith(f"{v}_") for v in virtual)
    ]
    ordered = sorted(own, key=lambda row: KINDS.index(row[0]))
    header = (
        f"-- The SQLite schema the migrations build, up to revision {revision}.\n"
        "-- Written by `python -m conference_tui.store.schema_at_head`; a test checks it.\n"
        f"-- revision: {revision}\n"
    )
    return header + "".join(f"\n{sql};\n" for _kind, sql in ordered)


def main() -> int:
    """Migrate a new file through every migration and write its schema to the file."""
    import tempfile

    from conference_tui.store.engine import create_store_engine, migrate
    from conference_tui.store.location import locate

    head = head_revision()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "migrated.db"
        location = locate(str(path))
        engine = create_store_engine(location)
        try:
            migrate(engine, location, target=head)  # by name: every migration runs
        finally:
            engine.dispose()
        SCHEMA_FILE.write_text(schema_text(path, head), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE} at revision {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
