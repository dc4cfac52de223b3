"""Closing the conference: ctrl+s completes it and escape keeps it as a draft (or asks
whether to keep an amendment), each once everything typed is saved; what stops them
short is said, and the conference stays open."""

from __future__ import annotations

from datetime import date

from textual.notifications import SeverityLevel

from conference_tui.field_kinds import Kind
from conference_tui.store.records import Progress
from conference_tui.tui.background import run_in_background
from conference_tui.tui.draft_session import Batch
from conference_tui.tui.screens.amend_dialog import AmendmentChoice, KeepOrDiscardDialog
from conference_tui.tui.screens.conference_state import ConferenceState
from conference_tui.tui.widgets.field_editor import FieldEditor
from conference_tui.tui.widgets.formatting import mm_ss


class ConferenceClosing(ConferenceState):
    """The part of the conference screen that completes or leaves it. A mixin of
    ConferenceScreen: it waits for the Autosave's last save (`after_save`), then
    writes the completion, the draft kept or discarded, or the amendment's fate."""

    after_save: str | None
    # The unsaved fields the teacher was last warned of on escape: a second escape
    # leaves without them; a new problem is warned of again.
    leave_warned_of: dict[str, tuple[str, str]]
    # Why ctrl+s or escape stopped short: taken down as the conference closes.
    stopped_notices: list[str]
    empty_warned: bool
    # The past follow-up the teacher was last asked about on ctrl+s: a second ctrl+s
    # with the same date keeps it, as enter in the field does.
    past_warned: str

    def run_after_save(self) -> None:
        action, self.after_save = self.after_save, None
        draft = self.draft
        if action is None or draft is None:
            return
        if draft.has_unsaved():
            # Edits (or a move) arrived while saving: save them first, then act.
            self.flush(then=action)
            return
        if action == "complete":
            self.complete_if_ready()
        elif action == "leave" and (warning := self.unsaved_warning()):
            # The last save before leaving found a problem (a change made elsewhere).
            self.stay_open(warning, title="Not saved")
        elif action == "leave" and self.amended_here():
            if self.amendment_put_back():
                # Typed, then put back as it was: nothing to ask about, and nothing to
                # keep that would mark the conference amended.
                self.amendment_decided(AmendmentChoice.DISCARD)
            else:
                self.ask_keep_or_discard()
        elif action == "leave":
            self.finish_leave()

    def action_complete(self) -> None:
        why = self.conference_app.store.read_only_because
        if why:
            # No retry could complete it: the one thing to do is to go back.
            self.notify(
                f"Nothing typed here is kept: escape goes back. {why}",
                title="Open only to read",
                severity="warning",
                timeout=15,
            )
            return
        self.leave_after_save("complete")

    def leave_after_save(self, action: str) -> None:
        # Keys typed after ctrl+s or escape are for the screen the teacher goes back to,
        # never for this conference: they wait until it has closed (or stays open).
        self.conference_app.key_gate.hold(self, "the conference to close", part="close")
        self.queue_everything_unsaved()
        draft = self.draft
        saved = draft is not None and not (draft.pending or draft.saving or self.closing)
        if action == "complete" and saved:
            # Every word is saved already (the autosave's): where the teacher was is
            # written with the completion, one write and one thread instead of two.
            self.complete_if_ready(self.where() if self.conference.is_draft else None)
            return
        self.flush(then=action)

    def complete_if_ready(self, progress: Progress | None = None) -> None:
        """Everything typed is saved: complete the conference (writing `progress` with
        it), unless a field is refused, a follow-up date is in the past, or nothing is
        recorded yet: then say so, and stay."""
        draft = self.draft
        assert draft is not None
        if draft.refused:
            key = next(iter(draft.refused))
            self.go_to_stage(self.stages.index(self.form.stage_of(key)))
            self.stage_pane.editor_for(key).focus_control()
            self.stay_open(
                f"{self.stage_pane.editor_for(key).form_field.label}: {draft.refused[key][1]}\n"
                "Everything else is saved; fix this field, then ctrl+s again.",
                title="Not complete yet",
            )
        elif question := self.past_follow_up_question():
            self.stay_open(question, title="A date in the past")
        elif draft.nothing_recorded() and not self.empty_warned:
            self.empty_warned = True
            self.stay_open(
                "Nothing is recorded in this conference yet. Press ctrl+s again to "
                "complete it anyway (it counts as a conference), or escape to discard it.",
                title="Empty conference",
            )
        else:
            self.finish_complete(progress)

    def past_date_to_ask(self) -> tuple[FieldEditor, date] | None:
        """A follow-up typed in the past that the teacher was not asked about yet."""
        for editor in self.editors.values():
            past = editor.unconfirmed_past_date(held_before=self.conference.is_draft)
            if past is not None and past.isoformat() != self.past_warned:
                return editor, past
        return None

    def past_follow_up_question(self) -> str:
        """Ask, once per date, before completing with a follow-up typed in the past (a
        slip for next year's date, most often); go to the field so enter keeps it."""
        found = self.past_date_to_ask()
        if found is None:
            return ""
        editor, past = found
        self.past_warned = past.isoformat()
        self.go_to_stage(self.stages.index(self.form.stage_of(editor.field_key)))
        editor.focus_control()
        return (
            f"{editor.form_field.label}: {past.isoformat()} is in the past. Enter keeps "
            "it, or type another date (+7, tomorrow, fri); then ctrl+s. Or ctrl+s "
            "again to complete with it."
        )

    def stay_open(self, why: str, *, title: str, severity: SeverityLevel = "warning") -> None:
        """Completing or leaving stopped short (a field to fix, a database that will not
        take the notes): say why. Keys typed after ctrl+s or escape were meant for the
        screen below, so they are dropped, never typed into this conference unseen."""
        gate = self.conference_app.key_gate
        self.stopped_notices.append(gate.refuse(why, title=title, severity=severity, timeout=10))
        gate.release(self, part="close")

    def stop_editing(self) -> None:
        """Completing or leaving has begun: no more typing or saving here."""
        self.closing = True
        for editor in self.editors.values():
            editor.set_read_only(True)

    def finish_complete(self, progress: Progress | None = None) -> None:
        self.stop_editing()
        store, start = self.conference_app.store, self.start
        run_in_background(
            self,
            lambda: start.writing(store, lambda id_: store.complete_conference(id_, progress)),
            lambda _: self.completed(),
            group="save-complete",
            failed=self.could_not_close,
        )

    def may_complete_at_once(self, batch: Batch) -> bool:
        """Whether ctrl+s may complete the conference in the same write as the words
        typed just before it: nothing complete_if_ready would stop for, as the screen
        shows it. (A field the store refuses, or one changed elsewhere, the write finds
        itself: then it only saves, and complete_if_ready says why it stays open.)"""
        draft = self.draft
        if draft is None or self.closing:
            return False
        if any(key not in batch.edits for key in draft.refused):
            return False
        if self.past_date_to_ask() is not None:
            return False
        return not draft.nothing_recorded(batch) or self.empty_warned

    def completed(self) -> None:
        """The conference is complete in the database: say so, and close."""
        assert self.draft is not None
        self.stop_editing()
        form = self.form
        missing = [
            field.label
            for field in (form.field_of_kind(Kind.GOAL), form.field_of_kind(Kind.NEXT_STEP))
            if field is not None and not self.draft.has_text(field.key)
        ]
        was_draft = self.conference.is_draft
        verb = "Conference saved" if was_draft else "Amendment saved"
        note = f" No {' or '.join(m.lower() for m in missing)} recorded." if missing else ""
        after = " N: the next due student." if was_draft else ""
        name, elapsed = self.student.display_name, mm_ss(self.elapsed())
        self.notify(f"{verb}: {name} ({elapsed}).{note}{after}", timeout=6)
        self.close()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave" and parameters:
            return (parameters[0] == "draft") == self.conference.is_draft
        return super().check_action(action, parameters)

    def action_leave(self, _kind: str = "draft") -> None:
        if self.nothing_is_kept():
            # Nothing typed here was saved, and nothing can be: no save to wait for.
            self.stop_editing()
            self.close()
            return
        # A field typed on since the store refused it (a date half typed) is judged by
        # its new text, once saved: only what is still refused as it stands stops escape.
        self.queue_everything_unsaved()
        warning = self.unsaved_warning()
        if warning:
            # Keys typed after this escape were meant for the roster: never for the note.
            self.conference_app.key_gate.refuse(warning, title="Not saved")
            return
        self.leave_after_save("leave")

    def unsaved_warning(self) -> str:
        """What leaving now would leave unsaved, unless the teacher was already warned of
        exactly that (then a second escape leaves without it)."""
        draft = self.draft
        refused = (
            {key: why for key, why in draft.refused.items() if key not in draft.pending}
            if draft is not None
            else {}
        )
        if not refused or refused == self.leave_warned_of:
            return ""
        self.leave_warned_of = dict(refused)
        key = next(iter(refused))
        return (
            f"{self.stage_pane.editor_for(key).form_field.label} is not saved: "
            f"{refused[key][1]}\n"
            "Fix it, or press escape again to leave without it."
        )

    def amended_here(self) -> bool:
        """Whether this visit changed the completed conference (an answer or a goal mark)."""
        draft = self.draft
        return (
            draft is not None
            and self.opened.amendment_start is not None
            and (draft.amendment_started or draft.goals_marked)
        )

    def amendment_put_back(self) -> bool:
        """Whether every answer reads as it did when the amendment began, and no goal
        is left changed: the teacher typed, then deleted it again."""
        start, draft = self.opened.amendment_start, self.draft
        if start is None or draft is None or draft.goals_marked:
            return False
        before = self.open_draft_session(start.conference, amend=True).saved
        return written(draft.saved) == written(before)

    def ask_keep_or_discard(self) -> None:
        """Escape from an amendment: keep or discard it, or go back to editing. Keys
        typed after the escape go to the question, once it is on screen."""
        gate = self.conference_app.key_gate
        dialog = KeepOrDiscardDialog(self.student.display_name, self.amendment_decided)
        gate.hold(dialog, "the keep-or-discard question", part="ask")
        self.app.push_screen(dialog)
        gate.release(self, part="close")

    def amendment_decided(self, choice: AmendmentChoice) -> None:
        gate = self.conference_app.key_gate
        if choice == AmendmentChoice.BACK:
            self.focus_current_field()
            return
        # Keys typed after k or d are for the screen this one goes back to.
        gate.hold(self, "the conference to close", part="close")
        if choice == AmendmentChoice.KEEP:
            self.notify("Amendment kept; the earlier text is kept too.", timeout=4)
            self.finish_leave()
            return
        start = self.opened.amendment_start
        assert start is not None
        self.stop_editing()
        store = self.conference_app.store

        def discarded(_: object) -> None:
            self.notify("Changes discarded: the conference is as it was.", timeout=4)
            self.close()

        run_in_background(
            self,
            lambda: store.discard_amendment(start),
            discarded,
            group="save-discard",
            failed=self.could_not_close,
        )

    def finish_leave(self) -> None:
        self.stop_editing()
        store, start = self.conference_app.store, self.start
        conference = self.conference
        # A goal marked here makes the draft worth keeping, even if its mark is
        # still being written.
        may_discard = conference.is_draft and not (self.draft and self.draft.goals_marked)
        editor_id = self.conference_app.editor_id

        def leave() -> bool:
            written = start.written
            if written is None and may_discard:
                return True  # a new conference nothing was written into: nothing to remove
            if may_discard and start.writing(store, store.discard_draft):
                return True
            start.writing(store, lambda id_: store.close_editing(id_, editor_id))
            return False

        def done(discarded: bool) -> None:
            if conference.is_draft and not discarded:
                self.notify("Kept as a draft: n on the roster reopens it right here.", timeout=4)
            self.close()

        run_in_background(self, leave, done, group="save-leave", failed=self.could_not_close)

    def could_not_close(self, message: str) -> None:
        """The database would not complete or keep the conference: it stays open, with
        everything typed in it, and editable again."""
        self.closing = False
        for editor in self.editors.values():
            editor.set_read_only(False)
        self.focus_current_field()
        self.stay_open(
            f"{message}\nThe conference is still open with your notes; try again.",
            title="Not closed",
            severity="error",
        )


def written(saved: dict[str, tuple[str, bool]]) -> dict[str, tuple[str, bool]]:
    """The fields that hold text, with their privacy: an emptied field reads as one
    never written."""
    return {key: value for key, value in saved.items() if value[0].strip()}
