"""The writing half of `sample_data.generate_database`: a process of its own that puts
the generated rows into SQLite while the generator composes the next ones.

SQLite's work is most of a generation's time. In a thread beside the generator it
ran little faster than in turns with it: the thread needs Python's global lock to
bind every value. Run as a script, `python -I sample_load.py DATABASE` (by its path and
isolated, so that it is this file that runs whatever the import path), it reads pickled
batches from its standard input, each a list of (INSERT statement, rows),
until a None, then finishes the file and exits 0. On any error it writes the error to
standard error and exits 1, leaving the file unfinished (the generator deletes it).
It imports nothing but the standard library.
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
from typing import BinaryIO

# SQLite takes cache pages only as it needs them: about 250 MB at 25k, 1.5 GB at 250k
# (random UUIDs land all over every index: give SQLite room to keep them in memory).
CACHE_KIB = 1536 * 1024
# Triggers dropped while loading and put back at the end: the generator writes the
# answers' rows in search_doc itself (answer -> search_doc), and FTS5 indexes all the
# text in one pass ('rebuild') rather than note by note (search_doc -> search_fts).
DEFERRED_TRIGGERS = ("answer_search_ai", "search_doc_ai")


def load(database: str, batches: BinaryIO) -> None:
    """Write every batch read from `batches` into `database`, in one transaction,
    without a journal: a failed generation leaves a file to delete, nothing more.

    The generator sends the answers' rows in search_doc with the answers, in key order
    (conferences in the order they started), so that table only grows at its end. The
    FTS5 index and the plain indexes are built once at the end.
    """
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        execute = connection.execute
        execute("PRAGMA journal_mode = OFF")
        execute("PRAGMA synchronous = OFF")
        execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # Indexes are built faster from the finished tables than row by row; SQLite's
        # own (primary keys, unique constraints) have no SQL and cannot be dropped.
        deferred = execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            " AND (type = 'index' OR (type = 'trigger' AND name IN (?, ?)))",
            DEFERRED_TRIGGERS,
        ).fetchall()
        execute("BEGIN")
        for kind, name, _ in deferred:
            execute(f"DROP {kind.upper()} {name}")
        while (batch := pickle.load(batches)) is not None:
            for statement, rows in batch:
                connection.executemany(statement, rows)
        execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        for _, _, sql in deferred:
            execute(sql)
        execute("COMMIT")
        execute("PRAGMA journal_mode = WAL")  # as the store leaves the file
    finally:
        connection.close()


def main() -> int:
    (database,) = sys.argv[1:]
    try:
        load(database, sys.stdin.buffer)
    except EOFError:
        return 1  # the generator stopped without finishing: it deletes the file
    except Exception as exc:  # reported to the generator, which raises it
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
