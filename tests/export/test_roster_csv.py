"""Roster CSVs as school systems write them: all rows or none, bad rows named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conference_tui.export.roster_csv import RosterFileError, import_roster_file, read_roster
from conference_tui.store import Store


def write(tmp_path: Path, text: str, name: str = "roster.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def students(store: Store) -> list[tuple[str, str, str]]:
    classes = {c.id: c.name for c in store.list_classes(include_archived=True)}
    return sorted(
        (classes[row.student.class_id], row.student.name, row.student.preferred_name)
        for row in store.roster(None, include_archived=True)
    )


def test_first_and_last_name_columns_with_a_byte_order_mark(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "First Name,Last Name,Nickname,Period,Email\r\n"
        "Amara,Okafor,Amy,Period 3,amara@example.org\r\n"
        '"Li, Jr",Ben,,Period 3,\r\n'
        "Émile,Zoë,,Period 4,\r\n",
        bom=True,
    )
    roster, report = import_roster_file(sqlite_store, path, dry_run=False)
    assert roster.columns == {
        "first": "First Name", "last": "Last Name", "preferred": "Nickname", "class": "Period",
    }  # fmt: skip
    assert roster.ignored_columns == ("Email",)
    assert [(e.line, e.name) for e in report.added] == [
        (2, "Amara Okafor"), (3, "Li, Jr Ben"), (4, "Émile Zoë"),
    ]  # fmt: skip
    assert report.new_classes == ["Period 3", "Period 4"]
    assert students(sqlite_store) == [
        ("Period 3", "Amara Okafor", "Amy"), ("Period 3", "Li, Jr Ben", ""),
        ("Period 4", "Émile Zoë", ""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("Student Name,Class", "Ann Lee,K", ("K", "Ann Lee", "")),
        ("student_name;SECTION", "Ann Lee;K", ("K", "Ann Lee", "")),
        ("Given Name\tSurname\tHomeroom", "Ann\tLee\tK", ("K", "Ann Lee", "")),
        (
            "Given Name,Family Name,Preferred Name,Course",
            "Ann,Lee,Annie,K",
            ("K", "Ann Lee", "Annie"),
        ),
        ("  NAME , class name ", "Ann Lee,K", ("K", "Ann Lee", "")),
        (
            "Full Name,Section Name,Interests,Needs",
            "Ann Lee,K,horses,glasses",
            ("K", "Ann Lee", ""),
        ),
    ],
)
def test_column_names_from_school_systems(
    sqlite_store: Store, tmp_path: Path, header: str, row: str, expected: tuple[str, str, str]
) -> None:
    path = write(tmp_path, f"{header}\n{row}\n")
    import_roster_file(sqlite_store, path, dry_run=False)
    assert students(sqlite_store) == [expected]


def test_notes_columns_are_kept(sqlite_store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Class,Interests,Strengths,Needs\nAnn,K,horses,voice,glasses\n")
    import_roster_file(sqlite_store, path, dry_run=False)
    student = sqlite_store.roster(None)[0].student
    assert (student.interests, student.strengths, student.needs) == ("horses", "voice", "glasses")


def test_a_broken_row_imports_nothing_and_names_every_bad_line(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "Name,Class\n"
        "Ann Lee,K\n"
        '"Multi\nline",K\n'  # lines 3-4: a quoted field may span lines (becomes "Multi line")
        ",K\n"  # line 5: no name, skipped (not a problem)
        "Bob Ray,\n"  # line 6: no class
        "\n"
        "Cy Day,K,surplus\n"  # line 8: one value too many
        + "Dee "
        + "x" * 300
        + ",K\n",  # line 9: too long
    )
    with pytest.raises(RosterFileError) as raised:
        import_roster_file(sqlite_store, path, dry_run=False)
    assert "nothing was imported" in str(raised.value)
    assert [problem.split(":")[0] for problem in raised.value.problems] == [
        "line 6", "line 8", "line 9",
    ]  # fmt: skip
    reasons = " | ".join(raised.value.problems)
    assert "the class is empty" in reasons
    assert "3 values but the header has 2 columns" in reasons
    assert "characters long" in reasons
    assert students(sqlite_store) == []
    assert sqlite_store.list_classes() == []


def test_a_dry_run_writes_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    assert sqlite_store.location.path is not None
    sqlite_store.add_class("K")
    before = students(sqlite_store), sqlite_store.location.path.read_bytes()
    path = write(tmp_path, "Name,Class\nAnn,K\nBen,New class\n")
    _, report = import_roster_file(sqlite_store, path, dry_run=True)
    assert report.dry_run
    assert [e.name for e in report.added] == ["Ann", "Ben"]
    assert report.new_classes == ["New class"]
    assert (students(sqlite_store), sqlite_store.location.path.read_bytes()) == before


def test_a_student_already_in_the_class_is_not_added_again(
    sqlite_store: Store, tmp_path: Path
) -> None:
    school_class = sqlite_store.add_class("Period 3")
    sqlite_store.add_student(school_class.id, "Ann Lee")
    other = sqlite_store.add_class("Period 4")
    sqlite_store.add_student(other.id, "Ben Ray")
    path = write(
        tmp_path,
        "Name,Class\nann  lee,period 3\nBen Ray,Period 3\nCy Day,Period 3\nCY DAY,Period 3\n",
    )
    _, report = import_roster_file(sqlite_store, path, dry_run=False)
    assert [e.name for e in report.added] == ["Ben Ray", "Cy Day"]  # Ben is new to Period 3
    assert [(s.entry.line, s.reason) for s in report.skipped] == [
        (2, "already in Period 3 (the database)"),
        (5, "already in Period 3 (line 4 of this file)"),
    ]
    assert report.new_classes == []
    assert students(sqlite_store) == [
        ("Period 3", "Ann Lee", ""), ("Period 3", "Ben Ray", ""), ("Period 3", "Cy Day", ""),
        ("Period 4", "Ben Ray", ""),
    ]  # fmt: skip
    # The same file again changes nothing.
    _, again = import_roster_file(sqlite_store, path, dry_run=False)
    assert again.added == []


def test_the_class_option(sqlite_store: Store, tmp_path: Path) -> None:
    no_class = write(tmp_path, "First Name,Last Name\nAnn,Lee\n", "a.csv")
    with pytest.raises(RosterFileError, match=r"no class column.*--class NAME"):
        read_roster(no_class)
    import_roster_file(sqlite_store, no_class, class_name="Period 5", dry_run=False)
    with_class = write(tmp_path, "Name,Class\nBen,Period 1\n", "b.csv")
    import_roster_file(sqlite_store, with_class, class_name="period 5", dry_run=False)
    assert students(sqlite_store) == [("Period 5", "Ann Lee", ""), ("Period 5", "Ben", "")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"Email,Class\na@b,K\n", "no name column"),
        (b"Name,Class\nAnn,K\nB\x81a,K\n", "line 3 is neither UTF-8 nor Windows-1252"),
        (b"N\x00a\x00m\x00e\x00", "UTF-16 text without a byte-order mark"),
        (b"\xff\xfeN\x00a\x00m", "line 1 is not UTF-16"),
    ],
)
def test_files_that_cannot_be_rosters(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(RosterFileError, match=message):
        read_roster(path)


def test_a_gradebook_export_family_name_first_with_summary_rows(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "Student,Section,Essay 1\n"
        '"Okafor, Amara",P2,18\n'  # line 2: Family, Given
        '"King, Jr.",P2,17\n'  # line 3: a suffix, not a given name: kept as written
        '"Ávila,  José ",P2,19\n'  # line 4
        "Class Average,P2,18\n"  # line 5
        "POINTS POSSIBLE,P2,20\n"  # line 6
        "Total:,P2,54\n"  # line 7
        ",P2,3\n"  # line 8: blank name
        "12345,P2,\n"  # line 9: only numbers
        '"\x1b[2;5",P2,\n'  # line 10: no letters; its escape is shown, never obeyed
        '"Lee, Ann, Marie",P2,\n',  # line 11: two commas: as written
    )
    roster, report = import_roster_file(sqlite_store, path, dry_run=False)
    assert [e.name for e in report.added] == [
        "Amara Okafor", "King, Jr.", "José Ávila", "Lee, Ann, Marie",
    ]  # fmt: skip
    assert roster.skipped_rows == (
        "line 5: “Class Average”: a summary row, not a student; skipped",
        "line 6: “POINTS POSSIBLE”: a summary row, not a student; skipped",
        "line 7: “Total:”: a summary row, not a student; skipped",
        "line 8: no name; skipped",
        "line 9: “12345”: not a name (no letters); skipped",
        "line 10: “␛[2;5”: not a name (no letters); skipped",
    )
    assert [name for _, name, _ in students(sqlite_store)] == [
        "Amara Okafor", "José Ávila", "King, Jr.", "Lee, Ann, Marie",
    ]  # fmt: skip


def test_first_and_last_columns_are_never_flipped(sqlite_store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, 'First Name,Last Name,Class\nAmara,"Okafor, Jr.",K\n')
    _, report = import_roster_file(sqlite_store, path, dry_run=False)
    assert [e.name for e in report.added] == ["Amara Okafor, Jr."]
