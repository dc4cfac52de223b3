"""On 6,000 conferences the store's queries use their indexes, never a full scan.

Each test runs a real store method while an engine listener records the SQL and
parameters it sends, then asks SQLite for the EXPLAIN QUERY PLAN of each recorded
statement. A plan line "SCAN <table>" over one of the big tables (or an alias of
one) means SQLite reads the whole table or a whole index: that fails the test.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from conference_tui.sample_data import SampleDatabase
from conference_tui.store import SearchFilters, Store

from .conftest import SCALE_CONFERENCES, SCALE_TODAY

pytestmark = pytest.mark.slow  # generating the database takes seconds

# Tables that grow with the number of conferences (and the roster's student table).
BIG_TABLES = (
    "conference",
    "answer",
    "answer_revision",
    "goal",
    "habit_observation",
    "search_doc",
    "student",
)
SQL_WORDS = {"ON", "WHERE", "JOIN", "LEFT", "INNER", "OUTER", "CROSS", "GROUP", "ORDER", "LIMIT"}


Statement = tuple[str, Any]


@pytest.fixture(scope="module")
def store(sample_scale: SampleDatabase) -> Iterator[Store]:
    noon = datetime.combine(SCALE_TODAY, time(12)).astimezone().astimezone(UTC)
    opened = Store.open(str(sample_scale.path), clock=lambda: noon)
    try:
        yield opened
    finally:
        opened.close()


@contextlib.contextmanager
def recorded(store: Store) -> Iterator[list[Statement]]:
    """Every SELECT and UPDATE the store sends while the block runs."""
    statements: list[Statement] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, _ctx: Any, many: bool) -> None:
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE")):
            statements.append((sql, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def query_plan(store: Store, sql: str, parameters: Any) -> list[str]:
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all()
    return [str(row[3]) for row in rows]


def big_names(sql: str) -> set[str]:
    """The big tables a statement reads, under their own names and their aliases."""
    names = set(BIG_TABLES)
    pattern = r"(?:FROM|JOIN)\s+(" + "|".join(BIG_TABLES) + r")\s+(?:AS\s+)?([A-Za-z_]\w*)"
    for _table, alias in re.findall(pattern, sql, flags=re.IGNORECASE):
        if alias.upper() not in SQL_WORDS:
            names.add(alias)
    return names


def full_scans(sql: str, plan: list[str]) -> list[str]:
    names = big_names(sql)
    return [line for line in plan if line.startswith("SCAN ") and line.split()[1] in names]


def plans_of(store: Store, call: Callable[[], object]) -> list[tuple[str, list[str]]]:
    with recorded(store) as statements:
        call()
    assert statements, "the store method sent no query"
    return [(sql, query_plan(store, sql, parameters)) for sql, parameters in statements]


def assert_no_full_scan(plans: list[tuple[str, list[str]]]) -> None:
    for sql, plan in plans:
        scans = full_scans(sql, plan)
        assert not scans, f"full scan {scans} in\n{' '.join(sql.split())}\nplan: {plan}"


def plan_text(plans: list[tuple[str, list[str]]]) -> str:
    return "\n".join(line for _, plan in plans for line in plan)


# -- the checker itself ------------------------------------------------------------


def test_the_checker_sees_a_full_scan(store: Store) -> None:
    sql = "SELECT id FROM conference AS c WHERE c.piece_title = ?"
    plan = query_plan(store, sql, ("The Storm",))
    assert full_scans(sql, plan) == ["SCAN c"]


def test_the_database_is_the_size_the_scale_tests_claim(
    store: Store, sample_scale: SampleDatabase
) -> None:
    with store.engine.connect() as connection:
        conferences = connection.execute(text("SELECT count(*) FROM conference")).scalar_one()
    assert conferences == sample_scale.conference_count == SCALE_CONFERENCES
    assert store.conference_count(sample_scale.heavy_student_id) == 300


# -- search --------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["common_word", "rare_word"])
def test_search_goes_through_the_full_text_index(
    store: Store, sample_scale: SampleDatabase, which: str
) -> None:
    word = getattr(sample_scale, which)
    hits: list[object] = []
    plans = plans_of(store, lambda: hits.extend(store.search(word)))
    assert_no_full_scan(plans)
    matching = [plan for sql, plan in plans if "MATCH" in sql]
    assert matching, "the search did not use FTS5 MATCH"
    assert any(
        re.match(r"SCAN search_fts VIRTUAL TABLE INDEX \d+:M", line)
        for plan in matching
        for line in plan
    ), matching
    if which == "rare_word":
        assert len(hits) == sample_scale.rare_word_conferences
    else:
        assert len(hits) == 200  # the limit: far more notes than that mention it


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(habit="Persisting"),
        SearchFilters(since=SCALE_TODAY - timedelta(days=400), until=SCALE_TODAY),
    ],
    ids=["no filter", "habit", "dates"],
)
def test_a_page_of_a_common_word_reads_the_index_in_its_order(
    store: Store, sample_scale: SampleDatabase, filters: SearchFilters
) -> None:
    """Newest first is the index's own order: no sort of every match, on any page."""
    filters = replace(filters, class_id=sample_scale.class_ids[1]) if filters.habit else filters
    first = store.search_page(sample_scale.common_word, filters)
    assert first.next_page is not None
    plans = plans_of(
        store, lambda: store.search_page(sample_scale.common_word, filters, after=first.next_page)
    )
    assert_no_full_scan(plans)
    (matching,) = [plan for sql, plan in plans if "MATCH" in sql]
    assert re.match(r"SCAN search_fts VIRTUAL TABLE INDEX \d+:M", matching[0]), matching
    assert not any("TEMP B-TREE" in line for line in matching), matching


# -- one learner's story ---------------------------------------------------------------


def test_history_reads_the_student_started_index(
    store: Store, sample_scale: SampleDatabase
) -> None:
    plans = plans_of(store, lambda: store.history(sample_scale.heavy_student_id, limit=50))
    assert_no_full_scan(plans)
    assert "SEARCH conference USING INDEX ix_conference_student_started (student_id=?)" in (
        plan_text(plans)
    )


def test_last_time_reads_one_conference_by_index(
    store: Store, sample_scale: SampleDatabase
) -> None:
    plans = plans_of(store, lambda: store.last_time(sample_scale.heavy_student_id))
    assert_no_full_scan(plans)
    latest = [sql for sql, _ in plans if "FROM conference" in sql]
    assert latest and all("LIMIT" in sql for sql in latest), "fetch one conference, not all"
    assert re.search(
        r"SEARCH conference USING (COVERING )?INDEX ix_conference_student", plan_text(plans)
    )


def test_goal_chain_reads_the_student_goal_index(
    store: Store, sample_scale: SampleDatabase
) -> None:
    plans = plans_of(store, lambda: store.goal_chain(sample_scale.heavy_student_id))
    assert_no_full_scan(plans)
    assert "SEARCH goal USING INDEX ix_goal_student_status (student_id=?)" in plan_text(plans)


@pytest.mark.parametrize(
    "method", ["active_goals", "habit_tally", "conference_count", "draft_for_student"]
)
def test_other_per_student_reads_use_indexes(
    store: Store, sample_scale: SampleDatabase, method: str
) -> None:
    assert_no_full_scan(
        plans_of(store, lambda: getattr(store, method)(sample_scale.heavy_student_id))
    )


def test_a_whole_conference_is_read_by_key(store: Store, sample_scale: SampleDatabase) -> None:
    newest = store.history(sample_scale.heavy_student_id, limit=1)[0]
    assert_no_full_scan(plans_of(store, lambda: store.get_conference(newest.id)))


# -- the roster ------------------------------------------------------------------------


def test_a_class_roster_reads_only_that_class(store: Store, sample_scale: SampleDatabase) -> None:
    rows: list[object] = []
    plans = plans_of(store, lambda: rows.extend(store.roster(sample_scale.class_ids[0])))
    assert len(rows) == 33
    assert_no_full_scan(plans)
    assert "USING INDEX ix_student_class_name (class_id=?" in plan_text(plans)


# -- the autosave path ------------------------------------------------------------------


def test_autosave_finds_its_rows_by_key(sample_scale: SampleDatabase, tmp_path: Path) -> None:
    # On a copy: the shared database must keep exactly the conferences it was made with
    # (other tests, on other workers at the same time, count them).
    copy = tmp_path / "autosave.db"
    shutil.copyfile(sample_scale.path, copy)
    store = Store.open(str(copy))
    try:
        student_id = sample_scale.student_ids[-1]
        conference = store.start_conference(student_id, "writing-conference", 1, "clarify")
        store.save_answer(conference.id, "clarify", "purpose", "A first try", False)
        plans = plans_of(
            store,
            lambda: store.save_answer(conference.id, "clarify", "purpose", "A second try", False),
        )
    finally:
        store.close()
    assert_no_full_scan(plans)
