"""Measure the store on 25,000 conferences, as ratios to a baseline taken in the same run.

    .venv/bin/python -m benchmarks.run               # generate (or reuse) the database, measure
    .venv/bin/python -m benchmarks.run --rounds 31   # more rounds, steadier medians
    .venv/bin/python -m benchmarks.run --regenerate  # build the database again

The database is generated once into benchmarks/results/ (gitignored) and reused
while the generator and the schema are unchanged; each run measures a fresh copy,
because the autosave benchmark writes to it. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks.sample import RESULTS, sample_database
from conference_tui.sample_data import SampleDatabase
from conference_tui.store import Store

CONFERENCES = 25_000
BASELINE = "baseline: SELECT 1"


def select_one(store: Store) -> object:
    """What every store call pays before any real work: a session and a round trip."""
    with Session(store.engine) as session:
        return session.execute(text("SELECT 1")).scalar_one()


def benchmarks(store: Store, working: Path, db: SampleDatabase) -> dict[str, Callable[[], object]]:
    """Each thing the app does often, as a call to time; the baseline first."""
    heavy = db.heavy_student_id
    draft = store.start_conference(heavy, "writing-conference", 1, "clarify")
    typed = iter(range(10**9))

    def open_store() -> object:
        opened = Store.open(str(working))
        opened.close()
        return opened

    def autosave() -> object:
        note = f"Keeps rereading the lead aloud; try {next(typed)} more sentences."
        store.save_answer(draft.id, "modify", "teacher_notes", note, True)
        return note

    return {
        BASELINE: lambda: select_one(store),
        "open store (migrations check)": open_store,
        "roster, 33-student class": lambda: store.roster(db.class_ids[0]),
        "history, 300-conference student": lambda: store.history(heavy),
        "last time, 300-conference student": lambda: store.last_time(heavy),
        f"search, common word ({db.common_word})": lambda: store.search(db.common_word),
        f"search, rare word ({db.rare_word})": lambda: store.search(db.rare_word),
        "autosave one answer (save_answer)": autosave,
    }


def measure(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Round-robin: every benchmark once per round, so that a busy moment on the
    machine slows all of them alike instead of one, and the ratios hold."""
    for call in calls.values():
        call()  # warm caches and compiled statements
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": load,
    }


def report(samples: dict[str, list[float]]) -> list[dict[str, Any]]:
    base = statistics.median(samples[BASELINE])
    rows = []
    for name, values in samples.items():
        median = statistics.median(values)
        rows.append(
            {
                "benchmark": name,
                "median_ms": round(median, 3),
                "min_ms": round(min(values), 3),
                "max_ms": round(max(values), 3),
                "ratio": round(median / base, 1),
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len(row["benchmark"]) for row in rows)
    print(f"\n{'benchmark':<{width}}  {'× baseline':>10}  {'median ms':>10}  {'min ms':>8}")
    print("-" * (width + 34))
    for row in rows:
        print(
            f"{row['benchmark']:<{width}}  {row['ratio']:>10,.1f}  "
            f"{row['median_ms']:>10.2f}  {row['min_ms']:>8.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timed calls per benchmark")
    parser.add_argument("--regenerate", action="store_true", help="build the database again")
    args = parser.parse_args()

    db, generation_seconds = sample_database(CONFERENCES, regenerate=args.regenerate)
    with tempfile.TemporaryDirectory(prefix="conference-tui-bench-") as folder:
        working = Path(folder) / "bench.db"
        shutil.copyfile(db.path, working)
        store = Store.open(str(working))
        try:
            samples = measure(benchmarks(store, working, db), args.rounds)
        finally:
            store.close()

    rows = report(samples)
    print_table(rows)
    if generation_seconds is not None:
        print(f"\nGenerated the database in {generation_seconds:.1f} s.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "rounds": args.rounds,
                "conferences": db.conference_count,
                "answers": db.answer_count,
                "generation_seconds": generation_seconds,
                "machine": machine(),
                "results": rows,
            },
            indent=2,
        )
    )
    print(f"Results written to {out}")


if __name__ == "__main__":
    main()
