"""What the teacher waits for, at 25k, 100k and 250k conferences, as ratios to floors.

    .venv/bin/python -m benchmarks.speed                      # 25k, 100k, 250k; 7 runs
    .venv/bin/python -m benchmarks.speed --sizes 25000 --runs 3
    .venv/bin/python -m benchmarks.speed --regenerate         # build the databases again

Each figure is timed in a real pseudo-terminal, from the keypress (or the launch)
to the first moment the screen shows the result, and divided by the same figure
for a floor: a tiny Textual app with the same kinds of widgets and no database,
run in the same terminal, alternating with the app run by run. Medians over the
runs. See benchmarks/README.md for the figures and how to read them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import tui
from benchmarks.bulk import Job, bulk_jobs
from benchmarks.run import BASELINE, machine, measure, select_one
from benchmarks.sample import RESULTS, Names, label, names, sample_database
from conference_tui.store import Store

LAUNCH = "launch to painted roster"
FIRST_LAUNCH = "first launch of the day (backup to make)"
FIRST_KEY = "n pressed at the first paint (the file still opening)"
STORE_SEARCH = "search, common word (store)"
TUI_PEAK = "TUI peak RSS (roster, conference, history)"
SCREEN_TARGET = "≤1.5× and <100 ms"
TARGETS = {
    LAUNCH: "≤1.3×",
    FIRST_LAUNCH: "≤1.3×",
    FIRST_KEY: SCREEN_TARGET,
    tui.CONFERENCE: SCREEN_TARGET,
    tui.CONFERENCE_AGAIN: SCREEN_TARGET,
    tui.STAGE_AHEAD: SCREEN_TARGET,
    tui.STAGE_AT_ONCE: SCREEN_TARGET,
    "ctrl+s back to the roster": SCREEN_TARGET,
    "enter opens the 300-conference history": SCREEN_TARGET,
    tui.HISTORY_AGAIN: SCREEN_TARGET,
    "search in the app": "<100 ms at 250k",
    STORE_SEARCH: "<100 ms at 250k",
    "export --all": "<5 s at 25k; linear",
    "backup": "linear; peak <150 MiB at 250k",
    "import (of the backup's archive)": "linear; peak <150 MiB at 250k",
    TUI_PEAK: "<100 MiB at 250k",
}


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def versus_floor(app: list[float], floor: list[float]) -> dict[str, Any]:
    return {
        "app_ms": median_ms(app),
        "floor_ms": median_ms(floor),
        "ratio": round(statistics.median(app) / statistics.median(floor), 2),
        "app_samples_ms": [round(s * 1000, 1) for s in app],
        "floor_samples_ms": [round(s * 1000, 1) for s in floor],
    }


def store_search(database: Path, word: str, rounds: int) -> dict[str, Any]:
    """The store's search on its own, against SELECT 1 on the same engine (run.py's baseline)."""
    store = Store.open(str(database))
    try:
        samples = measure(
            {BASELINE: lambda: select_one(store), STORE_SEARCH: lambda: store.search(word)},
            rounds,
        )
    finally:
        store.close()
    app, floor = samples[STORE_SEARCH], samples[BASELINE]
    return {
        "app_ms": round(statistics.median(app), 2),
        "floor_ms": round(statistics.median(floor), 3),
        "ratio": round(statistics.median(app) / statistics.median(floor), 1),
        "floor": BASELINE,
    }


def terminal_runs(database: Path, runs: int, word: str, who: Names) -> dict[str, Any]:
    """`runs` rounds of: first launch of the day, bare floor, `n` at the first paint in
    the app and in the floor, app session, floor session."""
    app: dict[str, list[float]] = defaultdict(list)
    floor: dict[str, list[float]] = defaultdict(list)
    peaks: list[int] = []
    roster = tui.roster_painted(who)
    bare_ready = tui.showing("Floor ready")
    with tui.sandbox() as steady, tui.sandbox() as first_of_day:
        # Today's backup, made once: every later launch of the app finds it.
        terminal, _ = tui.launch(tui.app_argv(database), steady.env, roster)
        with terminal:
            tui.wait_for_backup(steady, terminal)
        for round_number in range(runs + 1):  # round 0 warms the caches and is not kept
            first_of_day.fresh_data()
            os.sync()
            terminal, first = tui.launch(tui.app_argv(database), first_of_day.env, roster)
            terminal.close()  # the backup it started is not waited for; its folder goes
            # ... now, and what the killed backup wrote reaches the disk before the next
            # figure is timed, so that no figure is timed during that write-back or the
            # folder's removal.
            first_of_day.fresh_data()
            os.sync()
            terminal, bare = tui.launch(tui.floor_argv("bare"), {}, bare_ready)
            terminal.close()
            terminal, _ = tui.launch(tui.app_argv(database), steady.env, roster)
            with terminal:
                first_key = tui.first_key_in_app(terminal, roster)
            terminal, _ = tui.launch(tui.floor_argv("screens"), {}, bare_ready)
            with terminal:
                floor_first_key = tui.first_key_in_floor(terminal)
            terminal, launched = tui.launch(tui.app_argv(database), steady.env, roster)
            with terminal:
                app_times = tui.walk(terminal, tui.app_steps(who, word))
                peak = terminal.peak_rss_kib()
            terminal, _ = tui.launch(tui.floor_argv("screens"), {}, bare_ready)
            with terminal:
                floor_times = tui.walk(terminal, tui.floor_steps(word))
            if round_number == 0:
                continue
            app[FIRST_LAUNCH].append(first)
            floor[FIRST_LAUNCH].append(bare)
            app[LAUNCH].append(launched)
            floor[LAUNCH].append(bare)
            app[FIRST_KEY].append(first_key)
            floor[FIRST_KEY].append(floor_first_key)
            for figure, seconds in app_times.items():
                app[figure].append(seconds)
                floor[figure].append(floor_times[tui.floor_figure(figure)])
            peaks.append(peak)
            print(f"  run {round_number}/{runs} done", flush=True)
    figures: dict[str, Any] = {name: versus_floor(app[name], floor[name]) for name in app}
    figures[TUI_PEAK] = {"peak_mib": round(max(peaks) / 1024, 1), "samples_kib": peaks}
    return figures


def bulk_runs(database: Path, runs: int, conferences: int) -> dict[str, Any]:
    samples: dict[str, list[Job]] = defaultdict(list)
    with tui.sandbox() as box:
        for _ in range(runs):
            for name, job in bulk_jobs(database, box).items():
                samples[name].append(job)
    figures = {}
    for name, jobs in samples.items():
        seconds = statistics.median(job.seconds for job in jobs)
        figures[name] = {
            "seconds": round(seconds, 2),
            "seconds_per_10k_conferences": round(seconds * 10_000 / conferences, 2),
            "peak_mib": round(max(job.peak_kib for job in jobs) / 1024, 1),
            "samples_s": [round(job.seconds, 2) for job in jobs],
        }
    return figures


def measure_size(conferences: int, args: argparse.Namespace) -> dict[str, Any]:
    db, generation_seconds = sample_database(conferences, regenerate=args.regenerate)
    who = names(db)
    with tempfile.TemporaryDirectory(prefix="conference-tui-speed-db-") as folder:
        working = Path(folder) / "bench.db"
        shutil.copyfile(db.path, working)
        print(f"{label(conferences)}: store search ...", flush=True)
        figures = {STORE_SEARCH: store_search(working, db.common_word, args.runs * 3)}
        print(f"{label(conferences)}: {args.runs} runs in the terminal ...", flush=True)
        figures.update(terminal_runs(working, args.runs, db.common_word, who))
        if args.bulk_runs:
            print(f"{label(conferences)}: bulk jobs ...", flush=True)
            figures.update(bulk_runs(working, args.bulk_runs, conferences))
    return {
        "conferences": db.conference_count,
        "answers": db.answer_count,
        "classes": len(db.class_ids),
        "students": len(db.student_ids),
        "generation_seconds": generation_seconds,
        "figures": figures,
    }


def cell(figure: dict[str, Any] | None) -> str:
    if figure is None:
        return "–"
    if "ratio" in figure:
        return f"{figure['ratio']}× ({figure['app_ms']:g} / {figure['floor_ms']:g} ms)"
    if "seconds" in figure:
        return f"{figure['seconds']:g} s, {figure['peak_mib']:g} MiB"
    return f"{figure['peak_mib']:g} MiB"


def table(sizes: dict[str, dict[str, Any]]) -> str:
    """A Markdown table: one row per figure, one column per size."""
    order = list(dict.fromkeys(name for size in sizes.values() for name in size["figures"]))
    head = ["figure", *(f"{size} ×floor (app / floor)" for size in sizes), "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in order:
        cells = [cell(size["figures"].get(name)) for size in sizes.values()]
        lines.append("| " + " | ".join([name, *cells, TARGETS.get(name, "≤1.5×")]) + " |")
    return "\n".join(lines)


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def compile_the_app() -> None:
    """The app's modules compiled, as installing its wheel does: with
    PYTHONDONTWRITEBYTECODE set (this machine sets it) an app run from its source
    compiles every module changed since its last .pyc at each launch, and the floors'
    Textual is compiled."""
    import compileall

    import conference_tui

    compileall.compile_dir(Path(conference_tui.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,100000,250000", help="conference counts")
    parser.add_argument("--runs", type=int, default=7, help="app/floor runs per size")
    parser.add_argument("--bulk-runs", type=int, default=3, help="export/backup/import runs")
    parser.add_argument("--regenerate", action="store_true", help="build the databases again")
    args = parser.parse_args()

    started = time.perf_counter()
    compile_the_app()
    sizes = {}
    for conferences in (int(size) for size in args.sizes.split(",")):
        sizes[label(conferences)] = measure_size(conferences, args)
    print()
    print(table(sizes))
    for name, size in sizes.items():
        if size["generation_seconds"] is not None:
            print(f"{name}: database generated in {size['generation_seconds']:.0f} s")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"speed-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "commit": commit(),
                "runs": args.runs,
                "bulk_runs": args.bulk_runs,
                "machine": machine(),
                "minutes": round((time.perf_counter() - started) / 60, 1),
                "sizes": sizes,
            },
            indent=2,
        )
    )
    print(f"\nResults written to {out}")


if __name__ == "__main__":
    main()
