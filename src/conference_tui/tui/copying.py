"""Copy the highlighted conference to the clipboard, from any screen that shows one.

Three keys, the same on the conference, history and search screens (ctrl keys,
since the conference and search screens have text boxes that take letters):
ctrl+o copies the conference as Markdown, private notes left out; f8 copies it
with its private notes, for the teacher's own use; ctrl+b copies its goal and
next step as two plain lines. The text goes through Textual's copy_to_clipboard
(OSC 52, which works over SSH too) and a notice says what was copied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from conference_tui.export.files import ExportError
from conference_tui.export.scope import Audience
from conference_tui.tui.background import run_in_background
from conference_tui.tui.screens.base import AppScreen

if TYPE_CHECKING:
    from conference_tui.export.copying import CopiedText

COPY_ACTION = "copy_conference"


def copy_bindings(screen: str) -> list[Binding]:
    """The copy keys for a screen, with ids (`<screen>.copy...`) the keymap can remap."""
    return [
        Binding(
            "ctrl+o",
            f"{COPY_ACTION}('conference', 'shareable')",
            "Copy",
            show=False,
            id=f"{screen}.copy",
            tooltip="Copy the conference as Markdown, private notes left out",
        ),
        Binding(
            "f8",
            f"{COPY_ACTION}('conference', 'teacher')",
            "Copy with private notes",
            show=False,
            id=f"{screen}.copy_teacher",
            tooltip="Copy the conference as Markdown with its private notes, for yourself",
        ),
        Binding(
            "ctrl+b",
            f"{COPY_ACTION}('goal', 'shareable')",
            "Copy goal and next step",
            show=False,
            id=f"{screen}.copy_goal",
            tooltip="Copy the goal and next step as plain text, to paste in a message",
        ),
    ]


class CopiesConference(AppScreen[Any]):
    """A screen with a highlighted conference to copy: it says which one (after saving
    what was typed into it, where that applies)."""

    async def conference_to_copy(self) -> str | None:
        raise NotImplementedError

    async def action_copy_conference(self, what: str, audience: str) -> None:
        conference_id = await self.conference_to_copy()
        if conference_id is not None:
            copy_conference(self, conference_id, what, audience)

    def nothing_highlighted(self) -> None:
        self.conference_app.notify(
            "Nothing copied: highlight a conference first.", severity="warning"
        )


def copy_conference(screen: AppScreen[Any], conference_id: str, what: str, audience: str) -> None:
    """Read the conference in a worker, then copy its text and say what was copied."""
    app = screen.conference_app
    store, form = app.store, app.form
    today = app.clock().astimezone().date()
    for_whom = Audience(audience)
    forms = dict(app.forms)

    def work() -> CopiedText | str:
        # The Markdown renderer is loaded by the first copy, not by every screen
        # that offers the keys: most sessions never copy.
        from conference_tui.export.copying import CopyWhat, text_to_copy

        chosen = CopyWhat(what)
        try:
            return text_to_copy(
                store, form, conference_id, chosen, for_whom, forms=forms, today=today
            )
        except ExportError as exc:
            return f"Nothing copied: {exc}"

    def done(copied: CopiedText | str) -> None:
        if isinstance(copied, str):
            app.notify(copied, severity="warning")
        elif not copied.text:
            app.notify(
                f"Nothing copied: {copied.description} hold nothing to show.", severity="warning"
            )
        else:
            app.copy_to_clipboard(copied.text)
            app.notify(f"Copied {copied.description}.")

    run_in_background(screen, work, done, group="copy")
