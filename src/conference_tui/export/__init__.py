"""Notes that leave the laptop: Markdown exports, JSON archives, roster imports.

The TUI's export dialog and the `export` command share one call, meant to run in
a worker thread (it reads the database and writes files):

    result = export_notes(store, form, ExportScope.student(student_id),
                          Audience.SHAREABLE, out_dir, Per.STUDENT)

Show DISCLOSURE_WARNING before the teacher confirms an export. Every failure is an
`ExportError` whose message can be shown as it is (the store's own errors are
`StoreError`s); a failed or cancelled export removes the files it had written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from conference_tui.export.files import ExportError, prepare_folder, slugify, write_private_file
from conference_tui.export.markdown import (
    RenderContext,
    local_day,
    render_class_file,
    render_conference_file,
    render_student_file,
)
from conference_tui.export.scope import (
    Audience,
    ExportScope,
    Per,
    ScopeKind,
    StudentNotes,
    find_class,
    find_student,
    gather,
)
from conference_tui.forms import Form
from conference_tui.store import Store

DISCLOSURE_WARNING = (
    "An export is a disclosure of student records. Notes you keep for your own memory "
    "are yours alone; once a file leaves this laptop (shared, emailed, printed, uploaded) "
    "it becomes part of the student's education record, which the student and family may "
    "inspect. Share it only with people entitled to see it, and keep the file safe. The "
    "shareable audience leaves private notes out; the teacher audience includes them."
)


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
    stem: str
    render: Callable[[], str]


def _plan_files(
    gathered: Sequence[StudentNotes], per: Per, ctx: RenderContext
) -> list[_PlannedFile]:
    today = ctx.exported_on.isoformat()
    planned: list[_PlannedFile] = []
    if per is Per.CONFERENCE:
        for notes in gathered:
            slug = slugify(notes.student.name, "student")
            for conference in notes.conferences:
                touching = {conference.id}
                one = StudentNotes(
                    notes.student,
                    notes.school_class,
                    (conference,),
                    tuple(
                        goal
                        for goal in notes.goals
                        if goal.set_by_conference_id in touching
                        or goal.closed_by_conference_id in touching
                    ),
                    notes.private_goal_ids,
                )
                planned.append(
                    _PlannedFile(
                        f"{slug}-{local_day(conference.started_at)}",
                        partial(render_conference_file, one, ctx),
                    )
                )
    elif per is Per.STUDENT:
        for notes in gathered:
            planned.append(
                _PlannedFile(
                    f"{slugify(notes.student.name, 'student')}-{today}",
                    partial(render_student_file, notes, ctx),
                )
            )
    else:
        by_class: dict[str, list[StudentNotes]] = {}
        for notes in gathered:
            by_class.setdefault(notes.school_class.id, []).append(notes)
        for students in by_class.values():
            school_class = students[0].school_class
            planned.append(
                _PlannedFile(
                    f"{slugify(school_class.name, 'class')}-{today}",
                    partial(render_class_file, school_class, students, ctx),
                )
            )
    return planned


def export_notes(
    store: Store,
    form: Form,
    scope: ExportScope,
    audience: Audience,
    out_dir: Path,
    per: Per = Per.STUDENT,
    *,
    forms: Mapping[str, Form] | None = None,
    include_drafts: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write the scope's notes for the audience as Markdown files in `out_dir`.

    `form` renders conferences whose form is not in `forms` (by id). Drafts are left
    out unless `include_drafts` (a one-conference scope exports it whatever its
    status). Students without conferences in scope get no file. `progress(done,
    total)` is called after each file; `cancelled()` is asked before each file. Raises
    ExportError (nothing left behind) or StoreError."""
    ctx = RenderContext(
        audience=Audience(audience),
        forms=dict(forms or {}),
        fallback_form=form,
        exported_on=today or store.today(),
    )
    gathered = gather(store, scope, include_drafts=include_drafts)
    folder = prepare_folder(out_dir)
    planned = _plan_files(gathered, Per(per), ctx)
    written: list[Path] = []
    try:
        for index, planned_file in enumerate(planned):
            if cancelled is not None and cancelled():
                raise ExportCancelled("The export was cancelled; no files were left behind.")
            content = planned_file.render().encode("utf-8")
            written.append(write_private_file(folder, planned_file.stem, ".md", content))
            if progress is not None:
                progress(index + 1, len(planned))
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return ExportResult(
        folder=folder,
        files=tuple(written),
        conferences=sum(len(notes.conferences) for notes in gathered),
        students=len(gathered),
        audience=ctx.audience,
    )


__all__ = [
    "DISCLOSURE_WARNING",
    "Audience",
    "ExportCancelled",
    "ExportError",
    "ExportResult",
    "ExportScope",
    "Per",
    "ScopeKind",
    "export_notes",
    "find_class",
    "find_student",
]
