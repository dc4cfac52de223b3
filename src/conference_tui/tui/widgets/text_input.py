"""A one-line text box that continues the text when entered: tabbing back into a filled
box puts the cursor at the end, and nothing is selected on focus, so the next key never
replaces what is there. (Apart from the note box: the roster, drawn first, has only
this one, and Textual's TextArea takes 5 ms to import.)"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class TextInput(Input):
    # An Input's virtual width grows with every letter, and Widget's virtual_size asks
    # for a layout of the whole screen when it changes: 10-20 ms a key on the conference
    # screen. A one-line box is never sized by its text here (no `width: auto`), so a
    # repaint is enough; the scroll to the cursor reads the new width directly.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.cursor_blink = False  # snapshots do not depend on the moment

    def on_paste(self, event: events.Paste) -> None:
        """A paste of several lines goes in whole, each line break a space: Input keeps
        only the first line, and the rest was lost without a word."""
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        if len(lines) < 2:
            return  # Input's own paste
        event.prevent_default()
        event.stop()
        text = " ".join(lines)
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)

    def on_focus(self) -> None:
        # Typing goes on at the end, unless the box offers its text to be typed over.
        if not self.select_on_focus:
            self.cursor_position = len(self.value)
            # In sight too: the cursor may be at the end already, shown from the start.
            self.scroll_to(x=self.max_scroll_x, animate=False, force=True, immediate=True)

    def on_blur(self) -> None:
        # A box the teacher has left reads from the start, as a new one does: a long title
        # reopened in a kept screen showed only its end, where the cursor was left.
        self.show_start()

    def watch_selection(self) -> None:
        # Input scrolls to its cursor as it moves, focused or not: text put in a box the
        # teacher is not in (a kept screen refilled, the student's turn) showed its end.
        if not self.has_focus:
            self.show_start()

    def show_start(self) -> None:
        self.scroll_to(x=0, animate=False, force=True, immediate=True)
