"""The conference screen is kept after its first visit and refilled for the next student:
nothing of the last conference may show, be undone into, or act on the next."""

from __future__ import annotations

import gc
import weakref
from datetime import timedelta

from textual.widgets import Label, Static

from conference_tui.field_kinds import Kind
from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.roster import RosterScreen
from conference_tui.tui.widgets.spiral import GoalList, LastTimePanel

from .conftest import SettableClock, key_event, make_test_app, settle, told, type_ahead


def conference(app: object) -> ConferenceScreen:
    current = app.screen  # type: ignore[attr-defined]
    assert isinstance(current, ConferenceScreen)
    return current


def two_students(store: Store, clock: SettableClock) -> tuple[str, str]:
    """Ana, with a goal open from an earlier conference, and Ben, with none."""
    school_class = store.add_class("7B English")
    ana = store.add_student(school_class.id, "Ana Lopez").id
    ben = store.add_student(school_class.id, "Ben Okafor").id
    clock.set(clock() - timedelta(days=9))
    earlier = store.start_conference(ana, "writing-conference", 1)
    store.save_answer(earlier.id, "modify", "goal", "Use paragraphs", False, Kind.GOAL)
    store.complete_conference(earlier.id)
    clock.set(clock() + timedelta(days=9))
    return ana, ben


async def test_the_next_students_conference_holds_nothing_of_the_last(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    ana, ben = two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ana", "enter", "n")
        first = conference(app)
        # Ana's conference: a goal marked (u would undo it), a note typed and edited.
        await type_ahead(pilot, "ctrl+g", "m")
        await type_ahead(pilot, "tab", "tab", "tab", *"A scary story")
        assert first.focused_editor() is first.editors["purpose"]
        assert first.goal_undo is not None
        ana_conference = first.conference_id
        await type_ahead(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        # Its advice (how to undo the mark) is not left up to be read as about the next.
        assert not [n for n in app._notifications if "To undo" in n.message]
        assert any("To undo" in notice.message for notice in told(app))
        # Nor left in the kept screen, to flash on its next first frame.
        assert not first.query_one("#textual-toastrack").children
        assert first.timers == []
        assert not [w for w in app.workers if w.node is first and w.is_running]

        # Ben's, typed straight after n as a fast teacher does.
        await type_ahead(pilot, "/", "ctrl+u", *"Ben", "enter", "n", *"Cat")
        second = conference(app)
        assert second is first, "the screen is kept and refilled"
        assert second.student.id == ben
        assert second.editors["piece_title"].value() == "Cat"
        assert second.editors["purpose"].value() == ""
        assert "Ben Okafor" in str(second.query_one("#student-name", Static).render())
        assert "Ben Okafor" in second.sub_title
        assert second.goal_undo is None and not second.empty_warned
        # Ben has no goals: Ana's are not in his panel.
        goals = second.query_one(LastTimePanel).query_one(GoalList)
        assert not goals.display and goals.option_count == 0
        # Undo in Ben's note can never bring back Ana's words.
        await type_ahead(pilot, "tab", "tab", "tab")
        assert second.focused_editor() is second.editors["purpose"]
        await type_ahead(pilot, "ctrl+z", "ctrl+z", "ctrl+z")
        assert second.editors["purpose"].value() == ""
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)

    kept = app_store.get_conference(ana_conference)
    assert kept.student_id == ana and kept.status == "complete"
    assert kept.value("purpose") == "A scary story"
    draft = app_store.draft_for_student(ben)
    assert draft is not None
    assert draft.piece_title == "Cat" and draft.value("purpose") == ""


async def test_keys_typed_while_the_kept_screen_refills_land_in_the_new_fields(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """n, the piece, tab and the genre, typed before the second conference is shown: all
    of it in Ben's fields, in order, none in Ana's, and no key waits for ever."""
    ana, ben = two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ana", "enter", "n", *"Owl", "escape")
        await settle(pilot)
        await type_ahead(
            pilot, "/", "ctrl+u", *"Ben", "enter", "n", *"Fox", "tab", *"poem", "pagedown"
        )
        screen = conference(app)
        assert screen.student.id == ben
        assert screen.editors["piece_title"].value() == "Fox"
        assert screen.editors["genre"].value() == "poem"
        assert screen.stage_index == 1
        assert not app.key_gate.is_held
        await type_ahead(pilot, "escape")
        await settle(pilot)
    ana_draft = app_store.draft_for_student(ana)
    assert ana_draft is not None and ana_draft.piece_title == "Owl"
    ben_draft = app_store.draft_for_student(ben)
    assert ben_draft is not None
    assert (ben_draft.piece_title, ben_draft.genre) == ("Fox", "poem")


async def test_a_theme_chosen_while_the_kept_screen_is_away_shows_when_it_returns(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The kept screen is not restyled each time it returns (that was a quarter of
    opening it), but a theme chosen meanwhile is drawn in full."""
    two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "escape")
        await settle(pilot)
        kept = app.kept_conference
        assert kept is not None and not kept.is_current
        first_theme = app.theme
        other = next(
            name
            for name, theme in sorted(app.available_themes.items())
            if theme.dark != app.current_theme.dark and not theme.ansi
        )
        app.theme = other
        await settle(pilot)
        await type_ahead(pilot, "n")
        screen = conference(app)
        assert screen is kept
        background = app.current_theme.background
        assert background is not None
        assert screen.styles.background.hex.lower() == background.lower()
        side = screen.query_one("#spiral-side")
        assert side.styles.color == app.screen.query_one("#student-name").styles.color
        assert app.theme != first_theme


async def test_a_conference_left_and_a_screen_closed_are_not_kept_in_memory(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A teacher holds thirty conferences a class: the fields of each one left are the
    kept screen's, refilled for the next, never a set a conference; each screen closed is
    let go (Textual's watches of the app's theme and title, and its cache of drawn lines,
    kept every one: 1.5 MiB a conference)."""
    two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ana", "enter", "n", "tab", "tab", "tab", *"A note")
        note = weakref.ref(conference(app).editors["purpose"].control)
        title = weakref.ref(conference(app).editors["piece_title"].control)
        await type_ahead(pilot, "escape")
        await type_ahead(pilot, "/", "ctrl+u", *"Ben", "enter", "n", "escape")
        await settle(pilot)
        await type_ahead(pilot, "v")
        status = weakref.ref(app.screen)
        assert type(app.screen).__name__ == "ClassStatusScreen"
        await type_ahead(pilot, "escape")
        await settle(pilot)
        gc.collect()
        kept = app.kept_conference
        assert kept is not None
        assert note() is kept.editors["purpose"].control, "a field of a conference left"
        assert title() is kept.editors["piece_title"].control, "a field of a conference left"
        assert status() is None, "a screen closed"


async def test_last_time_is_laid_out_for_the_next_student_not_the_last(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """After a student with nothing from last time, the next one's goals are fitted to the
    panel as it is now (a refilled panel kept the last one's size, and cut them)."""
    two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ben", "enter", "n", "escape")
        await settle(pilot)
        await type_ahead(pilot, "/", "ctrl+u", *"Ana", "enter", "n")
        screen = conference(app)
        panel = screen.query_one(LastTimePanel)
        goals = panel.query_one(GoalList)
        assert goals.display and goals.option_count
        assert panel.filled_for is not None
        assert panel.filled_for[2] == goals.scrollable_content_region.width
        assert "Use paragraphs" in str(goals.get_option_at_index(0).prompt)


async def test_escape_is_named_for_what_it_does_a_draft_or_a_completed_conference(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A completed conference reopened is never "Draft & back"; the next student's draft,
    in the same kept screen, is again."""
    ana, _ben = two_students(app_store, fixed_clock)
    [completed] = app_store.history(ana)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_conference(ana, completed.id)
        await settle(pilot)
        screen = conference(app)
        assert screen.active_bindings["escape"].binding.description == "Back"
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "/", *"Ben", "enter", "n")
        assert conference(app) is screen
        assert screen.active_bindings["escape"].binding.description == "Draft & back"
        await type_ahead(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    assert app_store.get_conference(completed.id).status == "complete"


async def test_refilled_fields_show_the_next_conference_as_new_ones_would(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """The kept screen's fields are refilled, not mounted again: each shows the next
    conference's text, choice and privacy, nothing the last one typed or marked, and a
    draft reopened shows its own again."""
    two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Ana's: the piece typed and marked private, a stage of the process chosen.
        await type_ahead(pilot, "/", *"Ana", "enter", "n", *"Owl", "ctrl+t", "tab", "tab", "d")
        first = conference(app)
        piece = first.editors["piece_title"]
        assert piece.private and first.editors["process_stage"].value() == "drafting"
        await type_ahead(pilot, "escape")
        await settle(pilot)

        await type_ahead(pilot, "/", "ctrl+u", *"Ben", "enter", "n")
        second = conference(app)
        assert second is first and second.editors["piece_title"] is piece
        assert piece.value() == "" and not piece.private and not piece.read_only
        assert "(shareable)" in str(piece.query_one(".field-label", Label).render())
        assert second.editors["process_stage"].value() == ""
        await type_ahead(pilot, "escape")
        await settle(pilot)

        await type_ahead(pilot, "/", "ctrl+u", *"Ana", "enter", "n")
        third = conference(app)
        assert third.student.name == "Ana Lopez"
        assert piece.value() == "Owl" and piece.private
        assert "(private)" in str(piece.query_one(".field-label", Label).render())
        assert third.editors["process_stage"].value() == "drafting"
        await type_ahead(pilot, "escape")
        await settle(pilot)


async def test_the_same_keys_tick_the_same_choice_on_a_refilled_screen(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A new tick list starts on its first choice; a refilled one must too, or a teacher's
    habitual keys tick the wrong quality, or none, on every student after the first."""
    ana, ben = two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    keys = ("n", "pagedown", "pagedown", "pagedown", "tab", "tab", "space", "escape")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ana", "enter", *keys)
        await settle(pilot)
        await type_ahead(pilot, "/", "ctrl+u", *"Ben", "enter", *keys)
        await settle(pilot)
    for student in (ana, ben):
        draft = app_store.draft_for_student(student)
        assert draft is not None and draft.value("criteria") == "focus"


async def test_a_stage_left_half_mounted_by_the_last_conference_is_built_again_whole(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A stage mounted ahead (premount) while the teacher presses escape is cancelled
    mid-mount: its page is in the screen but its fields were never registered. The next
    student's conference must open in the kept screen all the same, with that stage
    built again whole (found when a loaded machine timed escape into a premount)."""
    _ana, ben = two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ana", "enter", "n")
        kept = conference(app)
        pane = kept.stage_pane
        unmounted = next(stage for stage in kept.stages if stage.key not in pane.pages)
        # What a premount cancelled as the conference closed leaves behind.
        half_built, _editors = pane.new_page(unmounted)
        await pane.query_one("#stage-fields").mount(half_built)
        await type_ahead(pilot, "escape")
        await type_ahead(pilot, "/", "ctrl+u", *"Ben", "enter", "n")
        assert conference(app) is kept
        assert not half_built.is_attached
        await type_ahead(pilot, "pagedown", "pagedown", "pagedown", "tab", "tab", "space")
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
    draft = app_store.draft_for_student(ben)
    assert draft is not None and draft.value("criteria") == "focus"


async def test_typing_into_a_reopened_draft_goes_on_after_its_note(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in a teacher's tmux check: a draft reopened in the kept screen put the
    cursor at the start of its note, so " and semicolons" went in front of "asks about
    commas" (and was saved so). A note goes on from its end, as on a new screen."""
    ana, _ben = two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ana", "enter")
        await type_ahead(pilot, "n", *"A piece", "pagedown", *"asks about commas")
        screen = conference(app)
        note = screen.focused_editor()
        assert note is not None and note.value() == "asks about commas"
        await type_ahead(pilot, "escape")
        assert isinstance(app.screen, RosterScreen)
        await type_ahead(pilot, "n", *" and semicolons")
        assert conference(app) is screen
        assert note.value() == "asks about commas and semicolons"
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(ana)
    assert draft is not None
    assert draft.value("help_request") == "asks about commas and semicolons"


async def test_an_escape_while_the_kept_screen_refills_stops_its_autosave(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Seen once in a tmux check: `n` then escape at once. The escape called the opening
    off while the kept screen was being refilled; the draft it started was discarded,
    but the refilled screen, never shown, went on saving into it every 0.4 s: "Not
    saved yet: retrying / No conference with id ...". It is closed as any conference."""
    ana, _ben = two_students(app_store, fixed_clock)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "/", *"Ana", "enter", "n", *"A piece", "ctrl+s")
        kept = app.kept_conference
        assert kept is not None and isinstance(app.screen, RosterScreen)
        refill = kept.refill

        async def escape_typed_meanwhile(*args: object, **kwargs: object) -> ConferenceScreen:
            # The teacher's escape, read from the terminal as the refill runs.
            app.post_message(key_event("escape"))
            return await refill(*args, **kwargs)  # type: ignore[arg-type]

        kept.refill = escape_typed_meanwhile  # type: ignore[method-assign]
        await type_ahead(pilot, "n")
        assert isinstance(app.screen, RosterScreen)
        assert app_store.draft_for_student(ana) is None
        assert kept.closing and kept.timers == []
        assert not [notice for notice in told(app) if notice.title.startswith("Not saved")]


async def test_a_long_title_reopened_shows_its_start_until_the_teacher_types_in_it(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """Found in teachers' tmux checks: a draft reopened in the kept screen showed only the
    end of a title longer than its box, its first words hidden, whether the box had been
    left (its view stayed where the cursor was) or refilled while another field had the
    focus (Textual scrolls a box to its cursor as its text is put in). A box the teacher
    is not in reads from the start; entered, the cursor is in sight at the end, where
    typing goes on."""
    ana, _ben = two_students(app_store, fixed_clock)
    title = "The night the river came up to the steps of our house and stayed a week"
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Left at the genre: the title is refilled, not entered, when Ana's draft reopens.
        await type_ahead(pilot, "/", *"Ana", "enter", "n", *title, "tab", *"memoir")
        screen = conference(app)
        box = screen.editors["piece_title"].control
        assert box.max_scroll_x > 0, "the title must be longer than its box"
        assert box.scroll_x == 0
        await type_ahead(pilot, "escape")
        # Ben's conference between, left at the genre too, so that Ana's draft refills an
        # empty title box that has not had the focus since.
        await type_ahead(pilot, "/", "ctrl+u", *"Ben", "enter", "n", "tab", "escape")
        await type_ahead(pilot, "/", "ctrl+u", *"Ana", "enter", "n")
        assert conference(app) is screen and screen.student.name == "Ana Lopez"
        assert screen.focused_editor() is screen.editors["genre"]
        assert box.value == title and box.scroll_x == 0
        await type_ahead(pilot, "shift+tab")
        assert box.has_focus
        assert box.scroll_x == box.max_scroll_x > 0
        await type_ahead(pilot, *" long", "pagedown")
        assert box.scroll_x == 0
        await type_ahead(pilot, "escape")
    draft = app_store.draft_for_student(ana)
    assert draft is not None and draft.value("piece_title") == title + " long"
    assert draft.value("genre") == "memoir"
