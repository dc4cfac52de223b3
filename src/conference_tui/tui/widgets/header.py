"""The app header: title, the current class, and a clock read from the app's clock.

Textual's own header clock reads the wall clock; reading the app's clock instead
lets tests and snapshots run at a fixed time.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.widgets import Header
from textual.widgets._header import HeaderClock, HeaderIcon, HeaderTitle

from conference_tui.tui.widgets.watching import stop_watching


class AppClock(HeaderClock):
    def render(self) -> RenderResult:
        now = self.app.clock().astimezone()  # type: ignore[attr-defined]
        return Text(now.strftime("%H:%M"))


class AppHeader(Header):
    def __init__(self) -> None:
        super().__init__(show_clock=True, icon="✎")

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield AppClock()

    def on_unmount(self) -> None:
        # Textual's header watches the app's title: a closed screen's header, and the
        # screen, would stay in memory until the title next changed.
        stop_watching(self, self.app)
