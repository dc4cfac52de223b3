"""A note of many lines that continues the text when entered: reopening a draft, or
tabbing back into a filled note, puts the cursor at the end."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.geometry import Size
from textual.widgets import TextArea

from conference_tui.tui.widgets.watching import stop_watching


class NoteArea(TextArea):
    """A note: soft-wrapped, no line numbers or highlighting; tab moves to the next box."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(
            text, soft_wrap=True, tab_behavior="focus", show_line_numbers=False, **kwargs
        )
        self.was_empty = not text

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.cursor_blink = False  # snapshots do not depend on the moment

    def on_unmount(self) -> None:
        # Textual's TextArea watches the app's theme: every note field ever shown would
        # stay in memory until the theme next changed.
        stop_watching(self, self.app)

    def on_focus(self) -> None:
        self.move_cursor(self.document.end)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Tall enough for the whole hint while the note is empty: a hint wider than the
        box wraps, and would otherwise be cut after its first line."""
        height = super().get_content_height(container, viewport, width)
        if self.text or not self.placeholder or width <= 0:
            return height
        return max(height, len(Content.from_text(self.placeholder).wrap(width)))

    def load_text(self, text: str) -> None:
        super().load_text(text)
        # Loaded for the next conference of a kept screen, with no Changed message.
        self.fit_to_hint()
        # TextArea starts a loaded text at its beginning. A note focused already (the
        # kept screen's, back on the stage the draft was left at) takes no focus event
        # to go to its end: what the teacher types on went in front of the note.
        if self.has_focus:
            self.move_cursor(self.document.end)

    def on_text_area_changed(self) -> None:
        self.fit_to_hint()

    def fit_to_hint(self) -> None:
        # The hint comes and goes with the first letter: the height may change with it.
        if self.was_empty != (not self.text):
            self.was_empty = not self.text
            self.refresh(layout=True)
