"""The archive is written and read a record at a time: the streamed document is the
one the format describes, any valid JSON layout of it reads the same, and an import
that fails part-way (a cut file, a repeat far down, a bad record late) changes
nothing and says why."""

from __future__ import annotations

import itertools
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from school_data import Clock, hold_conference, store_from_template

from conference_tui.cli import cli
from conference_tui.export import json_stream
from conference_tui.export.archive import (
    ArchiveError,
    archive_document,
    import_archive,
    read_archive,
    write_archive,
)
from conference_tui.forms import Form
from conference_tui.store import InvalidInputError, Store
from conference_tui.store.archive_staging import STAGE_BATCH

_counter = itertools.count()


def fresh(empty_database: Path, folder: Path) -> Store:
    return store_from_template(empty_database, folder / f"db{next(_counter)}.db", Clock())


@pytest.fixture
def filled(sqlite_store: Store, form: Form) -> Store:
    """Two classes, a few students, conferences with answers, habits, goals and an
    amendment (so revisions), and text that JSON must escape."""
    for number in range(2):
        school_class = sqlite_store.add_class(f"Class {number}", "2025-26")
        for name in ("Ann", 'Ben "the \\ quote"', "Zoë\u2028line"):
            student = sqlite_store.add_student(school_class.id, name, needs="tabs\tand\nlines")
            cid = hold_conference(
                sqlite_store, form, student.id,
                {"purpose": "Say </script> & [x](y)", "goal": "Use dialogue"},
                habits=("Persisting",),
            )  # fmt: skip
            sqlite_store.begin_amendment(cid)
            sqlite_store.save_answer(cid, "clarify", "purpose", "amended", False)
    return sqlite_store


def test_the_streamed_archive_is_the_documented_document(filled: Store, tmp_path: Path) -> None:
    path, counts = write_archive(filled, tmp_path, "a")
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    expected = archive_document(filled.dump_records(), filled.clock())
    assert document == expected
    assert counts == expected["counts"]
    assert counts["answer_revisions"] > 0
    # One record a line: a reader (or grep) can take the file a line at a time.
    record_lines = [line for line in text.splitlines() if line.startswith("  {")]
    assert len(record_lines) == sum(counts.values())
    assert all(json.loads(line.rstrip(",")) for line in record_lines)


@pytest.mark.parametrize("layout", ["indent", "compact", "reordered-header"])
def test_any_layout_of_an_archive_reads_the_same(
    filled: Store, tmp_path: Path, layout: str
) -> None:
    """Archives written before streaming (json.dumps with indent=1) and any other
    layout of the same JSON give the same records."""
    path, _ = write_archive(filled, tmp_path, "a")
    document = json.loads(path.read_text(encoding="utf-8"))
    other = tmp_path / "other.json"
    if layout == "indent":
        other.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    elif layout == "compact":
        other.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    else:
        header = {k: document.pop(k) for k in ("counts", "app_version", "created_at")}
        other.write_text("\ufeff" + json.dumps({**document, **header}), encoding="utf-8")
    assert read_archive(other) == read_archive(path) == filled.dump_records()


def test_records_cut_across_reads_of_the_file_parse_whole(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = write_archive(filled, tmp_path, "a")
    whole = read_archive(path)
    for chunk in (1, 7, 64):
        monkeypatch.setattr(json_stream, "CHUNK_CHARS", chunk)
        assert read_archive(path) == whole


def test_a_record_larger_than_any_record_is_refused_not_buffered(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "MAX_VALUE_CHARS", 2000)
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 500)
    path, _ = write_archive(filled, tmp_path, "a")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["students"][0]["needs"] = "x" * 5000
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ArchiveError, match=r"not valid JSON.*longer than 2000"):
        read_archive(path)


def _dump_file(store: Store) -> dict[str, list[dict[str, Any]]]:
    return store.dump_records()


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.97, 0.9999])
def test_a_cut_archive_imports_nothing_and_says_where(
    filled: Store, empty_database: Path, tmp_path: Path, fraction: float
) -> None:
    path, _ = write_archive(filled, tmp_path, "a")
    data = path.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: int(len(data) * fraction)])
    target = fresh(empty_database, tmp_path)
    try:
        with pytest.raises(ArchiveError, match=r"not valid JSON \(line \d+, column \d+"):
            import_archive(target, cut, dry_run=False)
        assert target.dump_records() == {kind: [] for kind in target.dump_records()}
    finally:
        target.close()


def test_cut_archive_on_the_command_line(filled: Store, tmp_path: Path) -> None:
    path, _ = write_archive(filled, tmp_path, "a")
    data = path.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: len(data) * 2 // 3])
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "new.db"), "import", str(cut)])
    assert result.exit_code == 1
    assert "not valid JSON" in result.stderr and "Nothing was imported." in result.stderr
    assert "Traceback" not in result.output


def _many_students(store: Store, how_many: int) -> None:
    """Students written straight into the archive's records: the store's API would
    take one transaction each."""
    records = store.dump_records()
    template = records["students"][0]
    for number in range(how_many):
        records["students"].append({**template, "id": str(uuid.uuid4()), "name": f"S{number}"})
    store.merge_records(records, dry_run=False)


def test_a_repeat_in_a_later_batch_is_refused_and_nothing_imported(
    sqlite_store: Store, empty_database: Path, tmp_path: Path
) -> None:
    school_class = sqlite_store.add_class("K")
    sqlite_store.add_student(school_class.id, "Ann")
    _many_students(sqlite_store, STAGE_BATCH + 50)
    path, _ = write_archive(sqlite_store, tmp_path, "a")
    document = json.loads(path.read_text(encoding="utf-8"))
    repeat = STAGE_BATCH + 20
    document["students"].insert(repeat, dict(document["students"][3]))
    path.write_text(json.dumps(document), encoding="utf-8")
    target = fresh(empty_database, tmp_path)
    try:
        with pytest.raises(InvalidInputError, match=rf"students\[{repeat}\] repeats"):
            import_archive(target, path, dry_run=False)
        assert target.dump_records()["students"] == []
    finally:
        target.close()


def test_a_bad_record_after_many_good_ones_imports_nothing(
    sqlite_store: Store, empty_database: Path, tmp_path: Path
) -> None:
    school_class = sqlite_store.add_class("K")
    sqlite_store.add_student(school_class.id, "Ann")
    _many_students(sqlite_store, 2 * STAGE_BATCH)
    path, _ = write_archive(sqlite_store, tmp_path, "a")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["students"][-1]["name"] = "Eve\x1b[31m"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = fresh(empty_database, tmp_path)
    try:
        number = len(document["students"])
        with pytest.raises(InvalidInputError, match=f"students, record {number}: "):
            import_archive(target, path, dry_run=False)
        assert target.dump_records()["classes"] == []
    finally:
        target.close()


def test_the_second_import_reports_everything_unchanged(
    filled: Store, empty_database: Path, tmp_path: Path
) -> None:
    path, counts = write_archive(filled, tmp_path, "a")
    target = fresh(empty_database, tmp_path)
    try:
        import_archive(target, path, dry_run=False)
        again = import_archive(target, path, dry_run=False)
        for kind, kind_counts in again.counts.items():
            assert (kind_counts.unchanged, kind_counts.changed, kind_counts.kept_local) == (
                counts[kind],
                0,
                0,
            ), kind
    finally:
        target.close()


def test_a_dry_run_on_a_large_archive_writes_nothing(
    sqlite_store: Store, empty_database: Path, tmp_path: Path
) -> None:
    school_class = sqlite_store.add_class("K")
    sqlite_store.add_student(school_class.id, "Ann")
    _many_students(sqlite_store, STAGE_BATCH + 10)
    path, _ = write_archive(sqlite_store, tmp_path, "a")
    target = fresh(empty_database, tmp_path)
    try:
        report = import_archive(target, path, dry_run=True)
        assert report.counts["students"].new == STAGE_BATCH + 11
        assert target.dump_records()["students"] == []
        assert import_archive(target, path, dry_run=True).counts["students"].new == STAGE_BATCH + 11
    finally:
        target.close()
