"""Escape, then a key, typed fast, read as exactly that.

A terminal sends escape as the byte ESC, and a key pressed with Alt (or Option) as ESC
followed by the key. Textual's input parser reads ESC and a key that arrive within
100 ms as one chord: escape then `n` becomes `alt+n`, escape then `/` a plain `/`, escape
then `1` a `¡`. The escape is lost, and the key lands in the note the teacher meant to
leave. This app binds no Alt chord, so the parser here reads every such pair as the two
keys a teacher presses: escape, then the key. It also reads a bracketed paste whole.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.message import Message

ESC = "\x1b"


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
        keys = list(super()._sequence_to_key_events(sequence, alt))
        if keys and len(sequence) == 2 and sequence[0] == ESC and sequence[1] != ESC:
            # A pair Textual maps to one key (ESC 1 to ¡, ESC f to ctrl+right...).
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence[1])
        elif keys and alt and len(sequence) == 1:
            # ESC and a key it does not know as a sequence: alt+n, or / with the alt lost.
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence)
        else:
            yield from keys


def read_escape_then_key() -> None:
    """Make the terminal driver read input with EscapeThenKeyParser. (Textual offers no
    hook for its parser; the version is pinned and tests/tui/test_escape_keys.py feeds
    this parser the bytes a terminal sends, so an upgrade that moves it fails there.)"""
    linux_driver.XTermParser = EscapeThenKeyParser  # type: ignore[misc]
