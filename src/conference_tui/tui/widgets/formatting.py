"""How dates, durations and notes are shown: local time, short, never raw."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from rich.text import Text

from conference_tui.store.text_rules import MATCH_END, MATCH_START, visible

QUIET = "$text-muted"
"""Quiet text (a hint, a date beside a note) in the theme's muted colour, readable in
every theme; Rich's dim is not."""
# Marks a small-group conference in a history.
GROUP_MARK = "⁂"


def plural(count: int, noun: str) -> str:
    """ "1 student", "2 students"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def plain(text: str, style: str = "") -> Text:
    """Text from a person or a file, shown as its own characters: never read as markup,
    control characters shown as pictures, never sent to the terminal."""
    return Text(visible(text), style=style)


def folded(text: str) -> str:
    """Text as a filter compares it: case and accents ignored, so that "chloe" finds
    Chloé and "nguyen" finds Nguyễn, as a teacher types on any keyboard."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def local_date(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d") if moment else "—"


def local_datetime(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def days_ago(days: int | None) -> str:
    if days is None:
        return "never"
    if days == 0:
        return "today"
    return f"{days}d"


def follow_up_label(follow_up: date | None, today: date) -> str:
    if follow_up is None:
        return ""
    delta = (follow_up - today).days
    if delta < 0:
        return f"{-delta}d late"
    if delta == 0:
        return "today"
    return follow_up.strftime("%b %d")


def one_line(text: str, width: int) -> str:
    """A note squeezed onto one line of at most `width` cells, control characters
    shown as pictures."""
    flat = visible(" ".join(text.split()))
    return flat if len(flat) <= width else flat[: max(1, width - 1)] + "…"


def mm_ss(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def highlighted(snippet: str, style: str = "bold reverse") -> Text:
    """A search snippet with its matched words styled; the note's own text is never markup."""
    text = Text()
    rest = snippet
    while MATCH_START in rest:
        before, _, after = rest.partition(MATCH_START)
        match, _, rest = after.partition(MATCH_END)
        text.append(before)
        text.append(match, style=style)
    text.append(rest)
    return text
