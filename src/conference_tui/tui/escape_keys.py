"""Escape, then a key, typed fast, read as exactly that.

A terminal sends escape as the byte ESC, and a key pressed with Alt (or Option) as ESC
followed by the key. Textual's input parser reads ESC and a key that arrive within
100 ms as one chord: escape then `n` becomes `alt+n`, escape then `/` a plain `/`, escape
then `1` a `¡`. The escape is lost, and the key lands in the note the teacher meant to
leave. This app binds no Alt chord, so the parser here reads every such pair as the two
keys a teacher presses: escape, then the key. It also reads a bracketed paste whole.

The pair is read as soon as its second character arrives. Textual's parser instead kept
reading an ESC and any key after it that starts no sequence it knows (`ESC n` is none)
as one growing sequence, until 100 ms passed with no key: a burst typed at once, escape
`n H i s t` escape, reached the second escape still inside that sequence, and Textual
gave it back as text with the escape drawn as `^`, so "^nHist" was typed into the note
instead of leaving it. Only `[` and `O` after an ESC begin the sequences a terminal sends
for a key (arrows, function keys, the mouse, its answers); those wait as before, and if
another ESC (or too many keys) comes before they make a sequence, the first ESC is read
as escape too, never as `^`.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.message import Message

ESC = "\x1b"
LINE_FEED = "\n"
# After ESC, the characters that begin a longer sequence: CSI and SS3.
SEQUENCE_STARTS = frozenset("[O")
# A name no key has, which Textual's parser passes on unchanged where it would turn the key
# "escape" into the text "^".
INTERRUPTED_ESCAPE = "interrupted_escape"

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


def _partial_marker(data: str, marker: str) -> int:
    """How many characters at the end of `data` begin `marker` (at least two, so that a
    lone escape key is never held back waiting for the next read)."""
    for length in range(min(len(marker) - 1, len(data)), 1, -1):
        if marker.startswith(data[-length:]):
            return length
    return 0


class EscapeThenKeyParser(XTermParser):
    """Also reads a bracketed paste whole, as text: Textual's parser turns an escape
    sequence inside a paste back into key presses (a pasted BEL became ctrl+g, and the
    text after an escape was lost from the paste)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self.pasted: list[str] | None = None
        self.carried = ""

    def feed(self, data: str) -> Iterable[Message]:
        for message in self._read(data):
            if isinstance(message, events.Key) and message.key == INTERRUPTED_ESCAPE:
                yield events.Key("escape", ESC)
            else:
                yield message

    def _read(self, data: str) -> Iterable[Message]:
        if not data:
            if self.pasted is not None:
                yield events.Paste("".join(self.pasted).replace("\x00", ""))
                self.pasted = None
            yield from super().feed("")
            return
        data, self.carried = self.carried + data, ""
        while data:
            if self.pasted is not None:
                end = data.find(PASTE_END)
                if end < 0:
                    keep = _partial_marker(data, PASTE_END)
                    self.pasted.append(data[: len(data) - keep])
                    self.carried = data[len(data) - keep :]
                    return
                self.pasted.append(data[:end])
                # NUL removed as Textual does; the key gate pictures other controls.
                yield events.Paste("".join(self.pasted).replace("\x00", ""))
                self.pasted = None
                data = data[end + len(PASTE_END) :]
                continue
            start = data.find(PASTE_START)
            if start < 0:
                keep = _partial_marker(data, PASTE_START)
                before, self.carried = data[: len(data) - keep], data[len(data) - keep :]
                if before:
                    yield from super().feed(before)
                return
            if start:
                yield from super().feed(data[:start])
            self.pasted = []
            data = data[start + len(PASTE_START) :]

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if sequence == LINE_FEED:
            # Enter, typed in the moment before the app took the terminal (see launch.py):
            # the terminal's line mode has already turned it into a line feed, which
            # Textual reads as ctrl+j, a key nothing here binds.
            yield from super()._sequence_to_key_events("\r", alt)
            return
        if len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in SEQUENCE_STARTS:
            # Whether Textual maps the pair to one key (ESC 1 to ¡, ESC f to ctrl+right...)
            # or to none yet (ESC n), it is complete: returning keys ends the sequence.
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence[1])
            return
        if sequence == ESC:
            # Only asked for an ESC that began a sequence the next ESC (or its length) cut
            # off; Textual would draw it as `^`, as text. A terminal sends that for no key:
            # it is an escape the teacher typed, and feed gives it back as one.
            yield events.Key(INTERRUPTED_ESCAPE, ESC)
            return
        keys = list(super()._sequence_to_key_events(sequence, alt))
        if keys and alt and len(sequence) == 1:
            # ESC [ or ESC O that became no sequence in time, given back as alt+[ or alt+O.
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence)
        else:
            yield from keys


def read_escape_then_key() -> None:
    """Make the terminal driver read input with EscapeThenKeyParser. (Textual offers no
    hook for its parser; the version is pinned and tests/tui/test_escape_keys.py feeds
    this parser the bytes a terminal sends, so an upgrade that moves it fails there.)"""
    linux_driver.XTermParser = EscapeThenKeyParser  # type: ignore[misc]
