"""The installed `conference-tui` command: version, where things live, and refusals
that are one clear line, never a traceback."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conference_tui import __version__
from conference_tui.store import Store

BIN = Path(sys.executable).parent
COMMAND = BIN / "conference-tui"
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as a teacher would, without a terminal."""
    assert COMMAND.exists(), f"{COMMAND} is missing: pip install -e '.[test]'"
    return subprocess.run(
        [str(COMMAND), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def lines_of(output: str) -> dict[str, str]:
    """`locate` output as {label: value}."""
    pairs = (line.split(":", 1) for line in output.splitlines() if ":" in line)
    return {label.strip(): value.strip() for label, value in pairs}


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"conference-tui, version {__version__}"


def test_python_dash_m_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "conference_tui", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"conference-tui, version {__version__}"


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0, done.stderr
    assert "--db PATH_OR_URL" in done.stdout
    assert "locate" in done.stdout


# -- locate ----------------------------------------------------------------------


def test_locate_prints_every_place_without_creating_any(private_folders: Path) -> None:
    done = run("locate")
    assert done.returncode == 0, done.stderr
    places = lines_of(done.stdout)
    data = Path(os.environ["CONFERENCE_TUI_DATA_DIR"])
    config = Path(os.environ["CONFERENCE_TUI_CONFIG_DIR"])
    assert places["database"] == str(data / "conferences.db")
    assert places["config"] == str(config / "config.toml")
    assert places["forms"].startswith(str(config / "forms"))
    assert "writing-conference" not in places["forms"]
    builtin = Path(places["forms"].split("(built-in:")[1].rstrip(")").strip())
    assert (builtin / "writing-conference.toml").is_file()
    assert places["backups"] == str(data / "backups")
    assert not data.exists() and not config.exists()


def test_locate_honours_db_option_and_environment(tmp_path: Path) -> None:
    from_env = tmp_path / "from-env.db"
    from_option = tmp_path / "from-option.db"
    env = {"CONFERENCE_TUI_DB": str(from_env)}
    assert lines_of(run("locate", env=env).stdout)["database"] == str(from_env)
    both = run("--db", str(from_option), "locate", env=env)
    assert lines_of(both.stdout)["database"] == str(from_option)  # the option wins
    assert not from_env.exists() and not from_option.exists()


def test_db_after_the_command_wins(tmp_path: Path) -> None:
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    env = {"CONFERENCE_TUI_DB": str(tmp_path / "from-env.db")}
    assert lines_of(run("locate", "--db", str(after), env=env).stdout)["database"] == str(after)
    both = run("--db", str(before), "locate", "--db", str(after))
    assert lines_of(both.stdout)["database"] == str(after)
    for command in ("export", "backup", "import", "check"):
        assert "--db PATH_OR_URL" in run(command, "--help").stdout, command


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o nosort -F _conference_tui_completion conference-tui"),
        ("zsh", "compdef _conference_tui_completion conference-tui"),
        ("fish", "complete --no-files --command conference-tui"),
    ],
)
def test_shell_completion_as_the_readme_says(shell: str, expected: str) -> None:
    assert f"_CONFERENCE_TUI_COMPLETE={shell}_source conference-tui" in README
    script = run(env={"_CONFERENCE_TUI_COMPLETE": f"{shell}_source"})
    assert script.returncode == 0 and expected in script.stdout, script.stderr
    words = run(
        env={"_CONFERENCE_TUI_COMPLETE": "bash_complete", "COMP_WORDS": "conference-tui lo",
             "COMP_CWORD": "1"}
    )  # fmt: skip
    assert words.stdout.split() == ["plain,locate"]


def test_locate_resolves_relative_paths_and_hides_passwords(tmp_path: Path) -> None:
    relative = run("--db", "notes/my.db", "locate")
    assert lines_of(relative.stdout)["database"] == str(Path.cwd() / "notes" / "my.db")
    server = run("--db", "postgresql://teacher:s3cret@db.school.example/notes", "locate")
    database = lines_of(server.stdout)["database"]
    assert "s3cret" not in server.stdout
    assert database == "postgresql+psycopg://teacher:***@db.school.example/notes"


# -- refusals are one line, exit 1, and leave the file as it was ----------------------


def assert_one_clear_line(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    errors = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and "warning:" not in line  # a skipped daily backup may warn
    ]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith("conference-tui: ")
    for words in expected:
        assert words in errors[0]


def make_too_new(path: Path) -> tuple[bytes, int]:
    Store.open(str(path)).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
        conn.commit()
    return path.read_bytes(), path.stat().st_mtime_ns


def test_a_database_from_a_newer_version_gives_one_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "conferences.db"
    before = make_too_new(path)
    done = run("--db", str(path))
    assert_one_clear_line(done, "newer version of conference-tui", "Upgrade", str(path))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_database_from_a_newer_version_is_left_untouched_by_the_command(
    tmp_path: Path,
) -> None:
    """Not even a -wal or -shm beside it: nothing may open it for writing first."""
    path = tmp_path / "conferences.db"
    make_too_new(path)
    run("--db", str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conferences.db"]


@pytest.mark.parametrize("kind", ["text", "foreign"])
def test_a_file_that_is_not_ours_gives_one_line_and_exit_1(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "notes.db"
    if kind == "text":
        path.write_text("Dear diary\n" * 100)
    else:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("CREATE TABLE recipes (name TEXT)")
            conn.commit()
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    done = run("--db", str(path))
    assert_one_clear_line(done, str(path), "left untouched")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_an_unreachable_server_gives_one_line_and_exit_1() -> None:
    done = run("--db", "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")
    assert_one_clear_line(done, "Cannot reach the database server", "127.0.0.1")


def test_settings_are_private_like_the_notes(tmp_path: Path) -> None:
    from conference_tui.settings import load_settings, save_setting, write_default_config

    config = tmp_path / "config" / "config.toml"
    write_default_config(config)
    assert config.stat().st_mode & 0o777 == 0o600
    assert config.parent.stat().st_mode & 0o777 == 0o700
    config.chmod(0o644)
    save_setting("lock_passphrase", "kite", config)
    assert config.stat().st_mode & 0o777 == 0o600
    settings = load_settings(config)
    assert settings.lock_passphrase == "kite" and settings.lock_after_minutes == 10
    assert "kite" not in repr(settings)
