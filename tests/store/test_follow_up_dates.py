"""Reading follow-up dates as teachers type them (no database: the parser alone)."""

from __future__ import annotations

from datetime import date

import pytest

from conference_tui.store.errors import InvalidInputError
from conference_tui.store.follow_up import (
    FORMS_UNDERSTOOD,
    describe_follow_up,
    follow_up_text,
    resolve_follow_up,
)

MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("+7", date(2026, 11, 30)),
        ("+7d", date(2026, 11, 30)),
        (" + 3 ", date(2026, 11, 26)),
        ("+0", MONDAY),
        ("+2w", date(2026, 12, 7)),
        ("+1m", date(2026, 12, 23)),
        ("+12m", date(2027, 11, 23)),
        ("today", MONDAY),
        ("TOMORROW", date(2026, 11, 24)),
        ("next week", date(2026, 11, 30)),
        ("fri", FRIDAY),
        ("Friday", FRIDAY),
        ("next friday", FRIDAY),
        ("next  Fri", FRIDAY),
        ("this friday", FRIDAY),
        ("mon", date(2026, 11, 30)),
        ("thurs", date(2026, 11, 26)),
        ("2026-12-01", date(2026, 12, 1)),
        ("2020-01-01", date(2020, 1, 1)),
        ("20261201", date(2026, 12, 1)),
        ("", None),
        ("   ", None),
    ],
)
def test_forms_a_teacher_types(typed: str, meant: date | None) -> None:
    assert resolve_follow_up(typed, MONDAY) == meant


def test_a_weekday_typed_on_that_weekday_is_a_week_later_next_or_not() -> None:
    assert resolve_follow_up("friday", FRIDAY) == date(2026, 12, 4)
    assert resolve_follow_up("next friday", FRIDAY) == date(2026, 12, 4)
    assert resolve_follow_up("sat", FRIDAY) == date(2026, 11, 28)


def test_a_month_ahead_from_the_31st_is_the_last_day_of_a_short_month() -> None:
    assert resolve_follow_up("+1m", date(2027, 1, 31)) == date(2027, 2, 28)
    assert resolve_follow_up("+1m", date(2027, 12, 15)) == date(2028, 1, 15)


@pytest.mark.parametrize(
    "typed",
    ["next", "fri fri", "next next friday", "+", "+-3", "+٧", "٢٠٢٦-١٢-٠١", "tom", "3/9/2026"],
)
def test_what_is_no_date_is_refused_naming_every_form(typed: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        resolve_follow_up(typed, MONDAY)
    assert FORMS_UNDERSTOOD in str(refused.value)
    assert follow_up_text(typed, MONDAY) == typed.strip()


@pytest.mark.parametrize("typed", ["2020-02-30", "2026-13-01", "2026-11-31"])
def test_a_day_not_on_the_calendar_is_named(typed: str) -> None:
    with pytest.raises(InvalidInputError, match=f"no {typed} on the calendar"):
        resolve_follow_up(typed, MONDAY)


@pytest.mark.parametrize(
    "typed", ["+9999", "+367", "+53w", "+13m", "+99999999999999m", "+" + "9" * 5000]
)
def test_a_shortcut_more_than_a_year_ahead_is_a_slip_not_a_plan(typed: str) -> None:
    with pytest.raises(InvalidInputError, match="more than a year"):
        resolve_follow_up(typed, MONDAY)


def test_the_resolved_date_reads_as_a_teacher_says_it() -> None:
    assert follow_up_text("fri", MONDAY) == "2026-11-27"
    assert describe_follow_up(FRIDAY, MONDAY) == "Fri 27 Nov (in 4 days)"
    assert describe_follow_up(date(2026, 11, 24), MONDAY) == "Tue 24 Nov (tomorrow)"
    assert describe_follow_up(MONDAY, MONDAY) == "Mon 23 Nov (today)"
    assert describe_follow_up(date(2020, 1, 1), MONDAY) == "Wed 1 Jan 2020 (2518 days ago)"
