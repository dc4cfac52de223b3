"""Roster CSV files from school systems, read into students to add.

The first non-empty row is the header. Column names are matched ignoring case,
spaces and punctuation, so "First Name", "first_name" and "FIRSTNAME" are one
column. A name comes from a full-name column, else from first and last name
columns; "Family, Given" in a full-name column is read as "Given Family". Rows that
are no student (a blank name, "Class Average", "Points Possible", a row of numbers)
are skipped, each with a line saying so. Every other row is checked before anything
is written; any bad row stops the whole import, and each is reported with its line
number and the reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from conference_tui.export.roster_files import RosterFileError, read_roster_text
from conference_tui.store import InvalidInputError, Store
from conference_tui.store.names import given_name_first, not_a_student
from conference_tui.store.roster_import import RosterEntry, RosterImportReport
from conference_tui.store.text_rules import MAX_NAME_LENGTH, check_text, clean_name, visible

# Each role, with the header names (normalised) that mean it, in order of preference.
COLUMN_ALIASES: Mapping[str, tuple[str, ...]] = {
    "name": (
        "name", "studentname", "fullname", "student", "studentfullname", "learner",
        "learnername", "pupil", "pupilname", "displayname",
    ),
    "first": (
        "firstname", "first", "givenname", "givennames", "forename", "forenames",
        "studentfirstname", "legalfirstname",
    ),
    "last": (
        "lastname", "last", "surname", "familyname", "studentlastname", "legallastname",
        "studentsurname",
    ),
    "preferred": (
        "preferredname", "nickname", "preferred", "preferredfirstname", "knownas", "goesby",
        "chosenname",
    ),
    "class": (
        "class", "classname", "section", "sectionname", "period", "course", "coursename",
        "homeroom", "homeroomname", "formgroup", "tutorgroup", "classgroup",
    ),
    "school_year": ("schoolyear", "academicyear"),
    "interests": ("interests",),
    "strengths": ("strengths",),
    "needs": ("needs", "learningneeds"),
}  # fmt: skip


@dataclass(frozen=True)
class RosterFile:
    """A roster read and checked: the students, which column gave each role, and the
    rows that were no student ("line 9: “Class Average”: a summary row, not a student")."""

    entries: tuple[RosterEntry, ...]
    columns: dict[str, str]
    ignored_columns: tuple[str, ...]
    skipped_rows: tuple[str, ...] = ()
    read_as: str = "UTF-8"


def normalise_header(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def _map_columns(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    used: set[int] = set()
    normalised = [normalise_header(cell) for cell in header]
    for role, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in normalised and normalised.index(alias) not in used:
                positions[role] = normalised.index(alias)
                used.add(positions[role])
                break
    ignored = [cell for index, cell in enumerate(header) if index not in used and cell.strip()]
    return positions, ignored


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _cell(row: Sequence[str], position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position].strip()


def _name(row: Sequence[str], columns: Mapping[str, int]) -> str:
    name = _cell(row, columns.get("name"))
    if name:
        return given_name_first(name)
    parts = (_cell(row, columns.get("first")), _cell(row, columns.get("last")))
    return " ".join(part for part in parts if part)


def _check_short(value: str, what: str) -> str:
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"the {what} is {len(value)} characters long; keep it under {MAX_NAME_LENGTH}."
        )
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidInputError(f"the {what} contains control characters.")
    return value


def _entry(
    line: int,
    row: Sequence[str],
    columns: Mapping[str, int],
    width: int,
    class_name: str | None,
) -> RosterEntry:
    """One row as a student to add, or InvalidInputError saying what is wrong with it."""
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        raise InvalidInputError(
            f"it has {len(row)} values but the header has {width} columns "
            "(a comma inside a name needs the name in double quotes)."
        )
    name = clean_name(_name(row, columns))
    school_class = class_name or _cell(row, columns.get("class"))
    if not school_class:
        raise InvalidInputError("the class is empty: fill it in, or give --class NAME.")
    return RosterEntry(
        line=line,
        class_name=clean_name(school_class, "class name"),
        name=name,
        preferred_name=_check_short(_cell(row, columns.get("preferred")), "preferred name"),
        school_year=_check_short(_cell(row, columns.get("school_year")), "school year"),
        interests=check_text(_cell(row, columns.get("interests")), "interests"),
        strengths=check_text(_cell(row, columns.get("strengths")), "strengths"),
        needs=check_text(_cell(row, columns.get("needs")), "needs"),
    )


def parse_roster(text: str, source: str, class_name: str | None = None) -> RosterFile:
    """Check every row of a roster CSV; RosterFileError lists every bad row by line."""
    if class_name is not None:
        try:
            class_name = clean_name(class_name, "class name")
        except InvalidInputError as exc:
            raise RosterFileError(f"--class: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header: list[str] | None = None
    columns: dict[str, int] = {}
    ignored: list[str] = []
    entries: list[RosterEntry] = []
    problems: list[str] = []
    skipped: list[str] = []
    try:
        line = 1
        for row in reader:
            if not any(cell.strip() for cell in row):
                line = reader.line_num + 1
                continue
            if header is None:
                header = row
                columns, ignored = _map_columns(header)
                _check_header(columns, header, class_name, source)
            elif why := not_a_student(_name(row, columns)):
                skipped.append(_skipped(line, _name(row, columns), why))
            else:
                try:
                    entries.append(_entry(line, row, columns, len(header), class_name))
                except InvalidInputError as exc:
                    problems.append(f"line {line}: {_lower_first(str(exc))}")
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    if header is None:
        raise RosterFileError(f"{source} is empty: it needs a header row, then one student a row.")
    if problems:
        raise RosterFileError(
            f"{source}: nothing was imported; fix {len(problems)} row(s) and import again.",
            problems,
        )
    named = {role: header[position].strip() for role, position in columns.items()}
    return RosterFile(tuple(entries), named, tuple(ignored), tuple(skipped))


def _skipped(line: int, name: str, why: str) -> str:
    # A row of only symbols may hold a terminal's escape codes: shown, never obeyed.
    shown = f"“{visible(name.strip())}”: " if name.strip() else ""
    return f"line {line}: {shown}{why}; skipped"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _check_header(
    columns: Mapping[str, int], header: Sequence[str], class_name: str | None, source: str
) -> None:
    if not {"name", "first", "last"} & set(columns):
        found = ", ".join(f"“{cell}”" for cell in header) or "nothing"
        raise RosterFileError(
            f"{source}: the header row has no name column (found {found}). Name a column "
            "“Name”, or “First Name” and “Last Name”."
        )
    if "class" not in columns and class_name is None:
        raise RosterFileError(
            f"{source}: the file has no class column (Class, Section, Period, Course or "
            "Homeroom): say which class these students join with --class NAME."
        )


def read_roster(path: Path, class_name: str | None = None) -> RosterFile:
    """Read and check a roster: a CSV (UTF-8, UTF-16 or Excel's Windows-1252) or an .xlsx."""
    rows = read_roster_text(path)
    return replace(parse_roster(rows.text, str(path), class_name), read_as=rows.read_as)


def import_roster_file(
    store: Store, path: Path, *, class_name: str | None = None, dry_run: bool
) -> tuple[RosterFile, RosterImportReport]:
    """Read, check and add a roster in one transaction (nothing at all on any bad row)."""
    roster = read_roster(path, class_name)
    return roster, store.import_roster(roster.entries, dry_run=dry_run)
