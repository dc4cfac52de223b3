"""The contrast arithmetic, and every built-in theme's text colours after it."""

from __future__ import annotations

import pytest
from textual.color import BLACK, WHITE, Color
from textual.theme import BUILTIN_THEMES

from conference_tui.tui.readable_colours import (
    BLEND_STEPS,
    GROUND_VARIABLES,
    TEXT_CONTRAST,
    TEXT_VARIABLES,
    contrast_ratio,
    readable,
    readable_text_variables,
)


def test_contrast_ratio_is_wcag() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1)
    # WCAG's own example pair: #767676 on white is the palest grey that passes AA.
    assert contrast_ratio(Color.parse("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)


def test_a_colour_that_passes_is_kept_and_one_that_fails_moves_only_as_far_as_needed() -> None:
    navy = Color.parse("#003366")
    assert readable(navy, [WHITE], BLACK) == navy
    yellow = Color.parse("#D8D938")  # atom-one-light's warning, 1.1:1 on white
    fixed = readable(yellow, [WHITE], BLACK)
    assert contrast_ratio(fixed, WHITE) >= TEXT_CONTRAST
    steps = [yellow.blend(BLACK, step / BLEND_STEPS, alpha=1) for step in range(BLEND_STEPS + 1)]
    chosen = steps.index(fixed)
    assert 0 < chosen < BLEND_STEPS, "still the theme's yellow, darkened"
    assert contrast_ratio(steps[chosen - 1], WHITE) < TEXT_CONTRAST


@pytest.mark.parametrize("name", sorted(BUILTIN_THEMES))
def test_every_theme_text_colour_reaches_the_target_on_every_ground(name: str) -> None:
    variables = BUILTIN_THEMES[name].to_color_system().generate()
    changed = readable_text_variables(variables)
    if BUILTIN_THEMES[name].ansi:
        assert changed == {}, "the terminal's palette decides an ANSI theme's colours"
        return
    background = Color.parse(variables["background"])
    grounds = [background + Color.parse(variables[ground]) for ground in GROUND_VARIABLES]
    for text in ("foreground", "text-muted", *TEXT_VARIABLES):
        colour = Color.parse(changed[text])
        worst = min(contrast_ratio(colour, ground) for ground in grounds)
        assert worst >= TEXT_CONTRAST, (text, changed[text], worst)
