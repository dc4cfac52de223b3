"""A progress bar on stderr for the bulk commands (export, backup, import).

Shown only when stderr is a terminal, and only once the work has taken over a
second: a pipe, a log file or CI gets the command's usual lines and nothing else
(rich would also draw when FORCE_COLOR is set, so the terminal test is ours).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

SHOW_AFTER_SECONDS = 1.0

ProgressCallback = Callable[[int, int], None]


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Bar:
    def __init__(self, description: str, show: bool) -> None:
        self._description = description
        self._show = show
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int, total: int) -> None:
        if not self._show:
            return
        if self._progress is None:
            if time.monotonic() - self._started < SHOW_AFTER_SECONDS:
                return
            self._start()
        assert self._progress is not None and self._task is not None
        # A total of 0 means not known yet: the bar pulses and counts.
        self._progress.update(self._task, completed=done, total=total or None)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True, highlight=False),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(self._description, total=None)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    """A `progress(done, total)` callback that draws a bar on stderr when it is a
    terminal and the work lasts over a second; the bar goes when the block ends.
    A total of 0 is an unknown total."""
    bar = _Bar(description, stderr_is_terminal())
    try:
        yield bar.update
    finally:
        bar.stop()
