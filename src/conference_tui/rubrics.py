"""Reading a rubric field's answers: each criterion's two levels and its note.

A rubric is saved as three answers per criterion (see field_kinds): the teacher's
level and the student's own level, each as its number "1".."N" ("" for none), and a
note. The level names come from the form, so a level stored for a rubric that was
edited since (fewer levels, say) is reported as unknown, never guessed and never lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from conference_tui.field_kinds import RubricPart, rubric_answer_key
from conference_tui.forms import FormField, RubricCriterion
from conference_tui.store.records import RubricScore


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


# A level as a bar, lowest to highest, for a trend that fits beside a criterion.
BARS = "▁▂▃▄▅▆▇█"
UNKNOWN_BAR = "?"


def level_bar(value: str, levels: int) -> str:
    """One level as a bar as high as the level is in the rubric; "?" for unknown."""
    number = level_number(value, levels)
    if number is None:
        return UNKNOWN_BAR
    return BARS[round((number - 1) * (len(BARS) - 1) / max(1, levels - 1))]


@dataclass(frozen=True)
class CriterionTrend:
    """One criterion's levels over a learner's conferences, oldest first: each side's
    (conference id, stored level), only conferences where that side chose one."""

    criterion: RubricCriterion
    teacher: tuple[tuple[str, str], ...]
    student: tuple[tuple[str, str], ...]


def rubric_trends(field: FormField, scores: Iterable[RubricScore]) -> list[CriterionTrend]:
    """Each criterion of `field` over time, from the learner's scores (oldest first, as
    `Store.rubric_scores` gives them)."""
    by_key: dict[str, list[tuple[str, str]]] = {}
    for score in scores:
        by_key.setdefault(score.answer_key, []).append((score.conference_id, score.value))
    return [
        CriterionTrend(
            criterion,
            tuple(by_key.get(rubric_answer_key(field.key, criterion.key, RubricPart.TEACHER), [])),
            tuple(by_key.get(rubric_answer_key(field.key, criterion.key, RubricPart.STUDENT), [])),
        )
        for criterion in field.criteria
    ]
