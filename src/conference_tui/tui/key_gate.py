"""Type-ahead that lands where the teacher will see it.

A terminal hands the app keys as fast as they are typed. Textual forwards each one to
the focused widget at once, so a key typed right after `tab`, `n` or `ctrl+s` reaches
the widget that had focus *before* that key took effect: a letter meant for the new
field joins the old one, a word meant for a note marks a goal.

The gate sits in front of Textual's key routing. It delivers one key (or paste) at a
time, and the next only once the app has settled from it: every message that key set
off has been handled, focus and screen have stopped moving, and nobody holds the gate.
A screen that loads before it can take keys (a conference opening, a stage mounting,
a conference closing) holds the gate for that time; the keys wait, in order, and are
delivered when it lets go. If the wait is long the teacher is told their typing is
kept; if what they were typing for cannot open, the keys are dropped and the teacher
is told how many, never sent to a screen they did not mean them for.
"""

from __future__ import annotations

import asyncio
import gc
import math
import time
from collections import deque
from collections.abc import Callable

from textual import events
from textual._time import get_time
from textual.app import App
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import Screen

# A paste arrives as the store would keep it: an escape sequence copied from a terminal
# shows as pictures, never reaches one.
from conference_tui.store.text_rules import note_text, visible

# A message pump that stops while a round waits on it would never answer; past this the
# round gives up on it. It bounds a broken case, it is not how long keys normally wait.
ROUND_GUARD_SECONDS = 2.0
MAX_ROUNDS = 100
TELL_AFTER_SECONDS = 1.0
QUIT_KEY = "ctrl+q"
# Keys typed within this of the one before, after a key was refused, are the rest of
# what was being typed: a word meant for a note, at a person's pace, not a burst.
REFUSED_RUN_GAP_SECONDS = 1.0
# What still acts in such a run, and on a question not yet read: the way out, and
# quitting.
STILL_ACT = frozenset({"escape", QUIT_KEY})


class Question:
    """A screen that asks the teacher to decide (keep or discard an amendment, archive a
    student): only keys typed once it is on screen answer it. One typed before it showed
    was meant for what the teacher saw then: "escape" and "done" typed at once, leaving
    an amended conference, discarded the amendment at the "d" of "done", unread."""

    # When it was first drawn, by the clock Textual stamps keys with (get_time).
    shown_at = math.inf

    def on_mount(self) -> None:
        self.call_after_refresh(self.now_shown)  # type: ignore[attr-defined]

    def now_shown(self) -> None:
        self.shown_at = get_time()


class KeyGate:
    """Holds keys and pastes, and hands them to the app one at a time."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self.waiting: deque[events.Key | events.Paste] = deque()
        self.holds: dict[tuple[int, str], tuple[object, str]] = {}
        # Holds that escape may cut short: a screen still opening that the teacher backs
        # out of (a busy database, say). With a callback, the escape is spent on it (a
        # screen not pushed yet is called off); without, it goes to the app.
        self.escapable: dict[tuple[int, str], Callable[[], object] | None] = {}
        self.passing: set[int] = set()
        self.delivering = False
        self.dropped_total = 0
        # Every key and paste that came in, to tell when the typing has stopped.
        self.taken_total = 0
        self.told = False
        self.settled = asyncio.Event()
        self.settled.set()
        # When the key being handled was typed (Textual's clock): what it changes was
        # decided by a teacher who had seen only what was on screen by then.
        self.last_typed_at = 0.0
        # How long keys wait before the teacher is told why (tests pin it: a notice that
        # comes only on a slow machine must not get into a snapshot).
        self.tell_after_seconds = TELL_AFTER_SECONDS
        self.held_since = 0.0
        # The "waiting for" notice shown, taken down when the wait is over.
        self.told_message = ""
        # After a refusal, the keys typed on without a pause (see refused_in_run): the
        # screen it was on, when its last key came, and how many were dropped.
        self.clock: Callable[[], float] = time.monotonic
        self.run_screen: Screen[object] | None = None
        self.run_last_at = 0.0
        self.run_dropped = 0

    # -- what the app calls ------------------------------------------------------

    def take(self, event: events.Key | events.Paste) -> bool:
        """Whether the gate takes this event (to deliver it later); False lets it pass now,
        when it is one the gate itself handed to the app."""
        if id(event) in self.passing:
            self.passing.discard(id(event))
            return False
        self.taken_total += 1
        if self.refused_in_run(event):
            return True
        if isinstance(event, events.Key) and self.holds and self.passes_holds(event.key):
            # An escape through holds that can be called off is spent calling them off.
            called_off = [
                call_off
                for key, call_off in self.escapable.items()
                if event.key == "escape" and key in self.holds and call_off is not None
            ]
            for call_off in called_off:
                call_off()
            return bool(called_off)
        if isinstance(event, events.Paste):
            event = events.Paste(note_text(event.text))
        self.waiting.append(event)
        if len(self.waiting) == 1 and self.holds:
            # A second after the hold began, or at once if it began longer ago: a teacher
            # who types a while after `n` on a busy database is told too.
            left = self.held_since + self.tell_after_seconds - time.monotonic()
            if left > 0:
                self.app.set_timer(left, self.tell_if_still_held)
            else:
                self.tell_if_still_held()
        self.wake()
        return True

    def passes_holds(self, key: str) -> bool:
        """Quitting is never held behind a screen that is getting ready; nor is escape,
        typed before anything else, out of a screen still opening."""
        if key == QUIT_KEY:
            return True
        return (
            key == "escape" and not self.waiting and bool(self.escapable.keys() & self.holds.keys())
        )

    def hold(
        self,
        owner: object,
        why: str,
        *,
        part: str = "",
        escapable: bool = False,
        call_off: Callable[[], object] | None = None,
    ) -> None:
        """Keep keys waiting until `owner` releases this `part`: it is getting ready to take
        them. Holding a part held already is one hold (a newer load replaces an older).
        An `escapable` hold lets a first escape through to back out of it; with `call_off`,
        that escape calls it instead (what was getting ready is not on screen yet)."""
        if not self.holds:
            self.held_since = time.monotonic()
        self.holds[id(owner), part] = (owner, why)
        if escapable or call_off is not None:
            self.escapable[id(owner), part] = call_off
        self.settled.clear()
        self.told = False
        if self.waiting:
            self.app.set_timer(self.tell_after_seconds, self.tell_if_still_held)

    def release(self, owner: object, *, part: str = "", deliver: bool = True) -> None:
        """`owner` is ready: deliver the waiting keys. With `deliver=False` what it held
        them for will not come, so the keys typed for it are dropped, and the teacher told."""
        self.escapable.pop((id(owner), part), None)
        if self.holds.pop((id(owner), part), None) is None:
            return
        dropped = 0 if deliver else self.drop_waiting()
        if self.told_message and not self.holds:
            self.take_down_notice()
        if dropped:
            # What to do next is the refusal's to say (the file is busy: again in a moment;
            # open only to read: not at all): "type them again" misled on a damaged file.
            self.tell_not_used(
                f"{dropped} key{'s' if dropped != 1 else ''} typed while it was opening "
                "were not used, so that they change nothing you did not see."
            )
        self.wake()

    def refuse(
        self,
        why: str,
        *,
        title: str = "",
        severity: SeverityLevel = "warning",
        timeout: float = 8,
        to_student: bool = False,
    ) -> str:
        """What a key asked cannot happen (no student to open, a field to fix before
        leaving): tell the teacher why. Keys typed after it were meant for where it
        would have led, so they are dropped rather than acted on here. Returns the
        notice as told, to take down (`take_down`) once it is no longer true."""
        dropped = self.drop_waiting()
        if dropped:
            typed = (
                f"{dropped:,} keys typed after it were"
                if dropped != 1
                else "key typed after it was"
            )
            why += f"\nThe {typed} not used."
        self.app.notify(why, title=title, severity=severity, timeout=timeout, to_student=to_student)
        self.start_refused_run()
        return why

    # -- the keys typed on after a refusal -------------------------------------------

    def start_refused_run(self) -> None:
        """Keys typed on without a pause after a refused one were meant for where it would
        have led, just as those already waiting: typed at a person's pace they arrive
        after the refusal, and were acted on here (the rest of "hello" on last time's
        goals marked a goal revised; "zebra" on the roster opened a dialog at its `e`)."""
        self.report_refused_run()
        self.run_screen = self.app.screen if self.app.screen_stack else None
        self.run_last_at = self.clock()
        self.run_dropped = 0
        self.app.set_timer(REFUSED_RUN_GAP_SECONDS, self.end_run_if_paused)

    def refused_in_run(self, event: events.Key | events.Paste) -> bool:
        """Whether this key is dropped as the rest of what was typed after a refusal: it
        came within a moment of the key before, on the same screen. Escape and quitting
        are never dropped, and end the run."""
        if self.run_screen is None:
            return False
        now = self.clock()
        if (
            now - self.run_last_at > REFUSED_RUN_GAP_SECONDS
            or not self.app.screen_stack
            or self.app.screen is not self.run_screen
            or (isinstance(event, events.Key) and event.key in STILL_ACT)
        ):
            self.report_refused_run()
            return False
        self.run_last_at = now
        self.run_dropped += 1
        self.dropped_total += 1
        return True

    def end_run_if_paused(self) -> None:
        if self.run_screen is None:
            return
        left = self.run_last_at + REFUSED_RUN_GAP_SECONDS - self.clock()
        if left > 0:
            self.app.set_timer(left, self.end_run_if_paused)
        else:
            self.report_refused_run()

    def report_refused_run(self) -> None:
        """The run is over: say how many keys it dropped, if any."""
        dropped, self.run_dropped, self.run_screen = self.run_dropped, 0, None
        if dropped:
            self.tell_not_used(
                f"{dropped:,} more key{'s were' if dropped != 1 else ' was'} typed right after "
                "it, and not used either, so that they change nothing you did not see. "
                "Check where the cursor is, then type them again."
            )

    def drop_waiting(self) -> int:
        """Forget every key not yet delivered; how many there were."""
        dropped = len(self.waiting)
        self.waiting.clear()
        self.dropped_total += dropped
        return dropped

    @property
    def is_held(self) -> bool:
        self.forget_gone_owners()
        return bool(self.holds)

    async def wait_settled(self) -> None:
        """Until every key typed so far is delivered and the app has settled from it."""
        await self.settled.wait()

    # -- delivery ------------------------------------------------------------------

    def wake(self) -> None:
        if self.delivering:
            return
        if not self.waiting or self.is_held:
            if not self.holds:
                self.settled.set()
            return
        self.settled.clear()
        self.delivering = True
        asyncio.get_running_loop().create_task(self.deliver_waiting())

    async def deliver_waiting(self) -> None:
        # No garbage collection while a key is handled: a full one falling there held
        # up the screen the key opens by 50 to 250 ms (a dialog drawn in 70 ms taking
        # 300). It resumes once the keys are delivered and the app has settled from
        # them, or a screen holds the gate, as Textual itself pauses it while scrolling.
        collecting = gc.isenabled()
        gc.disable()
        unread = 0
        try:
            while True:
                # Settle first: a screen just shown may be about to hold the gate.
                await self.until_quiet()
                if not self.waiting or self.is_held or not self.app.screen_stack:
                    break
                event = self.waiting.popleft()
                if self.typed_before_the_question(event):
                    unread += 1
                    continue
                self.last_typed_at = event.time
                self.passing.add(id(event))
                self.app.post_message(event)
        finally:
            self.delivering = False
            if collecting:
                gc.enable()
            if unread:
                self.tell_unread(unread)
        if self.waiting and not self.is_held:
            self.wake()
        elif not self.holds:
            self.settled.set()

    def typed_before_the_question(self, event: events.Key | events.Paste) -> bool:
        """Whether this is a key typed before the question on screen was shown (see
        Question): it answers nothing. Escape, which only backs out, and quitting act."""
        screen = self.app.screen
        return (
            isinstance(screen, Question)
            and not (isinstance(event, events.Key) and event.key in STILL_ACT)
            and event.time < screen.shown_at
        )

    def tell_unread(self, count: int) -> None:
        self.dropped_total += count
        typed = f"{count:,} keys typed before it were" if count != 1 else "key typed before it was"
        self.tell_not_used(
            f"The {typed} not used to answer this question, so that they decide nothing "
            "you had not read. Answer it now."
        )

    def tell_not_used(self, message: str) -> None:
        """Keys dropped: said on the student's screen too, where they may have typed."""
        self.app.notify(
            message, title="Keys not used", severity="warning", timeout=8, to_student=True
        )

    async def until_quiet(self) -> None:
        """Until the app has handled every message the last key set off, and focus and
        screen have stopped moving. Two quiet rounds in a row: a message handled in one
        round may post another (a binding's action, a Changed, a focus callback)."""
        quiet_rounds = 0
        for _ in range(MAX_ROUNDS):
            if quiet_rounds >= 2 or not self.app.is_running or not self.app.screen_stack:
                return  # settled, or the app is closing: nothing left to deliver to
            screen, focused = self.app.screen, self.app.focused
            pumps = self.pumps_in_play()
            await self.round(pumps)
            moved = self.app.screen is not screen or self.app.focused is not focused
            busy = moved or any(pump.message_queue_size for pump in pumps)
            quiet_rounds = 0 if busy else quiet_rounds + 1

    def pumps_in_play(self) -> list[MessagePump]:
        """The app, its screen, and the focused widget with every node above it: where a
        key and the messages it sets off are handled."""
        pumps: list[MessagePump] = [self.app]
        node: DOMNode | None = self.app.focused or self.app.screen
        while node is not None and node is not self.app:
            pumps.append(node)
            node = node.parent
        if self.app.screen not in pumps:
            pumps.append(self.app.screen)
        return pumps

    async def round(self, pumps: list[MessagePump]) -> None:
        """Until each pump has handled everything in its queue now."""
        loop = asyncio.get_running_loop()
        answered: list[asyncio.Future[None]] = []
        for pump in pumps:
            if not pump.is_running:
                continue
            future: asyncio.Future[None] = loop.create_future()

            def answer(future: asyncio.Future[None] = future) -> None:
                if not future.done():
                    future.set_result(None)

            pump.call_next(answer)
            answered.append(future)
        if answered:
            await asyncio.wait(answered, timeout=ROUND_GUARD_SECONDS)

    # -- holds that outlive their owner -------------------------------------------

    def forget_gone_owners(self) -> None:
        """A screen that closed on an error without letting go must not stop every key:
        one removed, or one kept for its next visit (installed, off the stack)."""
        for key, (owner, _why) in list(self.holds.items()):
            if isinstance(owner, DOMNode) and owner.is_mounted and not self.on_show(owner):
                del self.holds[key]
                self.escapable.pop(key, None)

    def on_show(self, node: DOMNode) -> bool:
        """Whether `node` is the app, or on a screen of the stack."""
        if node is self.app:
            return True
        if not node.is_attached:
            return False
        holder: DOMNode | None = node
        while holder is not None and not isinstance(holder, Screen):
            holder = holder.parent
        return holder is not None and holder in self.app.screen_stack

    def tell_if_still_held(self) -> None:
        if not self.is_held or self.told or not self.waiting:
            return
        self.told = True
        _owner, why = next(iter(self.holds.values()))
        self.told_message = f"Waiting for {why}. What you type is kept and will appear there."
        self.app.notify(self.told_message, timeout=4, to_student=True)

    def take_down_notice(self) -> None:
        """The wait is over: a notice still saying "waiting for" would be wrong."""
        take_down(self.app, self.told_message)
        self.told_message = ""


def take_down(app: App[object], message: str) -> None:
    """Remove a notice still on screen that is no longer true. (Textual has no public
    call to remove one notification; the version is pinned.)"""
    shown = visible(message)  # as the app's notify shows it
    for notification in list(app._notifications):
        if notification.message == shown:
            app._unnotify(notification)
