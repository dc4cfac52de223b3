"""Inserts that give way to a row already there, on either backend."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.dml import Insert


def insert_unless_present(dialect: str, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING: a row that would break any unique key (one
    a concurrent transaction just committed included) is left out, without an error.
    The caller reads back the row that is there."""
    if dialect == "postgresql":
        # Imported here: SQLAlchemy's PostgreSQL dialect is 2 MiB and 25 ms of start-up
        # an app on a SQLite file never needs.
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
