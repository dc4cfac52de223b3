"""Fixtures for export tests: the form, SQLite stores, and the small school.

Stores are copies of one empty database migrated once per session: opening a
store the usual way costs about half a second of Alembic checks per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from school_data import FORM_ID, Clock, School, build_school, store_from_template

from conference_tui.forms import Form, load_default_form
from conference_tui.store import Store


@pytest.fixture(scope="session")
def form() -> Form:
    return load_default_form(FORM_ID)


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the current schema, to copy."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    Store.open(str(path)).close()
    return path


@pytest.fixture
def sqlite_store(empty_database: Path, tmp_path: Path, clock: Any) -> Iterator[Store]:
    opened = store_from_template(empty_database, tmp_path / "conferences.db", clock)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def school_store(
    empty_database: Path, tmp_path_factory: pytest.TempPathFactory, form: Form
) -> Iterator[tuple[Store, School]]:
    """The small school on a SQLite file, built once per module: exports only read it."""
    clock = Clock()
    store = store_from_template(empty_database, tmp_path_factory.mktemp("school") / "s.db", clock)
    try:
        yield store, build_school(store, form, clock)
    finally:
        store.close()


@pytest.fixture
def school(school_store: tuple[Store, School]) -> School:
    return school_store[1]


@pytest.fixture
def store_of_school(school_store: tuple[Store, School]) -> Store:
    return school_store[0]
