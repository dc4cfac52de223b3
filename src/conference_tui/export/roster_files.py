"""Roster files as schools hand them out, read into CSV text for the roster parser.

A "CSV" saved from Excel may be UTF-8 (with or without a byte-order mark), UTF-16
with a byte-order mark ("Unicode Text"), or, from Excel's plain "CSV" on Windows,
the legacy Windows-1252 code page. An .xlsx workbook is read through openpyxl,
loaded only when such a file is imported. Whatever was guessed is named in
`read_as`, so the teacher can check the names before they are stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from conference_tui.export.files import ExportError

MAX_ROSTER_BYTES = 50_000_000
# A class list is hundreds of rows; a workbook with more is not a roster (or a zip bomb).
MAX_XLSX_ROWS = 100_000
SAVE_AS_CSV_UTF8 = (
    "Save the file as “CSV UTF-8” (in a spreadsheet: Save As, then CSV UTF-8) and import it again."
)


class RosterFileError(ExportError):
    """A roster file that cannot be imported; `problems` lists each bad row."""

    def __init__(self, message: str, problems: tuple[str, ...] | list[str] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


@dataclass(frozen=True)
class RosterText:
    """A roster file's rows as CSV text, and how its bytes were read."""

    text: str
    read_as: str


def read_roster_text(path: Path) -> RosterText:
    """The rows of a roster file (CSV in any of the encodings above, or .xlsx) as text."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsb", ".ods", ".numbers"):
        raise RosterFileError(
            f"{path} is a {suffix} spreadsheet, which cannot be read here. Save it as "
            "an Excel workbook (.xlsx) or as “CSV UTF-8”, and import that file."
        )
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterFileError(
                f"{path} is too large for a roster ({MAX_ROSTER_BYTES:,} bytes at most)."
            )
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        data = path.read_bytes()
    except OSError as exc:
        raise RosterFileError(f"cannot read {path}: {exc.strerror or exc}.") from exc
    return decode_roster_bytes(data, str(path))


def decode_roster_bytes(data: bytes, source: str) -> RosterText:
    """Text from a CSV's bytes: a byte-order mark decides; else UTF-8; else Windows-1252,
    which is what Excel's plain "CSV" writes on Windows (and most bytes decode as it,
    so the choice is named for the teacher to check)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return RosterText(_decode(data[3:], "utf-8", source), "UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return RosterText(_decode(data, "utf-16", source), "UTF-16")
    if b"\x00" in data:
        raise RosterFileError(
            f"{source} holds zero bytes: it looks like UTF-16 text without a byte-order "
            f"mark, or not text at all. {SAVE_AS_CSV_UTF8}"
        )
    try:
        return RosterText(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    return RosterText(_decode(data, "cp1252", source), "Windows-1252 (Excel)")


def _decode(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterFileError(
            f"{source}: line {line} is neither UTF-8 nor Windows-1252 text. {SAVE_AS_CSV_UTF8}"
            if encoding == "cp1252"
            else f"{source}: line {line} is not {encoding.upper()} text. {SAVE_AS_CSV_UTF8}"
        ) from exc


def _read_xlsx(path: Path) -> RosterText:
    """The first sheet of a workbook, as CSV text: one CSV line a sheet row (empty rows
    kept, so that a line number in a message is the row number in Excel)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RosterFileError(
            f"{path} is not an Excel workbook that can be read ({exc}). Open it in a "
            f"spreadsheet and save it again as .xlsx, or as CSV UTF-8."
        ) from exc
    try:
        if not workbook.worksheets:
            raise RosterFileError(f"{path} has no sheets.")
        sheet = workbook.worksheets[0]
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_XLSX_ROWS:
                raise RosterFileError(
                    f"{path}: the sheet “{sheet.title}” has more than {MAX_XLSX_ROWS:,} "
                    "rows, too many for a roster."
                )
            writer.writerow([_cell_text(value) for value in row])
        sheets = len(workbook.worksheets)
        title = sheet.title
    finally:
        workbook.close()
    others = f" (the first of {sheets} sheets)" if sheets > 1 else ""
    return RosterText(out.getvalue(), f"Excel workbook, sheet “{title}”{others}")


def _cell_text(value: object) -> str:
    """A cell as the teacher sees it: 3 not 3.0, a date as 2026-09-01, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
