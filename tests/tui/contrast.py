"""Contrast as the terminal shows it: every cell of the screen's rendered segments, its
foreground against its background after Textual's own dim and reverse, measured by WCAG.

Letters and digits are text (4.5:1); any other visible sign (●, ✎, ·, …) is a marker
(3:1). Box drawing and block elements (borders, scroll bars, the tall edges of
widgets) draw lines, not characters to read, and are left out; so is the mark of an
unticked box, which is meant not to be seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.constants import DIM_FACTOR
from textual.filter import dim_color

from conference_tui.tui.readable_colours import TEXT_CONTRAST, contrast_ratio

MARKER_CONTRAST = 3.0
LINE_DRAWING = range(0x2500, 0x25A0)
# An unticked box's mark is drawn at 1.4 to 1.7:1 in the built-in themes; a ticked one
# must reach the marker target.
UNTICKED_RATIO = 2.0


@dataclass(frozen=True)
class LowContrast:
    theme: str
    screen: str
    row: int
    text: str
    ratio: float
    target: float
    foreground: str
    background: str

    def __str__(self) -> str:
        return (
            f"{self.theme:18} {self.screen:22} row {self.row:2} {self.text.strip()!r:34}"
            f" {self.ratio:5.2f} < {self.target} ({self.foreground} on {self.background})"
        )


def target_for(text: str) -> float | None:
    """The contrast a run of characters needs, or None when there is nothing to read."""
    if any(character.isalnum() for character in text):
        return TEXT_CONTRAST
    if any(not character.isspace() and ord(character) not in LINE_DRAWING for character in text):
        return MARKER_CONTRAST
    return None


def shown_colours(style: Style, app: App[object]) -> tuple[Color, Color]:
    """The foreground and background a terminal paints for this style: ANSI colours
    through the app's terminal theme, dim as Textual blends it, reverse swapped."""
    terminal = app.ansi_theme
    background_rich = style.bgcolor or RichColor.default()
    foreground_rich = style.color or RichColor.default()
    background = RichColor.from_triplet(background_rich.get_truecolor(terminal, foreground=False))
    foreground = RichColor.from_triplet(foreground_rich.get_truecolor(terminal, foreground=True))
    if style.dim:
        foreground = dim_color(background, foreground, DIM_FACTOR)
    pair = (Color.from_rich_color(foreground), Color.from_rich_color(background))
    return (pair[1], pair[0]) if style.reverse else pair


def is_unticked_box(segments: list[Segment], index: int, ratio: float) -> bool:
    """The mark inside a tick box or radio button (▐X▌, ▐●▌) that is not chosen: drawn
    in nearly the box's own colour on purpose, so that the box reads as empty."""
    if index == 0 or index + 1 == len(segments):
        return False
    before, after = segments[index - 1].text, segments[index + 1].text
    return before.endswith("▐") and after.startswith("▌") and ratio < UNTICKED_RATIO


def low_contrast_cells(app: App[object], screen: str) -> list[LowContrast]:
    """Every run of same-styled characters on screen that is below its contrast target."""
    found: list[LowContrast] = []
    strips = app.screen._compositor.render_strips()
    for row, strip in enumerate(strips):
        segments = list(Segment.simplify(strip))
        for index, segment in enumerate(segments):
            target = target_for(segment.text)
            if target is None or segment.style is None:
                continue
            foreground, background = shown_colours(segment.style, app)
            ratio = contrast_ratio(foreground, background)
            if ratio < target and not is_unticked_box(segments, index, ratio):
                found.append(
                    LowContrast(
                        app.theme,
                        screen,
                        row,
                        segment.text,
                        ratio,
                        target,
                        foreground.hex,
                        background.hex,
                    )
                )
    return found
