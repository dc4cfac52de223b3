"""config.toml is the teacher's file: read with every problem named by line, written
without moving a key into the wrong table, touching a multi-line text, or losing a
comment; never written while broken; private like the notes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from conference_tui.settings import (
    DEFAULT_CONFIG,
    KeyChoice,
    Settings,
    SettingsError,
    load_settings,
    save_setting,
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "conference-tui"
    folder.mkdir(mode=0o755)
    return folder / "config.toml"


def test_a_new_key_goes_before_a_keys_table_not_into_it(config: Path) -> None:
    config.write_text('# my keys\n[keys]\n"roster.search" = "ctrl+f"  # like a browser\n')
    save_setting("theme", "nord", config)
    text = config.read_text()
    assert tomllib.loads(text) == {"theme": "nord", "keys": {"roster.search": "ctrl+f"}}
    assert '"roster.search" = "ctrl+f"  # like a browser\n' in text and "# my keys" in text
    assert load_settings(config).keys == (KeyChoice("roster.search", "ctrl+f", 5),)


def test_text_inside_a_multi_line_string_is_never_edited(config: Path) -> None:
    original = (
        "# The passphrase has a line that looks like a setting.\n"
        'lock_passphrase = """\ntheme = "x"\n"""\n'
        "\n"
        'theme   =   "gruvbox"   # the one I like\n'
        "target_minutes = 7\n"
    )
    config.write_text(original)
    save_setting("theme", "nord", config)
    text = config.read_text()
    assert text == original.replace('"gruvbox"', '"nord"')
    settings = load_settings(config)
    assert settings.theme == "nord" and settings.lock_passphrase == 'theme = "x"\n'
    assert settings.target_minutes == 7 and not settings.problems


def test_the_documented_default_file_keeps_its_comments(config: Path) -> None:
    save_setting("theme", "nord", config)
    assert config.read_text() == DEFAULT_CONFIG.replace('theme = "textual-dark"', 'theme = "nord"')


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('target_minutes = 5\ntheme = "nord\n', "line 2"),
        ("[keys]\n\n[keys]\n", "line 3"),
        ('theme = "a"\ntheme = "b"\n', "line 2"),
    ],
)
def test_a_broken_file_is_named_by_line_and_never_written(
    config: Path, text: str, line: str
) -> None:
    config.write_text(text)
    config.chmod(0o600)
    settings = load_settings(config)
    assert settings == Settings(config_name=str(config))  # every default
    (problem,) = settings.problems
    assert line in problem and "Using the defaults until it is fixed" in problem
    with pytest.raises(SettingsError, match="it was left as it is"):
        save_setting("theme", "nord", config)
    assert config.read_text() == text


def test_bad_values_and_keys_are_named_by_line(config: Path) -> None:
    config.write_text(
        "target_minutes = 99\n"
        "colour = 'blue'\n"
        "\n"
        "[keys]\n"
        'roster.search = "ctrl+f"      # an id without quotes is a dotted key\n'
        '"conference.complete" = 5\n'
        '"roster.filter" = "ctrl + f"\n'
        '"roster.history" = " enter , o "\n'
    )
    settings = load_settings(config)
    assert settings.target_minutes == 5
    assert settings.keys == (
        KeyChoice("roster.search", "ctrl+f", 5),
        KeyChoice("roster.history", "enter,o", 8),
    )
    assert [p.split(": ", 1)[0].rsplit(" ", 2)[-2:] for p in settings.problems] == [
        ["line", "1"], ["line", "2"], ["line", "6"], ["line", "7"],
    ]  # fmt: skip
    assert "[keys] conference.complete must be keys in quotes" in settings.problems[2]


def test_settings_and_their_folder_are_private(config: Path) -> None:
    config.write_text('theme = "nord"\n')
    config.chmod(0o644)
    save_setting("theme", "gruvbox", config)
    assert config.stat().st_mode & 0o777 == 0o600
    assert config.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in config.parent.iterdir()] == ["config.toml"]  # no temporary left
