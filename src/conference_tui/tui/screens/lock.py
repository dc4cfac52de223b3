"""The screen lock: every student's notes hidden while the teacher is away."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from conference_tui.tui.screens.base import AppScreen
from conference_tui.tui.widgets.text_input import TextInput


class LockScreen(AppScreen[None]):
    """Covers every screen: no name, no note, no toast. Any key brings the app back, or
    the passphrase when config.toml sets one. The key that unlocks does nothing else."""

    CSS_PATH = "lock.tcss"
    AUTO_FOCUS = "#passphrase"

    def __init__(self, passphrase: str) -> None:
        super().__init__()
        self.passphrase = passphrase

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Static("conference-tui is locked", id="lock-title")
            if self.passphrase:
                yield Static("Type your passphrase and press enter.", id="lock-hint")
                yield TextInput(password=True, id="passphrase")
                yield Static("", id="lock-error")
            else:
                yield Static("Press any key to go on where you were.", id="lock-hint")

    def on_key(self, event: events.Key) -> None:
        if not self.passphrase:
            event.stop()
            self.dismiss()

    def on_click(self) -> None:
        if not self.passphrase:
            self.dismiss()

    @on(Input.Submitted, "#passphrase")
    def try_passphrase(self, event: Input.Submitted) -> None:
        if event.value == self.passphrase:
            self.dismiss()
            return
        event.input.value = ""
        self.query_one("#lock-error", Static).update("That is not the passphrase.")
