"""What a command says when the file is busy, damaged or already holds the archive's
records: what happened and the one safe thing to do, in the command line's own words,
with an exit status that agrees. Real files in real states, no mocks."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner, Result
from tests.faults.test_faults import damage_a_page

from conference_tui.cli import cli
from conference_tui.store import Store


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def one_student(path: Path) -> str:
    """A database with one student, who has a finished conference with habits of mind;
    returns the student's id."""
    store = Store.open(str(path))
    try:
        school_class = store.add_class("7B")
        student = store.add_student(school_class.id, "Ana Lopez")
        conference = store.start_conference(student.id, "writing-conference", 1, "clarify")
        store.save_answer(conference.id, "clarify", "piece_title", "The storm", False)
        store.set_habits(conference.id, ["persisting", "questioning"])
        store.complete_conference(conference.id)
        return student.id
    finally:
        store.close()


def start_a_draft(path: Path, student_id: str, title: str) -> None:
    store = Store.open(str(path))
    try:
        draft = store.start_conference(student_id, "writing-conference", 1, "clarify")
        store.save_answer(draft.id, "clarify", "piece_title", title, False)
    finally:
        store.close()


def archive_of(path: Path, folder: Path) -> Path:
    result = run("--db", str(path), "backup", "--out", str(folder))
    assert result.exit_code == 0, result.output
    (archive,) = folder.glob("*.json")
    return archive


@contextlib.contextmanager
def held_exclusively(path: Path) -> Iterator[None]:
    """Another program in the middle of writing a file in SQLite's rollback journal
    mode (as a backup copy is kept): no reader may read it meanwhile."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")


@contextlib.contextmanager
def kept_to_itself(path: Path) -> Iterator[None]:
    """Another program writing a WAL file that it keeps to itself (SQLite's exclusive
    locking mode): no reader may read it meanwhile."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("UPDATE student SET name = name")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")


def test_an_export_of_a_file_in_use_says_so_in_the_command_lines_words(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    one_student(path)
    with held_exclusively(path):
        result = run("--db", str(path), "export", "--all", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "in use by another program" in result.stderr and "try again" in result.stderr
    assert "kept on screen" not in result.output  # the app's words, for a note being typed
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_check_of_a_file_in_use_says_so_in_the_command_lines_words(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    one_student(path)
    with held_exclusively(path):
        result = run("--db", str(path), "check")
    assert result.exit_code == 1
    assert "in use by another program" in result.output and "try again" in result.output
    assert "kept on screen" not in result.output
    assert "Traceback" not in result.output


def test_the_app_on_a_file_in_use_says_so_before_it_waits_and_once_after(
    tmp_path: Path,
) -> None:
    """It showed a blank terminal for 21 s (three busy waits: the first look, the
    revision check, the store's open) and then said so."""
    path = tmp_path / "conferences.db"
    one_student(path)
    with kept_to_itself(path):
        result = CliRunner().invoke(cli, ["--db", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    waiting = "is in use by another program; waiting a few seconds for it"
    refused = "in use by another program (another copy of conference-tui, or a backup)"
    assert result.stderr.index(waiting) < result.stderr.index(refused)
    assert result.stderr.count(refused) == 1
    assert "Traceback" not in result.output


def test_a_writer_does_not_hold_up_an_export_of_a_wal_file(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    one_student(path)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE student SET needs = 'more time'")
        result = run("--db", str(path), "export", "--all", "--out", str(tmp_path / "out"))
        writer.execute("ROLLBACK")
    assert result.exit_code == 0, result.output
    assert "Exported 1 conference(s) of 1 student(s)" in result.stdout


def test_an_export_that_meets_damage_says_nothing_was_exported_and_fails(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conferences.db"
    one_student(path)
    damage_a_page(path)
    for scope in (["--all"], ["--student", "Ana Lopez"]):
        out = tmp_path / scope[0].strip("-")
        result = run("--db", str(path), "export", *scope, "--out", str(out))
        assert result.exit_code == 1, result.output
        assert "is damaged" in result.stderr and "Nothing was exported" in result.stderr
        # No promise of an export that did not happen.
        assert "open read-only" not in result.stderr and "you can read and export" not in (
            result.stderr
        )
        assert result.stderr.count("is damaged") == 1
        assert not out.exists() or list(out.iterdir()) == []


def test_the_import_summary_counts_habits_of_mind(tmp_path: Path) -> None:
    one_student(tmp_path / "laptop.db")
    archive = archive_of(tmp_path / "laptop.db", tmp_path / "archive")
    result = run("--db", str(tmp_path / "new.db"), "import", str(archive))
    assert result.exit_code == 0, result.output
    assert "habits of mind: 2 new, 0 updated, 0 unchanged" in result.stdout
    result = run("--db", str(tmp_path / "new.db"), "import", str(archive))
    assert "habits of mind: 0 new, 0 updated, 2 unchanged" in result.stdout


def counts(path: Path) -> tuple[int, int]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        conferences = connection.execute("SELECT count(*) FROM conference").fetchone()[0]
        answers = connection.execute("SELECT count(*) FROM answer").fetchone()[0]
    return conferences, answers


def test_an_archive_that_clashes_with_records_here_is_refused_whole_and_said_so(
    tmp_path: Path,
) -> None:
    # Two laptops with the same class, each starting a conference with the same student:
    # the archive's unfinished conference clashes with the one here (one draft a form).
    laptop, other = tmp_path / "laptop.db", tmp_path / "other.db"
    student_id = one_student(laptop)
    assert (
        run("--db", str(other), "import", str(archive_of(laptop, tmp_path / "a0"))).exit_code == 0
    )
    start_a_draft(laptop, student_id, "From the laptop")
    start_a_draft(other, student_id, "From the other")
    archive = archive_of(laptop, tmp_path / "a1")
    before = counts(other)
    result = run("--db", str(other), "import", str(archive))
    assert result.exit_code == 1
    assert "clash with records already in this database" in result.stderr
    assert "Nothing was imported" in result.stderr and "new, empty database" in result.stderr
    assert "could not be used" not in result.stderr and "check" not in result.stderr
    assert counts(other) == before


def test_a_dry_run_finds_the_clash_the_import_would_be_refused_for(tmp_path: Path) -> None:
    """The dry run writes nothing, so the database cannot refuse the second draft for it:
    it must still say what the import would say, not count the records as fine."""
    laptop, other = tmp_path / "laptop.db", tmp_path / "other.db"
    student_id = one_student(laptop)
    assert (
        run("--db", str(other), "import", str(archive_of(laptop, tmp_path / "a0"))).exit_code == 0
    )
    start_a_draft(laptop, student_id, "From the laptop")
    start_a_draft(other, student_id, "From the other")
    archive = archive_of(laptop, tmp_path / "a1")
    before = counts(other)

    result = run("--db", str(other), "import", "--dry-run", str(archive))

    assert result.exit_code == 1
    assert "clash with records already in this database" in result.stderr
    assert "Dry run: nothing was written" in result.stderr
    assert "would be refused" in result.stderr and "new, empty database" in result.stderr
    assert counts(other) == before
    real = run("--db", str(other), "import", str(archive))
    assert real.exit_code == 1 and "clash" in real.stderr


def test_a_dry_run_passes_a_draft_that_the_archive_finishes_or_that_is_the_same(
    tmp_path: Path,
) -> None:
    """No false alarm: the same draft on both sides, or one here that the archive's newer
    copy completes, leaves one draft or none, and the import goes through."""
    laptop, other = tmp_path / "laptop.db", tmp_path / "other.db"
    student_id = one_student(laptop)
    start_a_draft(laptop, student_id, "Shared draft")
    assert (
        run("--db", str(other), "import", str(archive_of(laptop, tmp_path / "a0"))).exit_code == 0
    )
    same = archive_of(laptop, tmp_path / "a1")
    dry = run("--db", str(other), "import", "--dry-run", str(same))
    assert dry.exit_code == 0, dry.output
    assert "conferences: 0 new, 0 updated, 2 unchanged" in dry.stdout

    store = Store.open(str(laptop))
    try:
        draft = store.draft_for_student(student_id)
        assert draft is not None
        store.complete_conference(draft.id)
    finally:
        store.close()
    start_a_draft(laptop, student_id, "A new draft after it")
    finished = archive_of(laptop, tmp_path / "a2")
    dry = run("--db", str(other), "import", "--dry-run", str(finished))
    assert dry.exit_code == 0, dry.output
    assert "conferences: 1 new, 1 updated, 1 unchanged" in dry.stdout
    real = run("--db", str(other), "import", str(finished))
    assert real.exit_code == 0, real.output
