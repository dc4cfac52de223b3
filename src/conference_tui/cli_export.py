"""The export command: notes out as Markdown files or HTML pages.

Heavy modules load inside the command, so that `conference-tui --version` stays quick.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from conference_tui import paths
from conference_tui.cli_progress import progress_bar
from conference_tui.cli_support import (
    clear_errors,
    database_of,
    database_option,
    echo,
    fail,
    open_store,
    require_database_file,
    warning_if_damaged,
)

if TYPE_CHECKING:
    from conference_tui.export.notes import ExportResult
    from conference_tui.export.scope import ExportScope
    from conference_tui.forms import Form
    from conference_tui.store import Store
    from conference_tui.store.diagnosis import Diagnosis
    from conference_tui.store.export_file_reads import FileNotesReader


def _forms() -> tuple[Form, dict[str, Form]]:
    from conference_tui.forms import DEFAULT_FORM_ID, load_forms
    from conference_tui.settings import load_settings

    forms, _errors = load_forms()
    form = forms.get(load_settings().default_form) or forms.get(DEFAULT_FORM_ID)
    if form is None:
        fail(f"no usable conference form was found (see {paths.user_forms_dir()}).")
    return form, forms


@click.command()
@click.option("--conference", "conference_id", metavar="ID", help="One conference, by id.")
@click.option("--student", metavar="ID_OR_NAME", help="One student's conferences.")
@click.option("--class", "class_name", metavar="NAME_OR_ID", help="A class's conferences.")
@click.option("--all", "everything", is_flag=True, help="Every conference of every class.")
@click.option(
    "--audience",
    type=click.Choice(["shareable", "teacher"]),
    default="shareable",
    show_default=True,
    help="shareable: private notes left out; teacher: all notes, private ones marked.",
)
@click.option(
    "--per",
    type=click.Choice(["student", "conference", "class"]),
    default="student",
    show_default=True,
    help="One file per student, per conference or per class.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
    help="markdown: text files to keep or edit; html: self-contained pages to open and print.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files. Default: export_folder in config.toml.",
)
@click.option("--include-drafts", is_flag=True, help="Export unfinished conferences too.")
@database_option
@click.pass_context
def export(
    ctx: click.Context,
    conference_id: str | None,
    student: str | None,
    class_name: str | None,
    everything: bool,
    audience: str,
    per: str,
    file_format: str,
    out_dir: Path | None,
    include_drafts: bool,
) -> None:
    """Write notes as Markdown files (or HTML pages), in spiral order, with goals and
    next step. An HTML page holds no script and loads nothing; it prints a student
    a page.

    An export is a disclosure of student records: the files can be read by anyone
    who gets them. Files are created private (0600) and never replace a file:
    a name already taken gets -2, -3 ... added.
    """
    from conference_tui.export.scope import ExportScope
    from conference_tui.settings import load_settings
    from conference_tui.store.diagnosis import Fault, describe
    from conference_tui.store.export_file_reads import open_file_reader
    from conference_tui.store.location import locate

    chosen = [bool(conference_id), bool(student), bool(class_name), everything]
    if sum(chosen) != 1:
        fail("say what to export, once: --conference ID, --student NAME, --class NAME or --all.")
    require_database_file(database_of(ctx), "export")
    form, forms = _forms()
    folder = out_dir or load_settings().export_path
    damage = describe(Fault.DAMAGED, locate(database_of(ctx)).describe())
    with clear_errors(), _nothing_exported(damage), contextlib.ExitStack() as stack:
        # A file that needs nothing of the store is read with the sqlite3 module alone
        # (the store and SQLAlchemy are a tenth of an export's time); its quick check then
        # runs beside the export instead of before it, since that connection writes
        # nothing. The reader closes after the check: closed first, it could not remove
        # the -wal and -shm files that the check's connection held, and they would stay.
        reader = None if student or class_name else open_file_reader(database_of(ctx))
        source: FileNotesReader | Store
        if reader is not None:
            source = reader
            stack.callback(reader.close)
            stack.enter_context(warning_if_damaged(database_of(ctx), _read_despite(damage)))
        else:
            source = store = open_store(ctx.obj["database"], say_read_only=False)
            stack.callback(store.close)
        if conference_id:
            scope = ExportScope.conference(conference_id.strip())
        elif student or class_name:
            # Found by name through the store: the reader is not opened for these.
            scope = _found_scope(store, student, class_name)
        else:
            scope = ExportScope.everything()
        result = _write(
            source, form, forms, scope, audience, per, file_format, folder, include_drafts
        )
    if reader is None and store.read_only_because:
        echo(_read_despite(damage), err=True)
    if not result.files:
        drafts = "" if include_drafts else " (drafts are left out unless --include-drafts)"
        echo(f"Nothing to export: no conferences in that scope{drafts}.")
        return
    left_out = "private notes left out" if audience == "shareable" else "private notes included"
    echo(
        f"Exported {result.conferences} conference(s) of {result.students} student(s) "
        f"to {result.folder} (audience: {audience}; {left_out}):"
    )
    for path in result.files:
        echo(f"  {path}")


def _read_despite(damage: Diagnosis) -> str:
    """Said after an export that read every note it needed from a damaged file."""
    return f"{damage.what} These files hold what could be read from it. {damage.advice}"


@contextlib.contextmanager
def _nothing_exported(damage: Diagnosis) -> Iterator[None]:
    """An export that meets the damage stops, and leaves no file behind (export_notes):
    it says so, rather than the read-only note that an export is possible."""
    from conference_tui.store import StoreError
    from conference_tui.store.diagnosis import Fault

    try:
        yield
    except StoreError as exc:
        if exc.fault != Fault.DAMAGED:
            raise
        raise StoreError(
            f"{damage.what} Nothing was exported: part of it cannot be read. {damage.advice}",
            exc.fault,
        ) from exc


def _found_scope(store: Store, student: str | None, class_name: str | None) -> ExportScope:
    """The student's scope (found by id or name), else the class's."""
    from conference_tui.export.scope import ExportScope, find_class, find_student

    if student:
        return ExportScope.student(find_student(store, student).id)
    return ExportScope.school_class(find_class(store, class_name or "").id)


def _write(
    source: FileNotesReader | Store,
    form: Form,
    forms: dict[str, Form],
    scope: ExportScope,
    audience: str,
    per: str,
    file_format: str,
    folder: Path,
    include_drafts: bool,
) -> ExportResult:
    from conference_tui.export.notes import export_notes
    from conference_tui.export.scope import DISCLOSURE_WARNING, Audience, Format, Per

    click.secho(click.wrap_text(f"Note: {DISCLOSURE_WARNING}", 78), fg="yellow", err=True)
    # What is loaded by now (modules, the store, the forms) lasts until the command
    # ends: frozen, it is no longer walked by every full garbage collection that the
    # export's batches set off (about a second of 6 on 25,000 conferences). The
    # export makes hundreds of thousands of records and almost no cycles: collected
    # less often, as the test suite does (0.24 s of collections left, then 0.03 s).
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    kind = "HTML pages" if file_format == Format.HTML else "Markdown files"
    with progress_bar(f"Writing {kind}") as progress:
        return export_notes(
            source, form, scope, Audience(audience), folder, Per(per),
            forms=forms, include_drafts=include_drafts, progress=progress,
            file_format=Format(file_format),
        )  # fmt: skip
