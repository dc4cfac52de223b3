"""The speed benchmarks' pieces, run once on a tiny database so that they cannot rot.

Nothing is timed here (speed is read in benchmarks/, never asserted): these tests
only check that every screen the harness waits for is reached, in the app and in
its floors, and that the bulk jobs and the report run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from benchmarks import speed, tui
from benchmarks.bulk import bulk_jobs
from benchmarks.sample import Names, names, sample_database

from conference_tui.sample_data import SampleDatabase

TINY = 400  # one class of 33; the heavy student's 300 conferences and a few for the rest
QUIET = 0.05


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> SampleDatabase:
    if not tui.APP.exists():
        pytest.fail(f"the console script is not installed next to {tui.APP.parent}")
    db, _ = sample_database(TINY, folder=tmp_path_factory.mktemp("speed"))
    return db


@pytest.fixture(scope="module")
def who(tiny: SampleDatabase) -> Names:
    return names(tiny)


def test_the_cached_database_is_reused(tiny: SampleDatabase) -> None:
    again, seconds = sample_database(TINY, folder=tiny.path.parent)
    assert seconds is None
    assert again == tiny


@pytest.mark.slow
def test_the_app_reaches_every_screen_of_the_script(tiny: SampleDatabase, who: Names) -> None:
    assert who.class_size == 33
    with tui.sandbox() as box:
        terminal, _ = tui.launch(tui.app_argv(tiny.path), box.env, tui.roster_painted(who))
        try:
            tui.wait_for_backup(box, terminal)
            timings = tui.walk(terminal, tui.app_steps(who, tiny.common_word), quiet=QUIET)
            assert terminal.peak_rss_kib() > 0
        finally:
            exit_code = terminal.close()
    assert exit_code == 0
    floor_figures = {s.figure for s in tui.floor_steps(tiny.common_word) if s.figure}
    assert {tui.floor_figure(figure) for figure in timings} == floor_figures
    conference = {tui.CONFERENCE, tui.CONFERENCE_AGAIN, tui.STAGE_AHEAD, tui.STAGE_AT_ONCE}
    assert conference <= set(timings)
    assert sum(figure.startswith("dialog: ") for figure in timings) == 8


def test_n_at_the_first_paint_reaches_a_conference_and_leaves_no_draft(
    tiny: SampleDatabase, who: Names
) -> None:
    def drafts() -> int:
        with sqlite3.connect(f"file:{tiny.path}?mode=ro", uri=True) as connection:
            query = "SELECT count(*) FROM conference WHERE status = 'draft'"
            return int(connection.execute(query).fetchone()[0])

    roster = tui.roster_painted(who)
    drafts_before = drafts()
    with tui.sandbox() as box:
        terminal, _ = tui.launch(tui.app_argv(tiny.path), box.env, roster)
        try:
            assert tui.first_key_in_app(terminal, roster) > 0
        finally:
            exit_code = terminal.close()
    assert exit_code == 0
    assert drafts() == drafts_before
    terminal, _ = tui.launch(tui.floor_argv("screens"), {}, tui.showing("Floor ready"))
    try:
        assert tui.first_key_in_floor(terminal) > 0
    finally:
        assert terminal.close() == 0


def test_the_floors_reach_every_screen_of_their_script(tiny: SampleDatabase) -> None:
    terminal, _ = tui.launch(tui.floor_argv("bare"), {}, tui.showing("Floor ready"))
    assert terminal.close() == 0
    terminal, _ = tui.launch(tui.floor_argv("screens"), {}, tui.showing("Floor ready"))
    try:
        tui.walk(terminal, tui.floor_steps(tiny.common_word), quiet=QUIET)
    finally:
        exit_code = terminal.close()
    assert exit_code == 0


def test_the_bulk_jobs_run_and_report_their_memory(tiny: SampleDatabase) -> None:
    with tui.sandbox() as box:
        jobs = bulk_jobs(tiny.path, box)
    assert set(jobs) == {"export --all", "backup", "import (of the backup's archive)"}
    assert all(job.peak_kib > 0 for job in jobs.values())


def test_the_report_has_a_row_per_figure_and_a_column_per_size(tmp_path: Path) -> None:
    figure = speed.versus_floor([0.2, 0.3, 0.25], [0.1, 0.1, 0.1])
    assert figure["ratio"] == 2.5
    sizes = {
        "25k": {"figures": {speed.LAUNCH: figure, speed.TUI_PEAK: {"peak_mib": 80.0}}},
        "100k": {"figures": {speed.LAUNCH: figure}},
    }
    lines = speed.table(sizes).splitlines()
    assert len(lines) == 4
    assert "2.5× (250 / 100 ms)" in lines[2]
    assert lines[3].startswith(f"| {speed.TUI_PEAK} | 80 MiB | – |")
