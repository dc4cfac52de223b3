"""The roster's ways to start a conference besides n: with another form (f), with the
next student due (N), and with a small group marked one by one (m, then G).

Imported by the roster's actions when one of these keys is pressed, not as the app
starts. The marks themselves (`marked`) stay on the screen, which draws them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import DataTable

from conference_tui.tui.screens.roster_rows import next_due

if TYPE_CHECKING:
    from conference_tui.forms import Form
    from conference_tui.tui.screens.roster import RosterScreen


def mark(roster: RosterScreen) -> None:
    """Mark or unmark the selected student, then go down a row (m m m marks three)."""
    row = roster.require_student()
    if row is None:
        return
    if roster.marked.pop(row.student.id, "unmarked") == "unmarked":
        roster.marked[row.student.id] = None
    table = roster.query_one(DataTable)
    place = table.cursor_row
    roster.render_rows()
    if place + 1 < table.row_count:
        table.move_cursor(row=place + 1)


def group_conference(roster: RosterScreen) -> None:
    from conference_tui.store.group_conferences import group_size_problem

    chosen = [sid for sid in roster.marked if any(r.student.id == sid for r in roster.rows)]
    problem = group_size_problem(len(chosen))
    if problem:
        roster.conference_app.key_gate.refuse(
            f"{problem} Mark each student of the group with m, then press G "
            f"({len(chosen)} marked now)."
        )
        return

    def started() -> None:
        roster.marked = {}
        roster.render_rows()

    roster.conference_app.open_group_conference(chosen, started)


def pick_form(roster: RosterScreen) -> None:
    from conference_tui.tui.screens.form_dialog import FormDialog

    row = roster.require_student()
    if not row:
        return
    app = roster.conference_app
    school_class = next((c for c in roster.school_classes if c.id == row.student.class_id), None)
    default_form = (school_class.default_form if school_class else "") or app.form.id
    student_id = row.student.id

    def chosen(form: Form | None) -> None:
        if form is not None:
            app.open_conference(student_id, form=form)

    app.push_screen(
        FormDialog(app.forms, default_form, school_class, row.student.display_name, student_id),
        chosen,
    )


def start_next_due(roster: RosterScreen) -> None:
    """The most overdue student (as `o` orders them) not conferred with today: the key
    to press after ctrl+s, while the next child walks over."""
    row = next_due(roster.rows, roster.today())
    if row is None:
        roster.conference_app.key_gate.refuse(
            "No student is due: everyone has been seen lately. Pick one and press n."
        )
        return
    table = roster.query_one(DataTable)
    if row.student.id in table.rows:
        table.move_cursor(row=table.get_row_index(row.student.id))
    roster.conference_app.open_conference(row.student.id)
