"""The tables' one-line cells are drawn by a shortcut (RowTable._render_cell): every
kind of cell the app shows must come out as DataTable's own drawing of it, segment for
segment, in every state a row can be in."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from conference_tui.tui.widgets.tables import RowTable, one_line_cell

CELLS: list[object] = [
    Text("Ana Lopez"),
    Text("● due", style="bold red"),
    Text.assemble(("Ana", "italic"), " ", ("Lopez", "on blue")),
    Text(""),
    Text("A reason that is much longer than the column is wide, cut at its edge"),
    Text("A reason cut with an ellipsis at the edge", overflow="ellipsis"),
    Text("漢字の名前とても長い名前です"),
    Text("Zoë 👩‍🏫 Ávila"),
    Text("12", justify="right"),
    Text("·", justify="center"),
    Text("trailing   "),
    Text("[b]not markup[/b]"),
    Text("exactly"),
    Text("Ana Lopez", style=Style(bold=True, color="yellow")),  # as the roster's due rows
    Text("", style="bold"),
    Text("line one\nline two"),  # two lines: DataTable's own way
    "a str cell",  # not Text: DataTable's own way
]
WIDTHS = [1, 2, 3, 7, 9, 12, 30]


class Tables(App[None]):
    def compose(self) -> ComposeResult:
        yield RowTable(id="table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.add_columns(*(f"c{index}" for index in range(len(CELLS))))
        for row in range(3):
            table.add_row(*CELLS, key=str(row))


def drawn(table: RowTable, row: int, column: int, base: Style, width: int, **state: bool) -> object:
    table._cell_render_cache.clear()
    return table._render_cell(row, column, base, width, **state)


def drawn_by_datatable(
    table: RowTable, row: int, column: int, base: Style, width: int, **state: bool
) -> object:
    table._cell_render_cache.clear()
    return DataTable._render_cell(table, row, column, base, width, **state)


@pytest.mark.parametrize("cursor", [False, True])
@pytest.mark.parametrize("hover", [False, True])
async def test_each_cell_is_drawn_as_datatable_draws_it(cursor: bool, hover: bool) -> None:
    app = Tables()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        bases = [
            Style(),
            table.get_component_rich_style("datatable--even-row"),
            table.get_component_rich_style("datatable--odd-row") + Style(bgcolor="grey11"),
        ]
        compared = 0
        for row in range(3):
            for column in range(len(CELLS)):
                for base in bases:
                    for width in WIDTHS:
                        state = {"cursor": cursor, "hover": hover}
                        expected = drawn_by_datatable(table, row, column, base, width, **state)
                        assert drawn(table, row, column, base, width, **state) == expected, (
                            CELLS[column],
                            width,
                        )
                        compared += 1
        assert compared == 3 * len(CELLS) * len(bases) * len(WIDTHS)


async def test_a_cell_drawn_once_is_kept_until_the_table_changes() -> None:
    app = Tables()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        first = table._render_cell(0, 0, Style(), 12)
        assert table._render_cell(0, 0, Style(), 12) is first
        table.update_cell("0", table.ordered_columns[0].key, Text("Ben Zeller"))
        changed = table._render_cell(0, 0, Style(), 12)
        text = "".join(segment.text for segment in changed[0] if isinstance(segment, Segment))
        assert text.strip() == "Ben Zeller"


async def test_the_shortcut_draws_every_one_line_text_cell() -> None:
    """Not a comparison of DataTable with itself: only the two-line cell and the str
    go DataTable's way."""
    app = Tables()
    async with app.run_test(size=(120, 30)):
        shortcut = [
            one_line_cell(app.console, cell, 12, 1, Style(), Style()) is not None
            if isinstance(cell, Text)
            else False
            for cell in CELLS
        ]
        assert shortcut == [True] * (len(CELLS) - 2) + [False, False]


def looks(strip: object) -> list[tuple[object, ...]]:
    """Each cell of a line as the terminal shows it: a letter in its style (not the
    mouse's part of it, its meta); a space as its background and the lines drawn
    across it (a space in bold yellow shows as one in plain white)."""
    cells: list[tuple[object, ...]] = []
    for text, style, _ in strip:  # type: ignore[attr-defined]
        for character in text:
            if style is None:
                cells.append((character, None))
            elif character == " ":
                across = (style.underline, style.underline2, style.overline, style.strike)
                shown = style.color if style.reverse else None
                cells.append((character, style.bgcolor, style.reverse, shown, across))
            else:
                cells.append((character, style.clear_meta_and_links(), style.link))
    return cells


async def test_a_line_joins_what_looks_alike_and_draws_the_same() -> None:
    app = Tables()
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        for y in range(table.size.height):
            ours = table.render_line(y)
            datatable = DataTable.render_line(table, y)
            assert looks(ours) == looks(datatable), y
            if y == 0:
                # The headers: each keeps its own segments, whose column a click reads.
                assert list(ours) == list(datatable)
            elif y <= 3:
                assert len(list(ours)) < len(list(datatable)), y


async def test_a_click_on_a_joined_cell_still_picks_its_row() -> None:
    app = Tables()
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        # The padding before the third column's text: joined to the second column's.
        x = sum(column.get_render_width(table) for column in table.ordered_columns[:2])
        await pilot.click(RowTable, offset=(x, 3))
        await pilot.pause()
        assert table.cursor_row == 2
        # Past the last column: joined to the last cell's run.
        await pilot.click(RowTable, offset=(table.size.width - 2, 2))
        await pilot.pause()
        assert table.cursor_row == 1
