"""Lines joined into as few runs as show the same thing (widgets/runs.py)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from conference_tui.tui.widgets.runs import joined_alike

GREY = Style(color="white", bgcolor="grey23")
DUE = Style(bold=True, color="yellow", bgcolor="grey23")


def runs(*segments: Segment) -> list[tuple[str, Style | None]]:
    return [(segment.text, segment.style) for segment in joined_alike(Strip(segments))]


def test_spaces_join_the_text_beside_them_in_its_style() -> None:
    cell = Style.from_meta({"row": 1, "column": 2})
    joined = runs(Segment(" ", GREY + cell), Segment("Ana", DUE + cell), Segment("  ", GREY))
    assert joined == [(" Ana  ", DUE + cell)]


def test_the_same_look_joins_whatever_the_mouse_data() -> None:
    first = GREY + Style.from_meta({"row": 1, "column": 1})
    second = GREY + Style.from_meta({"row": 1, "column": 2})
    assert runs(Segment("151", first), Segment("Add", second)) == [("151Add", first)]


def test_text_of_another_look_is_a_run_of_its_own() -> None:
    joined = runs(Segment("14d", DUE), Segment(" 151", GREY), Segment(" late", DUE))
    assert [text for text, _ in joined] == ["14d", " 151", " late"]


def test_spaces_that_show_otherwise_are_not_joined() -> None:
    for differs in (
        Style(bgcolor="grey11"),  # another background
        Style(underline=True),  # a line across them
        Style(strike=True),
        Style(reverse=True),  # their colour is their background
    ):
        joined = runs(Segment("Ana", DUE), Segment("  ", GREY + differs))
        assert len(joined) == 2, differs


def test_unstyled_and_control_segments_are_kept_as_they_are() -> None:
    control = Segment("", None, [(1, 0)])  # type: ignore[list-item]
    joined = joined_alike(Strip([Segment("a"), Segment("b"), control, Segment("c", GREY)]))
    assert [segment.text for segment in joined] == ["a", "b", "", "c"]
