"""The roster's rows apart from drawing them: reading them, which show and in what
order, how a name is marked, and what the status line says. Plain functions of the
rows, so that the screen (roster.py) only draws; no Textual here."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.cells import cell_len

from conference_tui.store.errors import StoreError
from conference_tui.store.names import family_name_key, first_name_key
from conference_tui.store.roster_records import ClassInfo, RosterRow
from conference_tui.tui.widgets.formatting import folded, one_line, plural

if TYPE_CHECKING:
    from conference_tui.store import Store

# How each order reads in the roster's column heading and status line.
ORDER_WORDS = {"family": "family name", "first": "first name", "overdue": "most overdue"}


# What the roster shows: the classes, the one shown, and its students.
Loaded = tuple[list[ClassInfo], ClassInfo | None, list[RosterRow]]


def read_roster(
    store: Store, wanted_class_id: str | None, due_after_days: int
) -> tuple[object, Loaded]:
    """The store's change marker, then the classes, the one to show (the one wanted, else
    the first) and its rows. Run in a thread."""
    # Asked first: a change made while the rows are read shows at the next poll.
    # A file that cannot say (damaged, say) still shows its roster, unwatched.
    try:
        marker: object = store.change_marker()
    except StoreError:
        marker = None
    classes = store.list_classes()
    current = next((c for c in classes if c.id == wanted_class_id), None)
    if current is None and classes:
        current = classes[0]
    rows = store.roster(current.id, due_after_days=due_after_days) if current else []
    return marker, (classes, current, rows)


def overdue_rank(row: RosterRow, today: date) -> tuple[int, int, tuple[str, str]]:
    """Most overdue first: late follow-ups by lateness, then never seen, then longest
    unseen; by family name among equals."""
    name = family_name_key(row.student.name)
    if row.follow_up_on is not None and row.follow_up_on <= today:
        return (0, -(today - row.follow_up_on).days, name)
    if row.days_since_last_conference is None:
        return (1, 0, name)
    return (2, -row.days_since_last_conference, name)


def in_order(rows: list[RosterRow], order: str, today: date) -> list[RosterRow]:
    """The rows as the roster shows them in `order` (one of settings.ROSTER_ORDERS)."""
    if order == "overdue":
        return sorted(rows, key=lambda row: overdue_rank(row, today))
    if order == "first":
        return sorted(rows, key=lambda row: first_name_key(row.student.name))
    return sorted(rows, key=lambda row: family_name_key(row.student.name))


def rows_shown(
    rows: list[RosterRow], needle: str, due_only: bool, order: str, today: date
) -> list[RosterRow]:
    """The rows whose name holds the filter typed (`needle`, stripped), only the due
    ones with `due_only`, in `order`."""
    wanted = folded(needle)
    kept = [
        row
        for row in rows
        if (not wanted or wanted in folded(row.student.display_name))
        and (not due_only or row.is_due)
    ]
    return in_order(kept, order, today)


def next_due(rows: list[RosterRow], today: date) -> RosterRow | None:
    """The most overdue student (as `o` orders them) not conferred with today."""
    waiting = [row for row in rows if row.is_due and row.days_since_last_conference != 0]
    return min(waiting, key=lambda row: overdue_rank(row, today)) if waiting else None


def name_marks(row: RosterRow, marked: dict[str, None]) -> str:
    """What goes before a name: ✓ marked for a group conference, ✎ a draft open."""
    return ("✓ " if row.student.id in marked else "") + ("✎ " if row.draft_conference_id else "")


def name_label(row: RosterRow, marked: dict[str, None], width: int) -> str:
    """The name as its column shows it, marks first, cut to `width`."""
    name = one_line(row.student.display_name, width)
    marks = name_marks(row, marked)
    if marks:
        name = one_line(marks + row.student.display_name, width)
    return name


def longest_name(rows: list[RosterRow], marked: dict[str, None]) -> int:
    """The cells the widest name takes with its marks (the name column needs no more)."""
    return max(
        (
            cell_len(row.student.display_name)
            + (2 if row.draft_conference_id else 0)
            + (2 if row.student.id in marked else 0)
            for row in rows
        ),
        default=0,
    )


def status_line(
    rows: list[RosterRow],
    shown: int,
    order: str,
    due_only: bool,
    needle: str,
    marked_count: int,
) -> str:
    """The roster's status: how many shown and due, the order, and what limits or
    marks the rows."""
    due = sum(1 for row in rows if row.is_due)
    parts = [f"{shown} of {plural(len(rows), 'student')}", f"{due} due (●)"]
    parts.append(f"by {ORDER_WORDS[order]}")
    if due_only:
        parts.append("due only")
    if needle:
        parts.append(f"filter “{needle}”")
    if any(row.draft_conference_id for row in rows):
        parts.append("✎ draft open")
    if marked_count:
        parts.append(f"✓ {marked_count} marked: G for a group conference")
    return " · ".join(parts)
