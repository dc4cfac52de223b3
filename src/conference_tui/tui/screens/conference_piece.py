"""Same piece as last time (ctrl+r): the piece's fields filled from the previous
conference."""

from __future__ import annotations

from functools import partial

from conference_tui.store.records import PreviousPiece
from conference_tui.tui.background import run_in_background
from conference_tui.tui.screens.conference_state import ConferenceState
from conference_tui.tui.widgets.formatting import local_date


class SamePiece(ConferenceState):
    """The part of the conference screen that fills the piece's fields from the
    previous conference. A mixin of ConferenceScreen."""

    def action_same_piece(self) -> None:
        """The student says it is the same piece: read the previous conference's."""
        if self.draft is None or self.closing:
            return
        store, student_id = self.conference_app.store, self.conference.student_id
        written = self.start.written
        conference_id = written.id if written else None
        gate = self.conference_app.key_gate
        # Keys typed after ctrl+r (tab, then the purpose) come once the fields are filled.
        gate.hold(self, "the piece from last time", part="piece")

        def failed(message: str) -> None:
            gate.release(self, part="piece")
            self.notify(message, title="Piece not filled", severity="error", timeout=8)

        run_in_background(
            self,
            lambda: store.previous_piece(student_id, conference_id),
            lambda piece: self.run_worker(
                partial(self.fill_piece, piece), group="conference-piece", exit_on_error=False
            ),
            group="read-piece",
            failed=failed,
        )

    async def fill_piece(self, piece: PreviousPiece | None) -> None:
        """Fill the piece's empty fields (mounting their stage if it was never shown); a
        field with text of its own keeps it, and the teacher is told."""
        try:
            answers = {
                key: value for key, value in (piece.answers if piece else {}).items() if value
            }
            if piece is None or not answers:
                self.notify("No earlier conference names a piece: type its title.", timeout=5)
                return
            filled: list[str] = []
            kept: list[str] = []
            form = self.form
            for key, value in answers.items():
                try:
                    stage = form.stage_of(key)
                except KeyError:  # a form of the school's own, without this field
                    continue
                await self.stage_pane.ensure_page(stage)
                if self.closing:
                    return
                editor = self.editors[key]
                current = editor.value().strip()
                if current and current != value:
                    kept.append(editor.form_field.label)
                    continue
                editor.fill(value)
                self.queue_if_unsaved(editor)
                filled.append(value)
            day = local_date(piece.conference_at)
            words = f"Same piece as on {day}: {' · '.join(filled)}." if filled else ""
            if kept:
                words += (
                    f" {' and '.join(kept)} kept as typed (last time: "
                    f"{' · '.join(answers.values())})."
                )
            self.notify(words.strip(), timeout=6, markup=False)
        finally:
            self.conference_app.key_gate.release(self, part="piece")
