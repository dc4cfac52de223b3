"""A footer that wraps its keys onto more rows instead of cutting them off.

Textual's footer puts every key in one row, which at 80 columns hides half of
them. This one lays the keys out in as many columns as fit whole; when even
MAX_ROWS rows cannot hold them all, it leaves out the last ones (the app-wide
keys come after the screen's own) rather than cut a word. Help (f1) is never
left out: it lists every key.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

MAX_ROWS = 4
GUTTER = 1
HELP_ACTION = "app.help"


def key_width(key: Widget) -> int:
    """Cells a compact footer key takes, as `^s Save`. (Textual's FooterKey is not
    public API: its attributes are read by name.)"""
    display = cell_len(str(getattr(key, "key_display", "")))
    description = str(getattr(key, "description", ""))
    return display + (1 + cell_len(description) if description else 0)


def key_action(key: Widget) -> str:
    return str(getattr(key, "action", ""))


def grid_width(widths: Sequence[int], columns: int) -> int:
    """Cells a grid of `columns` auto-sized columns takes for keys of these widths."""
    column_widths = [max(widths[start::columns]) for start in range(min(columns, len(widths)))]
    return sum(column_widths) + GUTTER * (len(column_widths) - 1)


def fit_keys(
    widths: Sequence[int], available: int, max_rows: int, keep: frozenset[int] = frozenset()
) -> tuple[list[int], int]:
    """Which keys to show (indexes, in order) and in how many columns, so that every key
    shown is whole and they take at most `max_rows` rows. Keys are left out from the
    last, never those in `keep`."""
    shown = list(range(len(widths)))
    droppable = [index for index in reversed(shown) if index not in keep]
    while shown:
        shown_widths = [widths[index] for index in shown]
        for columns in range(len(shown), 0, -1):
            if -(-len(shown) // columns) > max_rows:
                break
            if grid_width(shown_widths, columns) <= available:
                return shown, columns
        if not droppable:
            return shown, 1
        shown.remove(droppable.pop(0))
    return shown, 1


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        # The keys on show, as (key, display, description, action, enabled, tooltip).
        self.shown: tuple[tuple[object, ...], ...] | None = None

    def declared_order(self) -> dict[str, int]:
        """Each action's place among the screen's, then the app's, bindings. (Textual lists
        a key the focused widget also binds first: the keys would change places, and be
        built again, each time the focus moves.)"""
        return {
            binding.action: place
            for place, binding in enumerate(
                binding
                for node in (self.screen, self.app)
                for bindings in node._bindings.key_to_bindings.values()
                for binding in bindings
            )
        }

    def active_keys(self) -> tuple[tuple[object, ...], ...]:
        keys = [
            (binding.key, self.app.get_key_display(binding), binding.description,
             binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        ]  # fmt: skip
        declared = self.declared_order()
        keys.sort(key=lambda key: declared.get(str(key[3]), -1))
        return tuple(keys)

    async def recompose(self) -> None:
        """Textual rebuilds the footer on every change of focus; most leave the same keys,
        and rebuilding them costs a frame each time."""
        if not self.is_attached or self._pruning:
            return  # asked for after a change of focus, and since gone with its screen
        if self.screen is not self.app.screen:
            # Its screen lost the focus to the one just opened over it: what it would list
            # now is not what it shows once back (its focus back too, which recomposes).
            return
        keys = self.active_keys()
        if keys == self.shown:
            return
        self.shown = keys
        await super().recompose()

    def compose(self) -> ComposeResult:
        # Textual's footer shows no keys until the screen first says its bindings changed,
        # then builds them a frame later: a second layout and paint of every screen (25 to
        # 40 ms of `n`). The screen's keys are known as the footer is composed; if the focus
        # brings others, recompose builds them then.
        self.set_reactive(Footer._bindings_ready, True)
        self.shown = self.active_keys()
        declared = self.declared_order()
        keys = sorted(super().compose(), key=lambda key: declared.get(key_action(key), -1))
        self.fit(keys)
        yield from keys

    def on_resize(self) -> None:
        # Only the grid changes with the width: rebuilding the keys would cost a frame.
        self.fit(list(self.query_children("FooterKey")))

    def fit(self, keys: Sequence[Widget]) -> None:
        width = self.size.width or self.app.size.width or 80
        help_keys = frozenset(
            index for index, key in enumerate(keys) if key_action(key) == HELP_ACTION
        )
        shown, columns = fit_keys([key_width(key) for key in keys], width, MAX_ROWS, help_keys)
        for index, key in enumerate(keys):
            key.display = index in shown
        self.styles.grid_size_columns = columns
