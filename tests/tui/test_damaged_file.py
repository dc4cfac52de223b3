"""A damaged file opened read-only: the app says so in its header, keeps what is typed
on screen, writes nothing into the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.group_conference import GroupConferenceScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, make_test_app, settle, type_ahead

WHY = "The database is damaged. It is open read-only."


def ana_writes_kite(path: Path, clock: SettableClock) -> tuple[Store, str]:
    """A store on a new file: Ana Lopez of 7B has a draft whose piece is "Kite"; and the
    draft's id."""
    store = Store.open(str(path), clock=clock)
    student = store.add_student(store.add_class("7B").id, "Ana Lopez")
    draft = store.start_conference(student.id, "writing-conference", 1, "clarify")
    store.save_answer(draft.id, "clarify", "piece_title", "Kite", False)
    return store, draft.id


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reopened_to_read(store: Store, clock: SettableClock) -> tuple[Store, str]:
    """`store` closed, and its file opened again only to read (as a damaged one is);
    the file's fingerprint, to find it untouched afterwards."""
    path = store.location.path
    assert path is not None
    store.close()
    return Store.open_to_read(str(path), WHY, clock=clock), fingerprint(path)


async def test_a_read_only_store_keeps_the_note_on_screen_and_the_file_as_it_was(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    path = tmp_path / "conferences.db"
    store, _ = ana_writes_kite(path, fixed_clock)
    store, before = reopened_to_read(store, fixed_clock)
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
    assert fingerprint(path) == before


async def test_typing_in_a_file_open_only_to_read_never_keeps_escape_from_leaving(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's check: typed into a completed conference of a damaged file,
    every save failed and was retried, and escape never left (only ctrl+q twice did)."""
    path = tmp_path / "conferences.db"
    store, draft_id = ana_writes_kite(path, fixed_clock)
    store.complete_conference(draft_id)
    store, before = reopened_to_read(store, fixed_clock)
    app = make_test_app(store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "enter")
        assert isinstance(app.screen, HistoryScreen)
        await type_ahead(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        await type_ahead(pilot, " attempt")
        assert screen.editors["piece_title"].value() == "Kite attempt"
        told = [n.message for n in app._notifications if n.title == "Open only to read"]
        assert len(told) == 1 and told[0].startswith("Nothing typed here is kept")
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, HistoryScreen), "escape did not leave the conference"
        await type_ahead(pilot, "enter", "x", "escape")  # told again on the next visit
        told = [n.message for n in app._notifications if n.title == "Open only to read"]
        assert len(told) == 2
        assert isinstance(app.screen, HistoryScreen)
    store.close()
    assert fingerprint(path) == before


async def test_a_group_conference_of_a_file_open_only_to_read_is_left_by_escape(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    path = tmp_path / "conferences.db"
    store = Store.open(str(path), clock=fixed_clock)
    school_class = store.add_class("7B")
    ana, ben = (store.add_student(school_class.id, name) for name in ("Ana Lopez", "Ben Okafor"))
    store.start_group_conference([ana.id, ben.id], "writing-conference", 1, "clarify")
    store, before = reopened_to_read(store, fixed_clock)
    app = make_test_app(store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        assert isinstance(app.screen, GroupConferenceScreen)
        await type_ahead(pilot, "Kites", "escape")
        assert isinstance(app.screen, RosterScreen), "escape did not leave the group"
        assert [n.title for n in app._notifications].count("Open only to read") == 1
    store.close()
    assert fingerprint(path) == before


async def test_ctrl_s_in_a_file_open_only_to_read_says_escape_goes_back(
    tmp_path: Path, fixed_clock: SettableClock
) -> None:
    """Found in a fault check: ctrl+s said "Nothing is recorded" over the words on screen,
    then "Not closed … try again", which no retry could mend. The header says it too."""
    path = tmp_path / "conferences.db"
    store, _ = ana_writes_kite(path, fixed_clock)
    store, before = reopened_to_read(store, fixed_clock)
    app = make_test_app(store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "ctrl+s")
        screen = app.screen
        assert isinstance(screen, ConferenceScreen)
        assert "READ-ONLY" in str(screen.sub_title)
        said = [(n.title, n.message) for n in app._notifications]
        assert ("Open only to read", f"Nothing typed here is kept: escape goes back. {WHY}") in said
        assert not any(title in ("Empty conference", "Not closed") for title, _ in said)
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
    store.close()
    assert fingerprint(path) == before
