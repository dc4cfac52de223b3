"""Inserts that give way to a row already there, on either backend."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def insert_unless_present(dialect: str, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING: a row that would break any unique key (one
    a concurrent transaction just committed included) is left out, without an error.
    The caller reads back the row that is there."""
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return build(table).on_conflict_do_nothing()
