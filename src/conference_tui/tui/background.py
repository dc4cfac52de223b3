"""Run store calls in thread workers and bring the result back to the event loop.

Every database call from the UI goes through `run_in_background`, so the event loop
never waits on disk, and a database error becomes a notification instead of a
traceback on the teacher's screen.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from conference_tui.failure_log import log_failure
from conference_tui.store import StoreError

T = TypeVar("T")
log = logging.getLogger(__name__)


def run_in_background(
    node: DOMNode,
    work: Callable[[], T],
    done: Callable[[T], object] | None = None,
    *,
    group: str,
    exclusive: bool = True,
    failed: Callable[[str], object] | None = None,
) -> Worker[None]:
    """Run `work` in a thread; call `done(result)` (or `failed(message)`) on the event loop.

    With `exclusive`, a newer call in the same group cancels an older one whose
    result would be stale (a filter typed on, a search refined).
    """
    app = node.app

    def report(message: str) -> None:
        if failed is not None:
            failed(message)
        else:
            app.notify(
                message,
                title="Not saved" if group.startswith("save") else "Problem",
                severity="error",
                timeout=8,
            )

    def deliver(callback: Callable[[], object]) -> None:
        if get_current_worker().is_cancelled:
            return
        # A RuntimeError means the app is shutting down: there is nobody left to tell.
        with contextlib.suppress(RuntimeError):
            app.call_from_thread(callback)

    def task() -> None:
        try:
            result = work()
        except StoreError as exc:
            message = str(exc)
            deliver(lambda: report(message))
            return
        except Exception as exc:
            log_failure(log, f"unexpected error in background task {group}", exc)
            deliver(
                lambda: report(
                    "Something unexpected went wrong; nothing already saved was lost. "
                    "Details are in the log (`conference-tui locate` shows where)."
                )
            )
            return
        if done is not None:
            deliver(lambda: done(result))

    return node.run_worker(task, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
