"""Every record as plain values, and merging such records back in by UUID.

This is the store's half of the JSON archive (`conference_tui.export.archive` does
the JSON): `dump_records` reads every table in one transaction, so the copy is a
consistent snapshot; `merge_records` folds records from another copy into this one.

The merge rule, per record, matched by its UUID:
- a record this database lacks is added;
- a record that differs is replaced when the incoming copy is newer (classes,
  students, conferences and answers by `updated_at`; goals by the latest of
  set, closed, or last save of the goal answer of the conference that set it);
  on a tie, or when this database's copy is newer, this database's copy is kept;
- answers are also matched by (conference, field), since two laptops may each
  have written the same field of the same conference under different ids;
- habits observed belong to their conference and follow it as a set;
- answer revisions never change once written, so they are only ever added;
- nothing is ever deleted by a merge.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Boolean, Date, Integer, Table, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from conference_tui.store.base import StoreBase, check_text, clean_name, clean_optional_name
from conference_tui.store.errors import InvalidInputError
from conference_tui.store.models import (
    Answer,
    AnswerRevision,
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

GOAL_FIELD = "goal"
READ_BATCH = 1000


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

    @property
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


# The state of one database's editing, not records: an answer's version and which copy
# of the app has a draft open. An archive leaves them out; merged rows get the defaults.
LOCAL_COLUMNS = frozenset({"version", "editor_id", "editor_seen_at"})


def _spec(kind: str, model: type[SQLModel]) -> TableSpec:
    table = SQLModel.metadata.tables[str(model.__tablename__)]
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


@dataclass
class KindCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_local: int = 0

    @property
    def changed(self) -> int:
        return self.new + self.updated


@dataclass
class MergeReport:
    """What a merge did (or, in a dry run, would do), per kind of record.

    Habits are not counted apart: they change only with their conference."""

    dry_run: bool
    counts: dict[str, KindCounts] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(counts.changed for counts in self.counts.values())


@dataclass
class _Plan:
    inserts: dict[str, list[Record]] = field(default_factory=dict)
    updates: dict[str, list[Record]] = field(default_factory=dict)
    habit_sets: dict[str, list[str]] = field(default_factory=dict)


# Columns the store cleans as names; every other text column that is not an id or a
# key of the form is free text, checked as the store checks a note.
NAME_RULES = {
    ("classes", "name"): "class name",
    ("students", "name"): "name",
}
OPTIONAL_NAME_RULES = {
    ("classes", "school_year"): "school year",
    ("students", "preferred_name"): "preferred name",
}
FREE_TEXT_COLUMNS = {
    "students": ("interests", "strengths", "needs"),
    "conferences": ("piece_title", "genre", "process_stage"),
    "answers": ("value",),
    "answer_revisions": ("value",),
    "goals": ("text",),
}


def _with_store_rules(spec: TableSpec, record: Record, number: int) -> Record:
    """The record with each text cleaned by the very function the store applies when the
    teacher types it, so that an archive brings in nothing that could not be typed.
    A value the store would refuse is refused, naming the record."""
    cleaned = dict(record)
    try:
        for column in spec.column_names:
            value = cleaned.get(column)
            if not isinstance(value, str):
                continue
            if (spec.kind, column) in NAME_RULES:
                cleaned[column] = clean_name(value, NAME_RULES[spec.kind, column])
            elif (spec.kind, column) in OPTIONAL_NAME_RULES:
                what = OPTIONAL_NAME_RULES[spec.kind, column]
                cleaned[column] = clean_optional_name(value, what)
            elif column in FREE_TEXT_COLUMNS.get(spec.kind, ()):
                cleaned[column] = check_text(value, column.replace("_", " "))
    except InvalidInputError as exc:
        raise InvalidInputError(f"{spec.kind}, record {number}: {exc}") from None
    return cleaned


def _without(record: Mapping[str, Value], *keys: str) -> dict[str, Value]:
    return {key: value for key, value in record.items() if key not in keys}


def _newest(*moments: Value) -> datetime:
    times = [moment for moment in moments if isinstance(moment, datetime)]
    return max(times)


class RecordSnapshot:
    """Every record of one consistent snapshot of the database, read a kind at a time
    and a few hundred rows at a time, so that memory does not grow with the database."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.counts = {
            spec.kind: int(session.scalar(select(func.count()).select_from(spec.table)) or 0)
            for spec in ARCHIVE_TABLES
        }

    def records(self, spec: TableSpec) -> Iterator[Record]:
        """The records of one kind, in primary key order."""
        names = spec.column_names
        query = (
            select(*(spec.table.c[name] for name in names))
            .order_by(*spec.table.primary_key.columns)
            .execution_options(yield_per=READ_BATCH)
        )
        for row in self._session.execute(query):
            yield dict(zip(names, row, strict=True))


class ArchiveStore(StoreBase):
    @contextlib.contextmanager
    def record_snapshot(self) -> Iterator[RecordSnapshot]:
        """Every record of every table as one consistent snapshot (one read transaction),
        to be read within the block."""
        with self._read() as session:
            if self.dialect == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield RecordSnapshot(session)

    def dump_records(self) -> Records:
        """Every record of every table, in write order, as one consistent snapshot
        (in memory: for tests and small databases; an archive streams them)."""
        with self.record_snapshot() as snapshot:
            return {spec.kind: list(snapshot.records(spec)) for spec in ARCHIVE_TABLES}

    def merge_records(
        self, records: Mapping[str, Sequence[Record]], *, dry_run: bool
    ) -> MergeReport:
        """Fold records (as `dump_records` returns them) into this database, in one
        transaction; with `dry_run`, only count what would change."""
        incoming = {
            spec.kind: [
                _with_store_rules(spec, record, number)
                for number, record in enumerate(records.get(spec.kind, ()), start=1)
            ]
            for spec in ARCHIVE_TABLES
        }
        _check_unique_ids(incoming)
        report = MergeReport(dry_run=dry_run)
        session_scope = self._read() if dry_run else self._write()
        with session_scope as session:
            plan, answer_ids = self._plan(session, incoming, report)
            _check_references(session, incoming, answer_ids)
            if not dry_run:
                _apply(session, plan)
        return report

    # -- deciding -----------------------------------------------------------------

    def _plan(
        self, session: Session, incoming: Records, report: MergeReport
    ) -> tuple[_Plan, dict[str, str]]:
        plan = _Plan()
        for kind in ("classes", "students", "conferences"):
            self._plan_by_updated_at(session, kind, incoming[kind], plan, report)
        self._plan_habits(session, incoming, plan)
        answer_ids = self._plan_answers(session, incoming["answers"], plan, report)
        self._plan_revisions(session, incoming["answer_revisions"], answer_ids, plan, report)
        self._plan_goals(session, incoming, plan, report)
        return plan, answer_ids

    def _existing(self, session: Session, kind: str, ids: Iterable[str]) -> dict[str, Record]:
        table = TABLE_BY_KIND[kind].table
        found: dict[str, Record] = {}
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in session.execute(select(table).where(table.c.id.in_(chunk))).mappings():
                found[str(row["id"])] = dict(row)
        return found

    def _plan_by_updated_at(
        self, session: Session, kind: str, rows: list[Record], plan: _Plan, report: MergeReport
    ) -> None:
        counts = report.counts.setdefault(kind, KindCounts())
        existing = self._existing(session, kind, (str(row["id"]) for row in rows))
        for row in rows:
            local = existing.get(str(row["id"]))
            if local is None:
                plan.inserts.setdefault(kind, []).append(row)
                counts.new += 1
            elif local == row:
                counts.unchanged += 1
            elif _newest(row["updated_at"]) > _newest(local["updated_at"]):
                plan.updates.setdefault(kind, []).append(row)
                counts.updated += 1
            else:
                counts.kept_local += 1

    def _plan_habits(self, session: Session, incoming: Records, plan: _Plan) -> None:
        """A conference added or replaced brings its habits; others keep theirs."""
        touched = {
            str(row["id"])
            for kind in ("inserts", "updates")
            for row in getattr(plan, kind).get("conferences", [])
        }
        if not touched:
            return
        wanted: dict[str, list[str]] = {conference_id: [] for conference_id in touched}
        for row in incoming["habits"]:
            conference_id = str(row["conference_id"])
            if conference_id in wanted:
                wanted[conference_id].append(str(row["habit"]))
        table = TABLE_BY_KIND["habits"].table
        current: dict[str, set[str]] = {}
        ids = sorted(touched)
        for start in range(0, len(ids), 500):
            query = select(table).where(table.c.conference_id.in_(ids[start : start + 500]))
            for habit in session.execute(query).mappings():
                current.setdefault(str(habit["conference_id"]), set()).add(str(habit["habit"]))
        for conference_id, habits in wanted.items():
            if set(habits) != current.get(conference_id, set()):
                plan.habit_sets[conference_id] = sorted(set(habits))

    def _plan_answers(
        self, session: Session, rows: list[Record], plan: _Plan, report: MergeReport
    ) -> dict[str, str]:
        """Returns incoming answer id -> the id the answer has in this database."""
        counts = report.counts.setdefault("answers", KindCounts())
        by_id = self._existing(session, "answers", (str(row["id"]) for row in rows))
        table = TABLE_BY_KIND["answers"].table
        conference_ids = sorted({str(row["conference_id"]) for row in rows})
        by_field: dict[tuple[str, str], Record] = {}
        for start in range(0, len(conference_ids), 500):
            query = select(table).where(
                table.c.conference_id.in_(conference_ids[start : start + 500])
            )
            for found in session.execute(query).mappings():
                by_field[(str(found["conference_id"]), str(found["field_key"]))] = dict(found)
        answer_ids: dict[str, str] = {}
        for row in rows:
            row_id = str(row["id"])
            local = by_id.get(row_id) or by_field.get(
                (str(row["conference_id"]), str(row["field_key"]))
            )
            if local is None:
                answer_ids[row_id] = row_id
                plan.inserts.setdefault("answers", []).append(row)
                counts.new += 1
                continue
            answer_ids[row_id] = str(local["id"])
            if _without(local, "id") == _without(row, "id"):
                counts.unchanged += 1
            elif _newest(row["updated_at"]) > _newest(local["updated_at"]):
                plan.updates.setdefault("answers", []).append({**row, "id": local["id"]})
                counts.updated += 1
            else:
                counts.kept_local += 1
        return answer_ids

    def _plan_revisions(
        self,
        session: Session,
        rows: list[Record],
        answer_ids: Mapping[str, str],
        plan: _Plan,
        report: MergeReport,
    ) -> None:
        counts = report.counts.setdefault("answer_revisions", KindCounts())
        existing = self._existing(session, "answer_revisions", (str(row["id"]) for row in rows))
        for row in rows:
            local = existing.get(str(row["id"]))
            if local is None:
                answer_id = str(row["answer_id"])
                plan.inserts.setdefault("answer_revisions", []).append(
                    {**row, "answer_id": answer_ids.get(answer_id, answer_id)}
                )
                counts.new += 1
            elif _without(local, "answer_id") == _without(row, "answer_id"):
                counts.unchanged += 1
            else:
                counts.kept_local += 1

    def _plan_goals(
        self, session: Session, incoming: Records, plan: _Plan, report: MergeReport
    ) -> None:
        counts = report.counts.setdefault("goals", KindCounts())
        rows = incoming["goals"]
        existing = self._existing(session, "goals", (str(row["id"]) for row in rows))
        incoming_goal_saves = {
            str(answer["conference_id"]): answer["updated_at"]
            for answer in incoming["answers"]
            if answer["field_key"] == GOAL_FIELD
        }
        local_goal_saves = self._local_goal_saves(
            session, {str(row["set_by_conference_id"]) for row in existing.values()}
        )
        for row in rows:
            local = existing.get(str(row["id"]))
            if local is None:
                plan.inserts.setdefault("goals", []).append(row)
                counts.new += 1
                continue
            if local == row:
                counts.unchanged += 1
                continue
            theirs = _newest(
                row["set_at"],
                row["closed_at"],
                incoming_goal_saves.get(str(row["set_by_conference_id"])),
            )
            ours = _newest(
                local["set_at"],
                local["closed_at"],
                local_goal_saves.get(str(local["set_by_conference_id"])),
            )
            if theirs > ours:
                plan.updates.setdefault("goals", []).append(row)
                counts.updated += 1
            else:
                counts.kept_local += 1

    def _local_goal_saves(self, session: Session, conference_ids: set[str]) -> dict[str, datetime]:
        table = TABLE_BY_KIND["answers"].table
        ids = sorted(conference_ids)
        saves: dict[str, datetime] = {}
        for start in range(0, len(ids), 500):
            query = select(table.c.conference_id, table.c.updated_at).where(
                table.c.conference_id.in_(ids[start : start + 500]),
                table.c.field_key == GOAL_FIELD,
            )
            for conference_id, updated_at in session.execute(query).all():
                saves[str(conference_id)] = updated_at
        return saves


# -- checking ---------------------------------------------------------------------


def _check_unique_ids(incoming: Records) -> None:
    for spec in ARCHIVE_TABLES:
        keys = [column.name for column in spec.table.primary_key.columns]
        seen: set[tuple[Value, ...]] = set()
        for index, row in enumerate(incoming[spec.kind]):
            key = tuple(row[name] for name in keys)
            if key in seen:
                raise InvalidInputError(
                    f"{spec.kind}[{index}] repeats {', '.join(map(str, key))}: "
                    "every record must appear once."
                )
            seen.add(key)
    fields: set[tuple[Value, Value]] = set()
    for index, row in enumerate(incoming["answers"]):
        key = (row["conference_id"], row["field_key"])
        if key in fields:
            raise InvalidInputError(
                f"answers[{index}] is a second answer to field {row['field_key']} of "
                f"conference {row['conference_id']}."
            )
        fields.add(key)


# (kind, column, kind referred to): every reference an archive record can hold.
_REFERENCES = (
    ("students", "class_id", "classes"),
    ("conferences", "student_id", "students"),
    ("answers", "conference_id", "conferences"),
    ("answer_revisions", "conference_id", "conferences"),
    ("answer_revisions", "answer_id", "answers"),
    ("habits", "conference_id", "conferences"),
    ("goals", "student_id", "students"),
    ("goals", "set_by_conference_id", "conferences"),
    ("goals", "closed_by_conference_id", "conferences"),
)


def _check_references(session: Session, incoming: Records, answer_ids: Mapping[str, str]) -> None:
    """Refuse, before writing, any record pointing at one in neither copy."""
    known: dict[str, set[str]] = {}
    for kind in ("classes", "students", "conferences", "answers"):
        known[kind] = {str(row["id"]) for row in incoming[kind]}
    known["answers"] |= set(answer_ids.values())
    for kind, column, target in _REFERENCES:
        missing = {
            str(row[column])
            for row in incoming[kind]
            if row[column] is not None and str(row[column]) not in known[target]
        }
        if not missing:
            continue
        table = TABLE_BY_KIND[target].table
        ids = sorted(missing)
        for start in range(0, len(ids), 500):
            query = select(table.c.id).where(table.c.id.in_(ids[start : start + 500]))
            missing -= {str(found) for found in session.scalars(query)}
        if missing:
            example = sorted(missing)[0]
            raise InvalidInputError(
                f"{kind} refer to {len(missing)} {target} that are in neither the archive nor "
                f"this database (e.g. {column} {example}): the archive is incomplete."
            )


# -- writing ----------------------------------------------------------------------


def _apply(session: Session, plan: _Plan) -> None:
    for spec in ARCHIVE_TABLES:
        if spec.kind == "habits":
            _apply_habits(session, spec.table, plan.habit_sets)
            continue
        rows = plan.inserts.get(spec.kind, [])
        if rows:
            session.execute(insert(spec.table), rows)
        for row in plan.updates.get(spec.kind, []):
            values: dict[str, Any] = _without(row, "id")
            if "version" in spec.table.c:
                # A merged answer is a change an open editor has not seen.
                values["version"] = spec.table.c.version + 1
            session.execute(update(spec.table).where(spec.table.c.id == row["id"]).values(values))


def _apply_habits(session: Session, table: Table, habit_sets: Mapping[str, list[str]]) -> None:
    for conference_id, habits in habit_sets.items():
        session.execute(delete(table).where(table.c.conference_id == conference_id))
        if habits:
            session.execute(
                insert(table), [{"conference_id": conference_id, "habit": h} for h in habits]
            )
