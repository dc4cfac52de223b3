"""Lines sent to the terminal in as few styled runs as show the same thing.

Every run costs its colours and a reset, some 25 bytes, and the terminal reads the
whole frame before it shows it: the roster's first frame was 13.4 KiB, nearly all of
it the table's rows, whose cells each came as three runs (padding, text, padding),
each carrying the cell's place for the mouse. Joined, a row is a few runs: a due
student's row went from 15 to 4.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip


def look(style: Style) -> tuple[object, ...]:
    """What text in `style` shows: all of it but the mouse's part (its meta)."""
    return (style.clear_meta_and_links(), style.link)


def blank_look(style: Style) -> tuple[object, ...]:
    """What spaces in `style` show: their background and what is drawn across them, not
    the colour, weight or slant of letters they do not have."""
    reversed_colour = style.color if style.reverse else None
    return (
        style.bgcolor,
        reversed_colour,
        style.reverse,
        style.underline,
        style.underline2,
        style.overline,
        style.strike,
        style.link,
    )


def joined_alike(strip: Strip) -> Strip:
    """The line with each run of segments that show alike joined into one: the same
    look, or spaces beside text of their background (the run takes the text's style).
    A joined run keeps the mouse's part of the style it takes: a click on a table
    cell's padding may find the cell beside it, in the same row."""
    runs: list[Segment] = []
    run_style: Style | None = None
    run_look: tuple[object, ...] = ()
    run_blank = False
    for segment in strip:
        text, style, control = segment
        blank = not text.strip(" ")
        if style is None or control is not None:
            runs.append(segment)
            run_style = None
            continue
        seen = look(style)
        if run_style is not None and (
            seen == run_look
            or ((blank or run_blank) and blank_look(style) == blank_look(run_style))
        ):
            if run_blank and not blank:
                run_style, run_look = style, seen
            run_blank = run_blank and blank
            runs[-1] = Segment(runs[-1].text + text, run_style)
        else:
            runs.append(segment)
            run_style, run_look, run_blank = style, seen, blank
    return Strip(runs, strip.cell_length)
