"""Where an archive's records wait, inside the import's transaction, to be merged.

An archive may hold millions of records: rather than hold them in memory, the
import copies them into temporary tables (one per kind of record, private to the
connection, gone with it) a batch at a time, checking as it goes that no record
appears twice. Then references are checked with one query per kind of reference,
and the merge reads the staged records back a batch at a time, in archive order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    exists,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from conference_tui.field_kinds import Kind
from conference_tui.store.archive_spec import (
    ARCHIVE_TABLES,
    TABLE_BY_KIND,
    Record,
    TableSpec,
    Value,
)
from conference_tui.store.errors import InvalidInputError

STAGE_BATCH = 2000
_Message = Callable[[str, int, tuple[object, ...]], str]
POSITION = "archive_position"
LOCAL_ID = "local_id"  # an answer matched by field to one with another id here
TOUCHED = "touched"  # a conference added or replaced: its habits come with it

# (kind, column, kind referred to): every reference an archive record can hold.
REFERENCES = (
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


def _stage_columns(spec: TableSpec) -> list[Column[object]]:
    columns: list[Column[object]] = [
        Column(column.name, spec.table.c[column.name].type) for column in spec.columns
    ]
    columns.append(Column(POSITION, Integer, nullable=False))
    if spec.kind == "answers":
        columns.append(Column(LOCAL_ID, String))
    if spec.kind == "conferences":
        columns.append(Column(TOUCHED, Boolean, nullable=False, default=False))
    return columns


def _stage_table(metadata: MetaData, spec: TableSpec) -> Table:
    table = Table(f"import_{spec.kind}", metadata, *_stage_columns(spec), prefixes=["TEMPORARY"])
    keys = [table.c[column.name] for column in spec.table.primary_key.columns]
    # Not unique: a repeat is found once all is staged, and named (`refuse_repeats`).
    # The position last, so that the index hands that check the records in the order
    # it numbers them in: otherwise SQLite sorts them all (3 s for 330,000 answers).
    Index(f"import_{spec.kind}_key", *keys, table.c[POSITION])
    Index(f"import_{spec.kind}_position", table.c[POSITION], unique=True)
    if spec.kind == "answers":
        Index("import_answers_by_conference", table.c.conference_id, table.c[POSITION])
        Index(
            "import_answers_by_field", table.c.conference_id, table.c.field_key, table.c[POSITION]
        )
    return table


@dataclass
class Staging:
    """The staged copy of one archive, on the import's own connection."""

    session: Session
    tables: dict[str, Table]
    counts: dict[str, int]

    # Answers arrive here, in archive order, and are copied into their table in the
    # order the merge reads them (`index`).
    arriving: Table

    @classmethod
    def create(cls, session: Session) -> Staging:
        metadata = MetaData()
        tables = {spec.kind: _stage_table(metadata, spec) for spec in ARCHIVE_TABLES}
        arriving = Table(
            "import_answers_arriving",
            metadata,
            *_stage_columns(TABLE_BY_KIND["answers"]),
            prefixes=["TEMPORARY"],
        )
        connection = session.connection()
        for table in (*tables.values(), arriving):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
            # The indexes come once the records are in (`index`): faster than keeping
            # them up to date row by row.
            connection.execute(CreateTable(table))
        return cls(session, tables, {spec.kind: 0 for spec in ARCHIVE_TABLES}, arriving)

    def index(self) -> None:
        """Put the answers in the order the merge reads them, then build the indexes the
        checks and the merge look records up by."""
        connection = self.session.connection()
        self._answers_by_conference()
        for table in self.tables.values():
            for index in table.indexes:
                index.create(connection)

    def _answers_by_conference(self) -> None:
        """The merge reads answers by conference, and looks goal answers up by conference;
        an archive holds them by id. Where they arrived, a conference's answers lie on
        pages of their own, read one at a time through SQLite's small cache for temporary
        tables: at 100,000 conferences, 3.2 million reads from the file, more every 10,000
        than at 25,000. Copied once in that order (SQLite sorts them in its temporary
        files, 0.8 million reads and writes), they are read page after page (0.15 million)."""
        answers, arriving = self.tables["answers"], self.arriving
        names = [column.name for column in arriving.columns]
        by_conference = select(*(arriving.c[name] for name in names)).order_by(
            arriving.c.conference_id, arriving.c[POSITION]
        )
        connection = self.session.connection()
        connection.execute(insert(answers).from_select(names, by_conference))
        connection.execute(text(f"DROP TABLE {arriving.name}"))

    def drop(self) -> None:
        connection = self.session.connection()
        for table in (*self.tables.values(), self.arriving):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name}"))

    # -- filling ----------------------------------------------------------------------

    def add(self, kind: str, rows: Sequence[Record]) -> None:
        """Stage a batch of one kind's records (the next ones in archive order)."""
        if not rows:
            return
        first = self.counts[kind]
        self.session.execute(
            insert(self.arriving if kind == "answers" else self.tables[kind]),
            [{**row, POSITION: first + offset} for offset, row in enumerate(rows)],
        )
        self.counts[kind] = first + len(rows)

    # -- checking ---------------------------------------------------------------------

    def refuse_repeats(self) -> None:
        """Refuse an archive in which a record appears twice (or a conference's field
        has two answers), naming the first repeat in archive order."""
        for spec in ARCHIVE_TABLES:
            names = [column.name for column in spec.table.primary_key.columns]
            self._refuse_repeat(spec.kind, names, _repeats_id)
        self._refuse_repeat("answers", ["conference_id", "field_key"], _second_answer)

    def _refuse_repeat(self, kind: str, names: list[str], message: _Message) -> None:
        table = self.tables[kind]
        keys = [table.c[name] for name in names]
        numbered = select(
            table.c[POSITION],
            *keys,
            func.row_number().over(partition_by=keys, order_by=table.c[POSITION]).label("n"),
        ).subquery()
        query = (
            select(numbered.c[POSITION], *(numbered.c[name] for name in names))
            .where(numbered.c.n == 2)
            .order_by(numbered.c[POSITION])
            .limit(1)
        )
        repeat = self.session.execute(query).first()
        if repeat is not None:
            raise InvalidInputError(message(kind, repeat[0], tuple(repeat[1:])))

    def refuse_dangling_references(self, session: Session) -> None:
        """Refuse, before writing, any record pointing at one in neither copy."""
        for kind, column, target in REFERENCES:
            staged = self.tables[kind]
            pointer = staged.c[column]
            in_archive = exists().where(self.tables[target].c.id == pointer)
            here = exists().where(TABLE_BY_KIND[target].table.c.id == pointer)
            query = select(func.count(func.distinct(pointer)), func.min(pointer)).where(
                pointer.is_not(None), ~in_archive, ~here
            )
            missing, example = session.execute(query).one()
            if missing:
                raise InvalidInputError(
                    f"{kind} refer to {missing} {target} that are in neither the archive nor "
                    f"this database (e.g. {column} {example}): the archive is incomplete."
                )

    # -- reading back -----------------------------------------------------------------

    def batches(self, kind: str, *, touched_only: bool = False) -> Iterator[list[Record]]:
        """The staged records of one kind, a batch at a time: in archive order, but
        answers by conference, so that a batch's conferences hold few answers here."""
        spec = TABLE_BY_KIND[kind]
        table = self.tables[kind]
        order = [table.c[POSITION]]
        if kind == "answers":
            order.insert(0, table.c.conference_id)
        columns = [table.c[name] for name in spec.column_names]
        last: tuple[object, ...] | None = None
        while True:
            query = select(*order, *columns)
            if last is not None:
                query = query.where(
                    tuple_(*order) > tuple_(*last) if len(order) > 1 else order[0] > last[0]
                )
            if touched_only:
                query = query.where(table.c[TOUCHED])
            rows = self.session.execute(query.order_by(*order).limit(STAGE_BATCH)).all()
            if not rows:
                return
            last = tuple(rows[-1][: len(order)])
            yield [dict(zip(spec.column_names, row[len(order) :], strict=True)) for row in rows]

    def any_new(self, kind: str) -> bool:
        """Whether a staged record of this kind has an id this database lacks."""
        staged = self.tables[kind]
        here = TABLE_BY_KIND[kind].table
        query = select(staged.c.id).where(~exists().where(here.c.id == staged.c.id)).limit(1)
        return self.session.execute(query).first() is not None

    def mark_touched(self, conference_ids: Iterable[str]) -> None:
        table = self.tables["conferences"]
        ids = list(conference_ids)
        for start in range(0, len(ids), 500):
            self.session.execute(
                update(table)
                .where(table.c.id.in_(ids[start : start + 500]))
                .values({TOUCHED: True})
            )

    def map_answers(self, local_ids: dict[str, str]) -> None:
        """Remember archive answer id -> the id the same answer has here."""
        if not local_ids:
            return
        table = self.tables["answers"]
        for incoming, local in local_ids.items():
            self.session.execute(
                update(table).where(table.c.id == incoming).values({LOCAL_ID: local})
            )

    def local_answer_ids(self, incoming_ids: Iterable[str]) -> dict[str, str]:
        """Archive answer id -> id here, for those staged answers that were matched by
        field to an answer with another id here."""
        table = self.tables["answers"]
        ids = sorted(set(incoming_ids))
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            query = select(table.c.id, table.c[LOCAL_ID]).where(
                and_(table.c.id.in_(ids[start : start + 500]), table.c[LOCAL_ID].is_not(None))
            )
            found.update({str(a): str(b) for a, b in self.session.execute(query)})
        return found

    def habits_of(self, conference_ids: Sequence[str]) -> dict[str, list[str]]:
        table = self.tables["habits"]
        found: dict[str, list[str]] = {conference_id: [] for conference_id in conference_ids}
        for start in range(0, len(conference_ids), 500):
            query = select(table.c.conference_id, table.c.habit).where(
                table.c.conference_id.in_(conference_ids[start : start + 500])
            )
            for conference_id, habit in self.session.execute(query):
                found[str(conference_id)].append(str(habit))
        return found

    def goal_answer_saves(self, conference_ids: Sequence[str]) -> dict[str, Value]:
        """When the archive's goal answer of each conference was last saved."""
        table = self.tables["answers"]
        saves: dict[str, Value] = {}
        for start in range(0, len(conference_ids), 500):
            query = select(table.c.conference_id, table.c.updated_at).where(
                table.c.conference_id.in_(conference_ids[start : start + 500]),
                table.c.kind == Kind.GOAL,
            )
            saves.update({str(c): updated for c, updated in self.session.execute(query)})
        return saves


def _repeats_id(kind: str, index: int, key: tuple[object, ...]) -> str:
    return f"{kind}[{index}] repeats {', '.join(map(str, key))}: every record must appear once."


def _second_answer(kind: str, index: int, key: tuple[object, ...]) -> str:
    return f"{kind}[{index}] is a second answer to field {key[1]} of conference {key[0]}."
