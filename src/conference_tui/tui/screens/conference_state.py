"""What the parts of the conference screen share (see conference.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conference_tui.forms import Form
    from conference_tui.store.records import ConferenceInfo
    from conference_tui.store.roster_records import StudentInfo
    from conference_tui.tui.draft_session import DraftSession
    from conference_tui.tui.draft_start import DraftStart
    from conference_tui.tui.screens.conference_opening import Opened


class ConferenceState:
    """The state of the conference on screen that its parts (the mixins ConferenceScreen
    is made of) read and set: declared here, set for each conference in
    ConferenceScreen.begin, so that nothing of the last one is carried into the next.
    Each part declares the state that is its own."""

    form: Form
    conference: ConferenceInfo
    # Writes the conference with its first write, when it is new (every writer asks it).
    start: DraftStart
    student: StudentInfo
    opened: Opened
    draft: DraftSession | None
    closing: bool
    # The stage shown, and the field the teacher is in (autosaved as where they are).
    stage_index: int
    current_field: str

    def adopt_written(self) -> None:
        """A new conference that a write has just written is, from then on, the one
        written: its id (another copy's draft, if that copy started one first)."""
        written = self.start.written
        if written is None:
            return
        if self.draft is not None:
            self.draft.written = True
        if not self.conference.is_written:
            self.conference = written
            if written.editor_id not in ("", self.start.editor_id):
                # Another copy of the app started this student's draft at the same time.
                self.warn_open_elsewhere()

    def warn_open_elsewhere(self) -> None:
        self.notify(  # type: ignore[attr-defined]
            "This draft is open in another copy of the app too (another window or "
            "laptop). Type in one of them: a field changed in both is never "
            "overwritten; you are shown both texts.",
            title="Open elsewhere",
            severity="warning",
            timeout=12,
        )
