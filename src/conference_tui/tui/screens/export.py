"""Export notes to Markdown or HTML: what, for whom, how cut into files, and where.

An export is a disclosure of student records, so the warning stays on screen
above every choice, the audience starts on the safe side (shareable), and the
line above the buttons always says exactly what ctrl+e will write.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static
from textual.worker import get_current_worker

from conference_tui.export.files import ExportError, describe_os_error
from conference_tui.export.scope import DISCLOSURE_WARNING, Audience, ExportScope, Format, Per
from conference_tui.forms import Form, load_forms
from conference_tui.store import Store
from conference_tui.store.records import ConferenceInfo
from conference_tui.store.roster_records import ClassInfo, StudentInfo
from conference_tui.tui.background import run_in_background
from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import local_date, one_line, plural
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.text_input import TextInput

if TYPE_CHECKING:
    from conference_tui.export.notes import ExportResult

TEACHER_WARNING = "⚠ Private notes go into these files: keep them to yourself, share none."
FILES_LISTED = 5
LABEL_WIDTH = 64


class Option(RadioButton):
    """A radio button whose dot shows only when chosen, so the choice reads without
    colour (Textual draws the dot on every button and tells them apart by colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return RadioButton.BUTTON_INNER if self.value else " "


class Tick(Checkbox):
    """A checkbox whose X shows only when ticked, for the same reason."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return Checkbox.BUTTON_INNER if self.value else " "


class Choices(RadioSet):
    """A radio group where the arrows choose, as in any radio group: the option
    highlighted is always the option chosen, so what ctrl+e exports is what is shown."""

    BINDINGS = [
        Binding("down,right", "choose(1)", "Next option", show=False, id="export.next_option"),
        Binding(
            "up,left", "choose(-1)", "Previous option", show=False, id="export.previous_option"
        ),
    ]

    def action_choose(self, step: int) -> None:
        if step > 0:
            self.action_next_button()
        else:
            self.action_previous_button()
        # The option now highlighted is another one, unless it is the only one: toggling
        # that would let it go for a moment (the set presses it again).
        if len(self.query(RadioButton)) > 1:
            self.action_toggle_button()

    def chosen(self) -> str:
        pressed = self.pressed_button
        return pressed.id or "" if pressed is not None else ""


@dataclass(frozen=True)
class ScopeNames:
    """What the scope options are called, read from the store."""

    student: StudentInfo | None
    school_class: ClassInfo | None
    conference: ConferenceInfo | None


@dataclass(frozen=True)
class ExportFailure:
    message: str


def plain(text: str) -> Content:
    """A label shown exactly as typed: a name like "[b]x" is not markup."""
    return Content(one_line(text, LABEL_WIDTH))


class ExportScreen(AppScreen[None]):
    """Scope, audience, files, folder, drafts; ctrl+e exports in a worker."""

    CSS_PATH = "export.tcss"
    SUB_TITLE = "Export notes"
    # Focus starts on the scope, not on the first focusable widget (the scrolling body,
    # which would hand it on at once: each move restyles the whole dialog).
    AUTO_FOCUS = "#scope"
    BINDINGS = [
        Binding(
            "ctrl+e",
            "export",
            "Export",
            priority=True,  # the folder box would otherwise take ctrl+e as "end of line"
            id="export.run",
            tooltip="Write the chosen notes to files (Markdown or HTML) in the folder",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="export.back",
            tooltip="Go back (while exporting: stop, and leave no files behind)",
        ),
    ]

    def __init__(
        self,
        student_id: str | None = None,
        conference_id: str | None = None,
        class_id: str | None = None,
    ) -> None:
        super().__init__()
        self.student_id = student_id
        self.conference_id = conference_id
        self.class_id = class_id
        self.exporting = False
        self.stop_requested = threading.Event()
        self.exported_drafts = False
        # How the summary names each scope; filled in once the names are read.
        self.scope_words = {
            "scope-conference": "the chosen conference",
            "scope-student": "the chosen student",
            "scope-class": "the class",
            "scope-all": "every class",
        }

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The roster passes its class; from a history, the class is the roster's current one.
        self.class_id = self.class_id or self.conference_app.current_class_id
        yield AppHeader()
        yield Static(Content(DISCLOSURE_WARNING), id="export-warning")
        with VerticalScroll(id="export-body"):
            options: list[Option] = []
            if self.conference_id:
                options.append(Option("This conference", id="scope-conference"))
            if self.student_id:
                options.append(Option("This student", id="scope-student"))
            if self.class_id:
                options.append(Option("This class", id="scope-class"))
            options.append(Option("Everything: every class, archived ones too", id="scope-all"))
            options[0].value = True
            scope = Choices(*options, id="scope")
            scope.border_title = "What to export"
            yield scope
            with Horizontal(classes="export-row"):
                audience = Choices(
                    Option("Shareable (private notes left out)", value=True, id="shareable"),
                    Option("Teacher (all notes, including private)", id="teacher"),
                    id="audience",
                )
                audience.border_title = "For whom"
                yield audience
                per = Choices(
                    Option("One per student", value=True, id="per-student"),
                    Option("One per conference", id="per-conference"),
                    Option("One per class", id="per-class"),
                    id="per",
                )
                per.border_title = "Files"
                yield per
            yield Static(TEACHER_WARNING, id="teacher-warning", markup=False)
            with Horizontal(classes="export-row"):
                folder = TextInput(
                    str(self.conference_app.settings.export_path),
                    placeholder="The folder to write the files in, e.g. ~/conference-notes",
                    id="folder",
                )
                folder.border_title = "Folder (created if needed)"
                yield folder
                yield Tick("Include drafts", id="include-drafts")
            file_format = Choices(
                Option("Markdown: text to keep or edit (.md)", value=True, id="format-markdown"),
                Option("HTML: a page to open or print, for families (.html)", id="format-html"),
                id="format",
            )
            file_format.border_title = "Format"
            yield file_format
            yield Static("", id="export-status")
            with Horizontal(classes="dialog-buttons"):
                # One row each: at 80x24 the choices and the summary need the rest.
                yield Button("Export (ctrl+e)", id="export", variant="primary", compact=True)
                yield Button("Back (esc)", id="back", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one("#folder", Input).cursor_blink = False
        self.show_summary()
        self.load_names()

    def load_names(self) -> None:
        store = self.conference_app.store
        student_id, class_id, conference_id = self.student_id, self.class_id, self.conference_id

        def load() -> ScopeNames:
            return ScopeNames(
                store.get_student(student_id) if student_id else None,
                store.get_class(class_id) if class_id else None,
                store.get_conference(conference_id) if conference_id else None,
            )

        self.load_before_keys(
            load, self.show_names, group="export-names", what="the export", failed=self.show_error
        )

    def show_names(self, names: ScopeNames) -> None:
        if names.conference is not None:
            conference = names.conference
            title = conference.piece_title.strip() or "untitled piece"
            draft = " (draft)" if conference.is_draft else ""
            day = local_date(conference.started_at)
            label = f"This conference: {day} · {title}{draft}"
            self.query_one("#scope-conference", RadioButton).label = plain(label)
            self.scope_words["scope-conference"] = f"the conference of {day}"
        if names.student is not None:
            label = f"This student: {names.student.display_name}"
            self.query_one("#scope-student", RadioButton).label = plain(label)
            self.scope_words["scope-student"] = names.student.display_name
        if names.school_class is not None:
            label = f"This class: {names.school_class.name}"
            self.query_one("#scope-class", RadioButton).label = plain(label)
            self.scope_words["scope-class"] = names.school_class.name
        self.show_summary()

    # -- the choices -----------------------------------------------------------------

    def chosen_scope(self) -> ExportScope:
        match self.query_one("#scope", Choices).chosen():
            case "scope-conference" if self.conference_id:
                return ExportScope.conference(self.conference_id)
            case "scope-student" if self.student_id:
                return ExportScope.student(self.student_id)
            case "scope-class" if self.class_id:
                return ExportScope.school_class(self.class_id)
        return ExportScope.everything()

    def chosen_audience(self) -> Audience:
        teacher = self.query_one("#audience", Choices).chosen() == "teacher"
        return Audience.TEACHER if teacher else Audience.SHAREABLE

    def chosen_per(self) -> Per:
        return Per(self.query_one("#per", Choices).chosen().removeprefix("per-") or "student")

    def chosen_format(self) -> Format:
        chosen = self.query_one("#format", Choices).chosen().removeprefix("format-")
        return Format(chosen or "markdown")

    def include_drafts(self) -> bool:
        return self.query_one("#include-drafts", Checkbox).value

    def chosen_folder(self) -> Path | None:
        text = self.query_one("#folder", Input).value.strip()
        return Path(text).expanduser() if text else None

    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    @on(Input.Changed, "#folder")
    def choice_changed(self) -> None:
        teacher = self.chosen_audience() is Audience.TEACHER
        self.query_one("#teacher-warning").display = teacher
        if not self.exporting:
            self.show_summary()

    @on(Input.Submitted, "#folder")
    def folder_submitted(self) -> None:
        self.focus_next()

    def show_summary(self) -> None:
        """One line that says what ctrl+e would write, so nothing is a surprise."""
        what = self.scope_words.get(self.query_one("#scope", Choices).chosen(), "every class")
        audience = (
            "teacher: private notes INCLUDED"
            if self.chosen_audience() is Audience.TEACHER
            else "shareable: private notes left out"
        )
        drafts = "drafts included" if self.include_drafts() else "drafts left out"
        folder = self.chosen_folder()
        where = f"into {folder}" if folder is not None else "(type a folder first)"
        kind = "HTML page" if self.chosen_format() is Format.HTML else "Markdown file"
        per = f"one {kind} per {self.chosen_per().value}"
        self.set_status(Text(f"ctrl+e exports {what} · {audience} · {per} · {drafts} · {where}"))

    def set_status(self, message: Text, *, error: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(message)
        status.set_class(error, "-error")

    def show_error(self, message: str) -> None:
        self.show_outcome(Text(message), error=True)

    def show_outcome(self, message: Text, *, error: bool = False) -> None:
        """What ctrl+e did (or is doing), brought into sight below the options: at 80x24
        "Nothing to export" was written below the bottom of the screen."""
        self.set_status(message, error=error)
        self.query_one("#export-body", VerticalScroll).scroll_end(animate=False)

    # -- exporting -------------------------------------------------------------------

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self.exporting:
            return
        folder = self.chosen_folder()
        if folder is None:
            self.show_error("Type the folder to write the files in, then press ctrl+e.")
            self.query_one("#folder", Input).focus()
            return
        app = self.conference_app
        store, form = app.store, app.form
        today = app.clock().astimezone().date()
        scope, audience, per = self.chosen_scope(), self.chosen_audience(), self.chosen_per()
        file_format = self.chosen_format()
        include_drafts = self.exported_drafts = self.include_drafts()
        self.stop_requested = stop = threading.Event()

        def work() -> ExportResult | ExportFailure:
            worker = get_current_worker()
            return run_export(
                store, form, scope, audience, folder, per,
                include_drafts=include_drafts,
                file_format=file_format,
                today=today,
                progress=lambda done, total: self.report_progress(done, total),
                cancelled=lambda: stop.is_set() or worker.is_cancelled,
            )  # fmt: skip

        self.exporting = True
        self.query_one("#export", Button).disabled = True
        self.show_outcome(Text("Exporting… (escape stops, leaving no files behind)"))
        run_in_background(self, work, self.finished, group="export", failed=self.failed)

    def report_progress(self, done: int, total: int) -> None:
        """Called from the worker thread after each file."""
        if get_current_worker().is_cancelled:
            return
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(self.show_progress, done, total)

    def show_progress(self, done: int, total: int) -> None:
        if self.is_attached and self.exporting:
            self.set_status(Text(f"Exporting… {done} of {plural(total, 'file')} written"))

    def done_exporting(self) -> None:
        self.exporting = False
        self.query_one("#export", Button).disabled = False

    def failed(self, message: str) -> None:
        self.done_exporting()
        self.show_error(f"Not exported: {message}")

    def finished(self, outcome: ExportResult | ExportFailure) -> None:
        self.done_exporting()
        if isinstance(outcome, ExportFailure):
            self.show_error(outcome.message)
            return
        self.show_result(outcome)

    def show_result(self, result: ExportResult) -> None:
        if not result.files:
            drafts = "" if self.exported_drafts else " (drafts are left out unless ticked)"
            self.show_outcome(Text(f"Nothing to export: no conferences in that scope{drafts}."))
            return
        audience = (
            "teacher: private notes included, keep these files to yourself"
            if result.audience is Audience.TEACHER
            else "shareable: private notes left out"
        )
        message = Text()
        message.append("Exported ", style="bold")
        message.append(
            f"{plural(result.conferences, 'conference')} of "
            f"{plural(result.students, 'student')} ({audience}) "
            f"as {plural(len(result.files), 'file')} in\n"
        )
        message.append(str(result.folder), style="bold")
        for path in result.files[:FILES_LISTED]:
            message.append(f"\n • {path.name}")
        if len(result.files) > FILES_LISTED:
            message.append(f"\n   … and {len(result.files) - FILES_LISTED} more")
        self.show_outcome(message)

    # -- leaving -----------------------------------------------------------------------

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.exporting and not self.stop_requested.is_set():
            # The worker notices before its next file, removes what it wrote, and says so.
            self.stop_requested.set()
            self.set_status(Text("Stopping… (escape again leaves at once)"))
            return
        self.dismiss()


def run_export(
    store: Store,
    form: Form,
    scope: ExportScope,
    audience: Audience,
    folder: Path,
    per: Per,
    *,
    include_drafts: bool,
    file_format: Format = Format.MARKDOWN,
    today: date,
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
) -> ExportResult | ExportFailure:
    """The export itself, in the worker thread: every expected failure becomes a
    message for the dialog (the store's own errors go to `failed`)."""
    # Both renderers are loaded by the first export, not by opening the dialog.
    from conference_tui.export.notes import ExportCancelled, export_notes

    forms, _problems = load_forms()
    try:
        return export_notes(
            store, form, scope, audience, folder, per,
            forms=forms, include_drafts=include_drafts, today=today,
            progress=progress, cancelled=cancelled, file_format=file_format,
        )  # fmt: skip
    except ExportCancelled:
        return ExportFailure("Export stopped: no files were left behind.")
    except ExportError as exc:
        return ExportFailure(f"Not exported: {exc}")
    except OSError as exc:
        return ExportFailure(f"Not exported: {describe_os_error(exc, folder)}")
