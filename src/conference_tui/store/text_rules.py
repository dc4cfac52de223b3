"""What the store accepts as a name or a note, and how text is made safe to show.

Pure functions with no database behind them: the screens use them before the store has
even opened (the first frame is painted without SQLAlchemy).
"""

from __future__ import annotations

import unicodedata

from conference_tui.store.errors import InvalidInputError

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 1_000_000

# Private-use characters bracket the matched words in a snippet: no note can
# contain a markup sequence that forges a highlight.
MATCH_START = "\ue000"
MATCH_END = "\ue001"


def clean_name(name: str, what: str = "name") -> str:
    """A person's or class's name, whitespace-normalised: `" ".join(name.split())`.

    Refuses, with a message that says what to fix, a name that is empty, longer than
    MAX_NAME_LENGTH, or holds control characters (NUL, escape, C1 codes...) once
    normalised. Every other character, in any script, is kept.
    """
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError(f"The {what} cannot be empty.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"The {what} is {len(cleaned)} characters long; keep it under {MAX_NAME_LENGTH}."
        )
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise InvalidInputError(f"The {what} contains control characters.")
    return cleaned


def clean_optional_name(name: str, what: str) -> str:
    """Like clean_name, but empty is allowed: a preferred name, a school year."""
    return clean_name(name, what) if name.split() else ""


# Control characters a note may hold as they are: line breaks and tabs.
TEXT_CONTROLS_KEPT = frozenset("\n\t")
DELETE_PICTURE = "\u2421"
C1_PICTURE = "\ufffd"


def visible(text: str, keep: frozenset[str] = TEXT_CONTROLS_KEPT) -> str:
    """`text` with every control character (C0, DEL, C1: escape, bell, carriage return...)
    except those in `keep` replaced by a visible picture of it (␛, ␇, ␡; � for C1 codes).
    Nothing that reaches a terminal from a note can then move the cursor, retitle the
    window or change a colour, and the teacher sees that something odd was there."""
    if text.isprintable():
        return text
    pictured = []
    for character in text:
        code = ord(character)
        if character in keep or unicodedata.category(character) != "Cc":
            pictured.append(character)
        elif code < 0x20:
            pictured.append(chr(0x2400 + code))
        elif code == 0x7F:
            pictured.append(DELETE_PICTURE)
        else:
            pictured.append(C1_PICTURE)
    return "".join(pictured)


def note_text(value: str) -> str:
    """Free text as a note keeps it: NUL dropped, carriage returns (from Windows or an
    old Mac) as line breaks, every other control character as its picture."""
    return visible(value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n"))


def check_text(value: str, what: str = "note") -> str:
    """Free text (answers, learner notes, goals) as typed, except that NUL characters are
    dropped on every backend (they are invisible, mean nothing in a note, and PostgreSQL
    cannot store them), carriage returns end lines, and other control characters are stored
    as their visible pictures (see `visible`). Refuses text longer than MAX_TEXT_LENGTH."""
    value = note_text(value)
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidInputError(
            f"The {what} is {len(value):,} characters long; the limit is {MAX_TEXT_LENGTH:,}."
        )
    return value
