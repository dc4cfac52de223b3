"""A disk that fills mid-conference: what is typed stays on screen, the teacher is told
the disk is full, and it is saved once there is room (a real small tmpfs)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen

from .conftest import SettableClock, make_test_app, settle, type_ahead

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as file:
        while True:
            file.write(b"\0" * 4096)
            file.flush()
    return filler


async def test_a_full_disk_mid_conference_keeps_the_note_and_saves_it_later(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    disk = tmp_path / "small"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        store = Store.open(str(disk / "conferences.db"), clock=fixed_clock)
        school_class = store.add_class("7B")
        student_id = store.add_student(school_class.id, "Ana Lopez").id
        app = make_test_app(store, fixed_clock)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await settle(pilot)
            await type_ahead(pilot, "n", "Kite")
            screen = app.screen
            assert isinstance(screen, ConferenceScreen)
            screen.flush()
            await settle(pilot)
            filler = fill(disk)
            long_note = "The wind lifted the kite. " * 2000
            await type_ahead(pilot, "pagedown")
            screen.editors["plan"].query_one("TextArea").insert(long_note)  # a long paste
            await settle(pilot)
            screen.flush()
            await settle(pilot)
            shown = app.export_screenshot().replace("&#160;", " ")
            assert "is full" in shown
            assert screen.editors["plan"].value() == long_note  # still on screen
            filler.unlink()
            screen.flush()
            await settle(pilot)
            await type_ahead(pilot, "escape")
        draft = store.draft_for_student(student_id)
        assert draft is not None and draft.value("plan") == long_note
        store.close()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
