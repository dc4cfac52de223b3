"""Escape, then a key, typed fast, read as exactly that.

A terminal sends escape as the byte ESC, and a key pressed with Alt (or Option) as ESC
followed by the key. Textual's input parser reads ESC and a key that arrive within
100 ms as one chord: escape then `n` becomes `alt+n`, escape then `/` a plain `/`, escape
then `1` a `¡`. The escape is lost, and the key lands in the note the teacher meant to
leave. This app binds no Alt chord, so the parser here reads every such pair as the two
keys a teacher presses: escape, then the key.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver

ESC = "\x1b"


class EscapeThenKeyParser(XTermParser):
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
