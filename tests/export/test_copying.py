"""The text a copy key puts on the clipboard, read the way an export reads it."""

from __future__ import annotations

import pytest
from school_data import PRIVATE_TEXT, School

from conference_tui.export.copying import CopyWhat, text_to_copy
from conference_tui.export.files import ExportError
from conference_tui.export.scope import Audience
from conference_tui.forms import Form
from conference_tui.store import Store


def test_goal_and_next_step_leave_a_private_goal_out(
    store_of_school: Store, school: School, form: Form
) -> None:
    shareable = text_to_copy(
        store_of_school, form, school.ben_only, CopyWhat.GOAL_AND_NEXT_STEP, Audience.SHAREABLE
    )
    assert shareable.text == "Next step: Add smells and sounds to the kitchen scene\n"
    assert shareable.description == "Ben Li's goal and next step (shareable)"
    teacher = text_to_copy(
        store_of_school, form, school.ben_only, CopyWhat.GOAL_AND_NEXT_STEP, Audience.TEACHER
    )
    assert teacher.text == (
        "Goal: Work on reading fluency at home\n"
        "Next step: Add smells and sounds to the kitchen scene\n"
    )


def test_the_conference_is_the_exports_markdown_without_front_matter(
    store_of_school: Store, school: School, form: Form
) -> None:
    copied = text_to_copy(
        store_of_school, form, school.ben_only, CopyWhat.CONFERENCE, Audience.SHAREABLE
    )
    assert copied.text.startswith("# Ben Li: conference of 2026-03-")
    assert "---" not in copied.text
    assert "To remember her" in copied.text
    assert PRIVATE_TEXT not in copied.text
    teacher = text_to_copy(
        store_of_school, form, school.ben_only, CopyWhat.CONFERENCE, Audience.TEACHER
    )
    assert PRIVATE_TEXT in teacher.text and "(private)" in teacher.text


def test_a_draft_copies_and_a_missing_conference_is_a_clear_error(
    store_of_school: Store, school: School, form: Form
) -> None:
    draft = text_to_copy(
        store_of_school, form, school.amara_draft, CopyWhat.CONFERENCE, Audience.SHAREABLE
    )
    assert "half-written draft" in draft.text
    with pytest.raises(ExportError):
        text_to_copy(store_of_school, form, "no-such-id", CopyWhat.CONFERENCE, Audience.SHAREABLE)
