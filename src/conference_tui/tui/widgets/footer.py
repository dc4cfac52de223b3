"""A footer that wraps its keys onto more rows instead of cutting them off.

Textual's footer puts every key in one row, which at 80 columns hides half of
them; the keyboard contract says every key of the screen shows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

APPROX_KEY_WIDTH = 13


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.fit_columns()

    def on_resize(self) -> None:
        # Only the grid changes with the width: rebuilding the keys would cost a frame.
        self.fit_columns()

    def fit_columns(self) -> None:
        width = self.app.size.width or 80
        self.styles.grid_size_columns = max(1, width // APPROX_KEY_WIDTH)
