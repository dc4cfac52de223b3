"""Small-group conferences: started from the roster's marks or the groups screen, the
group's notes shared, each student's own kept to them, in every history and export."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from conference_tui.export.notes import export_notes
from conference_tui.export.scope import Audience, ExportScope
from conference_tui.field_kinds import Kind
from conference_tui.forms import load_forms
from conference_tui.store import Store
from conference_tui.store.records import AnswerEdit
from conference_tui.tui.app import ConferenceApp
from conference_tui.tui.screens.group_conference import GroupConferenceScreen
from conference_tui.tui.screens.groups import GroupsScreen
from conference_tui.tui.screens.history import HistoryScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.field_editor import FieldEditor

from .conftest import SettableClock, make_test_app, settle, told, type_ahead
from .test_history import view_text

# Family-name order on the roster: Aziz, Cho, Okafor, Ruiz.
NAMES = ("Ben Cho", "Amara Okafor", "Dan Ruiz", "Cleo Aziz")


def a_class(store: Store, names: tuple[str, ...] = NAMES) -> dict[str, str]:
    school_class = store.add_class("7B English")
    return {name: store.add_student(school_class.id, name).id for name in names}


def notices(app: ConferenceApp) -> list[str]:
    return [n.message for n in told(app)]


def member_editors(screen: GroupConferenceScreen) -> dict[str | None, dict[str, FieldEditor]]:
    return {
        owner: {editor.field_key: editor for editor in editors}
        for owner, editors in screen.sections
    }


async def test_marked_students_meet_as_a_group_and_each_keeps_their_own_notes(
    app_store: Store, fixed_clock: SettableClock, tmp_path: Path
) -> None:
    ids = a_class(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Aziz and Cho marked, Okafor skipped, Ruiz marked; then typed at once after G.
        await type_ahead(pilot, "m", "m", "down", "m", "G", *"Show, don't tell")
        screen = app.screen
        assert isinstance(screen, GroupConferenceScreen)
        assert [m.student.name for m in screen.members] == ["Cleo Aziz", "Ben Cho", "Dan Ruiz"]
        editors = member_editors(screen)
        assert editors[None]["teaching_point"].value() == "Show, don't tell"
        # pagedown: the first student's own notes; again: the next student's.
        await type_ahead(pilot, "pagedown", *"Use dialogue", "pagedown", *"Add a setting")
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, RosterScreen)

        conferences = {
            name: app_store.get_conference(app_store.history(sid)[0].id)
            for name, sid in ids.items()
            if app_store.history(sid)
        }
        assert set(conferences) == {"Cleo Aziz", "Ben Cho", "Dan Ruiz"}
        assert all(not c.is_draft for c in conferences.values())
        assert len({c.group_id for c in conferences.values()}) == 1
        assert {c.value("teaching_point") for c in conferences.values()} == {"Show, don't tell"}
        assert conferences["Cleo Aziz"].value("goal") == "Use dialogue"
        assert conferences["Ben Cho"].value("goal") == "Add a setting"
        assert conferences["Dan Ruiz"].value("goal") == ""
        assert [g.text for g in app_store.goal_chain(ids["Cleo Aziz"])] == ["Use dialogue"]
        # The roster saw them today; the marks are gone.
        table = app.screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        lasts = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        seen = dict(zip(names, lasts, strict=True))
        assert seen["Cleo Aziz"] == seen["Ben Cho"] == seen["Dan Ruiz"] != seen["Amara Okafor"]
        assert not any("✓" in name for name in names)

        # Each member's history marks it, and names the others for the teacher.
        await type_ahead(pilot, "home", "enter")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        line = history.query_one("#history-table", DataTable).get_row_at(0)
        assert "⁂" in str(line[2])
        shown = view_text(history)
        assert "small group with Ben Cho, Dan Ruiz" in shown
        assert "Use dialogue" in shown and "Add a setting" not in shown

    # Each member's export holds the group's notes and their own, never another's own
    # notes nor another member's name.
    forms = load_forms()[0]
    for name in ("Cleo Aziz", "Ben Cho"):
        for audience in Audience:
            out = tmp_path / f"{name}-{audience}"
            out.mkdir()
            export_notes(
                app_store,
                forms["writing-conference"],
                ExportScope.student(ids[name]),
                audience,
                out,
                forms=forms,
            )
            (written,) = out.iterdir()
            text = written.read_text(encoding="utf-8")
            own, other = (
                ("Use dialogue", "Add a setting")
                if name == "Cleo Aziz"
                else ("Add a setting", "Use dialogue")
            )
            assert "Show, don't tell" in text and own in text and other not in text
            others = {"Cleo Aziz", "Ben Cho", "Dan Ruiz"} - {name}
            assert not any(n in text or n.split()[0] in text for n in others)


async def test_one_or_nine_marked_students_are_refused_with_a_word(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    names = tuple(f"Student {letter}" for letter in "ABCDEFGHIJ")
    ids = a_class(app_store, names)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "G", *"typed on")
        assert isinstance(app.screen, RosterScreen)
        assert any("2 to 8 students, not 0" in n for n in notices(app))
        await type_ahead(pilot, "m", "G")
        assert isinstance(app.screen, RosterScreen)
        assert any("not 1" in n and "1 marked now" in n for n in notices(app))
        await type_ahead(pilot, *("m" * 8), "G")
        assert isinstance(app.screen, RosterScreen)
        assert any("not 9" in n for n in notices(app))
        assert all(app_store.draft_for_student(sid) is None for sid in ids.values())
        # m unmarks: back to eight, and the group starts.
        await type_ahead(pilot, "up", "m", "G")
        assert isinstance(app.screen, GroupConferenceScreen)
        assert len(app.screen.members) == 8


async def test_a_student_in_another_groups_draft_is_named_and_nothing_starts(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    ids = a_class(app_store)
    app_store.start_group_conference([ids["Cleo Aziz"], ids["Ben Cho"]], "small-group", 1)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Cho and Okafor: Cho is in Aziz's group's draft.
        await type_ahead(pilot, "down", "m", "m", "G", *"lost?")
        assert isinstance(app.screen, RosterScreen)
        assert any("Ben Cho has another small group's draft" in n for n in notices(app))
        assert app_store.draft_for_student(ids["Amara Okafor"]) is None


async def test_escape_keeps_the_group_draft_and_n_on_any_member_reopens_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    ids = a_class(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "m", "m", "G", *"Paragraphs", "pagedown", "pagedown", *"Indent")
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
        draft = app_store.draft_for_student(ids["Ben Cho"])
        assert draft is not None and draft.value("goal") == "Indent"
        # n on Cleo (the other member), then typed at once: into the group's first field.
        await type_ahead(pilot, "home", "n", "end", *" first")
        screen = app.screen
        assert isinstance(screen, GroupConferenceScreen)
        assert {m.student.name for m in screen.members} == {"Cleo Aziz", "Ben Cho"}
        editors = member_editors(screen)
        assert editors[None]["teaching_point"].value() == "Paragraphs first"
        assert editors[draft.id]["goal"].value() == "Indent"
        await type_ahead(pilot, "ctrl+s")
        for sid in (ids["Cleo Aziz"], ids["Ben Cho"]):
            (summary,) = app_store.history(sid)
            assert not summary.is_draft and summary.in_group
            assert summary.teaching_point == "Paragraphs first"


async def test_an_empty_group_left_with_escape_leaves_nothing(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    ids = a_class(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "m", "m", "G")
        assert isinstance(app.screen, GroupConferenceScreen)
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
        assert all(not app_store.history(sid) for sid in ids.values())


async def test_a_member_archived_meanwhile_keeps_their_notes(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    ids = a_class(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "m", "m", "G", *"Hooks", "pagedown", "pagedown", *"A question")
        # Another copy of the app archives Ben Cho meanwhile.
        app_store.archive_student(ids["Ben Cho"])
        await type_ahead(pilot, "ctrl+s")
        assert isinstance(app.screen, RosterScreen)
        (summary,) = app_store.history(ids["Ben Cho"])
        conference = app_store.get_conference(summary.id)
        assert not conference.is_draft
        assert (conference.value("teaching_point"), conference.value("goal")) == (
            "Hooks",
            "A question",
        )


async def test_the_groups_screen_starts_a_conference_with_the_highlighted_group(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    ids = a_class(app_store)
    for name, next_step in (
        ("Ben Cho", "Use dialogue to show feelings"),
        ("Dan Ruiz", "Show feelings through dialogue"),
        ("Cleo Aziz", "Check spelling"),
    ):
        conference = app_store.start_conference(ids[name], "writing-conference", 1)
        app_store.save_answers(
            conference.id, [AnswerEdit("modify", "next_step", next_step, False, Kind.NEXT_STEP)]
        )
        app_store.complete_conference(conference.id)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "g", "t")
        assert isinstance(app.screen, GroupsScreen)
        # The first line is the shared group (Cho, Ruiz): n on a student's line of it.
        await type_ahead(pilot, "home", "down", "n", *"Dialogue tags")
        screen = app.screen
        assert isinstance(screen, GroupConferenceScreen)
        assert [m.student.name for m in screen.members] == ["Ben Cho", "Dan Ruiz"]
        assert member_editors(screen)[None]["teaching_point"].value() == "Dialogue tags"
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, GroupsScreen)
        # A group of one is refused with a word.
        await type_ahead(pilot, "end", "n")
        assert isinstance(app.screen, GroupsScreen)
        assert any("not 1" in n for n in notices(app))


def test_snapshot_of_a_group_conference_at_80x24(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    a_class(app_store)
    app = make_test_app(app_store, fixed_clock)

    async def steps(pilot: object) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        await type_ahead(pilot, "m", "m", "m", "G", *"Show feelings with dialogue")  # type: ignore[arg-type]
        await type_ahead(pilot, "pagedown", *"Two lines of dialogue")  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)  # type: ignore[operator]


async def test_one_student_keys_say_they_are_not_for_a_group_and_an_amendment_says_whose(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from textual.widgets import Static

    from conference_tui.tui.screens.conference import ConferenceScreen

    ids = a_class(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "m", "m", "G", *"Paragraphs", "ctrl+n")
        assert isinstance(app.screen, GroupConferenceScreen)
        assert any("for a one-student conference" in m for m in notices(app))
        await type_ahead(pilot, "ctrl+s")
        (summary,) = app_store.history(ids["Cleo Aziz"])
        app.open_conference(ids["Cleo Aziz"], summary.id, amend=True)
        await settle(pilot)
        assert isinstance(app.screen, ConferenceScreen)
        heading = str(app.screen.query_one("#student-name", Static).render())
        assert "a change here is this student's alone" in heading
