"""The SQLite file itself: private, durable, refused when it is not ours, honest when locked."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from conference_tui.store import (
    DatabaseLockedError,
    DatabaseUnavailableError,
    SchemaTooNewError,
    Store,
)
from conference_tui.store import engine as store_engine
from conference_tui.store.location import head_revision
from conference_tui.store.records import AnswerEdit


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(path: Path) -> tuple[bytes, int]:
    """The file's bytes and modification time, to prove it was left untouched."""
    return path.read_bytes(), path.stat().st_mtime_ns


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "conferences.db"


# -- a private, durable file -----------------------------------------------------


def test_the_database_and_its_wal_files_are_private(db_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual umask would give 0644
    try:
        store = Store.open(str(db_path))
        try:
            klass = store.add_class("Year 7")
            with store.engine.connect() as conn:  # a reader keeps the -wal and -shm open
                conn.execute(text("SELECT 1 FROM school_class")).all()
                assert store.get_class(klass.id).name == "Year 7"
                wal = db_path.with_name(db_path.name + "-wal")
                shm = db_path.with_name(db_path.name + "-shm")
                assert wal.exists() and shm.exists()
                assert {file_mode(p) for p in (db_path, wal, shm)} == {0o600}
        finally:
            store.close()
    finally:
        os.umask(old_umask)
    assert file_mode(db_path) == 0o600


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "conferences.db"
    Store.open(str(path)).close()
    assert path.is_file() and file_mode(path) == 0o600


def test_store_connections_are_durable_and_checked(db_path: Path) -> None:
    store = Store.open(str(db_path))
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            busy = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            assert busy == store_engine.BUSY_TIMEOUT_MS
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == head_revision()
    finally:
        store.close()


def test_foreign_keys_are_enforced(db_path: Path) -> None:
    store = Store.open(str(db_path))
    orphan = text(
        "INSERT INTO student (id, class_id, name, preferred_name, interests, strengths,"
        " needs, archived, created_at, updated_at) VALUES ('s', 'no-such-class', 'x', '',"
        " '', '', '', 0, '2026-01-01', '2026-01-01')"
    )
    try:
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), store.engine.begin() as conn:
            conn.execute(orphan)
    finally:
        store.close()


def test_an_odd_folder_name_is_a_path_not_a_url(tmp_path: Path) -> None:
    for folder in ("with space", "Notes #1", "what?x=1", "pct%41"):
        path = tmp_path / folder / "conferences.db"
        store = Store.open(str(path))
        store.add_class("Year 7")
        store.close()
        store = Store.open(str(path))
        assert [c.name for c in store.list_classes()] == ["Year 7"]
        store.close()
        assert siblings(path) == ["conferences.db"]
        assert file_mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ("with space", "Notes #1", "what?x=1", "pct%41")
    )


def test_reopening_keeps_everything(db_path: Path) -> None:
    store = Store.open(str(db_path))
    klass = store.add_class("Year 7")
    student = store.add_student(klass.id, "Amara")
    store.close()
    again = Store.open(str(db_path))
    try:
        assert again.get_student(student.id) == student
    finally:
        again.close()


# -- files that are not ours are refused and left untouched -----------------------


def make_too_new(path: Path) -> None:
    Store.open(str(path)).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
        conn.commit()
    assert siblings(path) == [path.name]


def test_a_newer_schema_is_refused_and_left_untouched(db_path: Path) -> None:
    make_too_new(db_path)
    before = snapshot(db_path)
    time.sleep(0.01)  # so that a write would show in the mtime
    with pytest.raises(SchemaTooNewError) as refused:
        Store.open(str(db_path))
    message = str(refused.value)
    assert str(db_path) in message
    assert "newer version of conference-tui" in message
    assert "9999_future" in message
    assert "Upgrade conference-tui" in message
    assert "left untouched" in message
    assert snapshot(db_path) == before
    assert siblings(db_path) == [db_path.name]  # no -wal, no -shm


def test_a_newer_schema_is_refused_while_another_copy_has_it_open(db_path: Path) -> None:
    make_too_new(db_path)
    with contextlib.closing(sqlite3.connect(db_path)) as other:
        other.execute("SELECT * FROM alembic_version").fetchall()  # opens the -wal
        with pytest.raises(SchemaTooNewError):
            Store.open(str(db_path))


@pytest.mark.parametrize(
    "content",
    [b"Dear diary,\n" * 500, b"SQLite format 3\x00" + b"\xff" * 4000, b"\x00" * 8192],
    ids=["text", "damaged-header", "zeros"],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(
    db_path: Path, content: bytes
) -> None:
    db_path.write_bytes(content)
    before = snapshot(db_path)
    with pytest.raises(DatabaseUnavailableError) as refused:
        Store.open(str(db_path))
    message = str(refused.value)
    assert str(db_path) in message
    assert "not a conference-tui database" in message or "damaged" in message
    assert snapshot(db_path) == before
    assert siblings(db_path) == [db_path.name]


def test_another_programs_sqlite_database_is_refused_and_left_untouched(db_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('soup')")
        conn.commit()
    before = snapshot(db_path)
    with pytest.raises(DatabaseUnavailableError, match="not one of conference-tui's") as refused:
        Store.open(str(db_path))
    assert str(db_path) in str(refused.value)
    assert snapshot(db_path) == before
    assert siblings(db_path) == [db_path.name]


def test_an_empty_file_becomes_a_database(db_path: Path) -> None:
    db_path.touch(mode=0o600)
    Store.open(str(db_path)).close()
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseUnavailableError, match="is not a folder"):
        Store.open(str(blocker / "conferences.db"))
    with pytest.raises(DatabaseUnavailableError, match="Not a directory"):
        Store.open(str(blocker / "deeper" / "conferences.db"))
    assert blocker.read_text() == "not a folder"


# -- read-only places ------------------------------------------------------------


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a folder or file read-only, even for root (who ignores permission bits).

    As root the immutable attribute is used (chattr +i); where the file system does not
    support it the test is skipped rather than pretending.
    """
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root without chattr: cannot make a place read-only for root")
    made = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"running as root and chattr +i failed here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def test_a_new_database_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder), pytest.raises(DatabaseUnavailableError) as refused:
        Store.open(str(folder / "conferences.db"))
    assert "not writable" in str(refused.value)
    assert "--db PATH" in str(refused.value)
    assert list(folder.iterdir()) == []


def test_an_existing_database_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    path = folder / "conferences.db"
    Store.open(str(path)).close()
    before = snapshot(path)
    with read_only(folder), pytest.raises(DatabaseUnavailableError) as refused:
        Store.open(str(path))
    assert str(path) in str(refused.value)
    assert "writable" in str(refused.value)
    assert snapshot(path) == before


def test_a_read_only_database_file_refuses_writes_clearly(db_path: Path) -> None:
    store = Store.open(str(db_path))
    klass = store.add_class("Year 7")
    store.close()
    with read_only(db_path):
        store = Store.open(str(db_path))
        try:
            assert [c.id for c in store.list_classes()] == [klass.id]  # reading still works
            with pytest.raises(DatabaseUnavailableError, match="read-only"):
                store.add_class("Year 8")
        finally:
            store.close()


# -- a second copy holding the write lock -----------------------------------------


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    """Wait 300 ms for a lock instead of the app's 5 s (read when a store opens)."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 300)
    return 0.3


def test_a_write_waits_for_the_lock_then_says_what_is_wrong(
    db_path: Path, short_busy_timeout: float
) -> None:
    store = Store.open(str(db_path))
    klass = store.add_class("Year 7")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(DatabaseLockedError) as locked:
            store.add_student(klass.id, "Amara")
        waited = time.monotonic() - started
        assert waited >= short_busy_timeout * 0.8
        message = str(locked.value)
        assert str(db_path) in message
        assert "another copy of conference-tui" in message
        assert [c.id for c in store.list_classes()] == [klass.id]  # reads go on (WAL)
        other.execute("ROLLBACK")
        store.add_student(klass.id, "Amara")  # and the write works once it is free
        assert len(store.roster(klass.id)) == 1
    finally:
        other.close()
        store.close()


def test_a_write_that_waits_succeeds_when_the_lock_is_released_in_time(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 5000)
    store = Store.open(str(db_path))
    klass = store.add_class("Year 7")
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
        release.start()
        store.add_student(klass.id, "Amara")  # waits, then writes
        release.join()
        assert len(store.roster(klass.id)) == 1
    finally:
        other.close()
        store.close()


def test_a_rehearsal_gives_way_to_another_copys_write_and_the_next_write_still_waits(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's warm-up rehearsal never keeps the teacher's first write waiting behind
    another copy's lock, and leaves the connection waiting for locks as before."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 5000)
    store = Store.open(str(db_path))
    klass = store.add_class("Year 7")
    student = store.add_student(klass.id, "Amara")
    first = AnswerEdit("clarify", "piece_title", "", False, None, seen_version=0)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")
        # Released after a second: a rehearsal that waited for the lock would succeed.
        release = threading.Timer(1.0, lambda: other.execute("COMMIT"))
        release.start()
        with pytest.raises(DatabaseLockedError):
            store.rehearse_conference(student.id, "writing-conference", 1, first)
        release.cancel()
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
        release.start()
        store.add_student(klass.id, "Bea")  # waits for the lock, then writes
        release.join()
        assert sorted(row.student.name for row in store.roster(klass.id)) == ["Amara", "Bea"]
    finally:
        other.close()
        store.close()
