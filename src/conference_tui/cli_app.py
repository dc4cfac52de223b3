"""The app's start, apart from the commands: click and the commands' modules load only
for a command (5 ms of every launch, before the first frame; see launch.py)."""

from __future__ import annotations

import gc
import shutil
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from conference_tui import paths
from conference_tui.store.checked_open import open_checked

if TYPE_CHECKING:
    from conference_tui.settings import Settings
    from conference_tui.store import Store
    from conference_tui.store.first_look import FirstLook


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_app(database: str | None, demo: bool) -> None:
    from conference_tui.settings import load_settings

    settings = load_settings()
    demo_folder: Path | None = None
    if demo:
        from conference_tui.demo import build_demo_database

        say("Preparing the demo class (a few seconds, the first time each day)…")
        demo_folder = Path(tempfile.mkdtemp(prefix="conference-tui-demo-"))
        database = str(demo_folder / "demo.db")
        build_demo_database(Path(database))
    # Until the app has settled, nearly every object made lives as long as the app:
    # collecting garbage then only delays the first frame (see settle_memory).
    gc.disable()
    database = database or paths.default_database()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="first-look") as pool:
            # The roster is read (in SQLite, which lets go of the GIL) while Python loads
            # Textual and the app's screens: 5 to 10 ms of the first frame.
            reading = None if demo else _start_first_look(pool, database, settings)
            from conference_tui.tui.app import make_app
            from conference_tui.tui.escape_keys import read_escape_then_key

            look, store = _open_for_app(database, reading)
        # The demo logs too: an error message always names a log that exists.
        warnings = [_start_log()]
        app = make_app(
            store,
            settings=settings,
            demo=demo,
            startup_warnings=[w for w in warnings if w],
            # Made once the store is open (never from a damaged file, which would push out
            # a good older copy), in the background: at 25,000 conferences it takes a second.
            background_startup=None if demo else partial(_daily_backup, database),
            first_look=look,
            settled=settle_memory,
        )
        read_escape_then_key()
        app.run()
        store.close()
        if app.return_code:
            sys.exit(app.return_code)
    finally:
        gc.enable()
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)


def settle_memory() -> None:
    """Once the app has started: what it made so far (modules, classes, styles, the
    store, the roster: about 120,000 objects) stays for its whole run, so the garbage
    collector stops walking it: a full collection walked all of it, 60 to 90 ms (up to
    250 ms on a busy machine) falling on a screen change. (None falls while a key is
    handled: see KeyGate.deliver_waiting.) What is frozen and later dropped in a cycle
    is never freed, so the start's garbage is collected first: once, 60 to 80 ms as the
    app finishes opening (keys typed meanwhile wait, and are kept), 1 MiB less at any
    size of database."""
    gc.collect()
    gc.freeze()
    gc.enable()
    give_back_freed_memory()


def give_back_freed_memory() -> None:
    """Hand the memory the C allocator holds free back to the system, now and after each
    collection of older objects. Python frees a screen's objects into the allocator's
    heap, which keeps them (and the start's imports' read buffers) as the app's: 2 to 3
    MiB of the app's peak at 250,000 conferences. A trim takes under a millisecond.
    Only glibc has malloc_trim; elsewhere nothing changes."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except AttributeError:
        return
    trim(0)

    def after_collecting(phase: str, info: dict[str, int]) -> None:
        # Young collections run every few hundred objects made: too often to trim after.
        if phase == "stop" and info["generation"] >= 1:
            trim(0)

    gc.callbacks.append(after_collecting)


def _start_first_look(
    pool: ThreadPoolExecutor, database: str, settings: Settings
) -> Future[FirstLook | None]:
    """The roster to paint at once, read in `pool`: None unless the file is an
    up-to-date SQLite database. The demo's file is new, the app's own: it has none."""
    from datetime import date

    from conference_tui.store.first_look import first_look
    from conference_tui.store.location import in_use_elsewhere
    from conference_tui.store.location import locate as locate_database

    location = locate_database(database)
    path = location.path
    if path is not None and path.is_file() and in_use_elsewhere(path):
        say(f"The database at {path} is in use by another program; waiting a few seconds for it…")
    return pool.submit(first_look, location, date.today(), settings.due_after_days)


def _open_for_app(
    database: str, reading: Future[FirstLook | None] | None
) -> tuple[FirstLook | None, Store]:
    """The first look, with a store still opening behind it; without one (none read, or
    the file is not an up-to-date SQLite database), the store opened now."""
    from conference_tui.store.errors import StoreError
    from conference_tui.store.location import locate
    from conference_tui.store.opening_store import OpeningStore

    try:
        look = None if reading is None else reading.result()
    except StoreError as exc:
        from conference_tui.cli_support import fail

        fail(exc.for_command_line)
    if look is None:
        from conference_tui.cli_support import open_store

        return None, open_store(database)
    # The app only ever reaches it from workers, which wait for it: it stands for a Store.
    return look, cast("Store", OpeningStore(partial(open_checked, database), locate(database)))


def _daily_backup(database: str | None) -> str:
    """Today's rolling copy of the database: a fast no-op once made; never stops the app.

    Returns a warning for the app to show, or "" when all went well.
    """
    from datetime import date

    try:
        from conference_tui.store.backup import daily_backup

        daily_backup(database or paths.default_database(), paths.backups_dir(), date.today())
    except Exception as exc:  # any failure of a backup must only warn: the app still starts
        return f"Today's backup was not made: {exc}"
    return ""


def _start_log() -> str:
    """Unexpected errors go to a private log file, never onto the teacher's screen."""
    import logging
    import os

    log_file = paths.log_file()
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(log_file, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
        handler = logging.FileHandler(log_file, encoding="utf-8")
    except OSError as exc:
        return f"The log file {log_file} cannot be written ({exc.strerror})."
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("conference_tui").addHandler(handler)
    return ""
