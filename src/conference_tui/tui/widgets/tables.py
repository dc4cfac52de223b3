"""Helpers for the DataTables that list students and conferences."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist


class RowTable(DataTable[Any]):
    """A table of rows the cursor walks: `home` and `end` go to the first and last row
    (a DataTable's own scroll sideways, which moves nothing in a table that fits)."""

    BINDINGS = [
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
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
