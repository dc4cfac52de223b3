"""A character typed where nothing takes it is refused out loud, never lost unseen.

Textual drops a key that no binding and no widget wants without a word. A teacher who
types a note while the cursor is on a list (last time's goals after ctrl+g, the roster,
a dialog's buttons) would see nothing happen and not know why, and the letters after
it would act as keys of that place (a `d` marks a goal dropped, an `n` opens a
conference). The app tells them which character was not a key there and drops the keys
typed after it, counted (see KeyGate.refuse), as the rubric and the choice lists do.

A widget says what its own keys are with `UNUSED_KEY_HINT`, found on the focused widget
or the nearest of its parents that has one.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.dom import DOMNode

from conference_tui.tui.key_gate import KeyGate

DEFAULT_HINT = "f1 lists the keys of this screen."
NOTICE_SECONDS = 8.0


def refuse_if_unused(app: App[object], gate: KeyGate, event: events.Key) -> None:
    """Called as a key reaches the app unhandled by every widget (none stopped it): if
    it is a character no binding of the screen takes, tell the teacher; the keys typed
    after it are dropped and counted by the gate (KeyGate.refuse)."""
    character = event.character or ""
    if not event.is_printable or len(character) != 1:
        return
    if event.key in app.active_bindings:
        return
    # A space shown as nothing between quotation marks reads as a mistake.
    named = "space" if character == " " else f"“{character}”"
    gate.refuse(
        f"{named} is not a key here, and no text box has the cursor: it was not used. "
        f"{hint_for(app.focused)}",
        title="Key not used",
        timeout=NOTICE_SECONDS,
        to_student=True,
    )


def refuse_unused_paste(app: App[object], gate: KeyGate, event: events.Paste) -> None:
    """Called as a paste reaches the app: said, unless a text box took it. (TextArea takes
    a paste without stopping it; a closed choice list or a table let it go unseen.)"""
    from textual.widgets import Input, TextArea  # on a paste only: not at the app's start

    focused = app.focused
    if isinstance(focused, Input | TextArea) and not getattr(focused, "read_only", False):
        return
    if not event.text:
        return
    gate.refuse(
        "What you pasted did not go in: no text box has the cursor. Tab to a note, then "
        "paste again.",
        title="Paste not used",
        timeout=NOTICE_SECONDS,
        to_student=True,
    )


def hint_for(node: DOMNode | None) -> str:
    while node is not None:
        hint = getattr(node, "UNUSED_KEY_HINT", None)
        if isinstance(hint, str):
            return hint
        node = node.parent
    return DEFAULT_HINT
