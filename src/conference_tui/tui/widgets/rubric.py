"""A rubric field: criteria by levels, the teacher's level and the student's own side
by side, chosen with the keyboard (digits, arrows) or the mouse, plus a note each.

The grid fits the conference's stage pane at 80x24: level names are cut to their
column, and the focused cell's whole descriptor is shown under the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from conference_tui.field_kinds import (
    KIND_OF_RUBRIC_PART,
    Kind,
    RubricPart,
    parse_rubric_key,
    rubric_answer_key,
)
from conference_tui.forms import FormField
from conference_tui.rubrics import level_number
from conference_tui.store.text_rules import visible
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.formatting import QUIET
from conference_tui.tui.widgets.text_input import TextInput

SIDES = (RubricPart.TEACHER, RubricPart.STUDENT)
SIDE_NAMES = {RubricPart.TEACHER: "your level", RubricPart.STUDENT: "the student's own level"}
MARKS = {RubricPart.TEACHER: "T", RubricPart.STUDENT: "S"}
NAME_COLUMN_MAX = 13
EMPTY_CELL = "·"


def clip(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut (no ellipsis: a column of 5 keeps 5 letters)."""
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width:
            break
        out += char
    return out


class RubricGrid(Widget, can_focus=True):
    """The criteria (rows) by levels (columns). Holds each criterion's two levels as
    stored ("1".."N", "" for none, or a level the form no longer has, kept as it is)."""

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Criterion up", show=False, id="rubric.up"),
        Binding("down", "move(1, 0)", "Criterion down", show=False, id="rubric.down"),
        Binding("home", "move(-1000, 0)", "First criterion", show=False, id="rubric.first"),
        Binding("end", "move(1000, 0)", "Last criterion", show=False, id="rubric.last"),
        Binding("left", "move(0, -1)", "Level left", show=False, id="rubric.left"),
        Binding("right", "move(0, 1)", "Level right", show=False, id="rubric.right"),
        Binding(
            "space,enter",
            "choose",
            "Set level",
            show=False,
            id="rubric.choose",
            tooltip="Set the level under the cursor (digits 1-N set a level directly)",
        ),
        Binding(
            "s",
            "switch_side",
            "Teacher/student",
            id="rubric.side",
            tooltip="Switch between setting your level (T) and the student's own level (S)",
        ),
        Binding(
            "n",
            "note",
            "Note",
            id="rubric.note",
            tooltip="Write a note on the criterion under the cursor (tab goes there too)",
        ),
        Binding(
            "backspace,delete",
            "clear",
            "Clear level",
            show=False,
            id="rubric.clear",
            tooltip="Clear the level being set for the criterion under the cursor",
        ),
    ]

    @dataclass
    class Changed(Message):
        """A level was set or cleared."""

        grid: RubricGrid
        criterion_key: str
        part: RubricPart

    @dataclass
    class Moved(Message):
        """The cursor moved, or the side being set changed."""

        grid: RubricGrid

    @dataclass
    class NoteWanted(Message):
        grid: RubricGrid

    def __init__(
        self,
        field: FormField,
        levels: dict[tuple[str, RubricPart], str],
        sides: tuple[RubricPart, ...] = SIDES,
    ) -> None:
        super().__init__(id=f"control-{field.key}", classes="field-control rubric-grid")
        self.form_field = field
        self.levels = levels
        # The sides shown and set: both for the teacher, the student's own on their turn.
        self.sides = sides
        self.side = sides[0]
        self.row = 0
        first = levels.get((field.criteria[0].key, self.side), "")
        self.column = (level_number(first, len(field.levels)) or 1) - 1

    # -- what it holds ---------------------------------------------------------------

    @property
    def criterion_key(self) -> str:
        return self.form_field.criteria[self.row].key

    def level(self, criterion_key: str, side: RubricPart) -> str:
        return self.levels.get((criterion_key, side), "")

    def set_level(self, row: int, value: str) -> None:
        criterion = self.form_field.criteria[row].key
        self.levels[(criterion, self.side)] = value
        self.refresh()
        self.post_message(self.Changed(self, criterion, self.side))

    # -- keys and mouse --------------------------------------------------------------

    def action_move(self, rows: int, columns: int) -> None:
        self.row = max(0, min(self.row + rows, len(self.form_field.criteria) - 1))
        self.column = max(0, min(self.column + columns, len(self.form_field.levels) - 1))
        self.refresh()
        self.post_message(self.Moved(self))

    def action_choose(self) -> None:
        self.set_level(self.row, str(self.column + 1))

    def action_clear(self) -> None:
        self.set_level(self.row, "")

    def action_switch_side(self) -> None:
        if len(self.sides) == 1:
            self.app.key_gate.refuse(  # type: ignore[attr-defined]
                "Here you set your own level: a digit, or the arrows then space.",
                timeout=5,
                to_student=True,
            )
            return
        self.side = RubricPart.STUDENT if self.side == RubricPart.TEACHER else RubricPart.TEACHER
        self.refresh()
        self.post_message(self.Moved(self))

    def action_note(self) -> None:
        self.post_message(self.NoteWanted(self))

    def on_key(self, event: events.Key) -> None:
        """A digit sets that level of the criterion under the cursor. Any other letter
        that is not a key of the grid is refused out loud, never lost unseen."""
        character = event.character or ""
        if not event.is_printable or len(character) != 1:
            return
        if character.isdigit() and character.isascii():
            event.stop()
            event.prevent_default()
            number = int(character)
            if 1 <= number <= len(self.form_field.levels):
                self.column = number - 1
                self.set_level(self.row, character)
                self.post_message(self.Moved(self))
                return
            self.refuse(f"This rubric's levels are 1 to {len(self.form_field.levels)}.")
            return
        if event.key in self.app.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.refuse(f"“{character}” is not a key of the rubric.")

    def refuse(self, why: str) -> None:
        # Words typed into the grid may have switched the side already (their `s`):
        # the teacher is told which level the next digit sets.
        if len(self.sides) == 1:
            keys = "Digits set your own level; tab goes to the next question."
        else:
            now = "your level (T)" if self.side == RubricPart.TEACHER else "the student's (S)"
            keys = (
                f"Digits 1-{len(self.form_field.levels)} set a level (now {now}), s switches "
                "between yours and the student's, n (or tab) writes a note."
            )
        self.app.key_gate.refuse(  # type: ignore[attr-defined]
            f"{why} {keys}", timeout=8, to_student=True
        )

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y - 1
        name_width, cell = self.columns()
        if not 0 <= row < len(self.form_field.criteria) or offset.x < name_width:
            return
        column = (offset.x - name_width) // cell
        if column >= len(self.form_field.levels):
            return
        self.row, self.column = row, column
        self.set_level(row, str(column + 1))
        self.post_message(self.Moved(self))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ---------------------------------------------------------------------

    def columns(self) -> tuple[int, int]:
        """The width of the criterion name column, and of each level's column."""
        names = max(cell_len(c.name) for c in self.form_field.criteria) + 1
        name_width = min(names, NAME_COLUMN_MAX)
        width = self.content_size.width or 44
        cell = max(3, (width - name_width) // len(self.form_field.levels))
        return name_width, cell

    def render(self) -> Content:
        field = self.form_field
        name_width, cell = self.columns()
        header = [Content(" " * name_width)]
        for index, level in enumerate(field.levels):
            title = clip(f"{index + 1} {visible(level)}", cell - 1)
            style = "bold" if index == self.column else QUIET
            header.append(Content.styled(title.ljust(cell), style))
        lines = [Content.assemble(*header)]
        for row, criterion in enumerate(field.criteria):
            here = row == self.row
            name = clip(visible(criterion.name), name_width - 1).ljust(name_width)
            parts = [Content.styled(name, "bold" if here else "")]
            for column in range(len(field.levels)):
                parts.append(self.cell(criterion.key, column, cell, here and column == self.column))
            unknown = [
                MARKS[side]
                for side in self.sides
                if self.level(criterion.key, side)
                and level_number(self.level(criterion.key, side), len(field.levels)) is None
            ]
            if unknown:
                parts.append(Content.styled(f" {'/'.join(unknown)}?", "$text-warning"))
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

    def cell(self, criterion_key: str, column: int, width: int, is_cursor: bool) -> Content:
        marks = [
            MARKS[side]
            for side in self.sides
            if level_number(self.level(criterion_key, side), len(self.form_field.levels))
            == column + 1
        ]
        text = (" ".join(marks) or EMPTY_CELL).center(width - 1)
        style = "bold" if marks else QUIET
        if is_cursor:
            style = "reverse bold" if self.has_focus else "underline"
        return Content.assemble(Content.styled(text, style), " ")


class RubricEditor(FieldEditor):
    """A rubric field in a conference: the grid, what the cursor's cell means, which
    level is being set, and a note for the criterion under the cursor. Saved as one
    answer per criterion and part (see `parts`)."""

    def __init__(
        self,
        field: FormField,
        stage_key: str,
        values: dict[str, str],
        private: bool,
        sides: tuple[RubricPart, ...] = SIDES,
    ) -> None:
        super().__init__(field, stage_key, "", private)
        self.add_class("rubric-editor")
        self.sides = sides
        self.levels: dict[tuple[str, RubricPart], str] = {}
        self.notes: dict[str, str] = {}
        for criterion in field.criteria:
            for side in SIDES:
                key = rubric_answer_key(field.key, criterion.key, side)
                self.levels[(criterion.key, side)] = visible(values.get(key, ""))
            key = rubric_answer_key(field.key, criterion.key, RubricPart.NOTE)
            self.notes[criterion.key] = visible(values.get(key, ""))
        # The criterion whose note the note box holds. The notes are the teacher's: on
        # the student's turn (their own level alone) there is no note box.
        self.note_for = field.criteria[0].key
        self.has_notes = len(sides) > 1

    def compose(self) -> ComposeResult:
        yield Label(self.label_text(), classes="field-label")
        yield RubricGrid(self.form_field, self.levels, self.sides)
        yield Static("", classes="rubric-descriptor")
        yield Static("", classes="rubric-side")
        if self.has_notes:
            yield TextInput(
                self.notes[self.note_for],
                placeholder="note on this criterion (optional)",
                classes="rubric-note",
            )
        yield Static("", classes="field-error")

    @property
    def grid(self) -> RubricGrid:
        return self.query_one(RubricGrid)

    @property
    def note_box(self) -> TextInput:
        return self.query_one(".rubric-note", TextInput)

    def on_mount(self) -> None:
        super().on_mount()
        self.show_cursor()

    # -- what is saved ---------------------------------------------------------------

    def value(self) -> str:
        return ""

    def note(self, criterion_key: str) -> str:
        if criterion_key == self.note_for and self.is_mounted and self.query(".rubric-note"):
            return self.note_box.value
        return self.notes[criterion_key]

    def parts(self) -> list[tuple[str, str, Kind | None]]:
        """Each criterion's teacher level, student level and note, as answers."""
        found: list[tuple[str, str, Kind | None]] = []
        for criterion in self.form_field.criteria:
            for side in self.sides:
                key = rubric_answer_key(self.form_field.key, criterion.key, side)
                found.append((key, self.levels[(criterion.key, side)], KIND_OF_RUBRIC_PART[side]))
            if self.has_notes:
                key = rubric_answer_key(self.form_field.key, criterion.key, RubricPart.NOTE)
                found.append((key, self.note(criterion.key), Kind.RUBRIC_NOTE))
        return found

    # -- where the cursor is ----------------------------------------------------------

    def place(self) -> str:
        if self.has_notes and self.note_box.has_focus:
            return rubric_answer_key(self.form_field.key, self.note_for, RubricPart.NOTE)
        return self.field_key

    def focus_place(self, place: str) -> None:
        """A criterion's note (a draft left there, a search hit in it): its row, and the
        note box; anywhere else, the grid. Reopened on the grid, the words typed on went
        to the grid's keys (a space set a level)."""
        parsed = parse_rubric_key(place)
        rows = [criterion.key for criterion in self.form_field.criteria]
        if not (parsed and parsed[2] == RubricPart.NOTE and parsed[1] in rows and self.has_notes):
            self.focus_control()
            return
        grid = self.grid
        grid.row = rows.index(parsed[1])
        grid.refresh()
        self.show_cursor()
        self.note_box.focus(scroll_visible=False)
        self.call_after_refresh(self.scroll_into_sight)

    # -- what is shown ---------------------------------------------------------------

    def show_cursor(self) -> None:
        """Under the grid: the cell's whole descriptor, which level is being set, and
        the note of the criterion under the cursor."""
        grid = self.grid
        field = self.form_field
        criterion = field.criteria[grid.row]
        level = field.levels[grid.column]
        self.query_one(".rubric-descriptor", Static).update(
            Content.assemble(
                Content.styled(f"{visible(criterion.name)} · {grid.column + 1} ", "bold"),
                Content.styled(visible(level), "bold"),
                ": ",
                visible(criterion.descriptors[grid.column]),
            )
        )
        self.query_one(".rubric-side", Static).update(self.side_line(grid))
        if not self.has_notes:
            return
        if criterion.key != self.note_for:
            self.notes[self.note_for] = self.note_box.value
            self.note_for = criterion.key
            with self.note_box.prevent(Input.Changed):
                self.note_box.value = self.notes[criterion.key]
        self.note_box.border_title = Content(f"Note on {visible(criterion.name)}")

    def side_line(self, grid: RubricGrid) -> Content:
        criterion = self.form_field.criteria[grid.row]
        stored = {side: grid.level(criterion.key, side) for side in SIDES}
        words = []
        for side in grid.sides:
            value = stored[side]
            number = level_number(value, len(self.form_field.levels))
            if not value:
                shown = "none"
            elif number is None:
                shown = f"unknown “{value}”"
            else:
                shown = f"{number} {self.form_field.levels[number - 1]}"
            words.append(f"{MARKS[side]} {shown}")
        both = len(grid.sides) > 1
        switch = "  s: switch ·" if both else " ·"
        name = SIDE_NAMES[grid.side] if both else "your own level"
        return Content.assemble(
            Content.styled(f"Setting {name} ({MARKS[grid.side]})", "bold"),
            Content.styled(f"{switch} {'  '.join(words)}", QUIET),
        )

    def show_parts(self, values: dict[str, str]) -> None:
        """Show levels and notes saved from elsewhere (the student's turn), unannounced:
        they are saved already."""
        for criterion in self.form_field.criteria:
            for side in SIDES:
                key = rubric_answer_key(self.form_field.key, criterion.key, side)
                if key in values:
                    self.levels[(criterion.key, side)] = values[key]
            note = rubric_answer_key(self.form_field.key, criterion.key, RubricPart.NOTE)
            if note in values:
                self.notes[criterion.key] = values[note]
                if criterion.key == self.note_for and self.has_notes:
                    with self.note_box.prevent(Input.Changed):
                        self.note_box.value = values[note]
        self.grid.refresh()
        self.show_cursor()

    @on(RubricGrid.Moved)
    def grid_moved(self, event: RubricGrid.Moved) -> None:
        event.stop()
        self.show_cursor()

    @on(RubricGrid.Changed)
    def grid_changed(self, event: RubricGrid.Changed) -> None:
        event.stop()
        self.show_cursor()
        self.announce()

    @on(RubricGrid.NoteWanted)
    def note_wanted(self, event: RubricGrid.NoteWanted) -> None:
        event.stop()
        if self.has_notes:
            self.note_box.focus()
        else:
            self.grid.refuse("The notes on a rubric are your teacher's.")
