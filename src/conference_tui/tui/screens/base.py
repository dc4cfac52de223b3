"""Typed access to the running ConferenceApp for screens and dialogs, and the two ways
a screen works with the database while keys wait at the key gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import events
from textual.app import active_app
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from conference_tui.tui.background import run_in_background

if TYPE_CHECKING:
    from conference_tui.tui.app import ConferenceApp

ResultType = TypeVar("ResultType")
T = TypeVar("T")


class GatedLoading:
    """Loads and saves that the teacher's next keys must wait for."""

    @property
    def conference_app(self) -> ConferenceApp:
        return cast("ConferenceApp", self.app)  # type: ignore[attr-defined]

    def load_before_keys(
        self,
        work: Callable[[], T],
        show: Callable[[T], object],
        *,
        group: str,
        what: str,
        failed: Callable[[str], object] | None = None,
    ) -> None:
        """Run `work` in a thread; keys typed meanwhile wait until `show` has put its
        result on screen, so that they act on what the teacher sees."""
        gate = self.conference_app.key_gate
        gate.hold(self, what, part=group, escapable=True)

        def shown(result: T) -> None:
            show(result)
            gate.release(self, part=group)

        def refused(message: str) -> None:
            if failed is None:
                self.conference_app.notify(message, title="Problem", severity="error", timeout=8)
            else:
                failed(message)
            gate.release(self, part=group)

        run_in_background(self, work, shown, group=group, failed=refused)  # type: ignore[arg-type]

    def save_then_dismiss(
        self, work: Callable[[], Any], *, group: str, failed: Callable[[str], object]
    ) -> None:
        """Save in a thread, then close with its result; keys typed meanwhile are for the
        screen underneath, or for this one again if the save is refused."""
        gate = self.conference_app.key_gate
        gate.hold(self, "the save to finish", part=group)

        def saved(result: object) -> None:
            self.dismiss(result)  # type: ignore[attr-defined]
            gate.release(self, part=group)

        def refused(message: str) -> None:
            failed(message)
            gate.release(self, part=group)

        run_in_background(self, work, saved, group=group, failed=refused)  # type: ignore[arg-type]


class StyledOnce:
    """A screen styled once as it opens, not three times.

    `push_screen` asks the new screen to restyle every widget when it resumes, though
    each was styled as it mounted a moment before; and a screen with breakpoints gets
    its size class on its first resize, which restyles them all again. Together a
    quarter of opening the conference screen. The size class is set before mounting
    instead, and a resume restyles only when the app's styles changed since this
    screen was last styled (a theme chosen while it was off the stack): the kept
    conference and history screens are pushed again for every student."""

    resumed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        screen = cast(Screen[object], self)
        breakpoints = screen.HORIZONTAL_BREAKPOINTS or []
        if breakpoints:
            width = active_app.get().size.width
            reached = screen._get_breakpoint_classes(width, breakpoints)
            screen.update_classes({name: name in reached for _, name in breakpoints}, update=False)

    def post_message(self, message: Message) -> bool:
        if isinstance(message, events.ScreenResume) and message.refresh_styles:
            # Textual counts the app's style changes, and marks a screen on the stack
            # with the count it was restyled for (the version is pinned).
            screen = cast(Screen[object], self)
            styled_for = screen.app._css_update_count
            if not self.resumed or screen._css_update_count == styled_for:
                message = events.ScreenResume(refresh_styles=False)
            self.resumed = True
            screen._css_update_count = styled_for
        return super().post_message(message)  # type: ignore[misc,no-any-return]


class AppScreen(StyledOnce, GatedLoading, Screen[ResultType]):
    pass


class ClosesOverDialogs(AppScreen[ResultType]):
    """A screen of notes being written (a conference, a group's): it closes once, even
    when help or the palette was opened on top of it while a save was finishing."""

    closing = False
    dismissed = False
    # Told, on this visit, that nothing typed here is kept (a file open only to read).
    read_only_told = False

    def nothing_is_kept(self) -> bool:
        """Whether the store takes nothing (a damaged file, open only to read). What is
        typed then is never queued to be saved: saves that cannot succeed kept escape
        from ever leaving (found in a teacher's check). Said once a visit."""
        why = self.conference_app.store.read_only_because
        if why and not self.read_only_told:
            self.read_only_told = True
            self.conference_app.notify(
                f"Nothing typed here is kept: escape goes back. {why}",
                title="Open only to read",
                severity="warning",
                timeout=15,
            )
        return bool(why)

    def scroll_to_center(self, widget: Widget, animate: bool = True, **options: Any) -> None:
        """At once, never animated. Textual centres a field reached by tab this way (in
        Screen.set_focus) with a scroll of 150 ms or more, which raced the field's own
        scroll into sight (FieldEditor.scroll_into_sight): on a busy machine it began
        after it, and keys typed meanwhile landed in a field still moving out of sight."""
        options["immediate"] = True
        super().scroll_to_center(widget, False, **options)

    def close(self) -> None:
        """Dismiss this screen, even with a dialog on top: a plain dismiss would close
        that one instead."""
        self.closing = True
        if self.dismissed or self not in self.app.screen_stack:
            return
        self.dismissed = True
        while self.app.screen is not self:
            self.app.pop_screen()
        self.dismiss()
        # Keys typed after the escape or ctrl+s that closed it are for the screen below.
        self.conference_app.key_gate.release(self, part="close")


class AppModal(StyledOnce, GatedLoading, ModalScreen[ResultType]):
    pass
