"""One conference as text to paste: into an email, a learning platform, a document.

Read the way an export reads it (its scope and audience rules), then made into
the export's Markdown for the whole conference, or into two plain lines for its
goal and next step, which a comment box or an email shows as typed (Markdown's
escapes would show as stray backslashes there). Meant to run in a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from conference_tui.export.files import ExportError
from conference_tui.export.markdown import render_conference_text
from conference_tui.export.scope import (
    Audience,
    ExportScope,
    StudentNotes,
    plan_scope,
    read_notes,
)
from conference_tui.export.selection import (
    RenderContext,
    local_day,
    newest_next_step,
    shown_goals,
    text_lines,
)
from conference_tui.forms import Form
from conference_tui.store import Store


class CopyWhat(StrEnum):
    """The whole conference (as Markdown), or its goal and next step (as plain text)."""

    CONFERENCE = "conference"
    GOAL_AND_NEXT_STEP = "goal"


@dataclass(frozen=True)
class CopiedText:
    """The text to copy ("" when the audience may see nothing of it) and what it is,
    in words for a notice: "Amara Okafor's goal and next step (shareable)"."""

    text: str
    description: str


def _one_conference(store: Store, conference_id: str) -> StudentNotes:
    plan = plan_scope(store, ExportScope.conference(conference_id), include_drafts=True)
    for notes in read_notes(store, plan):
        return notes
    raise ExportError("that conference is no longer in the database.")


def goal_and_next_step_text(notes: StudentNotes, ctx: RenderContext) -> str:
    """ "Goal: ..." and "Next step: ..." for the one conference in `notes`, each only if
    this audience may see it: the goal it set (else the one it closed) and its next step."""
    conference = notes.conferences[0]
    goals = shown_goals(notes, ctx)
    set_here = [g for g in goals if g.goal.set_by_conference_id == conference.id]
    lines = []
    chosen = (set_here or goals)[-1:] if goals else []
    for shown in chosen:
        lines.append("Goal: " + "\n".join(text_lines(shown.goal.text)))
    step = newest_next_step(notes.conferences, ctx)
    if step is not None:
        lines.append("Next step: " + "\n".join(text_lines(step.text)))
    return "\n".join(lines) + "\n" if lines else ""


def text_to_copy(
    store: Store,
    form: Form,
    conference_id: str,
    what: CopyWhat,
    audience: Audience,
    *,
    forms: Mapping[str, Form] | None = None,
    today: date | None = None,
) -> CopiedText:
    """The conference's text to copy for the audience. Raises ExportError or StoreError."""
    ctx = RenderContext(
        audience=Audience(audience),
        forms=dict(forms or {}),
        fallback_form=form,
        exported_on=today or store.today(),
    )
    notes = _one_conference(store, conference_id)
    name = notes.student.name
    if CopyWhat(what) is CopyWhat.CONFERENCE:
        day = local_day(notes.conferences[0].started_at)
        return CopiedText(
            render_conference_text(notes, ctx),
            f"{name}'s conference of {day} as Markdown ({ctx.audience.value})",
        )
    return CopiedText(
        goal_and_next_step_text(notes, ctx),
        f"{name}'s goal and next step ({ctx.audience.value})",
    )
