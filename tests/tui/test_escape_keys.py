"""Escape, then a key, typed within Textual's 100 ms escape delay, arrive as the two keys
pressed (see escape_keys.py): the bytes a terminal sends, fed to the app's parser."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, pairwise

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


def every_split(data: str) -> Iterator[tuple[str, ...]]:
    """Every way os.read can hand `data` over, one read or many."""
    for count in range(len(data)):
        for cuts in combinations(range(1, len(data)), count):
            bounds = (0, *cuts, len(data))
            yield tuple(data[start:end] for start, end in pairwise(bounds))


def keys_read(chunks: tuple[str, ...]) -> list[str]:
    parser = EscapeThenKeyParser(debug=False)
    return [
        event.key
        for chunk in (*chunks, "")
        for event in parser.feed(chunk)
        if isinstance(event, events.Key)
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # tmux send-keys Escape n H i s t Escape: one read. Textual read the last ESC
        # inside the first one's sequence and gave back the text "^nHist".
        ("\x1bnHist\x1b", ["escape", "n", "H", "i", "s", "t", "escape"]),
        ("\x1b\x1bn", ["escape", "escape", "n"]),
        ("a\x1bn\x1b/", ["a", "escape", "n", "escape", "slash"]),
        ("\x1b[A\x1bn", ["up", "escape", "n"]),
        # Escape, [, escape: no key a terminal sends, so the keys typed, never "^[".
        ("\x1b[\x1bn", ["escape", "left_square_bracket", "escape", "n"]),
        ("\x1bO\x1b", ["escape", "O", "escape"]),
    ],
)
def test_keys_around_escape_typed_at_once_are_read_as_pressed_however_split(
    data: str, expected: list[str]
) -> None:
    for chunks in every_split(data):
        assert keys_read(chunks) == expected, chunks


def test_keys_typed_after_escape_and_a_bracket_never_show_a_caret() -> None:
    """More keys than a sequence can hold after ESC [ give back every key, escape first."""
    typed = "\x1b[" + "1" * 40
    assert keys_read((typed,)) == ["escape", "left_square_bracket", *["1"] * 40]


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


def test_enter_typed_before_the_app_took_the_terminal_is_enter() -> None:
    """The terminal's line mode turns an enter typed in the moment before the app takes
    the terminal into a line feed (see launch.py); a paste keeps its line feeds."""
    assert keys_for("n\nx\r") == [("n", "n"), ("enter", "\r"), ("x", "x"), ("enter", "\r")]
    assert parsed("\x1b[200~a\nb\x1b[201~") == [("paste", "a\nb")]
