"""An export from a file read with the sqlite3 module alone is the store's export."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from school_data import School

from conference_tui.export.notes import export_notes
from conference_tui.export.scope import Audience, ExportScope, Format, Per, plan_scope, read_notes
from conference_tui.forms import Form
from conference_tui.store import Store
from conference_tui.store.export_file_reads import FileNotesReader, open_file_reader

TODAY = date(2026, 3, 2)


@pytest.fixture
def reader(school_store: tuple[Store, School]) -> Iterator[FileNotesReader]:
    store, _school = school_store
    assert store.location.path is not None
    opened = open_file_reader(str(store.location.path))
    assert opened is not None
    try:
        yield opened
    finally:
        opened.close()


def scopes(store: Store) -> list[ExportScope]:
    conference_ids = [
        conference.id
        for loaded in store.conferences_of_students(
            [row.student.id for row in store.roster(None, include_archived=True)],
            include_drafts=True,
        ).values()
        for conference in loaded
    ]
    return [ExportScope.everything()] + [ExportScope.conference(id_) for id_ in conference_ids]


@pytest.mark.parametrize("include_drafts", [False, True])
def test_the_reader_reads_what_the_store_reads(
    store_of_school: Store, reader: FileNotesReader, include_drafts: bool
) -> None:
    for scope in scopes(store_of_school):
        from_store = plan_scope(store_of_school, scope, include_drafts=include_drafts)
        from_file = plan_scope(reader, scope, include_drafts=include_drafts)
        assert from_file == from_store
        assert list(read_notes(reader, from_file)) == list(read_notes(store_of_school, from_store))


@pytest.mark.parametrize("file_format", list(Format))
@pytest.mark.parametrize("audience", list(Audience))
def test_an_export_from_the_file_is_the_store_s_export(
    store_of_school: Store,
    reader: FileNotesReader,
    form: Form,
    tmp_path: Path,
    audience: Audience,
    file_format: Format,
) -> None:
    def files(source: Store | FileNotesReader, folder: Path) -> dict[str, bytes]:
        result = export_notes(
            source, form, ExportScope.everything(), audience, folder, Per.CONFERENCE,
            include_drafts=True, file_format=file_format, today=TODAY,
        )  # fmt: skip
        return {path.name: path.read_bytes() for path in result.files}

    from_store = files(store_of_school, tmp_path / "store")
    assert from_store
    assert files(reader, tmp_path / "file") == from_store


def test_a_conference_that_is_not_there_is_not_found(reader: FileNotesReader) -> None:
    from conference_tui.export.files import ExportError

    with pytest.raises(ExportError, match="No conference with id nope"):
        plan_scope(reader, ExportScope.conference("nope"))


def test_reading_a_file_writes_nothing_into_it(school_store: tuple[Store, School]) -> None:
    store, _school = school_store
    path = store.location.path
    assert path is not None
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    opened = open_file_reader(str(path))
    assert opened is not None
    try:
        students = [row.student.id for row in opened.roster(None, include_archived=True)]
        assert opened.conferences_of_students(students)
    finally:
        opened.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def old_schema(path: Path) -> None:
    Store.open(str(path)).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0003'")


def garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\n" * 200)


@pytest.mark.parametrize(
    "make",
    [lambda path: None, lambda path: path.touch(), old_schema, garbage],
    ids=["missing", "empty", "old-schema", "garbage"],
)
def test_anything_unusual_is_left_to_the_store(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "conferences.db"
    make(path)
    before = sorted(tmp_path.iterdir())
    assert open_file_reader(str(path)) is None
    assert sorted(tmp_path.iterdir()) == before


def test_a_server_is_left_to_the_store() -> None:
    assert open_file_reader("postgresql://teacher@localhost/notes") is None
