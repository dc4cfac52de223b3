"""The one-line text box every screen uses."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input


class TextInput(Input):
    """An Input that never selects its text when focused: tabbing back into a filled
    field, or reopening a draft, continues the text at its end; the next key never
    replaces what is there."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def on_focus(self) -> None:
        self.cursor_position = len(self.value)
