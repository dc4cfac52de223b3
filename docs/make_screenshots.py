"""Draw the README's screenshots from the demo class: the roster, a conference, a
history and the export dialog, as SVG in docs/screenshots/.

    .venv/bin/python docs/make_screenshots.py

Run it after a change to what a screen shows (as the snapshot tests are updated), so
that the README shows the app as it is. The demo class is built for a fixed day and
drawn on a fixed clock, so the pictures change only when the app does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from conference_tui.demo import build_demo_database
from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.app import ConferenceApp, make_app

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SIZE = (100, 30)
FOLDER = Path(__file__).resolve().parent / "screenshots"
# (file, keys typed from the screen before it, what it shows)
SHOTS = [
    ("roster.svg", (), "The roster of the demo class"),
    ("conference.svg", ("n",), "A conference, at its first stage"),
    ("history.svg", ("escape", "enter"), "One learner's history"),
    ("export.svg", ("escape", "x"), "The export dialog"),
]


async def settled(app: ConferenceApp, pilot: object) -> None:
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if not any(worker.is_running for worker in app.workers):
            break


async def draw(store: Store) -> None:
    app = make_app(store, settings=Settings(), clock=lambda: NOW, monotonic=lambda: 0.0)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        for name, keys, title in SHOTS:
            for key in keys:
                await pilot.press(key)
                await settled(app, pilot)
            (FOLDER / name).write_text(app.export_screenshot(title=title), encoding="utf-8")
            print(f"wrote {FOLDER / name}")


def main() -> int:
    FOLDER.mkdir(exist_ok=True)
    # The export dialog shows the home folder: a teacher's, not this machine's.
    os.environ["HOME"] = "/home/teacher"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        build_demo_database(path, today=TODAY)
        store = Store.open(str(path), clock=lambda: NOW)
        try:
            asyncio.run(draw(store))
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
