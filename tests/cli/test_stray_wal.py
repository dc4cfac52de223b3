"""A -wal beside the file that belongs to another copy of the database (copied along
with a file that was open elsewhere) reads as damage. A command that only reads must
leave the file and that -wal exactly as they were, so that nothing is lost for good and
the evidence stays; its message names the -wal. Real files in real states, no mocks."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.built_once import built_once

from conference_tui.cli import cli
from conference_tui.store import Store
from conference_tui.store.first_look import first_look
from conference_tui.store.location import locate


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_a_class(path: Path) -> None:
    store = Store.open(str(path))
    try:
        school_class = store.add_class("7B")
        for number in range(30):
            student = store.add_student(school_class.id, f"Student {number}")
            conference = store.start_conference(student.id, "writing-conference", 1, "clarify")
            store.save_answer(conference.id, "clarify", "piece_title", f"Piece {number}", False)
            store.complete_conference(conference.id)
    finally:
        store.close()


@pytest.fixture
def a_class(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], None]:
    """Writes a class of 30, each with a conference, at a path: a copy of one written
    once per run (120 saves, each a commit, took two seconds a test)."""
    written = built_once(tmp_path_factory, "stray-wal-class.db", write_a_class)
    return lambda path: shutil.copyfile(written, path)


def open_elsewhere_with_changes(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """Another program holding `path` open, its last changes still in the -wal."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("UPDATE student SET name = name || ' (renamed)'")
    return contextlib.closing(connection)


@pytest.fixture
def stray(tmp_path: Path, a_class: Callable[[Path], None]) -> Path:
    """notes.db, which went its own way after it was copied, with the -wal of the other
    copy beside it."""
    original = tmp_path / "original.db"
    a_class(original)
    other = tmp_path / "elsewhere" / "notes.db"
    other.parent.mkdir()
    shutil.copyfile(original, other)
    path = tmp_path / "notes.db"
    original.rename(path)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("UPDATE student SET needs = hex(randomblob(2000))")
    with open_elsewhere_with_changes(other):
        shutil.copyfile(f"{other}-wal", f"{path}-wal")
    return path


@pytest.fixture
def own_wal(tmp_path: Path, a_class: Callable[[Path], None]) -> Path:
    """notes.db with its own -wal, left as a crash leaves it: a healthy file."""
    original = tmp_path / "original.db"
    a_class(original)
    path = tmp_path / "notes.db"
    with open_elsewhere_with_changes(original):
        shutil.copyfile(original, path)
        shutil.copyfile(f"{original}-wal", f"{path}-wal")
    return path


def fingerprint(path: Path) -> tuple[str, str]:
    """The file's and its -wal's sha256."""
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        hashlib.sha256(Path(f"{path}-wal").read_bytes()).hexdigest(),
    )


def says_the_wal_may_not_be_its_own(output: str, path: Path) -> None:
    assert "notes.db-wal file beside it is not its own" in output
    assert "Keep both files as they are, together" in output
    assert "never over them" in output
    assert f"{path} is damaged" in output
    assert "Traceback" not in output


def student_id(path: Path) -> str:
    uri = f"file:{path}?mode=ro&immutable=1"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        (found,) = connection.execute("SELECT id FROM student LIMIT 1").fetchone()
    return str(found)


def test_the_stray_wal_reads_as_damage(stray: Path) -> None:
    uri = f"file:{stray}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        assert connection.execute("PRAGMA quick_check(1)").fetchall() != [("ok",)]


@pytest.mark.parametrize("scope", ["--all", "--student"])
def test_an_export_leaves_the_file_and_the_stray_wal_as_they_were(
    stray: Path, tmp_path: Path, scope: str
) -> None:
    """--all reads with the sqlite3 module alone, --student through the store."""
    before = fingerprint(stray)
    args = [scope] if scope == "--all" else [scope, student_id(stray)]
    result = run("--db", str(stray), "export", *args, "--out", str(tmp_path / "out"))
    assert fingerprint(stray) == before
    says_the_wal_may_not_be_its_own(result.stderr, stray)


def test_check_leaves_the_file_and_the_stray_wal_as_they_were(stray: Path) -> None:
    before = fingerprint(stray)
    result = run("--db", str(stray), "check")
    assert result.exit_code == 1
    assert fingerprint(stray) == before
    says_the_wal_may_not_be_its_own(result.stdout, stray)


def test_the_first_look_leaves_the_file_and_the_stray_wal_as_they_were(stray: Path) -> None:
    before = fingerprint(stray)
    first_look(locate(str(stray)), date(2026, 3, 2), 14)
    assert fingerprint(stray) == before


def test_check_of_a_healthy_file_leaves_its_own_wal_as_it_was(own_wal: Path) -> None:
    """The search index's check needs a writable connection, which closing last would
    fold the -wal into the file: a check only reads."""
    before = fingerprint(own_wal)
    result = run("--db", str(own_wal), "check")
    assert result.exit_code == 0, result.output
    assert "Healthy." in result.stdout
    assert fingerprint(own_wal) == before


@pytest.fixture
def foreign_wal(tmp_path: Path, a_class: Callable[[Path], None]) -> Path:
    """notes.db with the -wal of another database altogether beside it (a small one that
    is not conference-tui's), as the tmux check built it."""
    path = tmp_path / "notes.db"
    a_class(path)
    other = tmp_path / "elsewhere" / "notes.db"
    other.parent.mkdir()
    with contextlib.closing(sqlite3.connect(other, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA wal_autocheckpoint = 0")
        connection.execute("CREATE TABLE recipe (name TEXT)")
        connection.execute("INSERT INTO recipe VALUES ('soup')")
        shutil.copyfile(f"{other}-wal", f"{path}-wal")
    return path


@pytest.mark.parametrize("command", [["check"], ["export", "--all", "--out", "OUT"]])
def test_a_wal_of_another_database_is_named_and_both_files_kept(
    foreign_wal: Path, tmp_path: Path, command: list[str]
) -> None:
    """It read as "not one of conference-tui's", which told the teacher to give up on
    their own file."""
    before = fingerprint(foreign_wal)
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in command]
    result = run("--db", str(foreign_wal), *args)
    assert result.exit_code != 0
    assert fingerprint(foreign_wal) == before
    assert "notes.db-wal file beside it is not its own" in result.output
    assert "Keep both files as they are, together" in result.output
    assert "Traceback" not in result.output
