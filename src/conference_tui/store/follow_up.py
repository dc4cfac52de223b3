"""Follow-up dates as a teacher types them: `+7`, `+2w`, `tomorrow`, `fri`, 2026-12-01.

One parser for the conference screen (which shows the date a shortcut stands for) and
the store (which keeps the date): both read a date the same way.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from conference_tui.store.errors import InvalidInputError

FORMS_UNDERSTOOD = (
    "+7 (days), +2w (weeks), +1m (months), today, tomorrow, "
    "fri or friday, next friday, or a date as YYYY-MM-DD"
)
FORMS_HINT = "+7, +2w, tomorrow, fri, or YYYY-MM-DD"

# A shortcut this far ahead is a slip of the finger (+9999), not a plan; a date written
# out in full may be as far ahead as the teacher likes.
MAX_SHORTCUT_DAYS = 366

WEEKDAYS = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)
WEEKDAY_NUMBER = {name: number for number, names in enumerate(WEEKDAYS) for name in names}

# ASCII digits only: `\d` would take other scripts' digits, which no date is written in
# here and which int() reads differently from what the screen shows.
RELATIVE = re.compile(r"\+\s*([0-9]+)\s*([dwm]?)")
ISO_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def resolve_follow_up(text: str, today: date) -> date | None:
    """The date `text` stands for, or None when it is empty.

    Understood, in any case and with spaces around: `+N` days, `+Nd`, `+Nw` weeks,
    `+Nm` calendar months (the 31st plus a month is the month's last day), `today`,
    `tomorrow`, `next week` (+7), a weekday (`fri`, `friday`) and an ISO date (2026-12-01).

    A weekday is the first one after today: `friday` typed on a Monday is this week's
    Friday, typed on a Friday it is a week from today (a follow-up is for a later
    day; `today` says today). `next friday` means the same: most people say "next
    Friday" on a Monday for the coming one, and a reading that skipped a week would
    silently put the follow-up seven days later than half of them meant. `this friday`
    is the same day too.

    Raises InvalidInputError, naming the forms understood, for anything else."""
    words = text.strip().casefold().split()
    if not words:
        return None
    phrase = " ".join(words)
    if phrase == "today":
        return today
    if phrase == "tomorrow":
        return today + timedelta(days=1)
    if phrase == "next week":
        return today + timedelta(days=7)
    if words[-1] in WEEKDAY_NUMBER and (len(words) == 1 or words[:-1] in (["next"], ["this"])):
        ahead = (WEEKDAY_NUMBER[words[-1]] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if relative := RELATIVE.fullmatch(phrase):
        # More digits than any plan has: read as too far ahead, not converted whole.
        amount = int(relative[1]) if len(relative[1]) <= 9 else 10**9
        return relative_date(text.strip(), amount, relative[2] or "d", today)
    if ISO_SHAPE.fullmatch(phrase):
        try:
            return date.fromisoformat(phrase)
        except ValueError:
            raise InvalidInputError(
                f"There is no {phrase} on the calendar: check the month and day (YYYY-MM-DD)."
            ) from None
    if phrase.isascii():
        # Other ISO forms (20261201) that earlier versions kept.
        try:
            return date.fromisoformat(phrase)
        except ValueError:
            pass
    raise InvalidInputError(
        f"“{text.strip()[:40]}” is not a date I understand. Write {FORMS_UNDERSTOOD}."
    )


def relative_date(typed: str, amount: int, unit: str, today: date) -> date:
    if unit == "m":
        month_index = today.month - 1 + amount
        year, month = today.year + month_index // 12, month_index % 12 + 1
        if year > date.max.year:
            resolved = date.max
        else:
            day = min(today.day, calendar.monthrange(year, month)[1])
            resolved = date(year, month, day)
    else:
        days = amount * 7 if unit == "w" else amount
        resolved = today + timedelta(days=min(days, MAX_SHORTCUT_DAYS + 1))
    if (resolved - today).days > MAX_SHORTCUT_DAYS:
        raise InvalidInputError(
            f"“{typed[:40]}” is more than a year from today: if you mean it, write the "
            "date itself as YYYY-MM-DD."
        )
    return resolved


def follow_up_text(text: str, today: date) -> str:
    """What to keep for a follow-up typed as `text`: the ISO date it stands for, or the
    text as typed (stripped) when it is no date, for the store to refuse with words."""
    try:
        resolved = resolve_follow_up(text, today)
    except InvalidInputError:
        return text.strip()
    return resolved.isoformat() if resolved else ""


def describe_follow_up(day: date, today: date) -> str:
    """A date as a teacher reads it beside the field: `Fri 27 Nov (in 4 days)`."""
    days = (day - today).days
    when = f"{day:%a} {day.day} {day:%b}" + ("" if day.year == today.year else f" {day.year}")
    if days == 0:
        return f"{when} (today)"
    if days == 1:
        return f"{when} (tomorrow)"
    if days > 0:
        return f"{when} (in {days} days)"
    if days == -1:
        return f"{when} (yesterday)"
    return f"{when} ({-days} days ago)"
