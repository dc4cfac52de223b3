"""What an archive holds: each kind of record, its table and its columns' types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Literal

from sqlalchemy import Boolean, Date, Integer, Table

from conference_tui.store.models import (
    Answer,
    AnswerRevision,
    Base,
    Conference,
    Goal,
    HabitObservation,
    SchoolClass,
    Student,
    UTCDateTime,
)

ColumnKind = Literal["text", "int", "bool", "datetime", "date"]
Value = str | int | bool | datetime | date | None
Record = dict[str, Value]
Records = dict[str, list[Record]]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: ColumnKind
    nullable: bool


@dataclass(frozen=True)
class TableSpec:
    """One kind of record in an archive: its name there, its table, its columns."""

    kind: str
    table: Table
    columns: tuple[ColumnSpec, ...]

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _kind_of(column_type: object) -> ColumnKind:
    if isinstance(column_type, UTCDateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Integer):
        return "int"
    return "text"


# The state of one database, not records: an answer's version, which copy of the app
# has a draft open, and which teacher's role owns a class on a school server. An
# archive leaves them out; merged rows get the defaults (a class imported onto a
# server belongs to the role that imports it).
LOCAL_COLUMNS = frozenset({"version", "editor_id", "editor_seen_at", "owner"})


def _spec(kind: str, model: type[Base]) -> TableSpec:
    table = Base.metadata.tables[str(model.__tablename__)]
    columns = tuple(
        ColumnSpec(column.name, _kind_of(column.type), bool(column.nullable))
        for column in table.columns
        if column.name not in LOCAL_COLUMNS
    )
    return TableSpec(kind, table, columns)


# In the order records must be written: every reference points backwards.
ARCHIVE_TABLES: tuple[TableSpec, ...] = (
    _spec("classes", SchoolClass),
    _spec("students", Student),
    _spec("conferences", Conference),
    _spec("answers", Answer),
    _spec("answer_revisions", AnswerRevision),
    _spec("habits", HabitObservation),
    _spec("goals", Goal),
)
TABLE_BY_KIND = {spec.kind: spec for spec in ARCHIVE_TABLES}
