"""Leaving an amendment: keep the changes made to a completed conference, or discard
them and leave it as it was."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from conference_tui.tui.key_gate import Question
from conference_tui.tui.screens.base import AppModal
from conference_tui.tui.widgets.formatting import plain


class AmendmentChoice(StrEnum):
    KEEP = "keep"
    DISCARD = "discard"
    BACK = "back"


class KeepOrDiscardDialog(Question, AppModal[None]):
    """k/y keep, d/n discard, escape back to editing. `decided` hears the choice before
    the dialog closes, so that keys typed after it wait for what it leads to."""

    BINDINGS = [
        Binding("k,y", "choose('keep')", "Keep", id="amend.keep"),
        Binding("d,n", "choose('discard')", "Discard", id="amend.discard"),
        Binding("escape", "choose('back')", "Back to editing", id="amend.back"),
    ]

    def __init__(self, name: str, decided: Callable[[AmendmentChoice], object]) -> None:
        super().__init__()
        self.student_name = name
        self.decided = decided
        self.chosen = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                plain(f"Keep the changes to {self.student_name}'s conference?"),
                classes="dialog-title",
            )
            yield Static(
                "Discard puts every answer and goal mark back as it was before you opened "
                "it; keep saves them as an amendment (the earlier text is kept too).",
                classes="dialog-detail",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep (k)", id="keep", variant="primary")
                yield Button("Discard (d)", id="discard", variant="warning")
                yield Button("Back (esc)", id="back")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()
        # Keys typed right after the escape that asked waited for this dialog: they
        # answer nothing (Question), but an escape among them goes back to editing.
        self.conference_app.key_gate.release(self, part="ask")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        if self.chosen:
            return
        self.chosen = True
        self.decided(AmendmentChoice(choice))
        self.dismiss()
