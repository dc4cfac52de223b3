"""Which form a conference is held with: the quick compliment on a busy day, the
writing conference on another. Enter starts the highlighted form with the student;
d makes it the form `n` starts for the whole class."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from conference_tui.forms import Form
from conference_tui.store.roster_records import ClassInfo
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.screens.base import AppModal
from conference_tui.tui.widgets.formatting import QUIET, one_line, plain

# One line of the list at 80 columns.
DESCRIPTION_WIDTH = 50


def form_option(form: Form, is_default: bool, has_draft: bool) -> Option:
    stages = f"{len(form.stages)} stage{'s' * (len(form.stages) != 1)}"
    title = Content.styled(visible(form.title), "bold")
    marks = f" · {stages}{' · n starts this one' if is_default else ''}"
    if has_draft:
        marks += " · ✎ draft open: enter reopens it"
    description = one_line(form.description, DESCRIPTION_WIDTH) if form.description else ""
    return Option(
        Content.assemble(title, (marks, QUIET), ("\n" + description, QUIET) if description else ""),
        id=form.id,
    )


class FormDialog(AppModal[Form | None]):
    """The forms there are, the class's default marked; its result is the form to start."""

    BINDINGS = [
        Binding("escape", "cancel", "Close", id="forms.close"),
        Binding("d", "make_default", "Default for class", id="forms.default"),
    ]

    def __init__(
        self,
        forms: dict[str, Form],
        default_form: str,
        school_class: ClassInfo | None,
        name: str,
        student_id: str,
    ) -> None:
        super().__init__()
        self.student_id = student_id
        self.drafts: set[str] = set()
        # A small-group form is started with the students of a group (m, then G).
        one_student = {key: form for key, form in forms.items() if not form.is_group_form}
        self.forms = dict(sorted(one_student.items(), key=lambda item: item[1].title.casefold()))
        self.default_form = default_form
        self.school_class = school_class
        self.student_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="form-dialog"):
            yield Label(plain(f"Start a conference · {self.student_name}"), classes="dialog-title")
            yield OptionList(*self.options(), id="forms")
            yield Static("", id="error", classes="dialog-error")
            yield Static(
                "enter: start · d: n starts it for this class · esc: close",
                classes="dialog-hint",
            )

    def options(self) -> list[Option]:
        return [
            form_option(form, form.id == self.default_form, form.id in self.drafts)
            for form in self.forms.values()
        ]

    def on_mount(self) -> None:
        options = self.query_one("#forms", OptionList)
        ids = list(self.forms)
        options.highlighted = ids.index(self.default_form) if self.default_form in ids else 0
        options.focus()
        store, student_id = self.conference_app.store, self.student_id
        # Keys wait for it: enter on a form with a draft open reopens that draft.
        self.load_before_keys(
            lambda: store.draft_forms(student_id),
            self.show_drafts,
            group="form-drafts",
            what="the student's drafts",
        )

    def show_drafts(self, drafts: set[str]) -> None:
        self.drafts = drafts
        if drafts:
            self.redraw_options()

    def redraw_options(self) -> None:
        options = self.query_one("#forms", OptionList)
        highlighted = options.highlighted
        options.set_options(self.options())
        options.highlighted = highlighted

    def highlighted_form(self) -> Form | None:
        options = self.query_one("#forms", OptionList)
        if options.highlighted is None:
            return None
        return self.forms.get(options.get_option_at_index(options.highlighted).id or "")

    @on(OptionList.OptionSelected, "#forms")
    def picked(self, event: OptionList.OptionSelected) -> None:
        form = self.forms.get(event.option.id or "")
        if form is not None:
            self.dismiss(form)

    def action_make_default(self) -> None:
        form, school_class = self.highlighted_form(), self.school_class
        if form is None:
            return
        if school_class is None:
            self.show_error("No class yet: press c on the roster to make one.")
            return
        store = self.conference_app.store

        def saved(_: object) -> None:
            self.default_form = form.id
            self.redraw_options()
            self.notify(f"n now starts “{form.title}” for {school_class.name}.", timeout=4)

        run_in_background(
            self,
            lambda: store.set_class_form(school_class.id, form.id),
            saved,
            group="save-class-form",
            failed=self.show_error,
        )

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(plain(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
