"""Reading one large JSON document a value at a time, with the standard library only.

An archive is one object whose lists hold up to millions of small records: the
reader walks the object's members and the lists' items itself and hands each
item to `json`'s own decoder (`raw_decode`), so memory holds one record and a
read-ahead buffer, never the document. Any valid JSON is read, whatever its
layout; what is not valid JSON is refused with its line and column, as `json`
would say it.
"""

from __future__ import annotations

import json
from typing import TextIO

CHUNK_CHARS = 1 << 16
# One value (a record, a header field) larger than this is refused, not buffered.
MAX_VALUE_CHARS = 16 << 20
_WHITESPACE = " \t\n\r"


class JsonSyntaxError(ValueError):
    """Not valid JSON: `line` and `column` (from 1) say where."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column


class JsonReader:
    """A cursor over a JSON text read from `file` in chunks."""

    def __init__(self, file: TextIO) -> None:
        self._file = file
        self._text = ""
        self._pos = 0
        self._eof = False
        # Where the buffer starts in the document, to place errors.
        self._line = 1
        self._line_start = 0  # offset of the current line's start, relative to the buffer
        self._decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        """Read another chunk, dropping what has been consumed; False at the end."""
        if self._eof:
            return False
        consumed = self._text[: self._pos]
        newlines = consumed.count("\n")
        if newlines:
            self._line += newlines
            self._line_start = consumed.rfind("\n") + 1 - self._pos
        else:
            self._line_start -= self._pos
        chunk = self._file.read(CHUNK_CHARS)
        self._text = self._text[self._pos :] + chunk
        self._pos = 0
        if not chunk:
            self._eof = True
        return bool(chunk)

    def error(self, message: str, at: int | None = None) -> JsonSyntaxError:
        at = self._pos if at is None else at
        before = self._text[:at]
        newlines = before.count("\n")
        if newlines:
            return JsonSyntaxError(message, self._line + newlines, at - before.rfind("\n"))
        return JsonSyntaxError(message, self._line, at - self._line_start + 1)

    def peek(self) -> str:
        """The next character that is not whitespace, not consumed ("" at the end)."""
        while True:
            text, pos = self._text, self._pos
            while pos < len(text) and text[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(text):
                return text[pos]
            if not self._fill():
                return ""

    def expect(self, wanted: str, message: str) -> None:
        if self.peek() != wanted:
            raise self.error(message)
        self._pos += 1

    def take(self, *choices: str, message: str) -> str:
        """Consume the next character, which must be one of `choices`."""
        found = self.peek()
        if not found or found not in choices:
            raise self.error(message)
        self._pos += 1
        return found

    def value(self) -> object:
        """Decode the next value whole (an object, list, string, number, literal)."""
        if not self.peek():
            raise self.error("Expecting value")
        while True:
            try:
                decoded, end = self._decoder.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                if self._grow():
                    continue
                raise self.error(exc.msg, exc.pos) from None
            # A number or literal that ends the buffer may go on in the next chunk.
            if end == len(self._text) and self._grow():
                continue
            self._pos = end
            return decoded

    def _grow(self) -> bool:
        if len(self._text) - self._pos > MAX_VALUE_CHARS:
            raise self.error(f"a value longer than {MAX_VALUE_CHARS} characters")
        return self._fill()
