"""Names, notes and labels are shown as their own characters: never markup, never a
terminal escape. Every screen and dialog is opened on hostile text."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.widgets import DataTable

from conference_tui.field_kinds import Kind
from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SettableClock, make_test_app, settle, type_ahead

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b1m\x7f"
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\x7f")


def screen_text(app: object) -> str:
    return app.export_screenshot()  # type: ignore[attr-defined, no-any-return]


def assert_clean(app: object) -> None:
    shown = screen_text(app)
    for byte in FORBIDDEN:
        assert byte not in shown
    # A str in a table's cell is read as markup (and its first read loads rich's table
    # of emoji, half a MiB): every cell is Text, even a date or a count.
    for table in app.screen.query(DataTable):  # type: ignore[attr-defined]
        for row in range(table.row_count):
            cells = table.get_row_at(row)
            assert not any(isinstance(cell, str) for cell in cells), (table.id, cells)


def hostile_class(store: Store, name: str, note: str) -> str:
    school_class = store.add_class("[red]7B[/red] [/]")
    student = store.add_student(school_class.id, name, "[b]x[/b]", interests=note)
    conference = store.start_conference(student.id, "writing-conference", 1, "clarify")
    store.save_answer(conference.id, "clarify", "piece_title", note, False)
    store.save_answer(conference.id, "modify", "goal", f"goal {note}", False, Kind.GOAL)
    store.complete_conference(conference.id)
    return student.id


def plant_raw(store: Store, student_id: str, text: str) -> None:
    """As an older version's archive import could: control characters stored raw."""
    assert store.location.path is not None
    with sqlite3.connect(store.location.path) as db:
        db.execute("UPDATE student SET needs = ? WHERE id = ?", (text, student_id))
        db.execute("UPDATE answer SET value = ? WHERE field_key = 'piece_title'", (text,))


@pytest.mark.slow
async def test_every_screen_and_dialog_shows_hostile_text_as_text(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    student_id = hostile_class(app_store, "Zoe [/] Ray", f"note {ESCAPES} [b]x[/b]")
    plant_raw(app_store, student_id, f"raw {ESCAPES}")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert "Zoe [/] Ray" in screen_text(app).replace("&#160;", " ")
        for keys in (
            ["e"],  # the edit dialog
            ["d"],  # the archive question
            ["c"],  # the classes
            ["enter", "2", "3", "4"],  # history, every tab
            ["n", "ctrl+g"],  # the conference, last time's goals
            ["s", "note"],  # search
            ["g"],  # groups
            ["x"],  # export
        ):
            await type_ahead(pilot, *keys)
            assert_clean(app)
            await type_ahead(pilot, "escape", "escape")
            if isinstance(app.screen, ConferenceScreen):
                await type_ahead(pilot, "escape")
            assert isinstance(app.screen, RosterScreen), keys
        assert_clean(app)
    # Nothing was archived or changed by the tour.
    assert app_store.get_student(student_id).name == "Zoe [/] Ray"


async def test_the_new_screens_show_hostile_text_as_text(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The form picker, the student's turn and a small group, on a student whose names
    are markup and whose notes hold escapes and run to 10,000 characters."""
    student_id = hostile_class(app_store, "Zoe [/] Ray", f"note {ESCAPES} [b]x[/b]")
    class_id = app_store.get_student(student_id).class_id
    app_store.add_student(class_id, "[i]Ben[/i] Cho")
    draft = app_store.start_conference(student_id, "writing-conference", 1, "clarify")
    long_note = f"purpose {ESCAPES} " + "word " * 2000
    app_store.save_answer(draft.id, "clarify", "purpose", long_note, False)
    plant_raw(app_store, student_id, f"raw {ESCAPES}")
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "f")
        assert "Start a conference · [i]Ben[/i] Cho" in screen_text(app).replace("&#160;", " ")
        assert_clean(app)
        await type_ahead(pilot, "escape", "down", "n", "ctrl+n")
        shown = screen_text(app).replace("&#160;", " ")
        # The long note is there (scrolled to its end, where the cursor is), escapes as
        # pictures only.
        assert "Your turn, [b]x[/b]" in shown and "word word" in shown
        assert_clean(app)
        await type_ahead(pilot, "ctrl+n", "ctrl+t", "escape")
        assert isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "home", "m", "m", "G", *"[b]tp[/b]")
        shown = screen_text(app).replace("&#160;", " ")
        assert "[i]Ben[/i] Cho" in shown and "[b]tp[/b]" in shown
        assert_clean(app)


async def test_a_paste_with_escapes_arrives_as_pictures(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    school_class = app_store.add_class("7B")
    student_id = app_store.add_student(school_class.id, "Ana").id
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        app.post_message(events.Paste(f"A{ESCAPES}B"))
        await type_ahead(pilot, "escape")
        assert_clean(app)
    draft = app_store.draft_for_student(student_id)
    assert draft is not None
    stored = draft.value("piece_title")
    assert stored.startswith("A␛]0;pwned␇") and stored.endswith("B")
    assert not any(byte in stored for byte in FORBIDDEN)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1).filter(
        lambda text: text.strip() != ""
    ),
    note=st.text(alphabet=st.sampled_from("[]/b\\$x\x1b\x07\x9b\n ")),
)
@pytest.mark.slow
async def test_any_name_and_note_render_on_roster_dialog_and_conference(
    tmp_path_factory: object, fixed_clock: SettableClock, name: str, note: str
) -> None:
    folder = tmp_path_factory.mktemp("hostile")  # type: ignore[attr-defined]
    store = Store.open(str(folder / "conferences.db"), clock=fixed_clock)
    try:
        hostile_class(store, name[:200], note)
        app = make_test_app(store, fixed_clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_ahead(pilot, "e")
            assert_clean(app)
            await type_ahead(pilot, "escape", "n")
            assert isinstance(app.screen, ConferenceScreen)
            assert_clean(app)
            await type_ahead(pilot, "escape")
    finally:
        store.close()
