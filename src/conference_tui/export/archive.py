"""The JSON archive: every record, in a versioned format documented in
docs/export-and-backup.md, written by `backup` and read back by `import`.

    {"format": "conference-tui-archive", "version": 2, "created_at": "...",
     "app_version": "...", "counts": {...},
     "classes": [...], "students": [...], "conferences": [...], "answers": [...],
     "answer_revisions": [...], "habits": [...], "goals": [...]}

Each record is an object with exactly its table's columns. Times are ISO 8601
in UTC with an explicit offset; dates are YYYY-MM-DD; ids are UUID strings.
Reading checks everything before the store sees it, and says where a problem is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from conference_tui import __version__
from conference_tui.export.files import ExportError, private_text_file
from conference_tui.export.json_stream import JsonReader, JsonSyntaxError
from conference_tui.field_kinds import KIND_OF_LEGACY_KEY
from conference_tui.store import Store
from conference_tui.store.archive_io import MergeReport
from conference_tui.store.archive_spec import (
    ARCHIVE_TABLES,
    TABLE_BY_KIND,
    ColumnSpec,
    Record,
    Records,
    TableSpec,
    Value,
)

ARCHIVE_FORMAT = "conference-tui-archive"
# Version 2 keeps each answer's kind and whether the student wrote it, each class's
# default form, and the small group a conference was held with. A version 1 archive's
# answers are given the kinds their keys stood for then (field_kinds.KIND_OF_LEGACY_KEY)
# and are the teacher's; its classes use the app's default form; its conferences were
# each with one student.
ARCHIVE_VERSION = 2
ADDED_IN_VERSION_2 = {
    "answers": ("kind", "by_student"),
    "classes": ("default_form",),
    "conferences": ("group_id",),
}
MAX_ARCHIVE_BYTES = 2_000_000_000
PROGRESS_EVERY = 5000


class ArchiveError(ExportError):
    """A file that is not a usable archive; the message says where and why."""


def _to_json(value: Value) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _header(created_at: datetime, counts: Mapping[str, int]) -> dict[str, Any]:
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "created_at": created_at.astimezone(UTC).isoformat(),
        "app_version": __version__,
        "counts": dict(counts),
    }


def archive_document(records: Records, created_at: datetime) -> dict[str, Any]:
    """The archive as a JSON-ready dict (the document `write_archive` streams)."""
    counts = {spec.kind: len(records.get(spec.kind, [])) for spec in ARCHIVE_TABLES}
    document = _header(created_at, counts)
    for spec in ARCHIVE_TABLES:
        document[spec.kind] = [
            {name: _to_json(row[name]) for name in spec.column_names}
            for row in records.get(spec.kind, [])
        ]
    return document


def write_archive(
    store: Store,
    folder: Path,
    stem: str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, dict[str, int]]:
    """Write every record of the store to a new 0600 file stem.json in `folder`.

    Records are read and written one at a time, so memory does not grow with the
    database. The document is one JSON object with the header first and each record
    on a line of its own, which lets `read_archive` take it a record at a time.
    `progress(done, total)` is called every few thousand records."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    with (
        store.record_snapshot() as snapshot,
        private_text_file(folder, stem, ".json") as (path, file),
    ):
        counts = snapshot.counts
        total = sum(counts.values())
        done = 0
        header = _header(store.clock(), counts)
        file.write("{\n" + ",\n".join(f" {encode(k)}: {encode(v)}" for k, v in header.items()))
        for spec in ARCHIVE_TABLES:
            file.write(f',\n "{spec.kind}": [')
            separator = "\n  "
            for row in snapshot.records(spec):
                file.write(separator)
                file.write(encode({name: _to_json(value) for name, value in row.items()}))
                separator = ",\n  "
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
            file.write("\n ]" if separator != "\n  " else "]")
        file.write("\n}\n")
    if progress is not None:
        progress(done, total)
    return path, counts


# -- reading ----------------------------------------------------------------------


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _parse_value(raw: object, column: ColumnSpec, where: str) -> Value:
    if raw is None:
        if column.nullable:
            return None
        raise ArchiveError(f"{where}: must not be null.")
    if column.kind == "bool":
        if isinstance(raw, bool):
            return raw
        raise ArchiveError(f"{where}: expected true or false, found {_describe(raw)}.")
    if column.kind == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        raise ArchiveError(f"{where}: expected a whole number, found {_describe(raw)}.")
    if not isinstance(raw, str):
        raise ArchiveError(f"{where}: expected text, found {_describe(raw)}.")
    if column.kind == "text":
        return raw
    if column.kind == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ArchiveError(f"{where}: “{raw[:40]}” is not a date (YYYY-MM-DD).") from None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ArchiveError(f"{where}: “{raw[:40]}” is not an ISO 8601 time.") from None
    if moment.tzinfo is None:
        raise ArchiveError(f"{where}: “{raw[:40]}” has no UTC offset.")
    return moment.astimezone(UTC)


def _as_version_1(spec: TableSpec) -> TableSpec:
    """What a version 1 archive held of this kind of record."""
    added = ADDED_IN_VERSION_2.get(spec.kind, ())
    return replace(spec, columns=tuple(c for c in spec.columns if c.name not in added))


def _from_version_1(kind: str, record: Record) -> Record:
    if kind == "answers":
        kind = KIND_OF_LEGACY_KEY.get(str(record["field_key"]), "")
        return {**record, "kind": kind, "by_student": False}
    if kind == "classes":
        return {**record, "default_form": ""}
    if kind == "conferences":
        return {**record, "group_id": None}
    return record


def _parse_record(raw: object, columns: tuple[ColumnSpec, ...], where: str) -> Record:
    if not isinstance(raw, dict):
        raise ArchiveError(f"{where}: expected an object, found {_describe(raw)}.")
    names = {column.name for column in columns}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ArchiveError(f"{where}: unknown field {unknown[0]!r}.")
    missing = [column.name for column in columns if column.name not in raw]
    if missing:
        raise ArchiveError(f"{where}: missing field {missing[0]!r}.")
    return {
        column.name: _parse_value(raw[column.name], column, f"{where}.{column.name}")
        for column in columns
    }


def _check_header(header: Mapping[str, object], source: str) -> None:
    if header.get("format") != ARCHIVE_FORMAT:
        raise ArchiveError(f"{source} is not a conference-tui archive (no format marker).")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ArchiveError(f"{source}: the archive has no valid version number.")
    if version > ARCHIVE_VERSION:
        raise ArchiveError(
            f"{source} was made by a newer conference-tui (archive version {version}); "
            "upgrade conference-tui to import it."
        )
    if version < 1:
        raise ArchiveError(f"{source}: unknown archive version {version}.")


def _list_items(reader: JsonReader) -> Iterator[object]:
    """The items of the list that starts at the reader, one at a time."""
    reader.expect("[", "Expecting '['")
    if reader.peek() == "]":
        reader.take("]", message="Expecting ']'")
        return
    while True:
        yield reader.value()
        if reader.take(",", "]", message="Expecting ',' delimiter") == "]":
            return


def _stream(reader: JsonReader, source: str) -> Iterator[tuple[str, Record]]:
    """The archive's records in file order. The header (format, version) must come
    before the first list of records, as `write_archive` writes it."""
    if reader.peek() not in ("{", ""):
        reader.value()  # valid JSON, but not an object: no format marker
        raise ArchiveError(f"{source} is not a conference-tui archive (no format marker).")
    reader.expect("{", "Expecting value")
    header: dict[str, object] = {}
    seen: set[str] = set()
    checked = False
    version_1 = False
    if reader.peek() == "}":
        reader.take("}", message="Expecting '}'")
    else:
        while True:
            if reader.peek() != '"':
                raise reader.error("Expecting property name enclosed in double quotes")
            key = str(reader.value())
            reader.expect(":", "Expecting ':' delimiter")
            spec = TABLE_BY_KIND.get(key)
            if spec is None:
                value = reader.value()
                if not checked:
                    header[key] = value
            else:
                if not checked:
                    _check_header(header, source)
                    checked = True
                    version_1 = header["version"] == 1
                if key in seen:
                    raise ArchiveError(f"{source}: {key} appears twice.")
                seen.add(key)
                if reader.peek() != "[":
                    found = _describe(reader.value())
                    raise ArchiveError(f"{source}: {key}: expected a list, found {found}.")
                if version_1:
                    for index, raw in enumerate(_list_items(reader)):
                        where = f"{source}: {key}[{index}]"
                        record = _parse_record(raw, _as_version_1(spec).columns, where)
                        yield key, _from_version_1(key, record)
                else:
                    for index, raw in enumerate(_list_items(reader)):
                        yield key, _parse_record(raw, spec.columns, f"{source}: {key}[{index}]")
            if reader.take(",", "}", message="Expecting ',' delimiter") == "}":
                break
    if reader.peek():
        raise reader.error("Extra data")
    if not checked:
        _check_header(header, source)


def iter_archive(path: Path) -> Iterator[tuple[str, Record]]:
    """Read and check an archive file a record at a time: (kind, record) in file
    order. Raises ArchiveError with a one-line reason, as soon as it meets a problem
    (records before it have been yielded: a caller that writes must undo them)."""
    try:
        if path.stat().st_size > MAX_ARCHIVE_BYTES:
            raise ArchiveError(f"{path} is too large to be an archive.")
        file = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}.") from exc
    with file:
        try:
            yield from _stream(JsonReader(file), str(path))
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"{path} is not UTF-8 text, so not an archive.") from exc
        except JsonSyntaxError as exc:
            raise ArchiveError(
                f"{path} is not valid JSON (line {exc.line}, column {exc.column}: {exc.message})."
            ) from exc
        except OSError as exc:
            raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}.") from exc


def read_archive(path: Path) -> Records:
    """Read and check a whole archive file into memory (small archives, tests)."""
    records: Records = {spec.kind: [] for spec in ARCHIVE_TABLES}
    for kind, record in iter_archive(path):
        records[kind].append(record)
    return records


def import_archive(
    store: Store,
    path: Path,
    *,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> MergeReport:
    """Merge an archive into the store by UUID (see store.archive_io for the rule),
    reading it a record at a time; all or nothing."""
    return store.merge_record_stream(iter_archive(path), dry_run=dry_run, progress=progress)


def counts_line(counts: Mapping[str, int]) -> str:
    """'3 classes, 80 students, ...' for messages."""
    return ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
