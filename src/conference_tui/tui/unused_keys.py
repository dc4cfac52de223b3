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

import time

from textual import events
from textual.app import App
from textual.dom import DOMNode

from conference_tui.tui.key_gate import KeyGate, take_down

DEFAULT_HINT = "f1 lists the keys of this screen."
NOTICE_SECONDS = 8.0


class UnusedKeys:
    """Refuses the characters nothing takes; one notice for a run of them."""

    def __init__(self, app: App[object], gate: KeyGate) -> None:
        self.app = app
        self.gate = gate
        # The notice up now, the character it is about and how many keys it counts:
        # a word typed at a person's pace is one notice that counts on, not one a letter
        # stacked over the screen.
        self.notice = ""
        self.notice_until = 0.0
        self.first = ""
        self.unused = 0

    def refuse_if_unused(self, event: events.Key) -> None:
        """Called as a key reaches the app unhandled by every widget (none stopped it):
        if it is a character no binding of the screen takes, tell the teacher and drop
        the keys typed after it."""
        character = event.character or ""
        if not event.is_printable or len(character) != 1:
            return
        if event.key in self.app.active_bindings:
            return
        dropped = self.gate.drop_waiting()
        now = time.monotonic()
        if self.notice and now < self.notice_until:
            take_down(self.app, self.notice)
            self.unused += 1 + dropped
        else:
            # A space shown as nothing between quotation marks reads as a mistake.
            self.first = "space" if character == " " else f"“{character}”"
            self.unused = 1 + dropped
        after = self.unused - 1
        used = (
            f"it and the {after:,} key{'s' if after != 1 else ''} typed after it were not used"
            if after
            else "it was not used"
        )
        self.notice = self.gate.refuse(
            f"{self.first} is not a key here, and no text box has the cursor: {used}. "
            f"{hint_for(self.app.focused)}",
            title="Key not used",
            timeout=NOTICE_SECONDS,
            to_student=True,
        )
        self.notice_until = now + NOTICE_SECONDS


def hint_for(node: DOMNode | None) -> str:
    while node is not None:
        hint = getattr(node, "UNUSED_KEY_HINT", None)
        if isinstance(hint, str):
            return hint
        node = node.parent
    return DEFAULT_HINT
