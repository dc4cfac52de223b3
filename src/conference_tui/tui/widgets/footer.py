"""A footer that wraps its keys onto more rows instead of cutting them off.

Textual's footer puts every key in one row, which at 80 columns hides half of
them. This one lays the keys out in as many columns as fit whole; when even
MAX_ROWS rows cannot hold them all, it leaves out the last ones (the app-wide
keys come after the screen's own) rather than cut a word. Help (f1) is never
left out: it lists every key.

It is one widget that draws its keys as lines, where Textual's footer is a widget
per key: those were two thirds of the roster's widgets, each styled, laid out and
drawn on every screen's first frame (17 ms of the launch for the roster's 21 keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from conference_tui.tui.widgets.runs import joined_alike

MAX_ROWS = 4
GUTTER = 1
HELP_ACTION = "app.help"


class FooterEntry(NamedTuple):
    """One key the footer shows, as `^s Save`."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str

    @property
    def width(self) -> int:
        display = cell_len(self.display)
        return display + (1 + cell_len(self.description) if self.description else 0)

    @property
    def label(self) -> str:
        return f"{self.display} {self.description}" if self.description else self.display


class KeyPlace(NamedTuple):
    row: int
    x: int
    width: int
    entry: FooterEntry


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


def place_keys(entries: Sequence[FooterEntry], width: int) -> list[KeyPlace]:
    """Where each key shown goes: rows filled left to right, in columns as wide as their
    widest key, a cell apart."""
    widths = [entry.width for entry in entries]
    keep = frozenset(i for i, entry in enumerate(entries) if entry.action == HELP_ACTION)
    shown, columns = fit_keys(widths, width, MAX_ROWS, keep)
    shown_widths = [widths[index] for index in shown]
    column_widths = [max(shown_widths[start::columns]) for start in range(columns)]
    places = []
    for place, index in enumerate(shown):
        row, column = divmod(place, columns)
        x = sum(column_widths[:column]) + GUTTER * column
        places.append(KeyPlace(row, x, column_widths[column], entries[index]))
    return places


class KeysFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--item",
        "keys-footer--hover",
    }
    # The look of Textual's compact footer: its colours, each key on the item background.
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: auto;
        max-height: 4;
        color: $footer-foreground;
        background: $footer-background;
        .keys-footer--item {
            background: $footer-item-background;
        }
        .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        # The keys on show, and where they went for the width they were placed at.
        self.entries: tuple[FooterEntry, ...] | None = None
        self.places: list[KeyPlace] = []
        self.placed_for: tuple[tuple[FooterEntry, ...], int] | None = None
        self.hovered: FooterEntry | None = None

    # -- which keys ------------------------------------------------------------------

    def declared_order(self) -> dict[str, int]:
        """Each action's place among the screen's, then the app's, bindings. (Textual lists
        a key the focused widget also binds first: the keys would change places, and be
        drawn again, each time the focus moves.)"""
        return {
            binding.action: place
            for place, binding in enumerate(
                binding
                for node in (self.screen, self.app)
                for bindings in node._bindings.key_to_bindings.values()
                for binding in bindings
            )
        }

    def active_keys(self) -> tuple[FooterEntry, ...]:
        """One key per action (the first bound), as Textual's footer shows them."""
        by_action: dict[str, FooterEntry] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = FooterEntry(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    tooltip or binding.tooltip,
                )
        declared = self.declared_order()
        return tuple(sorted(by_action.values(), key=lambda entry: declared.get(entry.action, -1)))

    def shown_keys(self) -> list[str]:
        """The keys on show, each as `^s Save`."""
        return [place.entry.label for place in self.placed(self.size.width)]

    def on_mount(self) -> None:
        # The screen's keys are known as it is first drawn: Textual's footer shows none
        # until the screen says its bindings changed, then builds them a frame later,
        # a second layout and paint of every screen (25 to 40 ms of `n`).
        self.entries = self.active_keys()
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.update_keys)

    def update_keys(self) -> None:
        """Most changes of focus leave the same keys: the footer is drawn again only when
        they change."""
        if not self.is_attached or self._pruning or self.screen is not self.app.screen:
            # Gone with its screen, or its screen lost the focus to one opened over it:
            # what it would list now is not what it shows once back (which updates again).
            return
        keys = self.active_keys()
        if keys != self.entries:
            self.entries = keys
            self.refresh(layout=True)

    # -- where they go, and drawing them ---------------------------------------------

    def placed(self, width: int) -> list[KeyPlace]:
        if self.entries is None:
            self.entries = self.active_keys()
        if self.placed_for != (self.entries, width):
            self.places = place_keys(self.entries, width)
            self.placed_for = (self.entries, width)
        return self.places

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        places = self.placed(width)
        return places[-1].row + 1 if places else 1

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        part = self.get_component_rich_style
        segments: list[Segment] = []
        end = 0
        for place in self.placed(width):
            if place.row != y:
                continue
            entry = place.entry
            item = base + part("keys-footer--item", partial=True)
            if not entry.enabled:
                item += Style(dim=True)
            if entry is self.hovered:
                item += part("keys-footer--hover", partial=True)
            if place.x > end:
                segments.append(Segment(" " * (place.x - end), base))
            segments.append(Segment(entry.display, item + part("keys-footer--key", partial=True)))
            if entry.description:
                text = item + part("keys-footer--description", partial=True)
                segments.append(Segment(f" {entry.description}", text))
            end = place.x + entry.width
        segments.append(Segment(" " * max(0, width - end), base))
        # A description and the gaps beside it show alike: sent as one run, a third fewer
        # bytes for the terminal to read.
        return joined_alike(Strip(segments).crop(0, width))

    # -- the mouse -------------------------------------------------------------------

    def entry_at(self, x: int, y: int) -> FooterEntry | None:
        for place in self.places:
            if place.row == y and place.x <= x < place.x + place.entry.width:
                return place.entry
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self.entry_at(event.x, event.y)
        if entry is not self.hovered:
            self.hovered = entry
            self.tooltip = (entry.tooltip or None) if entry else None
            self.refresh()

    def on_leave(self) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        entry = self.entry_at(event.x, event.y)
        if entry is None:
            return
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()
