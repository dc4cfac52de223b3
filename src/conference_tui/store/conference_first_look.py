"""What a new conference opens with, read with the sqlite3 module alone while the store
is still opening (the first frame is up, SQLAlchemy still loading: half a second here).

`n` pressed at the first paint then opens at once; the conference is written with its
first save (tui/draft_start.py), which waits for the store. Only a new conference is
opened this way: a student with a draft, a file that is not an up-to-date SQLite
database, or any error gives None, and the conference waits for the store as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from conference_tui.store.errors import StoreError
from conference_tui.store.first_look import read_untouched
from conference_tui.store.location import DatabaseLocation
from conference_tui.store.opening_reads import (
    CLASS_SQL,
    STUDENT_SQL,
    has_draft,
    read_last_time_now,
)
from conference_tui.store.records import LastTime
from conference_tui.store.roster_records import StudentInfo


@dataclass(frozen=True)
class NewConferenceLook:
    student: StudentInfo
    # The form the student's class holds conferences with.
    default_form: str
    last_time: LastTime


def new_conference_look(
    location: DatabaseLocation,
    student_id: str,
    answer_keys: Callable[[str], Sequence[str]],
) -> NewConferenceLook | None:
    """A new conference for the student, or None for the store to open it.
    `answer_keys`: what last time's panel shows of the form named."""
    try:
        with read_untouched(location) as run:
            if run is None or has_draft(run, student_id):
                return None
            students = run(STUDENT_SQL, {"id": student_id})
            if not students:
                return None
            id_, class_id, name, preferred, interests, strengths, needs, archived = students[0]
            classes = run(CLASS_SQL, {"id": class_id})
            if archived or not classes:
                return None
            student = StudentInfo(
                id_, class_id, name, preferred, interests, strengths, needs, bool(archived)
            )
            form = str(classes[0][4])
            last_time = read_last_time_now(run, student_id, answer_keys(form))
            return NewConferenceLook(student, form, last_time)
    except (sqlite3.Error, StoreError, ValueError, OSError):
        return None
