"""Escape, then a key, typed within Textual's 100 ms escape delay, arrive as the two keys
pressed (see escape_keys.py): the bytes a terminal sends, fed to the app's parser."""

from __future__ import annotations

import pytest
from textual import events

from conference_tui.tui.escape_keys import EscapeThenKeyParser


def keys_for(data: str) -> list[tuple[str, str | None]]:
    parser = EscapeThenKeyParser(debug=False)
    parsed = [*parser.feed(data), *parser.feed("")]
    return [(event.key, event.character) for event in parsed if isinstance(event, events.Key)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\x1b/", [("escape", "\x1b"), ("slash", "/")]),
        ("\x1bn", [("escape", "\x1b"), ("n", "n")]),
        ("\x1bN", [("escape", "\x1b"), ("N", "N")]),
        ("\x1b1", [("escape", "\x1b"), ("1", "1")]),
        ("\x1b-", [("escape", "\x1b"), ("minus", "-")]),
        ("\x1b\r", [("escape", "\x1b"), ("enter", "\r")]),
        ("\x1b\t", [("escape", "\x1b"), ("tab", "\t")]),
        ("\x1bf", [("escape", "\x1b"), ("f", "f")]),
        ("\x1b ", [("escape", "\x1b"), ("space", " ")]),
    ],
)
def test_escape_then_a_key_is_both_keys(data: str, expected: list[tuple[str, str]]) -> None:
    assert keys_for(data) == expected


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ("\x1b", "escape"),
        ("\x1b[B", "down"),
        ("\x1b[Z", "shift+tab"),
        ("\x1bOP", "f1"),
        ("\x1b[1;5C", "ctrl+right"),
        ("\x1b[6~", "pagedown"),
    ],
)
def test_real_escape_sequences_are_still_their_keys(data: str, key: str) -> None:
    assert [name for name, _character in keys_for(data)] == [key]


def test_the_app_reads_the_terminal_with_this_parser() -> None:
    from textual.drivers import linux_driver

    from conference_tui.tui.escape_keys import read_escape_then_key

    read_escape_then_key()
    assert linux_driver.XTermParser is EscapeThenKeyParser


def parsed(*chunks: str) -> list[tuple[str, str]]:
    parser = EscapeThenKeyParser(debug=False)
    found = []
    for chunk in (*chunks, ""):
        for event in parser.feed(chunk):
            if isinstance(event, events.Paste):
                found.append(("paste", event.text))
            elif isinstance(event, events.Key):
                found.append(("key", event.key))
    return found


def test_a_bracketed_paste_is_text_even_with_escapes_in_it() -> None:
    """Textual's own parser turned these into key presses: BEL became ctrl+g."""
    pasted = "A\x1b]0;pwned\x07B"
    assert parsed(f"\x1b[200~{pasted}\x1b[201~x") == [("paste", pasted), ("key", "x")]


def test_a_paste_split_across_reads_is_one_paste() -> None:
    assert parsed("a\x1b[20", "0~one \x1b[31mtwo\x1b[20", "1~b") == [
        ("key", "a"),
        ("paste", "one \x1b[31mtwo"),
        ("key", "b"),
    ]
