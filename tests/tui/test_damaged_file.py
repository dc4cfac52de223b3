"""A damaged file opened read-only: the app says so in its header, keeps what is typed
on screen, writes nothing into the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen

from .conftest import SettableClock, make_test_app, settle, type_ahead


async def test_a_read_only_store_keeps_the_note_on_screen_and_the_file_as_it_was(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    path = tmp_path / "conferences.db"
    store = Store.open(str(path), clock=fixed_clock)
    school_class = store.add_class("7B")
    student = store.add_student(school_class.id, "Ana Lopez")
    conference = store.start_conference(student.id, "writing-conference", 1, "clarify")
    store.save_answer(conference.id, "clarify", "piece_title", "Kite", False)
    store.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    why = "The database is damaged. It is open read-only."
    store = Store.open_to_read(str(path), why, clock=fixed_clock)
    app = make_test_app(store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in app.sub_title
        await type_ahead(pilot, "n", " flying")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        screen.flush()
        await settle(pilot)
        assert "open read-only" in app.export_screenshot().replace("&#160;", " ")
        assert screen.editors["piece_title"].value() == "Kite flying"
    store.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
