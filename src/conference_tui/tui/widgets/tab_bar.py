"""A tab bar drawn as two lines by one widget: the labels, and a bar under them that
marks the chosen one.

Textual's TabbedContent is a widget per part (Tabs, a Tab per label, the underline,
the switcher, a pane per tab...): 14 of the history screen's 25 widgets, each styled,
laid out and drawn as the screen is first shown. This one draws what Tabs draws, with
its colours; the screen shows and hides its panes itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

# Textual's underline: a heavy line, with half lines where the chosen span starts and ends.
BAR = "━"
HALF_BAR_LEFT = "╺"
HALF_BAR_RIGHT = "╸"


class TabPlace(NamedTuple):
    tab: str
    label: str
    x: int

    @property
    def width(self) -> int:
        return cell_len(self.label) + 2  # a cell either side, as Tab's padding


def place_tabs(tabs: Sequence[tuple[str, str]]) -> list[TabPlace]:
    places, x = [], 0
    for tab, label in tabs:
        place = TabPlace(tab, label, x)
        places.append(place)
        x += place.width
    return places


def bar_segments(start: int, end: int, width: int, bar: Style, chosen: Style) -> list[Segment]:
    """The underline of Textual's Tabs (its Bar renderable) for the chosen span
    [start, end), in cells."""
    segments = []
    if start > 0:
        segments.append(Segment(BAR * (start - 1) + HALF_BAR_RIGHT, bar))
    segments.append(Segment(BAR * (end - start), chosen))
    if end < width:
        segments.append(Segment(HALF_BAR_LEFT + BAR * (width - end - 1), bar))
    return segments


class TabBar(Widget, can_focus=True):
    """The tabs' labels, the active one marked; a click (or left/right while it has the
    focus) says which was chosen with `TabBar.Chosen`. Showing a tab is the screen's:
    it sets `active`."""

    ALLOW_SELECT = False
    # A click chooses a tab, and keys go to what it shows (the screen focuses that).
    FOCUS_ON_CLICK = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous tab", show=False, id="tabs.previous"),
        Binding("right", "step(1)", "Next tab", show=False, id="tabs.next"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tab-bar--tab",
        "tab-bar--active",
        "tab-bar--hover",
        "tab-bar--bar",
    }
    # The look of Textual's Tabs: quiet labels, the active one in the text colour (in
    # the cursor's colours while the bar has the focus), the underline in the cursor
    # colour. A tab not chosen is in the theme's muted text, computed to be readable
    # (see readable_colours.py), rather than Tab's fade.
    DEFAULT_CSS = """
    TabBar {
        width: 1fr;
        height: 2;
        .tab-bar--tab {
            color: $text-muted;
        }
        .tab-bar--active, .tab-bar--hover {
            color: $foreground;
        }
        .tab-bar--bar {
            color: $block-cursor-background;
            background: $foreground 10%;
        }
        &:focus {
            .tab-bar--active {
                text-style: $block-cursor-text-style;
                color: $block-cursor-foreground;
                background: $block-cursor-background;
            }
            .tab-bar--bar {
                background: $foreground 30%;
            }
        }
        &:ansi {
            .tab-bar--tab {
                text-style: dim;
            }
            .tab-bar--active {
                text-style: not dim bold;
            }
            .tab-bar--bar {
                background: $border-blurred;
            }
        }
    }
    """

    class Chosen(Message):
        """The teacher chose a tab on the bar (a click, or left/right)."""

        def __init__(self, tab: str) -> None:
            super().__init__()
            self.tab = tab

    def __init__(self, tabs: Sequence[tuple[str, str]], active: str, *, id: str | None = None):
        """`tabs`: (id, label) of each tab, in order."""
        super().__init__(id=id)
        self.places = place_tabs(tabs)
        self._active = active
        self.hovered: str | None = None

    @property
    def active(self) -> str:
        return self._active

    @active.setter
    def active(self, tab: str) -> None:
        if tab not in (place.tab for place in self.places):
            raise ValueError(f"no tab {tab!r}")
        self._active = tab
        self.refresh()

    def tab_at(self, x: int) -> str | None:
        for place in self.places:
            if place.x <= x < place.x + place.width:
                return place.tab
        return None

    # -- drawing ---------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 2

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            segments = [self.label_segment(place) for place in self.places]
        elif y == 1:
            place = next(place for place in self.places if place.tab == self.active)
            bar = self.get_component_rich_style("tab-bar--bar")
            segments = bar_segments(
                place.x + 1,  # under the label, not its padding, as Tabs underlines
                place.x + place.width - 1,
                width,
                self.rich_style + Style(color=bar.bgcolor),
                self.rich_style + Style(color=bar.color),
            )
        else:
            segments = []
        return Strip(segments).extend_cell_length(width, self.rich_style).crop(0, width)

    def label_segment(self, place: TabPlace) -> Segment:
        part = "tab-bar--active" if place.tab == self.active else "tab-bar--tab"
        style = self.get_component_rich_style(part)
        if place.tab == self.hovered and place.tab != self.active:
            style += self.get_component_rich_style("tab-bar--hover", partial=True)
        return Segment(f" {place.label} ", style)

    # -- choosing --------------------------------------------------------------------

    def action_step(self, step: int) -> None:
        tabs = [place.tab for place in self.places]
        self.post_message(self.Chosen(tabs[(tabs.index(self.active) + step) % len(tabs)]))

    def on_click(self, event: events.Click) -> None:
        tab = self.tab_at(event.x)
        if tab is not None:
            self.post_message(self.Chosen(tab))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        tab = self.tab_at(event.x) if event.y == 0 else None
        if tab != self.hovered:
            self.hovered = tab
            self.refresh()

    def on_leave(self) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.refresh()
