"""Text colours every theme can be read in: WCAG contrast, and a theme's own colours
moved toward its text colour until they reach it.

Several built-in themes pick a warning or muted colour that is pale against their own
background (atom-one-light's yellow on white is 1.1:1). The colour that carries the
meaning stays the theme's: it is blended toward the theme's text colour only as far as
the contrast target needs. `readable_text_variables` does it for the theme's text
colours (`$foreground`, `$text-*`, `$text-muted`, the footer's and the cursors'), which
the app's styles, and Textual's own widgets, draw text in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.color import Color as RichColor
from textual.app import App
from textual.color import BLACK, WHITE, Color, ColorParseError

TEXT_CONTRAST = 4.5
"""WCAG AA for text."""

BLEND_STEPS = 20
FOCUS_TINT = 0.05

# Text colours drawn on the theme's grounds: the screen, widgets, header and footer,
# a table's stripes.
TEXT_VARIABLES = (
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-warning",
    "text-error",
    "text-success",
)
GROUND_VARIABLES = (
    "background",
    "surface",
    "panel",
    "surface-lighten-1",
    "surface-darken-1",
)
# Text colours drawn on a ground of their own.
PAIRED_VARIABLES = (
    ("footer-foreground", "footer-background"),
    ("footer-description-foreground", "footer-background"),
    ("footer-key-foreground", "footer-background"),
    ("block-cursor-foreground", "block-cursor-background"),
    ("block-cursor-blurred-foreground", "block-cursor-blurred-background"),
    ("input-cursor-foreground", "input-cursor-background"),
)


def relative_luminance(colour: Color) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour.normalized)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: Color, second: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def strongest_on(ground: Color) -> Color:
    """Black or white, whichever stands out more on `ground`."""
    return max((BLACK, WHITE), key=lambda extreme: contrast_ratio(extreme, ground))


def readable(
    colour: Color,
    grounds: Iterable[Color],
    towards: Color,
    target: float = TEXT_CONTRAST,
) -> Color:
    """`colour`, or the least blend of it toward `towards` that reaches `target` against
    every one of `grounds`; `towards` itself when no blend does."""
    grounds = list(grounds)
    for step in range(BLEND_STEPS + 1):
        candidate = colour.blend(towards, step / BLEND_STEPS, alpha=1)
        if all(contrast_ratio(candidate, ground) >= target for ground in grounds):
            return candidate
    return towards


def readable_text_variables(variables: Mapping[str, str]) -> dict[str, str]:
    """New values for the theme's text colours, each readable on the grounds it is
    drawn on. Nothing for a theme of ANSI colours: the terminal's palette decides those."""

    def colour(name: str) -> Color | None:
        try:
            parsed = Color.parse(variables[name])
        except (KeyError, ColorParseError):
            return None
        return None if parsed.ansi is not None else parsed

    background = colour("background")
    foreground = colour("foreground")
    if background is None or foreground is None:
        return {}
    # Grounds laid over the background (a stripe, the panel) are blended onto it first.
    grounds = [background + ground for name in GROUND_VARIABLES if (ground := colour(name))]
    # Focused tables and the header clock tint their ground with the foreground.
    grounds += [ground.blend(foreground, FOCUS_TINT) for ground in grounds]
    towards = strongest_on(background)
    foreground = readable(foreground, grounds, towards)
    changed = {"foreground": foreground.hex}
    for name in TEXT_VARIABLES:
        if (text := colour(name)) is not None:
            changed[name] = readable(background + text, grounds, towards).hex
    # Muted text stays quieter than the foreground, as quiet as the target allows.
    muted = readable(foreground.blend(background, 0.4), grounds, towards)
    changed["text-muted"] = changed["foreground-muted"] = muted.hex
    for name, ground_name in PAIRED_VARIABLES:
        text, own_ground = colour(name), colour(ground_name)
        if own_ground is None:
            continue
        # A translucent ground (a cursor without focus) shows what lies under it.
        paired = [ground + own_ground for ground in grounds]
        middle = paired[0]
        # Lighter text stays lighter (and darker darker) where that can reach the target.
        extreme = middle.get_contrast_text(1.0)
        # An "auto" colour (a cursor's) is Textual's: black or white at 87%.
        start = extreme.blend(middle, 0.13) if text is None else middle + text
        fitted = readable(start, paired, extreme)
        if not all(contrast_ratio(fitted, ground) >= TEXT_CONTRAST for ground in paired):
            fitted = readable(start, paired, extreme.inverse)
        changed[name] = fitted.hex
    return changed


def theme_colour(app: App[object], variable: str) -> RichColor | None:
    """A colour of the app's current theme, as its styles see it, for text built in
    Python (a table cell); ANSI colours stay the terminal's own. None for a colour
    Rich cannot draw (an ANSI theme's "ansi_default 50%")."""
    try:
        return Color.parse(app.theme_variables[variable]).rich_color
    except ColorParseError:
        return None
