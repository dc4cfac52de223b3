"""Commands that move notes in and out: backup, import, check (and export, from cli_export).

Heavy modules load inside each command, so that `conference-tui --version` stays quick.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from conference_tui import paths
from conference_tui.cli_export import export
from conference_tui.cli_progress import progress_bar
from conference_tui.cli_support import (
    clear_errors,
    database_of,
    database_option,
    echo,
    fail,
    open_store,
    require_database_file,
    require_notes_in,
)

if TYPE_CHECKING:
    from conference_tui.store import Store
    from conference_tui.store.backup import CheckReport
    from conference_tui.store.roster_import import RosterEntry


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the copy and the archive. Default: the backups folder.",
)
@database_option
@click.pass_context
def backup(ctx: click.Context, out_dir: Path | None) -> None:
    """Copy the database safely (even while the app runs), plus a JSON archive.

    The copy (.db) is made with SQLite's online backup API and checked; the
    archive (.json) holds every record in a documented format that `import`
    reads. On PostgreSQL only the archive is written: back the server up with
    its own tools (pg_dump).
    """
    from conference_tui.export.archive import counts_line, write_archive
    from conference_tui.export.files import prepare_folder
    from conference_tui.store.backup import backup_sqlite
    from conference_tui.store.location import locate as locate_database

    database = database_of(ctx)
    location = locate_database(database)
    stem = f"conferences-{datetime.now():%Y%m%d-%H%M%S}"
    with clear_errors():
        require_database_file(database, "back up")
        if location.path is not None:
            require_notes_in(location.path, "back up")
        folder = prepare_folder(out_dir or paths.backups_dir())
        if location.path is not None:
            copy = backup_sqlite(location.path, folder, stem)
            echo(f"Database copy:  {copy} (checked: ok)")
        store = open_store(ctx.obj["database"])
        with progress_bar("Writing the JSON archive") as progress:
            archive, counts = write_archive(store, folder, stem, progress=progress)
        store.close()
    echo(f"JSON archive:   {archive} ({counts_line(counts)})")
    if location.path is None:
        echo(
            "The database is on a server, so only the JSON archive was written; "
            "back the server itself up with its own tools (pg_dump)."
        )
    echo("Both files hold every note, private ones too: keep them as safe as the laptop.")


@contextlib.contextmanager
def _store_for(ctx: click.Context, dry_run: bool) -> Iterator[Store]:
    """The store to import into. A dry run on a database file that does not exist yet
    runs against a throwaway empty one, so that it creates nothing."""
    from conference_tui.store.location import locate as locate_database

    location = locate_database(database_of(ctx))
    if dry_run and location.path is not None and not location.path.exists():
        with tempfile.TemporaryDirectory(prefix="conference-tui-dry-run-") as folder:
            store = open_store(str(Path(folder) / "empty.db"))
            try:
                yield store
            finally:
                store.close()
        return
    store = open_store(ctx.obj["database"])
    try:
        yield store
    finally:
        store.close()


def _looks_like_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as file:
            start = file.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return start.startswith(b"{")


@click.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--class",
    "class_name",
    metavar="NAME",
    help="Roster: put every student in this class (created if new).",
)
@database_option
@click.pass_context
def import_(ctx: click.Context, file: Path, dry_run: bool, class_name: str | None) -> None:
    """Add a roster (CSV or Excel .xlsx), or merge a JSON archive made by `backup`.

    A roster needs a header row with a name column ("Name", "Student Name",
    or "First Name" and "Last Name"); class, preferred name and more are used
    when present. "Okafor, Amara" is read as Amara Okafor. Rows that are no
    student (blank names, "Class Average", "Points Possible", totals) are
    skipped and listed. A CSV may be UTF-8, UTF-16 or Excel's Windows-1252; the
    output says which was read. An .xlsx is read from its first sheet. A student
    already in the class under the same name is not added again. Any bad row
    stops the import: nothing is written.

    A JSON archive is merged by id: new records are added, and where both copies
    hold a record the more recently changed one wins. Nothing is deleted.
    """
    if _looks_like_json(file):
        if class_name is not None:
            fail("--class applies to roster files (CSV or .xlsx), not to JSON archives.")
        _import_archive(ctx, file, dry_run)
    else:
        _import_roster(ctx, file, dry_run, class_name)


@contextlib.contextmanager
def _nothing_imported(dry_run: bool) -> Iterator[None]:
    """An archive import that fails says that it changed nothing: it is one
    transaction, undone whole, however far it had gone."""
    from conference_tui.export.archive import ArchiveError
    from conference_tui.store import InvalidInputError, RecordsClashError

    try:
        yield
    except RecordsClashError as exc:
        outcome = (
            "Dry run: nothing was written, and importing it here would be refused."
            if dry_run
            else "Nothing was imported: this database is as it was."
        )
        raise RecordsClashError(
            f"{exc} {outcome} To keep the archive's notes, import it into a new, empty "
            "database (--db NEW.db)."
        ) from exc
    except ArchiveError as exc:
        raise ArchiveError(_and_nothing_imported(str(exc), dry_run)) from exc
    except InvalidInputError as exc:
        raise InvalidInputError(_and_nothing_imported(str(exc), dry_run)) from exc


def _and_nothing_imported(message: str, dry_run: bool) -> str:
    return message if dry_run else f"{message} Nothing was imported."


KIND_LABELS = {"answer_revisions": "answer revisions", "habits": "habits of mind"}


def _import_archive(ctx: click.Context, file: Path, dry_run: bool) -> None:
    from conference_tui.export.archive import import_archive

    with (
        clear_errors(),
        _nothing_imported(dry_run),
        _store_for(ctx, dry_run) as store,
        progress_bar("Importing the archive") as progress,
    ):
        report = import_archive(store, file, dry_run=dry_run, progress=progress)
    if dry_run:
        echo(f"Dry run: nothing was written. Importing {file} would give:")
    else:
        echo(f"Imported {file}:")
    for kind, counts in report.counts.items():
        label = KIND_LABELS.get(kind, kind)
        line = f"  {label}: {counts.new} new, {counts.updated} updated, "
        line += f"{counts.unchanged} unchanged"
        if counts.kept_local:
            line += f", {counts.kept_local} kept as they are here (this copy is newer)"
        echo(line)


MAX_LISTED = 50


def _listed(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], f"... and {len(lines) - MAX_LISTED} more"]


def _import_roster(ctx: click.Context, file: Path, dry_run: bool, class_name: str | None) -> None:
    from conference_tui.export.roster_csv import RosterFileError, read_roster

    try:
        roster = read_roster(file, class_name)
    except RosterFileError as exc:
        for problem in _listed(list(exc.problems)):
            echo(f"  {problem}", err=True)
        fail(str(exc))
    with clear_errors(), _store_for(ctx, dry_run) as store:
        report = store.import_roster(roster.entries, dry_run=dry_run)
    echo(f"Read as {roster.read_as}.")
    used = ", ".join(f"{role} from “{column}”" for role, column in roster.columns.items())
    echo(f"Columns: {used}.")
    if roster.ignored_columns:
        echo("Not used: " + ", ".join(f"“{c}”" for c in roster.ignored_columns) + ".")
    if roster.skipped_rows:
        echo(f"Not students, skipped ({len(roster.skipped_rows)}):")
        for line in _listed(list(roster.skipped_rows)):
            echo(f"  {line}")
    verb = "Would add" if dry_run else "Added"
    if dry_run:
        _show_first_rows(roster.entries)
        echo("Dry run: nothing was written.")
    echo(f"{verb} {len(report.added)} student(s)" + (":" if report.added else "."))
    for line in _listed([f"line {e.line}: {e.name} → {e.class_name}" for e in report.added]):
        echo(f"  {line}")
    if report.new_classes:
        echo(
            f"{'New' if not dry_run else 'Would create'} class(es): "
            + ", ".join(report.new_classes)
        )
    if report.skipped:
        echo(f"Not added again ({len(report.skipped)}):")
        skipped = [f"line {s.entry.line}: {s.entry.name}, {s.reason}" for s in report.skipped]
        for line in _listed(skipped):
            echo(f"  {line}")


FIRST_ROWS_SHOWN = 5
ROSTER_FIELDS = (
    ("name", "name"), ("preferred_name", "preferred"), ("class_name", "class"),
    ("school_year", "school year"), ("interests", "interests"), ("strengths", "strengths"),
    ("needs", "needs"),
)  # fmt: skip


def _show_first_rows(entries: Sequence[RosterEntry]) -> None:
    """The first students exactly as they would be stored, every field quoted, so that a
    misread encoding, a name split wrongly or a stray space shows before anything is."""
    if not entries:
        return
    echo(f"First {min(len(entries), FIRST_ROWS_SHOWN)} row(s) as they will be stored:")
    for entry in entries[:FIRST_ROWS_SHOWN]:
        fields = [
            f"{label} “{getattr(entry, attribute)}”"
            for attribute, label in ROSTER_FIELDS
            if getattr(entry, attribute)
        ]
        echo(f"  line {entry.line}: " + ", ".join(fields))


@click.command()
@click.option("--repair", is_flag=True, help="Rebuild the search index if it is out of step.")
@database_option
@click.pass_context
def check(ctx: click.Context, repair: bool) -> None:
    """Check the database's integrity and its search index.

    Exit status 0 when healthy, 1 when not; the message says what to do. The
    file is only read, except that --repair rebuilds the search index.
    """
    from conference_tui.store.backup import check_database, repair_search_index
    from conference_tui.store.diagnosis import Fault
    from conference_tui.store.location import locate as locate_database

    location = locate_database(database_of(ctx))
    if location.path is None:
        store = open_store(ctx.obj["database"])
        store.close()
        echo(
            f"{location.describe()} is a database server: it opened and its schema is current. "
            "Its integrity is the server's to check (e.g. with pg_amcheck)."
        )
        return
    echo(f"Checking {location.path}")
    report = check_database(location.path)
    if repair and report.fault is Fault.DAMAGED_SEARCH_INDEX:
        with clear_errors():
            repair_search_index(location.path)
        echo("Rebuilt the search index from the notes.")
        report = check_database(location.path)
    _print_check(report)
    if not report.healthy:
        sys.exit(1)


def _print_check(report: CheckReport) -> None:
    from conference_tui.store.diagnosis import Fault

    def verdict(problems: tuple[str, ...]) -> str:
        if not problems:
            return "ok"
        return "PROBLEM: " + "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")

    if report.integrity_problems or report.search_index_checked:
        echo(f"  database structure (integrity_check): {verdict(report.integrity_problems)}")
    if report.search_index_checked or report.foreign_key_problems:
        echo(f"  links between records (foreign_key_check): {verdict(report.foreign_key_problems)}")
    if report.search_index_checked:
        index_ok = report.fault is not Fault.DAMAGED_SEARCH_INDEX
        echo(f"  search index: {'ok' if index_ok else 'PROBLEM: out of step with the notes'}")
    if report.healthy:
        click.secho("Healthy.", fg="green")
        return
    diagnosis = report.diagnosis
    if diagnosis is not None and diagnosis.for_command_line:
        # The app's words ("your note is kept on screen") are not true of a command.
        click.secho(f"{diagnosis.fault.capitalize()}: {diagnosis.for_command_line}", fg="red")
    elif diagnosis is not None:
        click.secho(f"{diagnosis.fault.capitalize()}: {diagnosis.what}", fg="red")
        echo(f"  {diagnosis.advice}")
    if report.foreign_key_problems:
        click.secho("Some records point at records that are missing.", fg="red")
        echo(
            "  The notes that are there can be read. Open the newest backup read-only "
            "(`conference-tui --db BACKUP`) to see what is missing, or import a JSON archive "
            "that holds the missing records."
        )


TRANSFER_COMMANDS = (export, backup, import_, check)
