"""Opening the store as the app and the commands do: a file SQLite finds damaged is
opened only to read. (Apart from the command line's module, which loads click: the app
opens its store with this before its first frame.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conference_tui.store.store import Store


def open_checked(database: str) -> Store:
    """The store at `database`, read-only if SQLite finds the file damaged; raises
    StoreError when it cannot be opened."""
    # The check runs in SQLite, which lets go of Python's lock, so it costs nothing
    # beside loading SQLAlchemy and the models, which only Python can do: the two one
    # after the other were 0.8 s of the app's first `n` at 25,000 conferences, and
    # 1.5 s at 250,000 (where the check is stopped: see QUICK_CHECK_SECONDS).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quick-check") as pool:
        checking = pool.submit(damaged_file_warning, database)
        from conference_tui.store.store import Store

        damage = checking.result()
    if damage:
        return Store.open_to_read(database, damage)
    return Store.open(database)


def damaged_file_warning(database: str) -> str:
    """'' unless SQLite's quick check finds the file damaged: then it is opened only to
    read (to see and export what it holds) and never written, and this says so."""
    from conference_tui.store.backup import quick_check
    from conference_tui.store.diagnosis import Fault, describe
    from conference_tui.store.location import locate

    path = locate(database).path
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return ""
    if quick_check(path) is not False:
        return ""
    diagnosis = describe(Fault.DAMAGED, str(path))
    return (
        f"{diagnosis.what} It is open read-only: you can read and export its notes, and "
        f"nothing you type is saved into it. {diagnosis.advice}"
    )
