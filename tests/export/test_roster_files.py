"""Rosters as schools hand them out: Excel's legacy CSV, UTF-16 CSV and .xlsx workbooks
import with every accented and non-Latin name intact, and say how they were read."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from conference_tui.export.roster_csv import RosterFileError, import_roster_file, read_roster
from conference_tui.store import Store

# Windows-1252 holds Latin letters with accents, and nothing beyond them.
LATIN_NAMES = ["Zoë Ñúñez", "Søren Øby", "François Lefèvre", "Ævar Þórsson", "Ásta Úlfarsdóttir"]
WORLD_NAMES = [*LATIN_NAMES, "Nguyễn Thị Minh", "Алёна Смирнова", "محمد", "李小龍", "Ōtani Shōhei"]


def csv_text(names: list[str]) -> str:
    return "Name;Class\r\n" + "".join(f"{name};Période 3\r\n" for name in names)


def stored_names(store: Store) -> list[str]:
    return sorted(row.student.name for row in store.roster(None, include_archived=True))


def test_an_excel_csv_in_windows_1252(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_text(LATIN_NAMES).encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the file really is not UTF-8
    roster, report = import_roster_file(sqlite_store, path, dry_run=False)
    assert roster.read_as == "Windows-1252 (Excel)"
    assert report.new_classes == ["Période 3"]
    assert stored_names(sqlite_store) == sorted(LATIN_NAMES)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_csv_with_a_byte_order_mark(
    sqlite_store: Store, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "roster.csv"
    text = csv_text(WORLD_NAMES).replace(";", "\t")  # Excel's "Unicode Text" uses tabs
    data = text.encode(encoding)
    path.write_bytes(data if encoding == "utf-16" else b"\xfe\xff" + data)
    roster, _report = import_roster_file(sqlite_store, path, dry_run=False)
    assert roster.read_as == "UTF-16"
    assert stored_names(sqlite_store) == sorted(WORLD_NAMES)


def test_utf8_is_read_as_utf8_even_when_it_would_decode_as_1252(tmp_path: Path) -> None:
    # "Ã©" in Windows-1252 is the UTF-8 of "é": UTF-8 is tried first, and wins.
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_text(["Renée Ã"]).encode("utf-8"))
    roster = read_roster(path)
    assert roster.read_as == "UTF-8" and roster.entries[0].name == "Renée Ã"


def workbook(path: Path, rows: list[list[object]], *, extra_sheet: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Roster"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notes").append(["Name", "Class"])
    book.save(path)
    return path


def test_an_xlsx_roster(sqlite_store: Store, tmp_path: Path) -> None:
    rows: list[list[object]] = [["First Name", "Last Name", "Grade", "Period", "Born"]]
    for index, name in enumerate(WORLD_NAMES):
        first, _, last = name.partition(" ")
        rows.append([first, last or None, 7, 3.0, datetime(2013, 5, index + 1)])
    rows.insert(3, [None, None, None, None, None])  # an empty row between students
    path = workbook(tmp_path / "roster.xlsx", rows, extra_sheet=True)
    roster, report = import_roster_file(sqlite_store, path, dry_run=False)
    assert roster.read_as == "Excel workbook, sheet “Roster” (the first of 2 sheets)"
    assert roster.columns == {"first": "First Name", "last": "Last Name", "class": "Period"}
    assert roster.ignored_columns == ("Grade", "Born")
    assert report.new_classes == ["3"]  # 3.0 as a cell is 3 on screen
    assert [entry.line for entry in report.added][:3] == [2, 3, 5]  # Excel's row numbers
    assert stored_names(sqlite_store) == sorted(WORLD_NAMES)


def test_a_row_of_an_xlsx_is_named_by_its_row(tmp_path: Path) -> None:
    # A row with no name is no student: skipped, and named by its row in Excel.
    path = workbook(tmp_path / "r.xlsx", [["Name", "Class"], ["Ann", "K"], [None, "K"]])
    roster = read_roster(path)
    assert [entry.name for entry in roster.entries] == ["Ann"]
    [skipped] = roster.skipped_rows
    assert skipped.startswith("line 3:"), skipped


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "is not an Excel workbook"),
        ("text.xlsx", b"Name,Class\nAnn,K\n", "is not an Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0", r"\.xls spreadsheet.*Save it as an Excel workbook"),
    ],
)
def test_workbooks_that_cannot_be_read(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RosterFileError, match=message):
        read_roster(path)
