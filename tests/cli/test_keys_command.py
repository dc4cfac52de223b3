"""`conference-tui keys`: every key by its id, the teacher's own marked, and the
entries of [keys] that cannot be used named by line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conference_tui import paths
from conference_tui.cli import cli


def test_keys_lists_ids_and_the_teachers_own(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"roster.search" = "ctrl+f"\n"roster.oops" = "z"\n')
    result = CliRunner().invoke(cli, ["keys"], env={paths.CONFIG_DIR_ENV: str(tmp_path)})
    assert result.exit_code == 0, result.output
    rows = {
        line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if "  " in line
    }
    assert rows["roster.search"] == ["ctrl+f", "Search", "(yours)"]
    assert rows["conference.complete"] == ["ctrl+s", "Complete"]
    assert rows["export.next_option"] == ["down,right", "Next", "option"]
    assert result.stderr == (
        f"{config} line 3: [keys] roster.oops is not the id of a key (`conference-tui keys` "
        "lists them); it keeps its default key.\n"
    )
