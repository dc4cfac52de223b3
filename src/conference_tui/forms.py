"""Conference forms as data: load and validate the TOML files that define them.

A form is the teacher's script for one conference: the stages of the feedback
spiral, the questions to ask at each stage, and the fields to note answers in.
Forms ship in `data/forms/`; a teacher's own forms in the config folder add to
them, or replace a shipped form that has the same id.

Every mistake in a file becomes one `FormError` that names the file, the line
and the field, so the app can show one readable line instead of a traceback.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, get_args

from conference_tui import paths
from conference_tui.field_kinds import (
    KIND_OF_RUBRIC_PART,
    Kind,
    RubricPart,
    form_field_key,
    rubric_answer_key,
)

FieldType = Literal[
    "long_text",
    "short_text",
    "choice",
    "multi_choice",
    "habits",
    "goal",
    "next_step",
    "date",
    "rubric",
]
FIELD_TYPES: tuple[FieldType, ...] = get_args(FieldType)
# What a field is for, where the app uses it beyond its own stage: "last time" at the
# next conference shows the strength noticed and the point taught; a follow-up date
# (a date field) is the roster's Follow-up.
FieldRole = Literal["strength", "teaching_point", "follow_up"]
FIELD_ROLES: tuple[FieldRole, ...] = get_args(FieldRole)
# Types the store acts on (a goal is set, habits counted): at most one field each.
KIND_TYPES: frozenset[FieldType] = frozenset({"goal", "next_step", "habits"})
CHOICE_TYPES: frozenset[FieldType] = frozenset({"choice", "multi_choice"})
DEFAULT_FORM_ID = "writing-conference"
# The built-in form of a small-group conference.
GROUP_FORM_ID = "small-group"
# Fields kept on the conference row itself (the piece): one for the whole group.
GROUP_SHARED_KEYS = frozenset({"piece_title", "genre", "process_stage"})

# Costa & Kallick's 16 Habits of Mind, in their usual order.
HABITS_OF_MIND: tuple[str, ...] = (
    "Persisting",
    "Managing impulsivity",
    "Listening with understanding and empathy",
    "Thinking flexibly",
    "Thinking about thinking (metacognition)",
    "Striving for accuracy",
    "Questioning and posing problems",
    "Applying past knowledge to new situations",
    "Thinking and communicating with clarity and precision",
    "Gathering data through all senses",
    "Creating, imagining, innovating",
    "Responding with wonderment and awe",
    "Taking responsible risks",
    "Finding humor",
    "Thinking interdependently",
    "Remaining open to continuous learning",
)

_FORM_SETTINGS = ("id", "version", "title", "description", "stages")
_STAGE_SETTINGS = ("key", "number", "title", "short", "questions", "fields")
# A short stage name fits the conference's stage list at 80 columns.
SHORT_TITLE_MAX = 20
_FIELD_SETTINGS = (
    "key",
    "label",
    "type",
    "private",
    "hint",
    "choices",
    "role",
    "levels",
    "criteria",
    "student",
    "ask",
    "each",
)
_CRITERION_SETTINGS = ("key", "name", "descriptors")
# A rubric's levels are chosen with the digits 1 to N, and its grid of criteria and
# levels fits the conference screen at 80x24.
RUBRIC_LEVELS = (2, 6)
RUBRIC_CRITERIA_MAX = 10
_KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
_KEY_RULE = "use lowercase letters, digits and _, starting with a letter (like help_request)"


@dataclass(frozen=True)
class RubricCriterion:
    """One row of a rubric: a quality of the work, described at each level."""

    key: str
    name: str
    descriptors: tuple[str, ...]  # one per level, lowest first


@dataclass(frozen=True)
class FormField:
    """One thing the teacher notes at a stage."""

    key: str
    label: str
    type: FieldType
    private: bool  # True: a note for the teacher alone; False: shareable with student and family
    hint: str = ""
    choices: tuple[str, ...] = ()
    role: FieldRole | None = None
    # The student may fill it in on their turn (always a shareable field), asked `ask`.
    student: bool = False
    ask: str = ""
    # A rubric's levels (lowest first) and its criteria; empty for other types.
    levels: tuple[str, ...] = ()
    criteria: tuple[RubricCriterion, ...] = ()
    # In a small-group conference, asked of each student and kept in their conference
    # alone (their goal, next step...); the other fields the group shares.
    each: bool = False

    # Cached (a frozen dataclass's fields never change): an export asks it of every
    # field of every conference.
    @functools.cached_property
    def kind(self) -> Kind | None:
        """What the store does with this field's answer beyond keeping it."""
        if self.type in KIND_TYPES:
            return Kind(self.type)
        return Kind(self.role) if self.role is not None else None

    def answer_keys(self) -> tuple[tuple[str, Kind | None], ...]:
        """The answers this field is saved as, each with its kind: one for most fields;
        for a rubric, each criterion's teacher level, student level and note."""
        if self.type != "rubric":
            return ((self.key, self.kind),)
        return tuple(
            (rubric_answer_key(self.key, criterion.key, part), KIND_OF_RUBRIC_PART[part])
            for criterion in self.criteria
            for part in RubricPart
        )


@dataclass(frozen=True)
class FormStage:
    """One stage of the conference, with the questions to ask and the fields to fill."""

    key: str
    number: int
    title: str
    questions: tuple[str, ...]
    fields: tuple[FormField, ...]
    short: str = ""

    @property
    def short_title(self) -> str:
        """The stage's name where the whole title does not fit."""
        return self.short or self.title


@dataclass(frozen=True)
class Form:
    """A whole conference form, validated."""

    id: str
    version: int
    title: str
    description: str
    stages: tuple[FormStage, ...]
    source: str

    def stage(self, key: str) -> FormStage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"form {self.id!r} has no stage {key!r}")

    def field(self, key: str) -> FormField:
        for stage in self.stages:
            for field in stage.fields:
                if field.key == key:
                    return field
        raise KeyError(f"form {self.id!r} has no field {key!r}")

    def stage_of(self, field_key: str) -> FormStage:
        """The stage of a field, or of the rubric field an answer key is part of."""
        key = form_field_key(field_key)
        for stage in self.stages:
            if any(field.key == key for field in stage.fields):
                return stage
        raise KeyError(f"form {self.id!r} has no field {field_key!r}")

    def field_of_answer(self, answer_key: str) -> FormField | None:
        """The field an answer was saved for (a rubric's, for one of its parts); None
        for a key this form does not know (an older form's)."""
        for stage in self.stages:
            for field in stage.fields:
                if any(key == answer_key for key, _kind in field.answer_keys()):
                    return field
        return None

    @property
    def is_group_form(self) -> bool:
        """A form for small groups: some fields are asked of each student."""
        return any(field.each for stage in self.stages for field in stage.fields)

    def fields_of_type(self, type: FieldType) -> list[FormField]:
        return [field for stage in self.stages for field in stage.fields if field.type == type]

    def field_of_kind(self, kind: Kind) -> FormField | None:
        return next(
            (field for stage in self.stages for field in stage.fields if field.kind == kind), None
        )


class FormError(Exception):
    """A form file that cannot be used, with where the problem is."""

    def __init__(
        self,
        message: str,
        *,
        source: str,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = " ".join(message.splitlines())
        self.source = source
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        location = self.source if self.line is None else f"{self.source}:{self.line}"
        return ": ".join(part for part in (location, self.field, self.message) if part)


class _Lines:
    """Where tables and keys sit in the TOML text: tomllib keeps no positions."""

    _HEADER = re.compile(r"\s*(\[\[?)([^\[\]]*)\]\]?\s*(#.*)?")

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._in_string = [False] * len(self._lines)
        self._headers: list[int] = []
        self._stage_headers: list[int] = []
        self._field_headers: list[list[int]] = []
        self._criteria_headers: list[list[list[int]]] = []
        inside_multiline_string = False
        for index, line in enumerate(self._lines):
            self._in_string[index] = inside_multiline_string
            if (line.count('"""') + line.count("'''")) % 2:
                inside_multiline_string = not inside_multiline_string
            match = None if self._in_string[index] else self._HEADER.fullmatch(line)
            if match:
                self._note_header(index, match.group(1) == "[[", match.group(2))

    def _note_header(self, index: int, is_array: bool, name: str) -> None:
        name = re.sub(r"[\s\"']", "", name)
        self._headers.append(index)
        if is_array and name == "stages":
            self._stage_headers.append(index)
            self._field_headers.append([])
            self._criteria_headers.append([])
        elif is_array and name == "stages.fields" and self._field_headers:
            self._field_headers[-1].append(index)
            self._criteria_headers[-1].append([])
        elif is_array and name == "stages.fields.criteria" and any(self._criteria_headers[-1:]):
            self._criteria_headers[-1][-1].append(index)

    def _block_end(self, start: int) -> int:
        return next((index for index in self._headers if index > start), len(self._lines))

    def _find_key(self, start: int, end: int, key: str) -> int | None:
        name = re.escape(key)
        pattern = re.compile(rf"\s*(?:{name}|\"{name}\"|'{name}')\s*=")
        for index in range(start, end):
            if not self._in_string[index] and pattern.match(self._lines[index]):
                return index + 1
        return None

    def top(self, key: str | None = None) -> int | None:
        """The line of a top-level key, or None."""
        end = self._headers[0] if self._headers else len(self._lines)
        return None if key is None else self._find_key(0, end, key)

    def stage(self, stage: int, key: str | None = None) -> int | None:
        """The line of a key in the stage-th [[stages]] block, else of the block itself."""
        if stage >= len(self._stage_headers):
            return self.top("stages")
        start = self._stage_headers[stage]
        found = None if key is None else self._find_key(start + 1, self._block_end(start), key)
        return found or start + 1

    def field(self, stage: int, field: int, key: str | None = None) -> int | None:
        """The line of a key in a [[stages.fields]] block, else of the block itself."""
        blocks = self._field_headers[stage] if stage < len(self._field_headers) else []
        if field >= len(blocks):
            return self.stage(stage, "fields")
        start = blocks[field]
        found = None if key is None else self._find_key(start + 1, self._block_end(start), key)
        return found or start + 1

    def criterion(self, stage: int, field: int, index: int, key: str | None = None) -> int | None:
        """The line of a key in a [[stages.fields.criteria]] block, else of the block."""
        fields = self._criteria_headers[stage] if stage < len(self._criteria_headers) else []
        blocks = fields[field] if field < len(fields) else []
        if index >= len(blocks):
            return self.field(stage, field, "criteria")
        start = blocks[index]
        found = None if key is None else self._find_key(start + 1, self._block_end(start), key)
        return found or start + 1


LineOf = Callable[[str | None], int | None]


def _describe(value: object) -> str:
    """A teacher-readable name for what a TOML value is."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, date | datetime | time):
        return f"the date/time {value.isoformat()}"
    return repr(value)


def _suggest(word: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _legacy_follow_up(stages: tuple[FormStage, ...]) -> tuple[FormStage, ...]:
    """A form written before the follow_up role knew its follow-up date by the key
    `follow_up`: such a date field keeps that meaning."""

    def read(field: FormField) -> FormField:
        if field.key == "follow_up" and field.type == "date" and field.role is None:
            return replace(field, role="follow_up")
        return field

    return tuple(
        replace(stage, fields=tuple(read(field) for field in stage.fields)) for stage in stages
    )


class _Parser:
    """Turns the parsed TOML of one file into a Form, or raises the first FormError."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.where = _Lines(text)
        self.stage_keys: dict[str, int] = {}
        self.field_keys: dict[str, str] = {}
        self.field_roles: dict[str, str] = {}
        self.kind_fields: dict[str, str] = {}

    def error(self, message: str, line: int | None, field: str | None) -> FormError:
        return FormError(message, source=self.source, line=line, field=field)

    def form(self, data: dict[str, Any]) -> Form:
        self.reject_unknown(data, _FORM_SETTINGS, "", self.where.top)
        form_id = self.form_id(data.get("id"))
        version = data.get("version")
        if version is None:
            raise self.error("missing version: add version = 1", None, "version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            message = f"version must be a whole number from 1 up, not {_describe(version)}"
            raise self.error(message, self.where.top("version"), "version")
        stages = data.get("stages")
        if not isinstance(stages, list) or not stages:
            message = "the form needs at least one [[stages]] block"
            raise self.error(message, self.where.top("stages"), "stages")
        parsed = tuple(self.stage(index, table) for index, table in enumerate(stages))
        self.check_group(parsed)
        return Form(
            id=form_id,
            version=version,
            title=self.text(data, "title", "", self.where.top, required=True),
            description=self.text(data, "description", "", self.where.top, required=False),
            stages=parsed if "follow_up" in self.field_roles else _legacy_follow_up(parsed),
            source=self.source,
        )

    def check_group(self, stages: tuple[FormStage, ...]) -> None:
        """A small-group form shares something: a form of nothing but fields asked of
        each student is a conference with one student, held several times."""
        fields = [(index, position, field) for index, stage in enumerate(stages)
                  for position, field in enumerate(stage.fields)]  # fmt: skip
        each = [item for item in fields if item[2].each]
        if each and len(each) == len(fields):
            index, position, field = each[0]
            message = (
                "every field is asked of each student: a small-group form needs at least"
                " one field the group shares (the teaching point, say), without each"
            )
            line = self.where.field(index, position, "each")
            raise self.error(message, line, f"stages.{stages[index].key}.fields.{field.key}.each")

    def form_id(self, raw: object) -> str:
        if raw is None:
            stem = Path(self.source).stem
            if _ID_PATTERN.fullmatch(stem):
                return stem
            message = (
                f'the file name {stem!r} cannot be a form id: add id = "my-form"'
                " (lowercase letters, digits, - and _)"
            )
            raise self.error(message, None, "id")
        if not isinstance(raw, str) or not _ID_PATTERN.fullmatch(raw):
            message = f"id must be lowercase letters, digits, - and _, not {_describe(raw)}"
            raise self.error(message, self.where.top("id"), "id")
        return raw

    def stage(self, index: int, table: object) -> FormStage:
        number = index + 1

        def line_of(key: str | None) -> int | None:
            return self.where.stage(index, key)

        if not isinstance(table, dict):
            raise self.error("each stage must be a [[stages]] table", line_of(None), "stages")
        raw_key = table.get("key")
        is_usable_key = isinstance(raw_key, str) and _KEY_PATTERN.fullmatch(raw_key)
        path = f"stages.{raw_key}" if is_usable_key else f"stages[{number}]"
        self.reject_unknown(table, _STAGE_SETTINGS, path, line_of)
        key = self.key(table, path, line_of)
        if key in self.stage_keys:
            message = f"duplicate stage key {key!r}: stage {self.stage_keys[key]} uses it too"
            raise self.error(message, line_of("key"), f"{path}.key")
        self.stage_keys[key] = number
        stated_number = table.get("number", number)
        if type(stated_number) is not int or stated_number != number:
            message = (
                f"number is {_describe(stated_number)} but this is stage {number}:"
                " stages are numbered 1 to N in the order they appear"
            )
            raise self.error(message, line_of("number"), f"{path}.number")
        title = self.text(table, "title", path, line_of, required=True)
        short = self.text(table, "short", path, line_of, required=False)
        if len(short) > SHORT_TITLE_MAX:
            message = (
                f"short is {len(short)} characters: at most {SHORT_TITLE_MAX} fit the list"
                " of stages (the full title is shown above the stage)"
            )
            raise self.error(message, line_of("short"), f"{path}.short")
        questions = self.questions(table.get("questions"), path, line_of)
        fields = table.get("fields", [])
        if not isinstance(fields, list):
            message = "fields must be [[stages.fields]] blocks"
            raise self.error(message, line_of("fields"), f"{path}.fields")
        return FormStage(
            key=key,
            number=number,
            title=title,
            short=short,
            questions=questions,
            fields=tuple(
                self.field(index, position, raw, path) for position, raw in enumerate(fields)
            ),
        )

    def questions(self, raw: object, path: str, line_of: LineOf) -> tuple[str, ...]:
        if raw is None:
            message = 'missing questions: add questions = ["What are you working on?"]'
            raise self.error(message, line_of(None), f"{path}.questions")
        return self.text_list(raw, "question", f"{path}.questions", line_of("questions"))

    def field(self, stage: int, index: int, table: object, stage_path: str) -> FormField:
        def line_of(key: str | None) -> int | None:
            return self.where.field(stage, index, key)

        if not isinstance(table, dict):
            message = "each field must be a [[stages.fields]] table"
            raise self.error(message, line_of(None), f"{stage_path}.fields")
        raw_key = table.get("key")
        is_usable_key = isinstance(raw_key, str) and _KEY_PATTERN.fullmatch(raw_key)
        path = (
            f"{stage_path}.fields.{raw_key}"
            if is_usable_key
            else f"{stage_path}.fields[{index + 1}]"
        )
        self.reject_unknown(table, _FIELD_SETTINGS, path, line_of)
        key = self.key(table, path, line_of)
        if key in self.field_keys:
            message = (
                f"duplicate field key {key!r}: {self.field_keys[key]} has it already"
                " (field keys must be unique in the whole form)"
            )
            raise self.error(message, line_of("key"), f"{path}.key")
        self.field_keys[key] = stage_path
        label = self.text(table, "label", path, line_of, required=True)
        field_type = self.field_type(table.get("type"), path, line_of)
        if field_type in KIND_TYPES:
            if field_type in self.kind_fields:
                message = (
                    f"field {self.kind_fields[field_type]!r} is this form's {field_type} field"
                    f" already: a form has one {field_type} field"
                )
                raise self.error(message, line_of("type"), f"{path}.type")
            self.kind_fields[field_type] = key
        private = table.get("private", True)
        if not isinstance(private, bool):
            message = f"private must be true or false (no quotes), not {_describe(private)}"
            raise self.error(message, line_of("private"), f"{path}.private")
        student = table.get("student", False)
        if not isinstance(student, bool):
            message = f"student must be true or false (no quotes), not {_describe(student)}"
            raise self.error(message, line_of("student"), f"{path}.student")
        if student and private:
            message = (
                "a field the student fills in on their turn is shown to them: add private = false"
            )
            raise self.error(message, line_of("student"), f"{path}.student")
        each = table.get("each", False)
        if not isinstance(each, bool):
            message = f"each must be true or false (no quotes), not {_describe(each)}"
            raise self.error(message, line_of("each"), f"{path}.each")
        if each and key in GROUP_SHARED_KEYS:
            message = (
                f"{key} names the piece the conference is about, which a small group"
                " shares: remove each"
            )
            raise self.error(message, line_of("each"), f"{path}.each")
        levels = self.levels(table, field_type, path, line_of)
        return FormField(
            key=key,
            label=label,
            type=field_type,
            private=private,
            hint=self.text(table, "hint", path, line_of, required=False),
            choices=self.choices(table, field_type, path, line_of),
            role=self.role(table.get("role"), key, field_type, path, line_of),
            student=student,
            ask=self.text(table, "ask", path, line_of, required=False),
            levels=levels,
            criteria=self.criteria(table, levels, (stage, index), path, line_of),
            each=each,
        )

    def levels(
        self, table: dict[str, Any], field_type: FieldType, path: str, line_of: LineOf
    ) -> tuple[str, ...]:
        raw = table.get("levels")
        field = f"{path}.levels"
        if field_type != "rubric":
            if raw is not None:
                raise self.error("levels only apply to rubric fields", line_of("levels"), field)
            return ()
        low, high = RUBRIC_LEVELS
        if raw is None:
            message = (
                f'a rubric field needs levels = ["Beginning", "Developing", ...]: {low} to'
                f" {high} names, lowest first"
            )
            raise self.error(message, line_of("type"), field)
        levels = self.text_list(raw, "level", field, line_of("levels"))
        if not low <= len(levels) <= high:
            message = (
                f"levels lists {len(levels)}: a rubric has {low} to {high} levels (each"
                " is chosen with its digit, and the grid must fit the screen)"
            )
            raise self.error(message, line_of("levels"), field)
        return levels

    def criteria(
        self,
        table: dict[str, Any],
        levels: tuple[str, ...],
        where: tuple[int, int],
        path: str,
        line_of: LineOf,
    ) -> tuple[RubricCriterion, ...]:
        raw = table.get("criteria")
        field = f"{path}.criteria"
        if not levels:
            if raw is not None:
                message = "criteria only apply to rubric fields"
                raise self.error(message, line_of("criteria"), field)
            return ()
        if not isinstance(raw, list) or not raw:
            message = (
                "a rubric field needs its criteria: one [[stages.fields.criteria]] block"
                " each, with key, name and descriptors (one per level)"
            )
            raise self.error(message, line_of("criteria") or line_of(None), field)
        if len(raw) > RUBRIC_CRITERIA_MAX:
            message = f"{len(raw)} criteria: a rubric has at most {RUBRIC_CRITERIA_MAX}"
            raise self.error(message, line_of("criteria"), field)
        keys: dict[str, int] = {}
        criteria = []
        for index, item in enumerate(raw):
            criterion = self.criterion(item, index, levels, where, field)
            if criterion.key in keys:
                message = (
                    f"duplicate criterion key {criterion.key!r}: criterion"
                    f" {keys[criterion.key]} uses it too"
                )
                line = self.where.criterion(*where, index, "key")
                raise self.error(message, line, f"{field}.{criterion.key}.key")
            keys[criterion.key] = index + 1
            criteria.append(criterion)
        return tuple(criteria)

    def criterion(
        self,
        table: object,
        index: int,
        levels: tuple[str, ...],
        where: tuple[int, int],
        rubric_path: str,
    ) -> RubricCriterion:
        def line_of(key: str | None) -> int | None:
            return self.where.criterion(*where, index, key)

        if not isinstance(table, dict):
            message = "each criterion must be a [[stages.fields.criteria]] table"
            raise self.error(message, line_of(None), rubric_path)
        raw_key = table.get("key")
        is_usable_key = isinstance(raw_key, str) and _KEY_PATTERN.fullmatch(raw_key)
        path = f"{rubric_path}.{raw_key}" if is_usable_key else f"{rubric_path}[{index + 1}]"
        self.reject_unknown(table, _CRITERION_SETTINGS, path, line_of)
        key = self.key(table, path, line_of)
        name = self.text(table, "name", path, line_of, required=True)
        raw = table.get("descriptors")
        if raw is None:
            message = (
                f"missing descriptors: one short description per level ({len(levels)}:"
                f" {', '.join(levels)}), lowest first"
            )
            raise self.error(message, line_of(None), f"{path}.descriptors")
        descriptors = self.text_list(
            raw, "descriptor", f"{path}.descriptors", line_of("descriptors")
        )
        if len(descriptors) != len(levels):
            message = (
                f"descriptors lists {len(descriptors)} but the rubric has {len(levels)}"
                f" levels ({', '.join(levels)}): one descriptor per level, lowest first"
            )
            raise self.error(message, line_of("descriptors"), f"{path}.descriptors")
        return RubricCriterion(key=key, name=name, descriptors=descriptors)

    def role(
        self, raw: object, key: str, field_type: FieldType, path: str, line_of: LineOf
    ) -> FieldRole | None:
        if raw is None:
            return None
        if field_type == "rubric":
            message = "a rubric field takes no role: remove role"
            raise self.error(message, line_of("role"), f"{path}.role")
        allowed = ", ".join(FIELD_ROLES)
        for role in FIELD_ROLES:
            if raw == role:
                if role == "follow_up" and field_type != "date":
                    message = 'role "follow_up" is for a date field: add type = "date"'
                    raise self.error(message, line_of("role"), f"{path}.role")
                if role in self.field_roles:
                    message = (
                        f"role {role!r} is given to field {self.field_roles[role]!r} already:"
                        " one field per role"
                    )
                    raise self.error(message, line_of("role"), f"{path}.role")
                self.field_roles[role] = key
                return role
        hint = _suggest(raw, FIELD_ROLES) if isinstance(raw, str) else ""
        message = f"unknown role {_describe(raw)}{hint}; allowed: {allowed}"
        raise self.error(message, line_of("role"), f"{path}.role")

    def field_type(self, raw: object, path: str, line_of: LineOf) -> FieldType:
        allowed = ", ".join(FIELD_TYPES)
        if raw is None:
            raise self.error(f"missing type; allowed: {allowed}", line_of(None), f"{path}.type")
        if raw not in FIELD_TYPES:
            hint = _suggest(raw, FIELD_TYPES) if isinstance(raw, str) else ""
            message = f"unknown field type {raw!r}{hint}; allowed: {allowed}"
            raise self.error(message, line_of("type"), f"{path}.type")
        return raw

    def choices(
        self, table: dict[str, Any], field_type: FieldType, path: str, line_of: LineOf
    ) -> tuple[str, ...]:
        field = f"{path}.choices"
        raw = table.get("choices")
        if field_type not in CHOICE_TYPES:
            if raw is not None:
                message = "choices only apply to choice and multi_choice fields"
                if field_type == "habits":
                    message = "a habits field always offers the 16 Habits of Mind: remove choices"
                raise self.error(message, line_of("choices"), field)
            return HABITS_OF_MIND if field_type == "habits" else ()
        if raw is None:
            message = f'a {field_type} field needs choices = ["first", "second", ...]'
            raise self.error(message, line_of("type"), field)
        return self.text_list(raw, "choice", field, line_of("choices"))

    def text_list(self, raw: object, noun: str, field: str, line: int | None) -> tuple[str, ...]:
        """A non-empty list of distinct, non-blank texts, stripped."""
        if not isinstance(raw, list) or not raw:
            message = f"{noun}s must be a list of at least one {noun} in quotes"
            raise self.error(message, line, field)
        items: list[str] = []
        for item in raw:
            if not isinstance(item, str) or not item.strip():
                message = f"each {noun} must be text in quotes, not {_describe(item)}"
                raise self.error(message, line, field)
            if item.strip() in items:
                raise self.error(f"{noun} {item!r} is listed twice", line, field)
            items.append(item.strip())
        return tuple(items)

    def key(self, table: dict[str, Any], path: str, line_of: LineOf) -> str:
        raw = table.get("key")
        if raw is None:
            raise self.error(f"missing key ({_KEY_RULE})", line_of(None), f"{path}.key")
        if not isinstance(raw, str) or not _KEY_PATTERN.fullmatch(raw):
            message = f"key {_describe(raw)} is not usable: {_KEY_RULE}"
            raise self.error(message, line_of("key"), f"{path}.key")
        return raw

    def text(
        self, table: dict[str, Any], name: str, path: str, line_of: LineOf, *, required: bool
    ) -> str:
        field = f"{path}.{name}" if path else name
        raw = table.get(name)
        if raw is None:
            if required:
                raise self.error(f'missing {name}: add {name} = "..."', line_of(None), field)
            return ""
        if not isinstance(raw, str):
            message = f"{name} must be text in quotes, not {_describe(raw)}"
            raise self.error(message, line_of(name), field)
        if required and not raw.strip():
            raise self.error(f"{name} is empty", line_of(name), field)
        return raw.strip()

    def reject_unknown(
        self, table: dict[str, Any], allowed: tuple[str, ...], path: str, line_of: LineOf
    ) -> None:
        for name in table:
            if name not in allowed:
                hint = _suggest(name, allowed) or f"; allowed: {', '.join(allowed)}"
                field = f"{path}.{name}" if path else name
                raise self.error(f"unknown setting {name!r}{hint}", line_of(name), field)


def _syntax_error(error: tomllib.TOMLDecodeError, text: str, source: str) -> FormError:
    message = str(error)
    line: int | None = None
    position = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if position:
        line = int(position.group(1))
        message = f"{message[: position.start()]} (column {position.group(2)})"
    elif "(at end of document)" in message:
        line = max(1, len(text.splitlines()))
        message = message.replace(" (at end of document)", " at the end of the file")
    return FormError(f"not valid TOML: {message}", source=source, line=line)


def parse_form(text: str, source: str) -> Form:
    """Parse and validate a form's TOML text; `source` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text, source) from None
    return _Parser(text, source).form(data)


def load_form(path: Path) -> Form:
    """Read, parse and validate one form file; every failure is a FormError."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FormError(f"cannot read the file: {error.strerror or error}", source=source) from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text (byte {data[error.start]:#04x}): save the file as UTF-8"
        raise FormError(message, source=source, line=line) from None
    return parse_form(text, source)


def _load_folder(folder: Path, errors: list[FormError]) -> dict[str, Form]:
    """The valid forms in one folder by id; problems go to `errors`."""
    if not folder.exists():
        return {}
    try:
        files = sorted(
            path
            for path in folder.iterdir()
            if path.suffix == ".toml" and not path.name.startswith(".")
        )
    except OSError as error:
        errors.append(
            FormError(f"cannot read the forms folder: {error.strerror}", source=str(folder))
        )
        return {}
    forms: dict[str, Form] = {}
    for path in files:
        try:
            form = load_form(path)
        except FormError as error:
            errors.append(error)
            continue
        if form.id in forms:
            message = f"form id {form.id!r} is already used by {forms[form.id].source}"
            errors.append(FormError(message, source=form.source, field="id"))
            continue
        forms[form.id] = form
    return forms


def load_forms(user_dir: Path | None = None) -> tuple[dict[str, Form], list[FormError]]:
    """All built-in forms, then the teacher's (overriding by id); broken files as errors."""
    errors: list[FormError] = []
    forms = _load_folder(paths.builtin_forms_dir(), errors)
    forms.update(_load_folder(paths.user_forms_dir() if user_dir is None else user_dir, errors))
    return forms, errors


def load_default_form(form_id: str = DEFAULT_FORM_ID, user_dir: Path | None = None) -> Form:
    """The form with this id: the teacher's if it is valid, else the built-in one."""
    forms, errors = load_forms(user_dir)
    return choose_form(forms, errors, form_id, user_dir)


def choose_form(
    forms: dict[str, Form], errors: list[FormError], form_id: str, user_dir: Path | None = None
) -> Form:
    """The form with this id among those loaded, or the FormError that says why not:
    its file's own mistake, or that no form has the id."""
    if form_id in forms:
        return forms[form_id]
    for error in errors:
        if Path(error.source).stem == form_id:
            raise error
    available = ", ".join(sorted(forms)) or "none"
    folder = paths.user_forms_dir() if user_dir is None else user_dir
    message = f"there is no form with id {form_id!r} (available: {available})"
    raise FormError(message, source=str(folder))


def pick_forms(
    default_form: str, given: Form | None = None, user_dir: Path | None = None
) -> tuple[Form, dict[str, Form], list[str]]:
    """The form `n` starts (`given`, else the one settings name), every form to pick, and
    what to tell the teacher of the forms that cannot be used. A broken or unknown
    default form must not stop the app: the built-in one stands in for it."""
    forms, problems = load_forms(user_dir)
    told = []
    if given is not None:
        form = forms[given.id] = given
    else:
        try:
            form = choose_form(forms, problems, default_form, user_dir)
        except FormError as exc:
            told.append(f"{exc}\nUsing the built-in writing conference form instead.")
            form = choose_form(forms, problems, DEFAULT_FORM_ID, user_dir)
    for problem in problems:
        if Path(problem.source).stem != default_form:
            told.append(f"{problem}\nThat form is left out of the forms to pick from.")
    return form, forms, told
