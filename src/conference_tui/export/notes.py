"""Writing a scope's notes as files: `export_notes`, shared by the export command
and the TUI's export dialog (which runs it in a worker thread, since it reads the
database and writes files):

    result = export_notes(store, form, ExportScope.student(student_id),
                          Audience.SHAREABLE, out_dir, Per.STUDENT)

Every failure is an `ExportError` whose message can be shown as it is (the store's
own errors are `StoreError`s); a failed or cancelled export removes the files it
had written. This module loads both renderers (markdown.py and html.py), so the TUI
imports it only when it exports.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from conference_tui.export import html, markdown
from conference_tui.export.files import (
    BackgroundSync,
    ExportError,
    prepare_folder,
    private_text_file,
    slugify,
)
from conference_tui.export.scope import (
    Audience,
    ExportScope,
    Format,
    NotesSource,
    Per,
    PlannedStudent,
    ScopePlan,
    StudentNotes,
    plan_scope,
    read_notes,
)
from conference_tui.export.selection import RenderContext, forms_title, goals_touching, local_day
from conference_tui.forms import Form


class ExportCancelled(ExportError):
    """The export was cancelled; the files it had written were removed."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files (in order), how many conferences and students."""

    folder: Path
    files: tuple[Path, ...]
    conferences: int
    students: int
    audience: Audience


@dataclass(frozen=True)
class _PlannedFile:
    """A file to write: its name, and its text in pieces made as they are written."""

    stem: str
    pieces: Iterable[str]


@dataclass(frozen=True)
class _Renderer:
    """One format's way to make each kind of file (see markdown.py and html.py)."""

    conference_file: Callable[[StudentNotes, RenderContext], str]
    student_file: Callable[[StudentNotes, RenderContext], str]
    class_start: Callable[[Sequence[PlannedStudent], RenderContext], str]
    class_student: Callable[[StudentNotes, RenderContext], str]
    class_end: str


def _markdown_class_start(members: Sequence[PlannedStudent], ctx: RenderContext) -> str:
    return markdown.class_file_start(
        members[0].school_class,
        [planned.student.display_name for planned in members],
        sum(planned.conferences for planned in members),
        forms_title(ctx, (form_id for planned in members for form_id in planned.form_ids)),
        ctx,
    )


def _html_class_start(members: Sequence[PlannedStudent], ctx: RenderContext) -> str:
    return html.class_file_start(members[0].school_class)


_RENDERERS = {
    Format.MARKDOWN: _Renderer(
        markdown.render_conference_file,
        markdown.render_student_file,
        _markdown_class_start,
        markdown.class_file_student,
        markdown.CLASS_FILE_END,
    ),
    Format.HTML: _Renderer(
        html.render_conference_file,
        html.render_student_file,
        _html_class_start,
        html.class_file_student,
        html.CLASS_FILE_END,
    ),
}


def _conference_files(
    notes: StudentNotes, ctx: RenderContext, renderer: _Renderer
) -> Iterator[_PlannedFile]:
    slug = slugify(notes.student.name, "student")
    for conference in notes.conferences:
        one = goals_touching(notes, conference.id)
        yield _PlannedFile(
            f"{slug}-{local_day(conference.started_at)}", (renderer.conference_file(one, ctx),)
        )


def _class_pieces(
    members: Sequence[PlannedStudent],
    notes: Iterator[StudentNotes],
    ctx: RenderContext,
    renderer: _Renderer,
    cancelled: Callable[[], bool],
) -> Iterator[str]:
    yield renderer.class_start(members, ctx)
    for student_notes in notes:
        if cancelled():
            raise ExportCancelled(CANCELLED)
        yield renderer.class_student(student_notes, ctx)
    yield renderer.class_end


def _planned_files(
    store: NotesSource,
    plan: ScopePlan,
    per: Per,
    ctx: RenderContext,
    renderer: _Renderer,
    cancelled: Callable[[], bool],
) -> Iterator[_PlannedFile]:
    """The files, in order, each made only when it is written."""
    notes = read_notes(store, plan)
    today = ctx.exported_on.isoformat()
    if per is Per.CONFERENCE:
        for student_notes in notes:
            yield from _conference_files(student_notes, ctx, renderer)
    elif per is Per.STUDENT:
        for student_notes in notes:
            yield _PlannedFile(
                f"{slugify(student_notes.student.name, 'student')}-{today}",
                (renderer.student_file(student_notes, ctx),),
            )
    else:
        for class_id, in_class in itertools.groupby(notes, key=lambda n: n.school_class.id):
            members = [p for p in plan.students if p.school_class.id == class_id]
            yield _PlannedFile(
                f"{slugify(members[0].school_class.name, 'class')}-{today}",
                _class_pieces(members, in_class, ctx, renderer, cancelled),
            )


def _file_count(plan: ScopePlan, per: Per) -> int:
    if per is Per.CONFERENCE:
        return plan.conferences
    if per is Per.STUDENT:
        return len(plan.students)
    return len({planned.school_class.id for planned in plan.students})


CANCELLED = "The export was cancelled; no files were left behind."


def export_notes(
    store: NotesSource,
    form: Form,
    scope: ExportScope,
    audience: Audience,
    out_dir: Path,
    per: Per = Per.STUDENT,
    *,
    forms: Mapping[str, Form] | None = None,
    include_drafts: bool = False,
    file_format: Format = Format.MARKDOWN,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write the scope's notes for the audience as files in `out_dir`: Markdown, or
    self-contained HTML pages when `file_format` is HTML.

    `form` renders conferences whose form is not in `forms` (by id). Drafts are left
    out unless `include_drafts` (a one-conference scope exports it whatever its
    status). Students without conferences in scope get no file. Notes are read a
    batch of students at a time and each file written as it is made, so memory does
    not grow with the scope; each file is synced to disk while the next is made, and
    all are by the time this returns. `progress(done, total)` is called after each file;
    `cancelled()` is asked before each file (and each student of a class's file).
    Raises ExportError (nothing left behind) or StoreError."""
    ctx = RenderContext(
        audience=Audience(audience),
        forms=dict(forms or {}),
        fallback_form=form,
        exported_on=today or store.today(),
    )
    plan = plan_scope(store, scope, include_drafts=include_drafts)
    total = _file_count(plan, Per(per))
    if not total:
        # Nothing to write: no folder made either (a mistyped path left a chain of them).
        return ExportResult(
            folder=out_dir.expanduser(),
            files=(),
            conferences=plan.conferences,
            students=len(plan.students),
            audience=ctx.audience,
        )
    folder = prepare_folder(out_dir)
    is_cancelled = cancelled or (lambda: False)
    written: list[Path] = []
    chosen = Format(file_format)
    renderer = _RENDERERS[chosen]
    files = _planned_files(store, plan, Per(per), ctx, renderer, is_cancelled)
    try:
        with BackgroundSync(folder) as sync:
            for planned_file in files:
                if is_cancelled():
                    raise ExportCancelled(CANCELLED)
                stem = planned_file.stem
                with private_text_file(folder, stem, chosen.suffix, sync) as (path, file):
                    for piece in planned_file.pieces:
                        file.write(piece)
                written.append(path)
                if progress is not None:
                    progress(len(written), total)
            sync.finish()
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return ExportResult(
        folder=folder,
        files=tuple(written),
        conferences=plan.conferences,
        students=len(plan.students),
        audience=ctx.audience,
    )
