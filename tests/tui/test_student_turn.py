"""The student's turn: ctrl+n hands the screen to the student, who sees their own
questions and nothing else, cannot leave, and whose words are saved as theirs."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from conference_tui.export.notes import export_notes
from conference_tui.export.scope import Audience, ExportScope, Per
from conference_tui.field_kinds import Kind, RubricPart, rubric_answer_key
from conference_tui.forms import load_forms
from conference_tui.settings import Settings
from conference_tui.store import Store
from conference_tui.tui.screens.conference import ConferenceScreen
from conference_tui.tui.screens.lock import LockScreen
from conference_tui.tui.screens.student_turn import NOT_YOURS, StudentTurnScreen
from conference_tui.tui.widgets.conference_view import ConferenceView
from conference_tui.tui.widgets.rubric import RubricGrid

from .conftest import FORM, SettableClock, make_test_app, settle, told, type_ahead
from .test_history import shown_text


def shown(app: object) -> str:
    return app.export_screenshot().replace("&#160;", " ")  # type: ignore[attr-defined, no-any-return]


def a_conference_under_way(store: Store) -> tuple[str, str]:
    """Ana's draft, with her purpose, a help request the teacher marked private and a
    private note; Ben, another student of the class, has a history of his own."""
    school_class = store.add_class("7B English")
    ana = store.add_student(school_class.id, "Ana Lopez").id
    ben = store.add_student(school_class.id, "Benedikt Okonkwo").id
    earlier = store.start_conference(ben, FORM.id, FORM.version, "clarify")
    store.save_answer(earlier.id, "clarify", "purpose", "Benedikt's story", False)
    store.complete_conference(earlier.id)
    draft = store.start_conference(ana, FORM.id, FORM.version, "clarify")
    store.save_answer(draft.id, "clarify", "purpose", "A scary story", False)
    store.save_answer(draft.id, "plan", "help_request", "Reads slowly SECRET-1", True)
    store.save_answer(draft.id, "modify", "teacher_notes", "Mum called SECRET-2", True)
    return ana, draft.id


async def test_the_student_sees_only_their_own_questions_and_no_private_note(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    a_conference_under_way(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "ctrl+n")
        assert isinstance(app.screen, StudentTurnScreen)
        screen = shown(app)
        assert "Your turn, Ana" in screen
        assert "What are you trying to do in this piece" in screen
        assert "A scary story" in screen
        for hidden in ("SECRET-1", "SECRET-2", "Benedikt", "Teacher's notes", "7B English"):
            assert hidden not in screen
        asked = [editor.field_key for editor in app.screen.editors()]
        assert asked == ["purpose", "plan", "self_assessment", "next_step"]


async def test_every_key_that_would_leave_is_refused_and_said_why(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    _, draft_id = a_conference_under_way(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "ctrl+n")
        for key in ("escape", "ctrl+s", "ctrl+q", "f1", "ctrl+p", "ctrl+t", "ctrl+g", "ctrl+r"):
            await type_ahead(pilot, key)
            assert isinstance(app.screen, StudentTurnScreen), key
            assert app.is_running
        note = app.screen.query_one("#student-turn-note", Static)
        assert str(note.render()) == NOT_YOURS
    conference = app_store.get_conference(draft_id)
    assert conference.is_draft


async def test_the_students_words_are_saved_as_theirs_and_shown_to_the_teacher(
    app_store: Store, fixed_clock: SettableClock, tmp_path: Path
) -> None:
    student_id, draft_id = a_conference_under_way(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Handed over and typed at once: the keys wait for the student's screen.
        await type_ahead(pilot, "n", "ctrl+n", *" with a twist", "tab", *"Adding dialogue")
        await type_ahead(pilot, "ctrl+n", "ctrl+t")
        assert isinstance(app.screen, ConferenceScreen)
        assert app.screen.editors["purpose"].value() == "A scary story with a twist"
        assert app.screen.editors["plan"].value() == "Adding dialogue"
        await type_ahead(pilot, "ctrl+s")
    conference = app_store.get_conference(draft_id)
    assert not conference.is_draft
    theirs = {key for key, answer in conference.answers.items() if answer.by_student}
    assert theirs == {"purpose", "plan"}
    assert conference.answers["purpose"].value == "A scary story with a twist"

    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "enter")
        await settle(pilot)
        view = app.screen.query_one(ConferenceView).query_one(".conference-view-body", Static)
        assert "Purpose, in the student's words (written by the student)" in shown_text(view)

    folder = tmp_path / "out"
    folder.mkdir()
    result = export_notes(
        app_store, FORM, ExportScope.student(student_id), Audience.SHAREABLE, folder, Per.STUDENT
    )
    (exported,) = result.files
    text = exported.read_text(encoding="utf-8")
    assert "written by the student" in text and "A scary story with a twist" in text
    assert "SECRET" not in text


async def test_the_passphrase_is_asked_before_the_teacher_takes_the_screen_back(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    a_conference_under_way(app_store)
    app = make_test_app(app_store, fixed_clock, Settings(lock_passphrase="owl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "ctrl+n", "ctrl+n", "ctrl+t")
        assert isinstance(app.screen, LockScreen)
        await type_ahead(pilot, *"cat", "enter")
        assert isinstance(app.screen, LockScreen)
        await type_ahead(pilot, *"owl", "enter")
        assert isinstance(app.screen, ConferenceScreen)


async def test_a_form_with_no_question_for_the_student_says_so(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from conference_tui.forms import parse_form

    form = parse_form(
        'id = "mine"\nversion = 1\ntitle = "Mine"\n[[stages]]\nkey = "a"\ntitle = "A"\n'
        'questions = ["?"]\n[[stages.fields]]\nkey = "x"\nlabel = "X"\ntype = "long_text"\n',
        "mine.toml",
    )
    school_class = app_store.add_class("7B English")
    app_store.add_student(school_class.id, "Ana Lopez")
    app = make_test_app(app_store, fixed_clock, form=form)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "ctrl+n", *"typed")
        assert isinstance(app.screen, ConferenceScreen)
        assert any("no question for the student" in n.message for n in told(app))
        assert app.screen.editors["x"].value() == "typed"


def test_the_students_turn(
    snap_compare: object, app_store: Store, fixed_clock: SettableClock
) -> None:
    a_conference_under_way(app_store)
    app = make_test_app(app_store, fixed_clock)

    async def steps(pilot: object) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        await type_ahead(pilot, "n", "ctrl+n", *" with a twist")  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)  # type: ignore[operator]


async def test_on_a_rubric_the_student_sets_only_their_own_level(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    form = load_forms()[0]["writing-rubric"]
    school_class = app_store.add_class("7B English")
    ana = app_store.add_student(school_class.id, "Ana Lopez").id
    draft = app_store.start_conference(ana, form.id, form.version, "clarify")
    teacher = rubric_answer_key("rubric", "focus", RubricPart.TEACHER)
    app_store.save_answer(draft.id, "assess", teacher, "3", False, Kind.RUBRIC_TEACHER)
    note = rubric_answer_key("rubric", "focus", RubricPart.NOTE)
    app_store.save_answer(draft.id, "assess", note, "TEACHERNOTE rushed", False, Kind.RUBRIC_NOTE)
    app = make_test_app(app_store, fixed_clock, form=form)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "ctrl+n", *"Endings", "tab", "2", "down", "4")
        assert isinstance(app.screen, StudentTurnScreen)
        grid = app.screen.query_one(RubricGrid)
        assert grid.sides == (RubricPart.STUDENT,)
        assert " T " not in str(grid.render()) and "S" in str(grid.render())
        # The teacher's notes are neither shown nor reachable: n is refused.
        assert "TEACHERNOTE" not in shown(app)
        await type_ahead(pilot, "s", "n", *"x")
        assert grid.side == RubricPart.STUDENT
        assert "TEACHERNOTE" not in shown(app)
        await type_ahead(pilot, "ctrl+n", "ctrl+t", "ctrl+s")
    answers = app_store.get_conference(draft.id).answers
    student = rubric_answer_key("rubric", "focus", RubricPart.STUDENT)
    structure = rubric_answer_key("rubric", "structure", RubricPart.STUDENT)
    assert (answers[student].value, answers[student].by_student) == ("2", True)
    assert (answers[structure].value, answers[structure].by_student) == ("4", True)
    assert (answers[teacher].value, answers[teacher].by_student) == ("3", False)
    assert (answers[note].value, answers[note].by_student) == ("TEACHERNOTE rushed", False)
    assert answers["help_request"].value == "Endings" and answers["help_request"].by_student


async def test_the_teachers_notices_never_show_on_the_students_screen(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    """A notice still up from the teacher's screen (another student's name) is taken
    down when the student gets the screen; one that comes meanwhile waits for the
    teacher."""
    a_conference_under_way(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n")
        app.notify("Conference saved: Benedikt Okonkwo (4:50).")
        await type_ahead(pilot, "ctrl+n")
        assert isinstance(app.screen, StudentTurnScreen)
        app.notify("n now starts “Quick compliment” for 7B English.")
        await settle(pilot)
        screen = shown(app)
        assert "Benedikt" not in screen and "7B English" not in screen
        await type_ahead(pilot, "ctrl+n", "ctrl+t")
        assert isinstance(app.screen, ConferenceScreen)
        assert any("Quick compliment" in str(n.message) for n in app._notifications)


async def test_ctrl_t_right_after_a_refused_ctrl_n_changes_no_privacy(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    from conference_tui.forms import parse_form

    form = parse_form(
        'id = "mine"\nversion = 1\ntitle = "Mine"\n[[stages]]\nkey = "a"\ntitle = "A"\n'
        'questions = ["?"]\n[[stages.fields]]\nkey = "x"\nlabel = "X"\ntype = "long_text"\n'
        "private = false\n",
        "mine.toml",
    )
    school_class = app_store.add_class("7B English")
    app_store.add_student(school_class.id, "Ana Lopez")
    app = make_test_app(app_store, fixed_clock, form=form)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", *"typed", "ctrl+n", "ctrl+t")
        assert isinstance(app.screen, ConferenceScreen)
        assert not app.screen.editors["x"].private
        await type_ahead(pilot, "ctrl+t")
        assert app.screen.editors["x"].private


async def test_under_the_lock_the_student_turn_still_holds_the_teachers_notices(
    app_store: Store, fixed_clock: SettableClock
) -> None:
    a_conference_under_way(app_store)
    app = make_test_app(app_store, fixed_clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await type_ahead(pilot, "n", "ctrl+n", "ctrl+l")
        assert isinstance(app.screen, LockScreen)
        app.notify("Conference saved: Benedikt Okonkwo (4:50).")
        await type_ahead(pilot, "f1", "x")
        assert isinstance(app.screen, StudentTurnScreen)
        await settle(pilot)
        assert "Benedikt" not in shown(app)
