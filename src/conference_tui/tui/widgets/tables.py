"""Helpers for the DataTables that list students and conferences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from conference_tui.tui.widgets.formatting import plain

CELL_PADDING = 1  # DataTable's default, each side of every cell


class RowTable(DataTable[Any]):
    """A table of rows the cursor walks: `home` and `end` go to the first and last row
    (a DataTable's own scroll sideways, which moves nothing in a table that fits)."""

    BINDINGS = [
        Binding("home", "first_row", "First", show=False, id="table.first"),
        Binding("end", "last_row", "Last", show=False, id="table.last"),
    ]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)


def row_key_at_cursor(table: DataTable[object]) -> str | None:
    """The key of the highlighted row (a student's or conference's id), if any."""
    if not table.row_count or not table.display:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    except CellDoesNotExist:
        return None
    return str(key.value) if key.value is not None else None


@dataclass(frozen=True)
class ColumnSpec:
    """A column as it is at 80 columns; one that `grows` shares the room a wider table has."""

    key: str
    label: str
    width: int
    grows: bool = False


def share_width(
    columns: Sequence[ColumnSpec], available: int, wanted: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Widths that fill `available` cells: every column keeps at least its own width, and
    the growing ones share what is left, none wider than its longest cell (`wanted`); what
    one does not need goes to the others."""
    widths = {column.key: column.width for column in columns}
    spare = available - sum(column.width + 2 * CELL_PADDING for column in columns)
    limits = wanted or {}
    growing = [column.key for column in columns if column.grows]
    while spare > 0 and growing:
        share = max(1, spare // len(growing))
        for key in list(growing):
            room = limits.get(key, widths[key] + spare) - widths[key]
            added = max(0, min(share, room, spare))
            widths[key] += added
            spare -= added
            if added < share or spare == 0:
                growing.remove(key)
    return widths


def fit_columns(
    table: DataTable[object], columns: Sequence[ColumnSpec], widths: dict[str, int]
) -> bool:
    """Give the table these columns at these widths; True if they changed, and with them
    every row was cleared (rows cut to the old widths must be added again)."""
    current = {str(key.value): column.width for key, column in table.columns.items()}
    if current == widths and list(current) == [column.key for column in columns]:
        return False
    table.clear(columns=True)
    for column in columns:
        # As Text: a str label is read as markup, and its first read loads rich's table
        # of emoji (half a MiB) before the roster's first frame.
        table.add_column(plain(column.label), key=column.key, width=widths[column.key])
    return True


def width_for_columns(table: DataTable[object], width: int) -> int:
    """The cells the columns of a table `width` wide may fill: less a vertical scrollbar,
    kept whether or not one shows, so that the columns do not jump as rows come and go."""
    return width - table.styles.scrollbar_size_vertical
