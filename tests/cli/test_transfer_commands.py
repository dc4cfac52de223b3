"""export, backup, import and check as a teacher types them: clear words, exit codes,
never a traceback; and the daily backup that runs before the app starts."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conference_tui import cli_app, paths
from conference_tui.cli import cli
from conference_tui.store import Store

INSTALLED = Path(sys.executable).with_name("conference-tui")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with a class, two students and a conference with a private note."""
    path = tmp_path_factory.mktemp("filled") / "conferences.db"
    store = Store.open(str(path))
    school_class = store.add_class("Period 3")
    ann = store.add_student(school_class.id, "Ann Lee")
    store.add_student(school_class.id, "Ben Ray")
    conference = store.start_conference(ann.id, "writing-conference", 1, "clarify")
    store.save_answer(conference.id, "clarify", "purpose", "# To be scary", False)
    store.save_answer(conference.id, "modify", "teacher_notes", "PRIVATE-NOTE", True)
    store.complete_conference(conference.id)
    store.close()
    return path


@pytest.fixture
def database(filled: Path, tmp_path: Path) -> Iterator[str]:
    copy = tmp_path / "conferences.db"
    shutil.copyfile(filled, copy)
    yield str(copy)


# -- export -----------------------------------------------------------------------


def test_export_a_student_for_the_teacher(database: str, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    result = run(
        "--db",
        database,
        "export",
        "--student",
        "ann lee",
        "--audience",
        "teacher",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "disclosure of student records" in result.stderr
    assert "Exported 1 conference(s) of 1 student(s)" in result.stdout
    (path,) = out.iterdir()
    assert str(path) in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert "PRIVATE-NOTE" in text and "\\# To be scary" in text


@pytest.mark.parametrize("scope", ["--all", "--conference"])
def test_an_export_leaves_nothing_beside_the_database(
    database: str, tmp_path: Path, scope: str
) -> None:
    """--all and --conference read the file with the sqlite3 module alone while its quick
    check runs beside them: the same file, and nothing new beside it, afterwards."""
    folder = Path(database).parent
    before = sorted(p.name for p in folder.iterdir())
    with contextlib.closing(sqlite3.connect(database)) as connection:
        (conference_id,) = connection.execute("SELECT id FROM conference").fetchone()
    args = [scope] if scope == "--all" else [scope, conference_id]
    result = run("--db", database, "export", *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Exported 1 conference(s) of 1 student(s)" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == [*before, "out"]


def test_export_shareable_by_default_per_class(database: str, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    result = run(
        "--db", database, "export", "--class", "PERIOD 3", "--per", "class", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "audience: shareable; private notes left out" in result.stdout
    (path,) = out.iterdir()
    assert path.name.startswith("period-3-")
    assert "PRIVATE-NOTE" not in path.read_text(encoding="utf-8")


def test_export_html_pages_for_each_audience(database: str, tmp_path: Path) -> None:
    for audience in ("shareable", "teacher"):
        out = tmp_path / audience
        result = run(
            "--db", database, "export", "--student", "Ann Lee", "--format", "html",
            "--audience", audience, "--out", str(out),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        (path,) = out.iterdir()
        assert path.suffix == ".html"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        page = path.read_text(encoding="utf-8")
        assert "# To be scary" in page  # a plain character in HTML: no escape needed
        assert ("PRIVATE-NOTE" in page) is (audience == "teacher")


def test_export_needs_exactly_one_scope(database: str, tmp_path: Path) -> None:
    for args in ([], ["--all", "--student", "Ann Lee"]):
        result = run("--db", database, "export", *args, "--out", str(tmp_path))
        assert result.exit_code == 1
        assert "say what to export" in result.stderr


def test_export_of_an_unknown_student_is_a_clear_error(database: str, tmp_path: Path) -> None:
    result = run("--db", database, "export", "--student", "Zed", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.strip() == "conference-tui: no student has the id or name “Zed”."
    assert not (tmp_path / "o").exists()


def test_export_with_nothing_in_scope(database: str, tmp_path: Path) -> None:
    result = run("--db", database, "export", "--student", "Ben Ray", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert "Nothing to export" in result.stdout
    assert not (tmp_path / "o").exists(), "a folder made for nothing"


def test_export_into_a_file_is_a_clear_error(database: str, tmp_path: Path) -> None:
    blocker = tmp_path / "notes"
    blocker.write_text("", encoding="utf-8")
    result = run("--db", database, "export", "--all", "--out", str(blocker / "x"))
    assert result.exit_code == 1
    assert "is not a folder" in result.stderr


def test_export_of_no_database_creates_none(tmp_path: Path) -> None:
    # A mistyped --db must not become an empty database that has "nothing to export".
    for missing in (tmp_path / "none.db", tmp_path / "no" / "such" / "folder.db"):
        result = run("--db", str(missing), "export", "--all", "--out", str(tmp_path / "o"))
        assert result.exit_code == 1
        assert f"there is no database at {missing} yet: nothing to export" in result.stderr
        assert "conference-tui locate" in result.stderr
        assert not missing.exists()
    assert not (tmp_path / "no").exists()
    assert not (tmp_path / "o").exists()


# -- backup -----------------------------------------------------------------------


def test_backup_writes_a_checked_copy_and_an_archive(database: str, tmp_path: Path) -> None:
    out = tmp_path / "backups"
    result = run("--db", database, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert [p.suffix for p in files] == [".db", ".json"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert "checked: ok" in result.stdout and "2 students" in result.stdout
    with sqlite3.connect(files[0]) as connection:
        assert connection.execute("SELECT count(*) FROM student").fetchone() == (2,)
    assert json.loads(files[1].read_text(encoding="utf-8"))["format"] == "conference-tui-archive"


def test_backup_by_default_goes_to_the_backups_folder(database: str) -> None:
    result = run("--db", database, "backup")
    assert result.exit_code == 0
    assert {p.suffix for p in paths.backups_dir().iterdir()} == {".db", ".json"}


def test_backup_of_no_database_creates_nothing(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "none.db"), "backup", "--out", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert "nothing to back up" in result.stderr
    assert not (tmp_path / "none.db").exists()


# -- import -----------------------------------------------------------------------


def test_backup_of_a_file_holding_no_notes_makes_no_copy(tmp_path: Path) -> None:
    """Found in a fault check: an empty file (and another program's database) was backed
    up "checked: ok", and the empty copy became the newest backup: the one the advice
    for a damaged file says to open."""
    empty = tmp_path / "empty.db"
    empty.touch()
    foreign = tmp_path / "foreign.db"
    with contextlib.closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    for database, said in ((empty, "holds no notes"), (foreign, "not one of conference-tui's")):
        result = run("--db", str(database), "backup", "--out", str(tmp_path / "b"))
        assert result.exit_code == 1, result.output
        assert said in result.stderr, result.stderr
        assert "checked: ok" not in result.output
        assert not (tmp_path / "b").exists()
    assert empty.stat().st_size == 0


def test_import_a_roster_dry_run_then_for_real(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "First Name,Last Name,Section\nAnn,Lee,Period 3\nBen,Ray,Period 3\n", encoding="utf-8"
    )
    database = tmp_path / "new.db"
    dry = run("--db", str(database), "import", str(roster), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written." in dry.stdout
    assert "line 2: Ann Lee → Period 3" in dry.stdout
    assert not database.exists()
    real = run("--db", str(database), "import", str(roster))
    assert real.exit_code == 0
    assert "Added 2 student(s)" in real.stdout
    again = run("--db", str(database), "import", str(roster))
    assert "Added 0 student(s)." in again.stdout and "Not added again (2)" in again.stdout


def test_import_lists_the_rows_that_are_no_student(tmp_path: Path) -> None:
    roster = tmp_path / "grades.csv"
    roster.write_text('Student,Period\n"Okafor, Amara",3\nClass Average,3\n,3\n', encoding="utf-8")
    database = tmp_path / "new.db"
    for extra in (["--dry-run"], []):
        result = run("--db", str(database), "import", str(roster), *extra)
        assert result.exit_code == 0, result.output
        assert "Not students, skipped (2):" in result.stdout
        assert "line 3: “Class Average”: a summary row, not a student; skipped" in result.stdout
        assert "line 4: no name; skipped" in result.stdout
        assert "line 2: Amara Okafor → 3" in result.stdout


def test_import_a_broken_roster_names_the_rows(database: str, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("Name,Class\nCy Day,Period 3\nDee Ray,\n", encoding="utf-8")
    before = Path(database).read_bytes()
    result = run("--db", database, "import", str(roster))
    assert result.exit_code == 1
    assert "line 3: the class is empty" in result.stderr
    assert "nothing was imported" in result.stderr
    assert Path(database).read_bytes() == before


def test_import_an_archive_into_an_empty_database(database: str, tmp_path: Path) -> None:
    assert run("--db", database, "backup", "--out", str(tmp_path / "b")).exit_code == 0
    (archive,) = (tmp_path / "b").glob("*.json")
    target = str(tmp_path / "laptop2.db")
    dry = run("--db", target, "import", str(archive), "--dry-run")
    assert "students: 2 new, 0 updated, 0 unchanged" in dry.stdout
    first = run("--db", target, "import", str(archive))
    assert "conferences: 1 new" in first.stdout
    second = run("--db", target, "import", str(archive))
    assert "students: 0 new, 0 updated, 2 unchanged" in second.stdout
    wrong = run("--db", target, "import", str(archive), "--class", "K")
    assert wrong.exit_code == 1 and "--class applies to roster files" in wrong.stderr


TITLE_ESCAPE = "\x1b]0;pwned\x07"


def test_refusals_show_the_files_escape_codes_as_pictures(database: str, tmp_path: Path) -> None:
    """Found in a fault check in tmux: an archive's bad date, its dangling reference and
    a roster's header were quoted raw in the refusal, and retitled the terminal."""
    assert run("--db", database, "backup", "--out", str(tmp_path / "b")).exit_code == 0
    (archive,) = (tmp_path / "b").glob("*.json")
    records = json.loads(archive.read_text(encoding="utf-8"))
    bad_date = json.loads(json.dumps(records))
    bad_date["students"][0]["updated_at"] = TITLE_ESCAPE
    dangling = json.loads(json.dumps(records))
    dangling["answers"][0]["conference_id"] = TITLE_ESCAPE
    roster = tmp_path / "roster.csv"
    roster.write_text(f"{TITLE_ESCAPE}[bold]Nom[/],Class\nCy Day,P3\n", encoding="utf-8")
    for name, content in (("date.json", bad_date), ("reference.json", dangling)):
        (tmp_path / name).write_text(json.dumps(content), encoding="utf-8")
    for hostile in (tmp_path / "date.json", tmp_path / "reference.json", roster):
        result = run("--db", database, "import", str(hostile))
        assert result.exit_code == 1, hostile.name
        assert "\x1b" not in result.output and "\x07" not in result.output, hostile.name
        assert "␛]0;pwned␇" in result.stderr, (hostile.name, result.stderr)


def test_import_of_a_missing_file(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "cannot read" in result.stderr


# -- check ------------------------------------------------------------------------


def test_check_a_healthy_database(database: str) -> None:
    result = run("--db", database, "check")
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("Healthy.")


def _corrupt(path: Path) -> None:
    middle = path.stat().st_size // 2 // 4096 * 4096
    with open(path, "r+b") as file:
        file.seek(middle)
        file.write(bytes(range(256))[7:] * 33)


def test_check_a_corrupted_copy_says_what_to_do(database: str) -> None:
    assert run("--db", database, "backup").exit_code == 0  # a backup to restore
    _corrupt(Path(database))
    result = run("--db", database, "check")
    assert result.exit_code == 1
    assert "Damaged: The database at" in result.stdout
    # Never advice that would copy a backup over notes newer than it.
    assert "to a new name beside it, never over it" in result.stdout
    assert "Copy the newest backup to" not in result.stdout
    assert "Traceback" not in result.output


def test_check_offers_to_repair_the_search_index(database: str) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
    result = run("--db", database, "check")
    assert result.exit_code == 1
    assert "conference-tui check --repair" in result.stdout
    repaired = run("--db", database, "check", "--repair")
    assert repaired.exit_code == 0
    assert "Rebuilt the search index" in repaired.stdout and "Healthy." in repaired.stdout


def test_check_of_no_database(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "none.db"), "check")
    assert result.exit_code == 1
    assert "There is no database file at" in result.stdout
    assert not (tmp_path / "none.db").exists()


# -- the installed command, in a real process -------------------------------------


@pytest.mark.skipif(not INSTALLED.exists(), reason="conference-tui is not installed here")
def test_installed_command_on_a_corrupted_file_and_an_export(database: str, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    exported = subprocess.run(
        [str(INSTALLED), "--db", database, "export", "--all", "--out", str(out)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert [stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()] == [0o600]
    _corrupt(Path(database))
    checked = subprocess.run(
        [str(INSTALLED), "--db", database, "check"], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 1
    assert "damaged" in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr


# -- the daily backup before the app starts ---------------------------------------


def test_the_daily_backup_is_made_once(database: str) -> None:
    cli_app._daily_backup(database)
    cli_app._daily_backup(database)
    backups = list(paths.backups_dir().iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("daily-")


def test_a_failing_daily_backup_only_warns(database: str) -> None:
    """The warning is returned for the app to show in a notification; nothing raises."""
    paths.backups_dir().parent.mkdir(parents=True, exist_ok=True)
    paths.backups_dir().write_text("a file where the folder should be", encoding="utf-8")
    assert "Today's backup was not made" in cli_app._daily_backup(database)


# -- a full disk ------------------------------------------------------------------


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny file system, filled up. Needs the right to mount (root on Linux)."""
    mount_point = tmp_path / "full"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        with (
            open(mount_point / "filler", "wb", buffering=0) as filler,
            contextlib.suppress(OSError),
        ):
            while True:
                filler.write(b"\0" * 4096)
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_a_full_disk_is_a_clear_message_and_leaves_nothing(database: str, full_disk: Path) -> None:
    before = sorted(p.name for p in full_disk.iterdir())
    exported = run("--db", database, "export", "--all", "--out", str(full_disk))
    assert exported.exit_code == 1
    assert f"the disk holding {full_disk} is full" in exported.stderr
    backed_up = run("--db", database, "backup", "--out", str(full_disk))
    assert backed_up.exit_code == 1
    assert f"the disk holding {full_disk} is full" in backed_up.stderr
    assert sorted(p.name for p in full_disk.iterdir()) == before


def test_an_older_file_is_said_to_be_updating_before_the_wait(tmp_path: Path) -> None:
    from conference_tui.store.engine import create_store_engine, migrate
    from conference_tui.store.location import locate

    path = tmp_path / "old.db"
    location = locate(str(path))
    engine = create_store_engine(location)
    migrate(engine, location, target="0004")
    engine.dispose()
    older = run("--db", str(path), "export", "--all", "--out", str(tmp_path / "a"))
    assert older.exit_code == 0, older.output
    assert f"Updating {path} for this version" in older.stderr
    current = run("--db", str(path), "export", "--all", "--out", str(tmp_path / "b"))
    assert current.exit_code == 0, current.output
    assert "Updating" not in current.stderr
