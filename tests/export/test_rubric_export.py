"""A rubric in every export: Markdown and HTML tables with level names (the teacher's
and the student's own), privacy kept, hostile text inert, the archive round trip, and
search finding a rubric's note."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from school_data import Clock, store_from_template

from conference_tui import paths
from conference_tui.export.archive import import_archive, write_archive
from conference_tui.export.notes import export_notes
from conference_tui.export.scope import Audience, ExportScope, Format, Per
from conference_tui.forms import load_form
from conference_tui.store import Store

RUBRIC_FORM = load_form(paths.builtin_forms_dir() / "writing-rubric.toml")
HOSTILE_NOTE = "# Title | <b>bold</b> [link](http://x) \x1b[31m"


def scored_store(
    empty_database: Path, folder: Path, name: str, *, private: bool = False
) -> tuple[Store, str, str]:
    """A store with one student and one completed rubric conference; (store, student
    id, conference id)."""
    store = store_from_template(empty_database, folder / f"{name}.db", Clock())
    school_class = store.add_class("7B")
    student = store.add_student(school_class.id, "Ana Lopez")
    conference = store.start_conference(student.id, RUBRIC_FORM.id, 1, "clarify")
    kinds = dict(RUBRIC_FORM.field("rubric").answer_keys())
    for key, value in {
        "rubric.focus.teacher": "3",
        "rubric.focus.student": "4",
        "rubric.voice.note": HOSTILE_NOTE,
        "rubric.detail.teacher": "9",
    }.items():
        store.save_answer(conference.id, "assess", key, value, private, kinds[key])
    store.save_answer(conference.id, "clarify", "piece_title", "Storm", False)
    store.complete_conference(conference.id)
    return store, student.id, conference.id


def exported(
    store: Store, student_id: str, audience: Audience, file_format: Format, out: Path
) -> str:
    out.mkdir()
    result = export_notes(
        store,
        RUBRIC_FORM,
        ExportScope.student(student_id),
        audience,
        out,
        Per.STUDENT,
        forms={RUBRIC_FORM.id: RUBRIC_FORM},
        file_format=file_format,
    )
    (path,) = result.files
    return path.read_text(encoding="utf-8")


def test_markdown_shows_a_rubric_as_a_table_of_level_names(
    empty_database: Path, tmp_path: Path
) -> None:
    store, student_id, _ = scored_store(empty_database, tmp_path, "md")
    try:
        text = exported(store, student_id, Audience.SHAREABLE, Format.MARKDOWN, tmp_path / "out")
    finally:
        store.close()
    assert "**Writing rubric**" in text
    assert "| Criterion | Teacher | Student's own | Note |" in text
    assert "| Focus | 3 Proficient | 4 Exceeding | — |" in text
    # A level the form does not have is shown as stored, marked unknown.
    assert "| Detail | unknown level “9” | — | — |" in text
    # The note cannot end its cell, forge a heading, a link or HTML.
    voice = next(line for line in text.splitlines() if line.startswith("| Voice"))
    assert voice.count(" | ") == 3 and "\\|" in voice
    assert "<b>" not in text and "\\[link\\]" in text and "\x1b" not in text
    assert "rubric.focus" not in text  # never a stray "other note"


def test_html_shows_a_rubric_table_with_its_text_escaped(
    empty_database: Path, tmp_path: Path
) -> None:
    store, student_id, _ = scored_store(empty_database, tmp_path, "html")
    try:
        page = exported(store, student_id, Audience.TEACHER, Format.HTML, tmp_path / "out")
    finally:
        store.close()
    assert '<table class="rubric">' in page
    assert '<td class="text" dir="auto">3 Proficient</td>' in page
    assert '<td class="text" dir="auto">4 Exceeding</td>' in page
    assert "<b>bold</b>" not in page
    assert html.escape("<b>bold</b>") in page


@pytest.mark.parametrize("file_format", list(Format))
def test_a_private_rubric_is_left_out_of_a_shareable_export(
    empty_database: Path, tmp_path: Path, file_format: Format
) -> None:
    store, student_id, _ = scored_store(empty_database, tmp_path, "private", private=True)
    try:
        shared = exported(store, student_id, Audience.SHAREABLE, file_format, tmp_path / "s")
        teacher = exported(store, student_id, Audience.TEACHER, file_format, tmp_path / "t")
    finally:
        store.close()
    assert "Proficient" not in shared and "Writing rubric" not in shared
    assert "Proficient" in teacher and "Writing rubric" in teacher


def test_the_archive_gives_a_rubric_back_with_its_kinds(
    empty_database: Path, tmp_path: Path
) -> None:
    source, _, conference_id = scored_store(empty_database, tmp_path, "source")
    target = store_from_template(empty_database, tmp_path / "target.db", Clock())
    try:
        archive, _counts = write_archive(source, tmp_path, "archive")
        import_archive(target, archive, dry_run=False)
        assert target.dump_records() == source.dump_records()
        answers = target.get_conference(conference_id).answers
        assert answers["rubric.focus.student"].value == "4"
        assert answers["rubric.focus.student"].kind == "rubric_student"
        assert answers["rubric.voice.note"].kind == "rubric_note"
    finally:
        source.close()
        target.close()


def test_search_finds_a_rubric_note(empty_database: Path, tmp_path: Path) -> None:
    store, _, conference_id = scored_store(empty_database, tmp_path, "search")
    try:
        (hit,) = store.search("bold")
    finally:
        store.close()
    assert (hit.conference_id, hit.field_key) == (conference_id, "rubric.voice.note")
