"""Backups of a database in a folder whose name holds URI syntax (#, ?, %)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conference_tui.store import Store
from conference_tui.store.backup import backup_sqlite


def test_backup_of_a_database_under_a_folder_named_with_uri_syntax(tmp_path: Path) -> None:
    folder = tmp_path / "Notes #1 ?a%41"
    folder.mkdir()
    store = Store.open(str(folder / "conferences.db"))
    store.add_class("Period 3")
    store.close()

    copy = backup_sqlite(folder / "conferences.db", folder / "backups", "copy")

    assert copy.parent == folder / "backups"
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT name FROM school_class").fetchall() == [("Period 3",)]
