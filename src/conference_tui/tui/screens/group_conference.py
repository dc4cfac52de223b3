"""A small-group conference: the group's shared notes once, then each student's own.

Each member has a conference of their own (see store/group_conferences.py) and an
autosave of their own (a DraftSession each). A shared field typed here is an edit of
every member's conference; a member's own field (the form's `each` fields: goal, next
step, follow-up) of theirs alone. ctrl+s completes every member's conference, escape
keeps them all as one draft that `n` on any member reopens here.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import on
from textual._time import get_time
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from conference_tui.failure_log import log_failure
from conference_tui.forms import HABITS_OF_MIND, Form, FormField, FormStage
from conference_tui.store.errors import StoreError
from conference_tui.store.records import (
    AnswerEdit,
    BatchSaved,
    ConferenceInfo,
    GroupConferenceInfo,
    GroupMember,
    Progress,
)
from conference_tui.store.text_rules import visible
from conference_tui.tui.background import run_in_background
from conference_tui.tui.draft_session import Batch, DraftSession, WritesInOrder
from conference_tui.tui.screens.base import ClosesOverDialogs
from conference_tui.tui.widgets.field_editor import FieldEditor, join_in_list_order
from conference_tui.tui.widgets.footer import KeysFooter
from conference_tui.tui.widgets.formatting import QUIET, mm_ss
from conference_tui.tui.widgets.header import AppHeader
from conference_tui.tui.widgets.stage_pane import StagePane, field_editor

if TYPE_CHECKING:
    from conference_tui.store import Store

log = logging.getLogger(__name__)

SAVE_INTERVAL_SECONDS = 0.4
# Whose a field is: None for the group's shared fields, else the member's conference id.
Owner = str | None


@dataclass(frozen=True)
class GroupOpened:
    """Everything a group conference opens with, read before its screen is pushed."""

    group: GroupConferenceInfo
    form: Form


def read_group_opened(
    store: Store, forms: dict[str, Form], group: GroupConferenceInfo
) -> GroupOpened:
    form_id = group.members[0].conference.form_id
    form = forms.get(form_id)
    if form is None:
        raise StoreError(
            f"This small-group conference was held with the form “{visible(form_id)}”, "
            "which is not among the forms any more. Its notes are safe, in each student's "
            "history and in exports; put the form back to open it."
        )
    return GroupOpened(group, form)


def field_stages(form: Form, *, each: bool) -> list[tuple[FormStage, FormField]]:
    """The form's shared fields (or each student's), in the form's order."""
    return [(stage, field) for stage in form.stages for field in stage.fields if field.each == each]


def make_editor(
    stage: FormStage, field: FormField, conference: ConferenceInfo, whose: str = ""
) -> FieldEditor:
    """A field as the conference holds it (a rubric as its parts, habits as recorded);
    a student's own field is labelled with `whose` name, seen wherever it scrolls."""
    if whose:
        field = replace(field, label=f"{whose} · {field.label}")
    habits = join_in_list_order(conference.habits, HABITS_OF_MIND)
    return field_editor(field, stage.key, conference.answers, habits)


class GroupConferenceScreen(ClosesOverDialogs[None]):
    CSS_PATH = "group_conference.tcss"
    BINDINGS = [
        Binding(
            "ctrl+s",
            "complete",
            "Complete all",
            priority=True,
            id="group.complete",
            tooltip="Complete every student's conference of the group and go back",
        ),
        Binding(
            "escape",
            "leave",
            "Draft & back",
            id="group.leave",
            tooltip="Keep the group's conference as a draft; n on any of its students reopens it",
        ),
        Binding(
            "pagedown",
            "next_student",
            "Next student",
            priority=True,
            id="group.next",
            tooltip="The next student's own notes (works inside a text field too)",
        ),
        Binding(
            "pageup",
            "previous_student",
            "Prev student",
            priority=True,
            id="group.prev",
            tooltip="The previous student's own notes, or the group's",
        ),
        Binding(
            "ctrl+t",
            "toggle_private",
            "Private?",
            priority=True,
            id="group.private",
            tooltip="Mark the current note private (teacher only) or shareable",
        ),
        Binding(
            "ctrl+n,ctrl+g,ctrl+o,ctrl+r,ctrl+b,f8",
            "one_student_only",
            show=False,
            priority=True,
            id="group.one_student_only",
            tooltip="Keys of a one-student conference: said to be so here",
        ),
    ]

    def action_one_student_only(self) -> None:
        # A teacher's habits from the one-student conference: said, never silent.
        self.notify(
            "That key is for a one-student conference (the student's turn, last time's "
            "goals, copying): a small group's has none. Open a member's history for theirs."
        )

    def __init__(self, opened: GroupOpened) -> None:
        super().__init__()
        self.opened = opened
        self.form = opened.form
        self.group = opened.group
        self.members: tuple[GroupMember, ...] = opened.group.members
        self.drafts: dict[str, DraftSession] = {}
        self.writes: dict[str, WritesInOrder] = {}
        # Each editor's owner (by the editor's id()), and the editors of each section
        # in order: the group's first, then each member's.
        self.owner: dict[int, Owner] = {}
        self.sections: list[tuple[Owner, list[FieldEditor]]] = []
        self.headings: dict[Owner, Static] = {}
        self.after_save: str | None = None
        self.closing = False
        self.elapsed_base = max((m.conference.elapsed_seconds for m in self.members), default=0)
        self.clock_started = 0.0
        self.save_worker: Worker[None] | None = None
        self.current: FieldEditor | None = None

    @property
    def editors(self) -> list[FieldEditor]:
        return [editor for _owner, editors in self.sections for editor in editors]

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(self.title_text(), id="group-title")
        first = self.members[0].conference
        shared = [
            make_editor(stage, field, first) for stage, field in field_stages(self.form, each=False)
        ]
        self.sections.append((None, shared))
        with VerticalScroll(id="group-fields"):
            heading = Static(Content.styled("The group", "bold"), classes="group-heading")
            self.headings[None] = heading
            yield heading
            yield from shared
            for member in self.members:
                name = member.student.display_name
                own = [
                    make_editor(stage, field, member.conference, name)
                    for stage, field in field_stages(self.form, each=True)
                ]
                self.sections.append((member.conference.id, own))
                heading = Static(
                    Content.styled(visible(name), "bold"), classes="group-heading member-heading"
                )
                self.headings[member.conference.id] = heading
                yield heading
                yield from own
        for owner, editors in self.sections:
            for editor in editors:
                self.owner[id(editor)] = owner
        yield KeysFooter()

    def title_text(self, elapsed: int = 0) -> Content:
        count = len(self.members)
        return Content.assemble(
            (visible(self.form.title), "bold"),
            (f" · {count} students · {mm_ss(elapsed)}", QUIET),
        )

    def on_mount(self) -> None:
        names = ", ".join(member.student.display_name for member in self.members)
        self.sub_title = f"Small group · {names}"
        self.query_one("#group-fields", VerticalScroll).can_focus = False
        self.clock_started = self.conference_app.monotonic()
        for member in self.members:
            conference = member.conference
            self.drafts[conference.id] = DraftSession.open(
                conference,
                amend=False,
                habits={
                    field.key: (
                        join_in_list_order(conference.habits, HABITS_OF_MIND),
                        field.private,
                    )
                    for field in self.form.fields_of_type("habits")
                },
            )
            self.writes[conference.id] = WritesInOrder()
        self.focus_first_field()
        self.set_interval(SAVE_INTERVAL_SECONDS, self.flush)
        self.set_interval(1, self.tick)

    def focus_first_field(self) -> None:
        """The group's first field: keys typed right after the key that opened the
        group (a draft reopened too) land there, where the teacher looks first."""
        editors = self.editors
        if editors:
            editors[0].focus_control()

    # -- moving --------------------------------------------------------------------

    def on_descendant_focus(self) -> None:
        editor = StagePane.editor_holding(self.focused)
        if editor is not None and editor is not self.current:
            self.current = editor
            for draft in self.drafts.values():
                draft.progress_dirty = True

    def section_index(self) -> int:
        if self.current is None:
            return 0
        owner = self.owner.get(id(self.current))
        return next((i for i, (o, _e) in enumerate(self.sections) if o == owner), 0)

    def go_to_section(self, index: int) -> None:
        index = max(0, min(index, len(self.sections) - 1))
        owner, editors = self.sections[index]
        if editors:
            editors[0].focus_control()
            # The student's name at the top, their fields under it.
            fields = self.query_one("#group-fields", VerticalScroll)
            heading = self.headings[owner]
            self.call_after_refresh(
                fields.scroll_to_widget, heading, top=True, animate=False, immediate=True
            )

    def action_next_student(self) -> None:
        self.go_to_section(self.section_index() + 1)

    def action_previous_student(self) -> None:
        self.go_to_section(self.section_index() - 1)

    def action_toggle_private(self) -> None:
        editor = StagePane.editor_holding(self.focused)
        if editor is not None and not editor.read_only:
            editor.toggle_private()
            self.queue_if_unsaved(editor)

    # -- autosave ------------------------------------------------------------------

    @on(FieldEditor.Changed)
    def field_changed(self, event: FieldEditor.Changed) -> None:
        event.stop()
        self.queue_if_unsaved(event.editor)

    def drafts_of(self, editor: FieldEditor) -> list[DraftSession]:
        """A shared field is every member's; a member's own field is theirs alone."""
        owner = self.owner.get(id(editor))
        if owner is None:
            return list(self.drafts.values())
        return [self.drafts[owner]]

    def queue_if_unsaved(self, editor: FieldEditor) -> None:
        if self.drafts and not self.nothing_is_kept():
            editor.queue_into(self.drafts_of(editor), self.conference_app.key_gate.last_typed_at)

    def queue_everything_unsaved(self) -> None:
        for editor in self.editors:
            if not editor.read_only:
                self.queue_if_unsaved(editor)

    def elapsed(self) -> int:
        return self.elapsed_base + int(self.conference_app.monotonic() - self.clock_started)

    def tick(self) -> None:
        elapsed = self.elapsed()
        self.query_one("#group-title", Static).update(self.title_text(elapsed))
        for draft in self.drafts.values():
            draft.tick(elapsed)

    def where(self) -> Progress:
        editor = self.current
        if editor is None:
            return Progress(self.form.stages[0].key, "", self.elapsed())
        return Progress(editor.stage_key, editor.field_key, self.elapsed())

    def take_batches(self, *, leaving: bool = False) -> dict[str, Batch]:
        batches = {}
        for conference_id, draft in self.drafts.items():
            batch = draft.take_batch(self.where(), leaving=leaving)
            if batch is not None:
                batches[conference_id] = batch
        return batches

    def write_batches(self, batches: dict[str, Batch]) -> Callable[[], dict[str, BatchSaved | str]]:
        """The store calls that write each member's batch, for a worker thread: each
        member's result, or why the database would not take it."""
        store = self.conference_app.store
        editor_id = self.conference_app.editor_id
        tickets = {cid: self.writes[cid].ticket() for cid in batches}

        def write() -> dict[str, BatchSaved | str]:
            results: dict[str, BatchSaved | str] = {}
            for conference_id, batch in batches.items():

                def save(
                    edits: list[AnswerEdit],
                    conference_id: str = conference_id,
                    batch: Batch = batch,
                ) -> BatchSaved:
                    return store.save_answers(
                        conference_id, edits, batch.progress, editor_id=editor_id
                    )

                try:
                    results[conference_id] = self.writes[conference_id].write(
                        tickets[conference_id], list(batch.edits.values()), save
                    )
                except StoreError as exc:
                    results[conference_id] = str(exc)
            return results

        return write

    def flush(self, then: str | None = None) -> None:
        """Save what changed in every member's conference, in a worker."""
        if self.closing or not self.drafts:
            return
        if then is not None:
            self.after_save = then
        batches = self.take_batches(leaving=self.after_save is not None)
        if not batches:
            if self.after_save is not None and not any(d.saving for d in self.drafts.values()):
                self.run_after_save()
            return

        def saved(results: dict[str, BatchSaved | str]) -> None:
            problems = self.take_results(batches, results)
            self.queue_everything_unsaved()
            if problems and self.after_save:
                self.after_save = None
                self.stay_open(
                    f"{problems[0]}\nYour notes are still on screen and will be saved on retry.",
                    title="Not saved yet",
                )
            elif problems:
                self.notify(problems[0], title="Not saved yet: retrying", severity="error")
            else:
                self.run_after_save()

        def failed(message: str) -> None:
            for conference_id, batch in batches.items():
                self.drafts[conference_id].batch_failed(batch, message)
            if self.after_save:
                self.after_save = None
                self.stay_open(
                    f"{message}\nYour notes are still on screen and will be saved on retry.",
                    title="Not saved yet",
                )
            else:
                self.notify(message, title="Not saved yet: retrying", severity="error")

        self.save_worker = run_in_background(
            self,
            self.write_batches(batches),
            saved,
            group="save-group-conference",
            exclusive=False,
            failed=failed,
        )

    def take_results(
        self, batches: dict[str, Batch], results: dict[str, BatchSaved | str]
    ) -> list[str]:
        """Each member's answer back from the store: problems under their fields; the
        messages of batches the database would not take."""
        problems: list[str] = []
        shown: dict[int, str] = {}
        for conference_id, batch in batches.items():
            draft = self.drafts[conference_id]
            result = results.get(conference_id, BatchSaved())
            if isinstance(result, str):
                if draft.batch_failed(batch, result):
                    problems.append(result)
                continue
            # Shown now: text typed before this moment was typed without seeing another
            # copy's change, and is never saved over it (see DraftSession.edited).
            for key, problem in draft.batch_saved(batch, result, get_time()).items():
                editor = self.editor_of(conference_id, key)
                if editor is not None:
                    shown[id(editor)] = shown.get(id(editor)) or problem
        for editor in self.editors:
            if id(editor) in shown:
                editor.show_error(shown[id(editor)])
        return problems

    def editor_of(self, conference_id: str, answer_key: str) -> FieldEditor | None:
        field_key = answer_key.split(".", 1)[0]
        for owner, editors in self.sections:
            if owner in (None, conference_id):
                for editor in editors:
                    if editor.field_key == field_key:
                        return editor
        return None

    def run_after_save(self) -> None:
        action, self.after_save = self.after_save, None
        if action is None:
            return
        if any(draft.has_unsaved() for draft in self.drafts.values()):
            self.flush(then=action)
            return
        refused = self.first_refused()
        if refused:
            self.stay_open(refused, title="Not saved" if action == "leave" else "Not complete yet")
        elif action == "complete":
            self.finish("complete")
        else:
            self.finish("leave")

    def first_refused(self) -> str:
        """A field the store refused (a follow-up that is not a date), with whose it is."""
        for member in self.members:
            draft = self.drafts[member.conference.id]
            for key, (_text, why) in draft.refused.items():
                editor = self.editor_of(member.conference.id, key)
                label = editor.form_field.label if editor else key
                if editor is not None:
                    editor.focus_control()
                return (
                    f"{member.student.display_name}: {label}: {why}\n"
                    "Everything else is saved; fix this field, then ctrl+s again."
                )
        return ""

    # -- leaving -------------------------------------------------------------------

    def action_complete(self) -> None:
        self.leave_after_save("complete")

    def action_leave(self) -> None:
        if self.nothing_is_kept():
            # Nothing typed here was saved, and nothing can be: no save to wait for.
            self.close()
            return
        self.leave_after_save("leave")

    def leave_after_save(self, action: str) -> None:
        # Keys typed after ctrl+s or escape are for the screen the teacher goes back to.
        self.conference_app.key_gate.hold(self, "the group conference to close", part="close")
        self.queue_everything_unsaved()
        self.flush(then=action)

    def stay_open(self, why: str, *, title: str) -> None:
        gate = self.conference_app.key_gate
        gate.refuse(why, title=title, severity="error", timeout=10)
        gate.release(self, part="close")

    def finish(self, action: str) -> None:
        self.closing = True
        for editor in self.editors:
            editor.set_read_only(True)
        store = self.conference_app.store
        group_id = self.group.group_id
        editor_id = self.conference_app.editor_id
        names = ", ".join(member.student.display_name for member in self.members)
        elapsed = mm_ss(self.elapsed())

        def work() -> bool:
            if action == "complete":
                store.complete_group_conference(group_id)
                return False
            return store.leave_group_conference(group_id, editor_id)

        def done(discarded: bool) -> None:
            if action == "complete":
                self.notify(f"Group conference saved: {names} ({elapsed}).", timeout=6)
            elif not discarded:
                self.notify(
                    "Kept as a draft: n on any of its students reopens the group.", timeout=4
                )
            self.close()

        run_in_background(self, work, done, group="save-group-close", failed=self.could_not_close)

    def could_not_close(self, message: str) -> None:
        self.closing = False
        for editor in self.editors:
            editor.set_read_only(False)
        if self.current is not None:
            self.current.focus_control()
        self.stay_open(
            f"{message}\nThe group conference is still open with your notes; try again.",
            title="Not closed",
        )

    async def save_now(self) -> bool:
        """Called before the app quits: write whatever is still unsaved, and wait."""
        if self.closing or not self.drafts:
            return True
        if self.save_worker is not None and self.save_worker.is_running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await self.save_worker.wait()
        self.queue_everything_unsaved()
        batches = self.take_batches()
        if not batches:
            return not any(draft.saving for draft in self.drafts.values())
        problems: list[str] = []

        def saved(results: dict[str, BatchSaved | str]) -> None:
            problems.extend(self.take_results(batches, results))

        def failed(message: str) -> None:
            for conference_id, batch in batches.items():
                self.drafts[conference_id].batch_failed(batch, message)
            problems.append(message)

        worker = run_in_background(
            self, self.write_batches(batches), saved, group="save-quit", failed=failed
        )
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await worker.wait()
        return not problems

    def save_pending_blocking(self) -> None:
        """The app is stopping on an error: write what is typed here and now."""
        try:
            self.queue_everything_unsaved()
            for draft in self.drafts.values():
                draft.saving = False
            batches = self.take_batches()
            if batches:
                self.write_batches(batches)()
        except Exception as exc:
            log_failure(log, "could not save the group conference while stopping", exc)
