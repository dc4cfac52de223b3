"""The bulk commands' progress bar is for a person at a terminal: never in a pipe, a
log or CI (even with FORCE_COLOR set, which makes rich draw anyway), and only once
the work has taken a while."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conference_tui import cli_progress
from conference_tui.cli import cli
from conference_tui.store import Store


@pytest.fixture
def database(tmp_path: Path) -> str:
    path = tmp_path / "conferences.db"
    store = Store.open(str(path))
    school_class = store.add_class("Period 3")
    ann = store.add_student(school_class.id, "Ann Lee")
    conference = store.start_conference(ann.id, "writing-conference", 1, "clarify")
    store.save_answer(conference.id, "clarify", "purpose", "# To be scary", False)
    store.complete_conference(conference.id)
    store.close()
    return str(path)


@pytest.mark.parametrize("command", ["export", "backup", "import"])
def test_no_bar_when_stderr_is_not_a_terminal(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setattr(cli_progress, "SHOW_AFTER_SECONDS", 0.0)
    runner = CliRunner()
    if command == "import":
        runner.invoke(cli, ["--db", database, "backup", "--out", str(tmp_path / "b")])
        (archive,) = (tmp_path / "b").glob("*.json")
        args = ["--db", str(tmp_path / "other.db"), "import", str(archive)]
    elif command == "export":
        args = ["--db", database, "export", "--all", "--out", str(tmp_path / "md")]
    else:
        args = ["--db", database, "backup", "--out", str(tmp_path / "b2")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stderr
    assert "━" not in result.stderr and "Writing" not in result.stderr


def test_a_terminal_sees_the_bar_only_after_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(cli_progress, "SHOW_AFTER_SECONDS", 3600.0)
    with cli_progress.progress_bar("Quick work") as progress:
        progress(1, 2)
    assert terminal.getvalue() == ""

    monkeypatch.setattr(cli_progress, "SHOW_AFTER_SECONDS", 0.0)
    with cli_progress.progress_bar("Long work") as progress:
        progress(1, 2)
        progress(2, 0)  # a total not known yet
    assert "Long work" in terminal.getvalue()
