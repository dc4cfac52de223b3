"""Fixtures every test may use: private folders, a fake clock, and a store on each backend.

The `store` fixture runs a test on a real SQLite file and, when
CONFERENCE_TUI_TEST_PG_URL names a PostgreSQL server, on a fresh database there too
(created for the test, dropped after). Without the variable the PostgreSQL runs are
skipped, except under CI=true, where a missing server fails loudly.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tests.built_once import built_once

from conference_tui.store import Store

PG_URL_ENV = "CONFERENCE_TUI_TEST_PG_URL"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def pytest_configure(config: pytest.Config) -> None:
    # A Pilot test makes and drops millions of small objects (strips, segments, styles):
    # with the default thresholds the cyclic collector ran often enough to take a sixth
    # of the suite's CPU. Collected less often, and never over what is already imported.
    gc.set_threshold(50_000, 20, 100)
    gc.freeze()
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    config.addinivalue_line("markers", "lint: runs a code-quality tool (ruff, mypy, import-linter)")


# Session fixtures built once per run and shared by the workers (tests/built_once.py):
# the first test to ask builds, any other asking meanwhile waits.
SHARED_BUILDS = ("sample_scale", "demo_database", "wheel")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start every worker on its share of the slow tests.

    xdist's worksteal hands each worker one contiguous run of the collection, and a
    worker that is done takes half of what another has left, from its end. The slow
    tests sat together near the end (the theme and the text tests), so one or two
    workers ran them alone while the others were idle. Dealt to the heads of the runs
    instead, each worker takes its slow ones first and the quick ones spread out behind
    them. Slow tests that wait for the same shared build go to one worker, which builds
    it once while the others work, instead of two workers waiting for it side by side.
    Every worker computes the same order, as xdist requires.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers < 2:
        return
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        if item.get_closest_marker("slow"):
            build = next((name for name in SHARED_BUILDS if name in item.fixturenames), "")
            groups.setdefault(build or item.nodeid, []).append(item)
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for index, group in enumerate(groups.values()):
        shares[index % workers].extend(group)
    quick = [item for item in items if not item.get_closest_marker("slow")]
    order: list[pytest.Item] = []
    left = len(items)
    for worker in range(workers):
        size = left // (workers - worker)  # as worksteal splits the collection
        left -= size
        share = shares[worker][:size]
        order += share + quick[: size - len(share)]
        del quick[: size - len(share)]
    items[:] = order


class FakeClock:
    """A clock the store reads (`Store(clock=...)`) and tests move by hand.

    It starts at noon UTC so that whole-day steps land on the same local date in
    any time zone the tests run in.
    """

    START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)` and return the new time."""
        self.now += timedelta(**delta)
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def local_today(self) -> date:
        """The date the store calls "today" (the store works in local time)."""
        return self.now.astimezone().date()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def private_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point config and data folders at a temporary place: no test touches real homes."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CONFERENCE_TUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CONFERENCE_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("CONFERENCE_TUI_DB", raising=False)
    return home


# -- the demo class ----------------------------------------------------------------

DEMO_TODAY = date(2026, 11, 23)  # a Monday: the day the demo tests and snapshots show


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database of DEMO_TODAY, replayed once per test run and shared by the
    workers: open it to read, or copy it to change it."""
    from conference_tui.demo import build_demo_database

    def build(path: Path) -> None:
        build_demo_database(path, DEMO_TODAY, cache=False)

    return built_once(tmp_path_factory, "demo.db", build)


# -- PostgreSQL ------------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The server's URL, checked once; skip without it, but never silently in CI."""
    url = os.environ.get(PG_URL_ENV, "")
    if not url:
        message = f"{PG_URL_ENV} is not set, so the PostgreSQL runs cannot happen"
        if _in_ci():
            pytest.fail(f"{message}; CI=true requires them (run .ci/run).", pytrace=False)
        pytest.skip(message)
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(
            f"{PG_URL_ENV}={url} is set but the server cannot be used: {exc}", pytrace=False
        )
    return url


def _named_database(admin_url: str) -> tuple[str, str]:
    """A new database's unique name, and its URL on the server of `admin_url`."""
    from sqlalchemy.engine import make_url

    name = f"ctui_test_{uuid.uuid4().hex[:16]}"
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def _new_pg_database(admin_url: str) -> Iterator[str]:
    """CREATE DATABASE with a unique name; DROP after."""
    import psycopg

    name, url = _named_database(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_database_url(pg_admin_url: str) -> Iterator[str]:
    """A new, empty database for one test, dropped afterwards."""
    with _new_pg_database(pg_admin_url) as url:
        yield url


@pytest.fixture(scope="session")
def pg_migrated_template(pg_admin_url: str) -> Iterator[str]:
    """A database migrated to head once per session; the store tests' databases are
    copies of it (SpareDatabases)."""
    from sqlalchemy.engine import make_url

    with _new_pg_database(pg_admin_url) as url:
        Store.open(url).close()
        yield str(make_url(url).database)


# What a test may not change in a database it gives back: its tables, indexes,
# triggers, row-level policies and schema revision.
SCHEMA_FINGERPRINT = """
SELECT (SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ','
                          ORDER BY table_name, column_name)
          FROM information_schema.columns WHERE table_schema = 'public'),
       (SELECT string_agg(indexname, ',' ORDER BY indexname)
          FROM pg_indexes WHERE schemaname = 'public'),
       (SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal),
       (SELECT string_agg(policyname, ',' ORDER BY policyname) FROM pg_policies),
       (SELECT string_agg(version_num, ',') FROM alembic_version)
"""


class SpareDatabases:
    """Migrated PostgreSQL databases one worker lends to its store tests in turn, each
    emptied when it comes back: copying the template and dropping the copy took 0.4 s a
    test, a sixth of the store tests' time. A database that comes back changed in
    anything but its rows, or that cannot be emptied, is dropped instead."""

    def __init__(self, admin_url: str, template: str) -> None:
        self.admin_url = admin_url
        self.template = template
        self.free: list[tuple[str, str]] = []  # (name, URL)
        self.made: list[str] = []
        self.fingerprint: tuple[object, ...] | None = None

    @contextlib.contextmanager
    def lend(self) -> Iterator[str]:
        name, url = self.free.pop() if self.free else self.make()
        yield url
        if self.emptied(url):
            self.free.append((name, url))
        else:
            self.drop(name)

    def make(self) -> tuple[str, str]:
        import psycopg

        name, url = _named_database(self.admin_url)
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            # Copying the files of a small template is quicker than replaying it (PG 15+).
            copy = " STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else ""
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"{copy}')
        self.made.append(name)
        if self.fingerprint is None:
            with psycopg.connect(url) as connection:
                self.fingerprint = tuple(connection.execute(SCHEMA_FINGERPRINT).fetchone() or ())
        return name, url

    def emptied(self, url: str) -> bool:
        import psycopg

        try:
            with psycopg.connect(url, autocommit=True) as connection:
                # A connection the test left open holds its locks: drop the database then.
                connection.execute("SET lock_timeout = '2s'")
                if tuple(connection.execute(SCHEMA_FINGERPRINT).fetchone() or ()) != (
                    self.fingerprint
                ):
                    return False
                tables = connection.execute(
                    "SELECT quote_ident(tablename) FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                ).fetchall()
                # DELETE, not TRUNCATE, which took twice as long on these few rows. Replica
                # mode skips the foreign keys' triggers, so the order does not matter.
                with connection.transaction():
                    connection.execute("SET LOCAL session_replication_role = replica")
                    for (table,) in tables:
                        connection.execute(f"DELETE FROM {table}")
        except psycopg.Error:
            return False
        return True

    def drop(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_all(self) -> None:
        for name in self.made:
            self.drop(name)


@pytest.fixture(scope="session")
def pg_spare_databases(pg_admin_url: str, pg_migrated_template: str) -> Iterator[SpareDatabases]:
    spares = SpareDatabases(pg_admin_url, pg_migrated_template)
    yield spares
    spares.drop_all()


# -- the store on each backend ---------------------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a test's own database lives: a new SQLite file path, or a new, empty
    PostgreSQL database. Nothing has been created or migrated yet."""
    if backend == "sqlite":
        return str(tmp_path / "conferences.db")
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture(scope="session")
def sqlite_migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; each store test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "conferences.db"
    Store.open(str(path)).close()
    return path


def private_copy(source: Path, path: Path) -> str:
    """Copy a database file to `path`, private as the app makes its own; its path."""
    shutil.copyfile(source, path)
    os.chmod(path, 0o600)
    return str(path)


@pytest.fixture
def store(
    backend: str,
    tmp_path: Path,
    clock: FakeClock,
    request: pytest.FixtureRequest,
) -> Iterator[Store]:
    """An opened, migrated store on a database of its own, reading the fake clock.

    Migrating takes longer than most tests, so each test opens a copy of a database
    migrated once per session (tests of opening and migrating start from nothing).
    """
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            template = request.getfixturevalue("sqlite_migrated_template")
            url = private_copy(template, tmp_path / "conferences.db")
        else:
            spares = request.getfixturevalue("pg_spare_databases")
            url = stack.enter_context(spares.lend())
        opened = Store.open(url, clock=clock)
        stack.callback(opened.close)
        yield opened
