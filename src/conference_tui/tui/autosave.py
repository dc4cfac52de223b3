"""What the conference screen's autosave writes, and how, in one batch."""

from __future__ import annotations

from dataclasses import dataclass

from conference_tui.store import InvalidInputError, Store
from conference_tui.tui.widgets.field_editor import MULTI_SEPARATOR


@dataclass(frozen=True)
class PendingAnswer:
    stage_key: str
    value: str
    private: bool
    is_habits: bool


@dataclass(frozen=True)
class Progress:
    stage_key: str
    field_key: str
    elapsed_seconds: int


def save_batch(
    store: Store,
    conference_id: str,
    answers: dict[str, PendingAnswer],
    progress: Progress | None,
    begin_amendment: bool,
) -> dict[str, str]:
    """Write a batch of edits; returns the fields the store refused, with why.

    A refused field (a date that is not a date) does not hold back the others;
    a database that cannot be written raises, and the screen keeps every edit.
    """
    if begin_amendment:
        store.begin_amendment(conference_id)
    refused: dict[str, str] = {}
    for field_key, answer in answers.items():
        try:
            store.save_answer(
                conference_id, answer.stage_key, field_key, answer.value, answer.private
            )
            if answer.is_habits:
                store.set_habits(conference_id, answer.value.split(MULTI_SEPARATOR))
        except InvalidInputError as exc:
            refused[field_key] = str(exc)
    if progress is not None:
        store.save_progress(
            conference_id, progress.stage_key, progress.field_key, progress.elapsed_seconds
        )
    return refused
