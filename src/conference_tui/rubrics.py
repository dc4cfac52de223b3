"""Reading a rubric field's answers: each criterion's two levels and its note.

A rubric is saved as three answers per criterion (see field_kinds): the teacher's
level and the student's own level, each as its number "1".."N" ("" for none), and a
note. The level names come from the form, so a level stored for a rubric that was
edited since (fewer levels, say) is reported as unknown, never guessed and never lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from conference_tui.field_kinds import RubricPart, rubric_answer_key
from conference_tui.forms import FormField, RubricCriterion


def level_number(value: str, levels: int) -> int | None:
    """The level a stored value names (1..levels); None for none or one the rubric
    does not have."""
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= levels else None


def level_name(field: FormField, value: str) -> str:
    """A stored level as a reader wants it: "3 Proficient"; "" for none; a level this
    rubric does not have shown as stored, marked unknown."""
    text = value.strip()
    if not text:
        return ""
    number = level_number(text, len(field.levels))
    if number is None:
        return f"unknown level “{text}”"
    return f"{number} {field.levels[number - 1]}"


@dataclass(frozen=True)
class RubricRow:
    """One criterion as stored: the values as they are, read with `level_name`."""

    criterion: RubricCriterion
    teacher: str
    student: str
    note: str

    @property
    def is_empty(self) -> bool:
        return not (self.teacher.strip() or self.student.strip() or self.note.strip())


def rubric_rows(field: FormField, value_of: Callable[[str], str]) -> list[RubricRow]:
    """Each criterion of `field` with its stored values (`value_of` an answer key)."""
    return [
        RubricRow(
            criterion,
            value_of(rubric_answer_key(field.key, criterion.key, RubricPart.TEACHER)),
            value_of(rubric_answer_key(field.key, criterion.key, RubricPart.STUDENT)),
            value_of(rubric_answer_key(field.key, criterion.key, RubricPart.NOTE)),
        )
        for criterion in field.criteria
    ]


def rubric_values(field: FormField, values: Mapping[str, str]) -> list[RubricRow]:
    """`rubric_rows` from a mapping of answer keys to values (missing ones empty)."""
    return rubric_rows(field, lambda key: values.get(key, ""))
