"""The app header: an icon, the title with the current class or student, and a clock
read from the app's clock (so that tests and snapshots run at a fixed time).

It is one widget drawing one line, where Textual's header is four (the header, its
icon, its title, its clock), each styled, laid out and drawn on every screen's first
frame: about 3 ms of the launch, and of every screen opened.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

from conference_tui.tui.widgets.watching import stop_watching

ICON = "✎"
# Textual's header: the icon 8 cells wide on the left, the clock 10 on the right, each
# with a cell of padding either side; the title centred between them.
ICON_WIDTH = 8
CLOCK_WIDTH = 10
CLOCK_STYLE = "on $foreground-darken-1 5%"


class AppHeader(Widget):
    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.clock_shown = ""

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self.title_changed, init=False)
            self.watch(node, "sub_title", self.title_changed, init=False)
        self.set_interval(1, self.tick, name="header clock")

    def on_unmount(self) -> None:
        # A watch of the app's title would keep a closed screen's header, and the
        # screen, in memory until the title next changed.
        stop_watching(self, self.app)

    def title_changed(self) -> None:
        self.refresh()

    def tick(self) -> None:
        if self.clock_text() != self.clock_shown:
            self.refresh()

    def clock_text(self) -> str:
        return self.app.clock().astimezone().strftime("%H:%M")  # type: ignore[attr-defined]

    def heading(self) -> Content:
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub_title = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        return self.app.format_title(title, sub_title)

    def render(self) -> Content:
        width = self.size.width
        room = max(0, width - ICON_WIDTH - CLOCK_WIDTH)
        title = self.heading().truncate(room, ellipsis=True)
        before = (room - title.cell_length) // 2
        self.clock_shown = self.clock_text()
        clock = f" {self.clock_shown:^{CLOCK_WIDTH - 2}} "
        return Content.assemble(
            f" {ICON}".ljust(ICON_WIDTH),
            " " * before,
            title,
            " " * (room - before - title.cell_length),
            (clock, CLOCK_STYLE),
        ).truncate(width)

    async def on_click(self, event: events.Click) -> None:
        # As on Textual's header: the icon opens the command palette.
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
