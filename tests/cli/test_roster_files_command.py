"""`import` of a roster from Excel: the encoding is named, and a dry run shows the first
rows exactly as they will be stored."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from conference_tui.cli import cli


def test_a_dry_run_names_the_encoding_and_shows_the_first_rows(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    rows = ["Søren Øby,Sø,Période 3"] + [f"Élève {n},,Période 3" for n in range(2, 8)]
    roster.write_bytes(("Name,Nickname,Period\r\n" + "\r\n".join(rows)).encode("cp1252"))
    database = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["import", str(roster), "--dry-run", "--db", str(database)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Read as Windows-1252 (Excel)."
    first = lines.index("First 5 row(s) as they will be stored:")
    assert lines[first + 1] == "  line 2: name “Søren Øby”, preferred “Sø”, class “Période 3”"
    assert lines[first + 5] == "  line 6: name “Élève 5”, class “Période 3”"
    assert lines[first + 6] == "Dry run: nothing was written."
    assert not database.exists()


def test_an_xlsx_roster_imports_from_the_command_line(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Name", "Class"], ["Nguyễn Thị Minh", "7B"], ["محمد", "7B"]):
        sheet.append(row)
    book.save(tmp_path / "roster.xlsx")
    database = tmp_path / "school.db"
    args = ["--db", str(database), "import", str(tmp_path / "roster.xlsx")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Read as Excel workbook, sheet “Sheet”." in result.stdout
    assert "Added 2 student(s):" in result.stdout
    assert "line 3: محمد → 7B" in result.stdout
