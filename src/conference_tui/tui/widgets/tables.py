"""Helpers for the DataTables that list students and conferences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from conference_tui.tui.widgets.formatting import plain
from conference_tui.tui.widgets.runs import joined_alike

CELL_PADDING = 1  # DataTable's default, each side of every cell


class RowTable(DataTable[Any]):
    """A table of rows the cursor walks: `home` and `end` go to the first and last row
    (a DataTable's own scroll sideways, which moves nothing in a table that fits)."""

    BINDINGS = [
        Binding("home", "first_row", "First", show=False, id="table.first"),
        Binding("end", "last_row", "Last", show=False, id="table.last"),
    ]

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """A one-line Text cell drawn as DataTable draws it, without rich's general path
        (a Padding in a Styled, each rendered, measured and cut): the roster's first
        frame drew its 150 cells that way, the most of its time. The same segments,
        checked against DataTable's own for every kind of cell the app shows; any other
        cell (a header, a label, a taller row, not Text) goes DataTable's way.

        It overrides and reads DataTable's private parts (its cell cache and the key it
        is filed under), which conventions.md otherwise forbids: Textual is pinned, and
        tests/tui/test_table_cells.py compares both drawings, so an upgrade that changes
        them fails there, and deleting this method is the whole fix."""
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        key = (
            row_key,
            self._column_locations.get_key(column_index),
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cache = self._cell_render_cache
        if key in cache:
            return cache[key]
        row = self.rows.get(row_key) if row_key is not None else None
        cell = self._get_row_renderables(row_index).cells[column_index]
        line = None
        if row is not None and row.height == 1 and isinstance(cell, Text):
            fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
            component_style, post_style = self._get_styles_to_render_cell(
                False,
                False,
                fixed,
                hover,
                cursor,
                self.show_cursor,
                self._show_hover_cursor,
                self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css",
            )
            meta = Style.from_meta({"row": row_index, "column": column_index})
            pre_style = base_style + meta + component_style
            line = one_line_cell(
                self.app.console, cell, width, self.cell_padding, pre_style, post_style
            )
        if line is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        lines = cache[key] = [line]
        return lines

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.show_header and y < self.header_height:
            return strip  # a click on a header says which column it was
        return joined_alike(strip)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)


NO_STYLE = Style.null()  # rich's Padding's own style, "none"
JOIN = Text("\n")


def one_line_cell(
    console: Console, cell: Text, width: int, padding: int, pre_style: Style, post_style: Style
) -> list[Segment] | None:
    """The segments rich gives `Styled(Padding(cell, (0, padding)), pre_style, post_style)`
    drawn one line high and `width` wide, made with the same Text and Segment calls
    (wrap, join, render, crop) without the layers around them; None for a cell of
    more than one line or one that wraps, which only the general path draws."""
    inner = width - 2 * padding
    plain = cell.plain
    if inner <= 0 or cell.no_wrap is False or "\n" in plain or "\t" in plain:
        return None
    room = inner - cell_len(plain)
    if room >= 0 and not cell.spans and (cell.justify or "default") == "default":
        # Text of one style that fits, as nearly every cell is: what the calls below
        # come to for it (its text in its style, then the spaces that fill the cell),
        # at a fifth of their cost (a third of the first frame's table).
        style = console.get_style(cell.style) if cell.style else None
        # (As rich does: an empty text of no style still gives its empty segment.)
        body = [Segment(plain, style)] if plain or style is None else []
        if room:
            body.append(Segment(" " * room, NO_STYLE))
    else:
        # The app's console options set neither justify nor overflow: rich's defaults.
        lines = cell.wrap(
            console,
            inner,
            justify=cell.justify or "default",
            overflow=cell.overflow or "fold",
            tab_size=console.tab_size if cell.tab_size is None else cell.tab_size,
            no_wrap=True,
        )
        rendered = JOIN.join(lines).render(console, end=cell.end)
        body = next(
            Segment.split_and_crop_lines(
                rendered, inner, style=NO_STYLE, pad=True, include_new_lines=False
            ),
            [],
        )
    side = Segment(" " * padding, NO_STYLE)
    segments = [side, *body, side] if padding else body
    return list(Segment.apply_style(segments, style=pre_style, post_style=post_style))


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
