"""The roster's keys that change who is on it: add (a), edit (e), archive (d), undo the
archive (u), list the archived (D), and switch class (c).

Imported by the roster's actions when a key is pressed, never as the app starts (the
roster is drawn before any of these is wanted), and each dialog only by its own key.
The state they keep (`last_archived`) stays on the screen, which these drive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

if TYPE_CHECKING:
    from conference_tui.store.roster_records import ClassInfo, StudentInfo
    from conference_tui.tui.screens.roster import RosterScreen


def add_student(roster: RosterScreen) -> None:
    from conference_tui.tui.screens.student_dialog import StudentDialog

    app = roster.conference_app
    # No class yet, or none of its students: the class is asked for with the name.
    ask_class = not roster.school_classes or not roster.rows

    def added(student: StudentInfo | None) -> None:
        if student is not None:
            # Their class is the one to show: it may be new, made with them.
            app.set_current_class(student.class_id, "")
            roster.reload(select_student_id=student.id)

    app.push_screen(
        StudentDialog(
            class_id=app.current_class_id,
            class_name=app.current_class_name if ask_class else None,
        ),
        added,
    )


def edit_student(roster: RosterScreen) -> None:
    row = roster.require_student()
    if row is None:
        return
    from conference_tui.tui.screens.student_dialog import StudentDialog

    def saved(student: StudentInfo | None) -> None:
        if student is not None:
            roster.reload(select_student_id=student.id)

    roster.app.push_screen(
        StudentDialog(
            class_id=row.student.class_id,
            student=row.student,
            school_classes=roster.school_classes,
        ),
        saved,
    )


def archive_student(roster: RosterScreen) -> None:
    row = roster.require_student()
    if row is None:
        return
    from conference_tui.tui.widgets.dialogs import ConfirmDialog

    student = row.student

    def archived(_: object) -> None:
        roster.last_archived = student
        roster.notify(f"Archived {student.display_name} — u to undo", timeout=10)
        roster.reload()

    def confirmed(yes: bool | None) -> None:
        if yes:
            store = roster.conference_app.store
            # Keys typed after y act on the roster without the archived student.
            roster.load_before_keys(
                lambda: store.archive_student(student.id),
                archived,
                group="save-archive",
                what="the student to be archived",
            )

    roster.app.push_screen(
        ConfirmDialog(
            f"Archive {student.display_name}?",
            "They leave the roster; every note is kept and still found by search. "
            "u brings them back at once; D lists every archived student.",
            confirm_label="Archive",
        ),
        confirmed,
    )


def restored(roster: RosterScreen, student: StudentInfo | None) -> None:
    if student is not None:
        roster.notify(f"{student.display_name} is back on the roster.", timeout=6)
        roster.reload(select_student_id=student.id)


def undo_archive(roster: RosterScreen) -> None:
    student = roster.last_archived
    if student is None:
        roster.conference_app.key_gate.refuse(
            "Nothing to undo: no student was archived here. D lists archived students."
        )
        return
    store = roster.conference_app.store

    def back(_: object) -> None:
        # Only once it is done: if the database refused, u can try again.
        roster.last_archived = None
        restored(roster, student)

    roster.load_before_keys(
        lambda: store.archive_student(student.id, archived=False),
        back,
        group="save-restore",
        what="the student to come back",
    )


def list_archived(roster: RosterScreen) -> None:
    from conference_tui.tui.screens.archived_dialog import ArchivedDialog

    app = roster.conference_app
    app.push_screen(
        ArchivedDialog(app.current_class_id, app.current_class_name),
        lambda student: restored(roster, student),
    )


def choose_class(roster: RosterScreen) -> None:
    from conference_tui.tui.screens.class_dialog import ClassDialog

    def chosen(class_info: ClassInfo | None) -> None:
        if class_info is not None:
            roster.last_archived = None  # u undoes an archive in the class it was made
            roster.conference_app.set_current_class(class_info.id, class_info.name)
            roster.query_one("#filter", Input).value = ""
            roster.show_filter(False)
            roster.reload()

    roster.app.push_screen(
        ClassDialog(roster.conference_app.current_class_id, roster.school_classes),
        chosen,
    )
