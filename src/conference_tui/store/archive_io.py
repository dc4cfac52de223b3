"""Every record as plain values, and merging such records back in by UUID.

This is the store's half of the JSON archive (`conference_tui.export.archive` does
the JSON): `record_snapshot` reads every table in one transaction, so the copy is a
consistent snapshot, a batch of rows at a time; `merge_record_stream` folds records
from another copy into this one, in one transaction, staging them in temporary
tables (archive_staging.py) so that memory does not grow with the archive.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from conference_tui.field_kinds import Kind
from conference_tui.store.archive_spec import (
    ARCHIVE_TABLES,
    LOCAL_COLUMNS,
    TABLE_BY_KIND,
    Record,
    Records,
    TableSpec,
    Value,
)
from conference_tui.store.archive_staging import STAGE_BATCH, Staging
from conference_tui.store.base import StoreBase
from conference_tui.store.diagnosis import is_unique_violation
from conference_tui.store.engine import page_cache
from conference_tui.store.errors import InvalidInputError, RecordsClashError
from conference_tui.store.search_bulk import answers_indexed_at_end
from conference_tui.store.text_rules import check_text, clean_name, clean_optional_name

# Room for the indexes the answers and their search rows are written into (see
# `page_cache`), most of an import's writes. Only there: SQLite's sorts (building the
# staging indexes, checking for repeats) may each take as much memory again. At 100k
# conferences, 32 MiB against 16: 136 s of CPU against 205 (28 s in the kernel against
# 66); the import's peak is then 121 to 129 MiB from 5k to 100k.
ANSWERS_CACHE_MIB = 32
READ_BATCH = 1000


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

    Habits follow their conference: those of a conference added or replaced are new
    where this database lacked them, and those of a conference kept as it is here are
    counted as kept."""

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


TextRule = Callable[[str], str]


def _text_rules(spec: TableSpec) -> tuple[tuple[str, TextRule], ...]:
    rules: list[tuple[str, TextRule]] = []
    for column in spec.column_names:
        key = (spec.kind, column)
        if key in NAME_RULES:
            rules.append((column, partial(clean_name, what=NAME_RULES[key])))
        elif key in OPTIONAL_NAME_RULES:
            rules.append((column, partial(clean_optional_name, what=OPTIONAL_NAME_RULES[key])))
        elif column in FREE_TEXT_COLUMNS.get(spec.kind, ()):
            rules.append((column, partial(check_text, what=column.replace("_", " "))))
    return tuple(rules)


# Each kind's text columns and the rule for each, in column order (the first bad one is
# the one named), worked out once rather than for each of a million records.
TEXT_RULES = {spec.kind: _text_rules(spec) for spec in ARCHIVE_TABLES}


def _with_store_rules(spec: TableSpec, record: Record, number: int) -> Record:
    """The record with each text cleaned by the very function the store applies when the
    teacher types it, so that an archive brings in nothing that could not be typed.
    A value the store would refuse is refused, naming the record."""
    cleaned = dict(record)
    try:
        for column, rule in TEXT_RULES[spec.kind]:
            value = cleaned.get(column)
            if isinstance(value, str):
                cleaned[column] = rule(value)
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
    and a thousand rows at a time, so that memory does not grow with the database."""

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
        stream = ((spec.kind, row) for spec in ARCHIVE_TABLES for row in records.get(spec.kind, ()))
        return self.merge_record_stream(stream, dry_run=dry_run)

    def merge_record_stream(
        self,
        records: Iterable[tuple[str, Record]],
        *,
        dry_run: bool,
        progress: Callable[[int, int], None] | None = None,
    ) -> MergeReport:
        """Fold (kind, record) pairs, in any order of kinds, into this database in one
        transaction: all or nothing, whatever fails (a bad record, a broken file the
        records come from, the disk). With `dry_run`, only count what would change.

        The records are staged in temporary tables a batch at a time and merged from
        there a batch at a time, so memory does not grow with the archive.
        `progress(done, total)` is called every few thousand records: total is 0 while
        the records are read, then twice their number while they are merged."""
        report = MergeReport(dry_run=dry_run)
        for kind in ("classes", "students", "conferences", "answers", "answer_revisions"):
            report.counts[kind] = KindCounts()
        report.counts["habits"] = KindCounts()
        report.counts["goals"] = KindCounts()
        session_scope = self._read() if dry_run else self._write()
        with session_scope as session, _clashes_refused():
            staging = Staging.create(session)
            _stage(staging, records, progress)
            staging.index()
            staging.refuse_repeats()
            staging.refuse_dangling_references(session)
            merge = _Merge(session, staging, report, dry_run, progress)
            merge.run()
            staging.drop()
        return report


CLASH = (
    "Some of the archive's records clash with records already in this database, or with "
    "each other (such as two unfinished conferences with one student)."
)


@contextlib.contextmanager
def _clashes_refused() -> Iterator[None]:
    """A record that repeats a unique key of one already here is the two copies
    disagreeing, not a damaged database: said so, inside the transaction, which it undoes."""
    try:
        yield
    except IntegrityError as exc:
        if exc.orig is None or not is_unique_violation(exc.orig):
            raise
        raise RecordsClashError(CLASH) from exc


def _stage(
    staging: Staging,
    records: Iterable[tuple[str, Record]],
    progress: Callable[[int, int], None] | None,
) -> None:
    pending: dict[str, list[Record]] = {spec.kind: [] for spec in ARCHIVE_TABLES}
    numbers = dict.fromkeys(pending, 0)
    staged = 0
    for kind, record in records:
        spec = TABLE_BY_KIND[kind]
        numbers[kind] += 1
        batch = pending[kind]
        batch.append(_with_store_rules(spec, record, numbers[kind]))
        if len(batch) >= STAGE_BATCH:
            staging.add(kind, batch)
            staged += len(batch)
            pending[kind] = []
            if progress is not None:
                progress(staged, 0)
    for kind, batch in pending.items():
        staging.add(kind, batch)


class _Merge:
    """Deciding and writing, a kind at a time and a batch at a time, in an order where
    each decision reads this database as it was before the merge wrote anything it
    depends on: goals before answers, since a goal's age counts its goal answer's."""

    def __init__(
        self,
        session: Session,
        staging: Staging,
        report: MergeReport,
        dry_run: bool,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.session = session
        self.staging = staging
        self.report = report
        self.dry_run = dry_run
        self.progress = progress
        self.conferences_kept_local: list[str] = []
        # A dry run writes nothing, so the database cannot refuse a second draft of one
        # student and form (uq_conference_one_draft) as the real import's write does: the
        # drafts the merge would leave are tallied instead. Drafts only, and the local
        # drafts it would replace: memory stays with the drafts, not the conferences.
        self.drafts_written: dict[str, tuple[str, str]] = {}
        self.drafts_plan = _Plan()
        self.local_drafts_replaced: set[str] = set()
        # A database with no answer yet (a backup restored into a new file) has none to
        # match an archive's against: its answers are all new, and are not looked up
        # one batch at a time in a table that they themselves fill. Nothing before the
        # answers writes any.
        answers = TABLE_BY_KIND["answers"].table
        self.answers_here = session.execute(select(answers.c.id).limit(1)).first() is not None
        self.total = 2 * sum(staging.counts.values())
        self.done = sum(staging.counts.values())

    def run(self) -> None:
        # Conferences come in id order, and their indexes by student, by time, by group are
        # written all over: with SQLite's 2 MiB, 0.37 million reads from the file at
        # 100,000 conferences (11 times as many as at 25,000); in this cache, none. Those
        # indexes (23 MiB at 100,000) outgrow it again at about 140,000.
        with page_cache(self.session.connection(), ANSWERS_CACHE_MIB):
            for kind in ("classes", "students", "conferences"):
                for rows in self.staging.batches(kind):
                    self._apply(self._by_updated_at(kind, rows))
            # Written after every other conference: a draft here that the archive
            # completes must be completed before the archive's next draft for that
            # student is written, or the two are briefly both open and the database
            # refuses the whole import, though the end state has one draft.
            self._apply(self.drafts_plan)
            if self.dry_run:
                self._refuse_two_drafts()
            self._habits()
            for rows in self.staging.batches("goals"):
                self._apply(self._goals(rows))
        # Only for answers to add: setting the trigger aside changes the schema, and an
        # archive imported again must leave the file as it was.
        adding = not self.dry_run and self.staging.any_new("answers")
        with (
            answers_indexed_at_end(
                self.session, ANSWERS_CACHE_MIB, first_answers=not self.answers_here
            )
            if adding
            else contextlib.nullcontext()
        ):
            for rows in self.staging.batches("answers"):
                self._apply(self._answers(rows))
        for rows in self.staging.batches("answer_revisions"):
            self._apply(self._revisions(rows))

    def _apply(self, plan: _Plan) -> None:
        if not self.dry_run:
            _apply(self.session, plan)
        self.done += sum(len(rows) for rows in (*plan.inserts.values(), *plan.updates.values()))
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def _existing(self, kind: str, ids: Iterable[str]) -> dict[str, Record]:
        table = TABLE_BY_KIND[kind].table
        found: dict[str, Record] = {}
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in self.session.execute(select(table).where(table.c.id.in_(chunk))).mappings():
                found[str(row["id"])] = dict(row)
        return found

    def _by_updated_at(self, kind: str, rows: list[Record]) -> _Plan:
        plan = _Plan()
        counts = self.report.counts[kind]
        existing = self._existing(kind, (str(row["id"]) for row in rows))
        for row in rows:
            local = existing.get(str(row["id"]))
            if local is None:
                plan.inserts.setdefault(kind, []).append(row)
                counts.new += 1
            elif _without(local, *LOCAL_COLUMNS) == row:
                counts.unchanged += 1
            elif _newest(row["updated_at"]) > _newest(local["updated_at"]):
                plan.updates.setdefault(kind, []).append(row)
                counts.updated += 1
            else:
                counts.kept_local += 1
                if kind == "conferences":
                    self.conferences_kept_local.append(str(row["id"]))
        if kind == "conferences":
            # A conference added or replaced brings its habits; others keep theirs.
            touched = [*plan.inserts.get(kind, []), *plan.updates.get(kind, [])]
            self.staging.mark_touched(str(row["id"]) for row in touched)
            if self.dry_run:
                self._tally_drafts(touched, existing)
            self._set_drafts_aside(plan)
        return plan

    def _set_drafts_aside(self, plan: _Plan) -> None:
        """Move the conferences written as drafts out of the plan, into the drafts'
        (one a student and form at most: few, whatever the archive's size)."""
        for rows, aside in (
            (plan.inserts.get("conferences", []), self.drafts_plan.inserts),
            (plan.updates.get("conferences", []), self.drafts_plan.updates),
        ):
            drafts = [row for row in rows if row["status"] == "draft"]
            if drafts:
                aside.setdefault("conferences", []).extend(drafts)
                rows[:] = [row for row in rows if row["status"] != "draft"]

    def _tally_drafts(self, written: list[Record], existing: dict[str, Record]) -> None:
        for row in written:
            row_id = str(row["id"])
            if row["status"] == "draft":
                self.drafts_written[row_id] = (str(row["student_id"]), str(row["form_id"]))
            local = existing.get(row_id)
            if local is not None and local["status"] == "draft":
                self.local_drafts_replaced.add(row_id)

    def _refuse_two_drafts(self) -> None:
        """Refuse, as the real import is refused, a merge that would leave one student two
        unfinished conferences of one form."""
        table = TABLE_BY_KIND["conferences"].table
        drafts = dict(self.drafts_written)
        query = select(table.c.id, table.c.student_id, table.c.form_id).where(
            table.c.status == "draft"
        )
        for row_id, student_id, form_id in self.session.execute(query):
            if row_id not in self.local_drafts_replaced:
                drafts.setdefault(str(row_id), (str(student_id), str(form_id)))
        if len(set(drafts.values())) < len(drafts):
            raise RecordsClashError(CLASH)

    def _habits(self) -> None:
        table = TABLE_BY_KIND["habits"].table
        counts = self.report.counts["habits"]
        kept = self.staging.habits_of(self.conferences_kept_local)
        counts.kept_local = sum(len(set(habits)) for habits in kept.values())
        for rows in self.staging.batches("conferences", touched_only=True):
            ids = [str(row["id"]) for row in rows]
            wanted = self.staging.habits_of(ids)
            current: dict[str, set[str]] = {}
            for start in range(0, len(ids), 500):
                query = select(table).where(table.c.conference_id.in_(ids[start : start + 500]))
                for habit in self.session.execute(query).mappings():
                    current.setdefault(str(habit["conference_id"]), set()).add(str(habit["habit"]))
            plan = _Plan()
            for conference_id, habits in wanted.items():
                here = current.get(conference_id, set())
                counts.new += len(set(habits) - here)
                if set(habits) != here:
                    plan.habit_sets[conference_id] = sorted(set(habits))
            if not self.dry_run:
                _apply_habits(self.session, table, plan.habit_sets)
        counts.unchanged = self.staging.counts["habits"] - counts.new - counts.kept_local

    def _answers(self, rows: list[Record]) -> _Plan:
        plan = _Plan()
        counts = self.report.counts["answers"]
        by_id, by_field = self._local_answers(rows) if self.answers_here else ({}, {})
        elsewhere: dict[str, str] = {}
        for row in rows:
            row_id = str(row["id"])
            local = by_id.get(row_id) or by_field.get(
                (str(row["conference_id"]), str(row["field_key"]))
            )
            if local is None:
                plan.inserts.setdefault("answers", []).append(row)
                counts.new += 1
                continue
            if str(local["id"]) != row_id:
                elsewhere[row_id] = str(local["id"])
            if _without(local, "id", *LOCAL_COLUMNS) == _without(row, "id"):
                counts.unchanged += 1
            elif _newest(row["updated_at"]) > _newest(local["updated_at"]):
                plan.updates.setdefault("answers", []).append({**row, "id": local["id"]})
                counts.updated += 1
            else:
                counts.kept_local += 1
        self.staging.map_answers(elsewhere)
        return plan

    def _local_answers(
        self, rows: list[Record]
    ) -> tuple[dict[str, Record], dict[tuple[str, str], Record]]:
        """The answers here with the ids of these, and those to the same conference
        fields: by id, and by (conference, field)."""
        by_id = self._existing("answers", (str(row["id"]) for row in rows))
        table = TABLE_BY_KIND["answers"].table
        conference_ids = sorted({str(row["conference_id"]) for row in rows})
        by_field: dict[tuple[str, str], Record] = {}
        for start in range(0, len(conference_ids), 500):
            query = select(table).where(
                table.c.conference_id.in_(conference_ids[start : start + 500])
            )
            for found in self.session.execute(query).mappings():
                by_field[(str(found["conference_id"]), str(found["field_key"]))] = dict(found)
        return by_id, by_field

    def _revisions(self, rows: list[Record]) -> _Plan:
        plan = _Plan()
        counts = self.report.counts["answer_revisions"]
        existing = self._existing("answer_revisions", (str(row["id"]) for row in rows))
        answer_ids = self.staging.local_answer_ids(str(row["answer_id"]) for row in rows)
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
        return plan

    def _goals(self, rows: list[Record]) -> _Plan:
        plan = _Plan()
        counts = self.report.counts["goals"]
        existing = self._existing("goals", (str(row["id"]) for row in rows))
        incoming_goal_saves = self.staging.goal_answer_saves(
            sorted({str(row["set_by_conference_id"]) for row in rows})
        )
        local_goal_saves = self._local_goal_saves(
            {str(row["set_by_conference_id"]) for row in existing.values()}
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
        return plan

    def _local_goal_saves(self, conference_ids: set[str]) -> dict[str, datetime]:
        table = TABLE_BY_KIND["answers"].table
        ids = sorted(conference_ids)
        saves: dict[str, datetime] = {}
        for start in range(0, len(ids), 500):
            query = select(table.c.conference_id, table.c.updated_at).where(
                table.c.conference_id.in_(ids[start : start + 500]),
                table.c.kind == Kind.GOAL,
            )
            for conference_id, updated_at in self.session.execute(query).all():
                saves[str(conference_id)] = updated_at
        return saves


# -- writing ----------------------------------------------------------------------


def _apply(session: Session, plan: _Plan) -> None:
    for spec in ARCHIVE_TABLES:
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
    """Replace the habits of these conferences, a few statements for the whole batch."""
    ids = list(habit_sets)
    for start in range(0, len(ids), 500):
        session.execute(delete(table).where(table.c.conference_id.in_(ids[start : start + 500])))
    rows = [
        {"conference_id": conference_id, "habit": habit}
        for conference_id, habits in habit_sets.items()
        for habit in habits
    ]
    if rows:
        session.execute(insert(table), rows)
