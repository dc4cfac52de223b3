"""A damaged, full, odd or foreign database: the right diagnosis, safe advice, and the
file left byte for byte as it was. Each case is a real file in a real state: a folder
where the file should be, an empty file, a schema from the future, damaged pages, a
disk that is full (a small tmpfs), a read-only mount."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conference_tui import paths
from conference_tui.cli import cli
from conference_tui.failure_log import failure_summary
from conference_tui.store import Store, StoreError
from conference_tui.store.diagnosis import Fault

IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="mounting a tmpfs needs root")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notes_database(path: Path, note: str = "The storm came at night") -> str:
    """A real database with one student and one conference; returns the conference id."""
    store = Store.open(str(path))
    try:
        school_class = store.add_class("7B")
        student = store.add_student(school_class.id, "Ana Lopez")
        conference = store.start_conference(student.id, "writing-conference", 1, "clarify")
        store.save_answer(conference.id, "clarify", "piece_title", note, False)
        store.complete_conference(conference.id)
        return conference.id
    finally:
        store.close()


def damage_a_page(path: Path, table: str = "answer") -> None:
    """Bytes flipped across two pages of a table (the answers'), headers included: the
    notes damaged, the schema (where the file says what it is) intact, wherever the
    pages of a newer schema happen to lie."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        (page,) = connection.execute(
            "SELECT min(pageno) FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
        ).fetchone()
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as file:
        file.seek((page - 1) * page_size)
        file.write(bytes(range(256))[7:] * 33)


@contextlib.contextmanager
def mounted(kind: str, target: Path, *options: str, source: str = "tmpfs") -> Iterator[Path]:
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", kind, *options, source, str(target)], check=True)
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


# -- the file itself -----------------------------------------------------------------


def test_a_folder_where_the_file_should_be(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    check = run("--db", str(folder), "check")
    assert check.exit_code == 1 and "is a folder, not a database file" in check.stdout
    export = run("--db", str(folder), "export", "--all", "--out", str(tmp_path / "out"))
    assert export.exit_code == 1 and "is a folder" in export.output
    assert list(folder.iterdir()) == []
    with pytest.raises(StoreError) as raised:
        Store.open(str(folder))
    assert raised.value.fault == Fault.NOT_A_FILE


def test_an_empty_file_with_backups_is_reported_not_made_into_a_new_database(
    tmp_path: Path,
) -> None:
    good = tmp_path / "conferences.db"
    notes_database(good)
    assert run("--db", str(good), "backup").exit_code == 0
    empty = tmp_path / "emptied.db"
    empty.touch()
    for command in (["check"], ["export", "--all", "--out", str(tmp_path / "out")]):
        result = run("--db", str(empty), *command)
        assert result.exit_code == 1, command
        assert "empty (0 bytes)" in result.output
        assert "never over it" in result.output
    assert empty.stat().st_size == 0
    assert [p.name for p in paths.backups_dir().iterdir() if p.name.startswith("daily-")] == []


def test_an_empty_file_without_backups_is_a_first_start(tmp_path: Path) -> None:
    empty = tmp_path / "conferences.db"
    empty.touch()
    result = run("--db", str(empty), "export", "--all", "--out", str(tmp_path / "out"))
    assert "empty (0 bytes)" not in result.output
    assert empty.stat().st_size > 0  # made into a database


def test_a_database_from_a_newer_version_is_not_called_healthy(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    notes_database(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = sha256(path)
    result = run("--db", str(path), "check")
    assert result.exit_code == 1
    assert "written by a newer version of conference-tui (schema 9999)" in result.stdout
    assert "Healthy" not in result.stdout
    assert sha256(path) == before


def test_damaged_pages_get_safe_advice_and_the_file_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    notes_database(path)
    damage_a_page(path)
    before = sha256(path)
    result = run("--db", str(path), "check")
    assert result.exit_code == 1
    assert "is damaged" in result.stdout and "never over it" in result.stdout
    assert sha256(path) == before


def test_a_note_from_a_damaged_page_is_never_quoted_in_a_message_or_the_log(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conferences.db"
    conference_id = notes_database(path)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE answer SET value = CAST(X'ff53454352455420414e41' AS TEXT)"
        )  # not UTF-8: the driver's message quotes "SECRET ANA"
    connection.close()
    store = Store.open(str(path))
    try:
        with pytest.raises(StoreError) as raised:
            store.get_conference(conference_id)
    finally:
        store.close()
    assert raised.value.fault == Fault.DAMAGED
    assert "SECRET" not in str(raised.value)
    assert "SECRET" not in failure_summary(raised.value)
    assert "SQLite" not in str(raised.value) or "SECRET" not in str(raised.value)


# -- the disk ---------------------------------------------------------------------


@needs_root
def test_a_disk_full_before_start_is_full_not_damaged(tmp_path: Path) -> None:
    source = tmp_path / "conferences.db"
    notes_database(source)
    with mounted("tmpfs", tmp_path / "small", "-o", "size=512k") as disk:
        path = disk / "conferences.db"
        path.write_bytes(source.read_bytes())
        filler = disk / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as file:
            while True:
                file.write(b"\0" * 4096)
                file.flush()
        before = sha256(path)
        check = run("--db", str(path), "check")
        assert "damaged" not in check.stdout.lower()
        assert "is full" in check.stdout or check.exit_code == 0
        with pytest.raises(StoreError) as raised:
            store = Store.open(str(path))
            try:
                student = store.roster(None)[0].student
                store.add_student(student.class_id, "Ben " + "x" * 190)
                for number in range(200):
                    store.set_goal(student.id, f"goal {number} " + "y" * 3000)
            finally:
                store.close()
        assert raised.value.fault == Fault.DISK_FULL
        assert "is full" in str(raised.value)
        # The notes already saved are all there.
        filler.unlink()
        reopened = Store.open(str(path))
        try:
            assert reopened.search("storm")
        finally:
            reopened.close()
        assert before  # the file was only ever written by the store itself


@needs_root
def test_a_read_only_mount_is_read_only_not_an_index_out_of_step(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    notes_database(folder / "conferences.db")
    with mounted("none", tmp_path / "ro", "-o", "bind", source=str(folder)) as view:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True)
        path = view / "conferences.db"
        before = sha256(path)
        result = run("--db", str(path), "check")
        assert result.exit_code == 1
        assert "read-only" in result.stdout
        assert "--repair" not in result.stdout
        assert sha256(path) == before


def test_a_damaged_file_is_opened_read_only_and_export_says_so(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    notes_database(path)
    damage_a_page(path)
    before = sha256(path)
    result = CliRunner().invoke(
        cli, ["--db", str(path), "export", "--all", "--out", str(tmp_path / "out")]
    )
    assert "is damaged" in result.stderr and "Nothing was exported" in result.stderr
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert sha256(path) == before
    assert [p.name for p in paths.backups_dir().glob("daily-*")] == []


def test_a_server_that_is_not_there_is_unreachable_not_damaged() -> None:
    with pytest.raises(StoreError) as raised:
        Store.open("postgresql://teacher@127.0.0.1:9/conferences?connect_timeout=3")
    assert raised.value.fault == Fault.SERVER_UNREACHABLE
    assert "Cannot reach the database server" in str(raised.value)
    assert "damaged" not in str(raised.value)
