"""Helpers for the DataTables that list students and conferences."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist


def row_key_at_cursor(table: DataTable[object]) -> str | None:
    """The key of the highlighted row (a student's or conference's id), if any."""
    if not table.row_count or not table.display:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    except CellDoesNotExist:
        return None
    return str(key.value) if key.value is not None else None
