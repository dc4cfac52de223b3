"""The export dialog by keyboard: scope, audience, files, folder; what lands on disk."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, Static

from conference_tui.export.scope import DISCLOSURE_WARNING
from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.screens.export import TEACHER_WARNING, ExportScreen
from conference_tui.tui.screens.help import HelpScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen

from .conftest import SIZES, SettableClock, StoryData, make_test_app, settle, type_ahead

SHAREABLE_NOTES = ("Vivid opening image of the storm.", "Add dialogue to the ending.")
PRIVATE_NOTES = (
    "Rushes through the climax in one sentence.",  # research notes
    "Ask about the team's schedule.",  # teacher's notes
    "Football; graphic novels.",  # the learner profile
)


def shown(app: ConferenceApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def options(app: ConferenceApp, radio_set: str) -> list[str]:
    return [str(button.label) for button in app.screen.query(f"{radio_set} RadioButton")]


# In first-name order the story's first student is Amara, whose notes these tests read.
FIRST_NAMES = Settings(roster_order="first")


async def open_export(pilot: Pilot[object]) -> None:
    """From the roster, with its first student (Amara) selected."""
    await settle(pilot)
    await type_ahead(pilot, "x")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportScreen)


async def type_folder(pilot: Pilot[object], folder: Path | str) -> None:
    """Move to the folder box by tab (scope, audience, files, folder) and type over it.
    (Tests that chdir to tmp_path type short relative names: each key costs a frame.)"""
    await type_ahead(pilot, "tab", "tab", "tab")
    assert pilot.app.focused is pilot.app.screen.query_one("#folder", Input)
    await type_ahead(pilot, "ctrl+u", *str(folder))
    assert pilot.app.screen.query_one("#folder", Input).value == str(folder)


async def export_now(pilot: Pilot[object]) -> None:
    await type_ahead(pilot, "ctrl+e")
    await settle(pilot)


@pytest.fixture
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def markdown_in(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text("utf-8") for path in sorted(folder.glob("*.md"))}


@pytest.mark.parametrize("size", SIZES)
async def test_student_shareable_export_leaves_private_notes_out(
    story: StoryData,
    app_store: Store,
    fixed_clock: SettableClock,
    tmp_path: Path,
    size: tuple[int, int],
) -> None:
    out = tmp_path / "to share"
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=size) as pilot:
        await open_export(pilot)
        assert DISCLOSURE_WARNING in shown(app, "#export-warning")
        assert not app.screen.query_one("#teacher-warning").display
        assert options(app, "#scope") == [
            "This student: Amara Okafor (Amy)",
            "This class: English 7 — Period 2",
            "Everything: every class, archived ones too",
        ]
        await type_folder(pilot, out)
        await export_now(pilot)  # ctrl+e from inside the folder box
        result = shown(app, "#export-status")
        assert isinstance(app.screen, ExportScreen)
    files = markdown_in(out)
    assert list(files) == ["amara-okafor-2026-11-23.md"]
    path = out / "amara-okafor-2026-11-23.md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = files[path.name]
    assert 'audience: "shareable"' in text
    for note in SHAREABLE_NOTES:
        assert note in text
    for note in PRIVATE_NOTES:
        assert note not in text
    assert "Exported 3 conferences of 1 student" in result
    assert str(out) in result.replace("\n", "")
    assert "amara-okafor-2026-11-23.md" in result


async def test_teacher_audience_includes_private_notes_and_warns(
    story: StoryData, app_store: Store, fixed_clock: SettableClock, in_tmp_path: Path
) -> None:
    out = in_tmp_path / "mine"
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        await type_ahead(pilot, "tab", "down")  # audience: teacher
        await settle(pilot)
        assert app.screen.query_one("#teacher-warning").display
        assert TEACHER_WARNING in shown(app, "#teacher-warning")
        assert "private notes INCLUDED" in shown(app, "#export-status")
        await type_ahead(pilot, "tab", "tab", "ctrl+u", *"mine")
        await export_now(pilot)
        assert "private notes included" in shown(app, "#export-status")
        await type_ahead(pilot, "shift+tab", "shift+tab", "up")  # back to shareable
        await settle(pilot)
        assert not app.screen.query_one("#teacher-warning").display
    [text] = markdown_in(out).values()
    assert 'audience: "teacher"' in text
    for note in PRIVATE_NOTES + SHAREABLE_NOTES:
        assert note in text


async def test_class_scope_writes_one_file_per_student_with_conferences(
    story: StoryData, app_store: Store, fixed_clock: SettableClock, in_tmp_path: Path
) -> None:
    out = in_tmp_path / "class"
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        await type_ahead(pilot, "down")  # scope: the class
        assert "English 7 — Period 2" in shown(app, "#export-status")
        await type_folder(pilot, "class")
        await export_now(pilot)
        result = shown(app, "#export-status")
    assert str(out) in result.replace("\n", "")  # a relative folder, shown resolved
    names = sorted(markdown_in(out))
    # Chen has no conference, so no file.
    assert names == [
        "amara-okafor-2026-11-23.md",
        "ben-adeyemi-2026-11-23.md",
        "dana-ruiz-2026-11-23.md",
        "eli-novak-2026-11-23.md",
    ]
    assert all(stat.S_IMODE((out / name).stat().st_mode) == 0o600 for name in names)
    assert "Exported 6 conferences of 4 students" in result
    assert "as 4 files" in result


async def test_per_conference_and_per_class_files(
    story: StoryData, app_store: Store, fixed_clock: SettableClock, in_tmp_path: Path
) -> None:
    tmp_path = in_tmp_path
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        await type_ahead(pilot, "tab", "tab", "down")  # files: one per conference
        await type_ahead(pilot, "tab", "ctrl+u", *"each")
        await export_now(pilot)
        await type_ahead(pilot, "shift+tab", "down")  # files: one per class
        await type_ahead(pilot, "tab", "ctrl+u", *"one")
        await export_now(pilot)
    assert len(markdown_in(tmp_path / "each")) == 3  # Amara's three conferences
    assert list(markdown_in(tmp_path / "one")) == ["english-7-period-2-2026-11-23.md"]


async def test_bad_folder_gives_a_message_and_writes_nothing(
    story: StoryData, app_store: Store, fixed_clock: SettableClock, in_tmp_path: Path
) -> None:
    scratch = in_tmp_path / "scratch"
    scratch.mkdir()
    a_file = scratch / "notes.txt"
    a_file.write_text("not a folder")
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        await type_folder(pilot, "scratch/notes.txt/exports")
        await export_now(pilot)
        assert isinstance(app.screen, ExportScreen)
        status = app.screen.query_one("#export-status", Static)
        assert status.has_class("-error")
        assert "Not exported:" in shown(app, "#export-status")
        assert "is not a folder" in shown(app, "#export-status")

        await type_ahead(pilot, "ctrl+u", *"scratch/notes.txt")  # the file itself
        await export_now(pilot)
        assert "is not a folder" in shown(app, "#export-status")

        await type_ahead(pilot, "ctrl+u")  # nothing at all
        await export_now(pilot)
        assert "Type the folder" in shown(app, "#export-status")
        assert app.focused is app.screen.query_one("#folder", Input)
    assert a_file.read_text() == "not a folder"
    assert [p.name for p in scratch.rglob("*")] == ["notes.txt"]


async def test_drafts_only_when_ticked(
    app_store: Store, fixed_clock: SettableClock, in_tmp_path: Path
) -> None:
    tmp_path = in_tmp_path
    school_class = app_store.add_class("7B")
    student = app_store.add_student(school_class.id, "Ana Lopez")
    draft = app_store.start_conference(student.id, "writing-conference", 1, "clarify")
    app_store.save_answer(draft.id, "clarify", "piece_title", "Half-written poem", False)
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        await type_folder(pilot, "out")
        await export_now(pilot)
        assert "Nothing to export" in shown(app, "#export-status")
        # Said in sight (at 80x24 it was below the bottom), and no folder made for nothing.
        body = app.screen.query_one("#export-body", VerticalScroll)
        assert body.scroll_y == body.max_scroll_y > 0
        assert not (tmp_path / "out").exists()
        await type_ahead(pilot, "tab", "space")  # include drafts
        await export_now(pilot)
        assert "Exported 1 conference of 1 student" in shown(app, "#export-status")
    [text] = markdown_in(tmp_path / "out").values()
    assert "Half-written poem" in text


async def test_empty_database_offers_everything_and_says_there_is_nothing(
    app_store: Store, fixed_clock: SettableClock, in_tmp_path: Path
) -> None:
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        assert options(app, "#scope") == ["Everything: every class, archived ones too"]
        await type_ahead(pilot, "down")  # one option: it stays chosen
        await type_folder(pilot, "out")
        await export_now(pilot)
        assert "Nothing to export" in shown(app, "#export-status")
    assert markdown_in(in_tmp_path / "out") == {}


async def test_from_history_the_conference_is_the_default_scope(
    story: StoryData, app_store: Store, fixed_clock: SettableClock, tmp_path: Path
) -> None:
    settings = Settings(export_folder=str(tmp_path / "default"), roster_order="first")
    app = make_test_app(app_store, fixed_clock, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await type_ahead(pilot, "x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert options(app, "#scope")[:2] == [
            "This conference: 2026-11-13 · Girls Deserve a Real Pitch",
            "This student: Amara Okafor (Amy)",
        ]
        assert app.screen.query_one("#folder", Input).value == str(tmp_path / "default")
        await export_now(pilot)  # the folder from the settings, created
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
    [text] = markdown_in(tmp_path / "default").values()
    assert "Girls Deserve a Real Pitch" in text
    assert "The Night the Generator Died" not in text


async def test_keys_are_in_the_footer_help_and_escape_goes_back(
    story: StoryData, app_store: Store, fixed_clock: SettableClock
) -> None:
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        footer_keys = {
            active.binding.description
            for active in app.screen.active_bindings.values()
            if active.binding.show
        }
        assert {"Export", "Back"} <= footer_keys
        await type_ahead(pilot, "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Export" in app.screen.sections
        ctrl_e = app.get_key_display(Binding("ctrl+e", "export"))
        assert (ctrl_e, "Export") in app.screen.key_rows
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        focused = []
        for _ in range(8):
            focused.append(app.focused.id if app.focused else None)
            await type_ahead(pilot, "tab")
        assert focused == [
            "scope", "audience", "per", "folder", "include-drafts", "format", "export", "back"
        ]  # fmt: skip
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


def test_snapshot_export_dialog(
    snap_compare: object, story: StoryData, app_store: Store, fixed_clock: SettableClock
) -> None:
    settings = Settings(export_folder="/srv/conference-notes")
    app = make_test_app(app_store, fixed_clock, settings=settings)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_export)  # type: ignore[operator]


def test_snapshot_export_dialog_teacher(
    snap_compare: object, story: StoryData, app_store: Store, fixed_clock: SettableClock
) -> None:
    settings = Settings(export_folder="/srv/conference-notes")
    app = make_test_app(app_store, fixed_clock, settings=settings)

    async def choose_teacher(pilot: Pilot[object]) -> None:
        await open_export(pilot)
        await type_ahead(pilot, "down", "tab", "down")  # the class, for the teacher
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=choose_teacher)  # type: ignore[operator]


async def test_the_html_choice_writes_pages_typed_fast(
    story: StoryData, app_store: Store, fixed_clock: SettableClock, in_tmp_path: Path
) -> None:
    """x, the folder, the HTML format and ctrl+e in one burst, as a fast teacher types."""
    app = make_test_app(app_store, fixed_clock, FIRST_NAMES)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # x opens the dialog; tab x3 the folder; tab x2 the format; down chooses HTML.
        await type_ahead(
            pilot, "x", "tab", "tab", "tab", "ctrl+u", "pages", "tab", "tab", "down", "ctrl+e"
        )
        assert isinstance(app.screen, ExportScreen)
        result = shown(app, "#export-status")
    out = in_tmp_path / "pages"
    assert sorted(path.name for path in out.iterdir()) == ["amara-okafor-2026-11-23.html"]
    assert "amara-okafor-2026-11-23.html" in result
    page = (out / "amara-okafor-2026-11-23.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Notes to share with the student and family." in page
    for note in SHAREABLE_NOTES:
        assert note in page
    for note in PRIVATE_NOTES:
        assert note not in page
