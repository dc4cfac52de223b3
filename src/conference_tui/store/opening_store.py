"""A Store still opening in a thread, for the time the first frame is on screen.

Every attribute waits for the real store, so a worker that calls it before it is ready
simply takes a little longer. The app calls `start` once the first frame is out (until
then nothing opens, and a caller would wait), the event loop itself never calls it, and
keys wait at the key gate until the roster has loaded through it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conference_tui.store.location import DatabaseLocation
    from conference_tui.store.store import Store


class OpeningStore:
    def __init__(self, open_store: Callable[[], Store], location: DatabaseLocation) -> None:
        self._open_store = open_store
        # Known before the file is opened, as the store's own.
        self.location = location
        self._opened = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._store: Store | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._open, name="open-store", daemon=True)
                self._thread.start()

    def _open(self) -> None:
        try:
            self._store = self._open_store()
        except BaseException as exc:  # handed to whoever waits: the app says what it was
            self._error = exc
        finally:
            self._opened.set()

    def wait(self) -> Store:
        """The open store, or the error that stopped it. Never starts the open: the app
        does, once the first frame is out (the open would slow that frame down)."""
        self._opened.wait()
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store

    @property
    def read_only_because(self) -> str:
        """Why nothing may be written: "" until the open has found out (a damaged file is
        found by the open itself), never waited for."""
        return self._store.read_only_because if self._store is not None else ""

    @property
    def is_open(self) -> bool:
        """Whether the store has opened (a caller would not wait for it)."""
        return self._opened.is_set() and self._error is None

    def until_tried(self) -> None:
        """Until the open has ended, opened or failed; raises nothing."""
        self._opened.wait()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wait(), name)

    def close(self) -> None:
        if self._thread is not None:
            self._opened.wait()
            if self._store is not None:
                self._store.close()
