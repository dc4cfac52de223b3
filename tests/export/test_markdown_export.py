"""Markdown exports, read back as a renderer reads them and compared with the database
row by row: every scope, every audience, every way of cutting files."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from export_oracle import (
    Database,
    DbConference,
    Document,
    display_name,
    leaked_markup,
    local_day,
    local_minute,
    normalise,
    parse_file,
)
from school_data import PRIVATE_TEXT, School

from conference_tui.export.files import ExportError
from conference_tui.export.notes import export_notes
from conference_tui.export.scope import Audience, ExportScope, Per, find_class, find_student
from conference_tui.field_kinds import Kind
from conference_tui.forms import Form
from conference_tui.store import Store


@pytest.fixture
def db(store_of_school: Store) -> Database:
    assert store_of_school.location.path is not None
    witness = Database(store_of_school.location.path)
    yield witness  # type: ignore[misc]
    witness.close()


def _stage_sections(doc: Document, start: int, level: int) -> dict[str, list]:
    """The labelled paragraphs under each heading at `level`, from block `start` until a
    heading above that level."""
    sections: dict[str, list] = {}
    current: list | None = None
    for block in doc.blocks[start:]:
        if block.kind == "heading" and (
            block.level < level or block.text in ("Goals", "Next step")
        ):
            break
        if block.kind == "heading" and block.level == level:
            current = sections.setdefault(block.text, [])
        elif block.kind == "para" and block.label is not None and current is not None:
            current.append(block)
    return sections


def assert_conference_matches(
    doc: Document,
    start: int,
    level: int,
    conference: DbConference,
    form: Form,
    audience: Audience,
) -> None:
    """Every answer of the conference the audience may see, and nothing else, under
    its stage's heading, in spiral order, with the text as the database holds it."""
    sections = _stage_sections(doc, start, level)
    expected_sections: dict[str, list[tuple[str, str, bool]]] = {}
    for stage in form.stages:
        for field in stage.fields:
            answer = conference.answers.get(field.key)
            if field.type == "habits" and conference.habits:
                value, private = ", ".join(conference.habits), bool(field.private)
                if answer is not None:
                    private = answer.private
            elif answer is not None:
                value, private = answer.value, answer.private
            else:
                continue
            if not normalise(value) or (private and audience is Audience.SHAREABLE):
                continue
            title = f"{stage.number}. {stage.title}"
            expected_sections.setdefault(title, []).append((field.label, normalise(value), private))
    assert list(sections) == list(expected_sections), "stages, in spiral order"
    for title, expected in expected_sections.items():
        found = [
            (block.label, normalise(block.text), block.after_label == "(private)")
            for block in sections[title]
        ]
        assert found == expected, title


def _conference_starts(doc: Document, level: int) -> list[int]:
    return [
        index
        for index, block in enumerate(doc.blocks)
        if block.kind == "heading"
        and block.level == level
        and block.text.startswith("Conference of")
    ]


def assert_student_section(
    doc: Document,
    db: Database,
    student_id: str,
    form: Form,
    audience: Audience,
    level: int,
    conferences: list[DbConference],
) -> None:
    starts = _conference_starts(doc, level)
    assert len(starts) == len(conferences)
    for start, conference in zip(starts, conferences, strict=True):
        heading = doc.blocks[start].text
        assert heading.startswith(f"Conference of {local_minute(conference.started_at)}")
        assert_conference_matches(doc, start + 1, level + 1, conference, form, audience)


def _export(
    store: Store,
    form: Form,
    scope: ExportScope,
    audience: Audience,
    folder: Path,
    per: Per = Per.STUDENT,
    **options: object,
) -> list[Path]:
    result = export_notes(store, form, scope, audience, folder, per, **options)  # type: ignore[arg-type]
    for path in result.files:
        assert path.parent == folder.resolve()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return list(result.files)


@pytest.mark.parametrize("audience", list(Audience))
def test_one_student_file_matches_the_database(
    school: School,
    store_of_school: Store,
    db: Database,
    form: Form,
    tmp_path: Path,
    audience: Audience,
) -> None:
    files = _export(
        store_of_school, form, ExportScope.student(school.amara.id), audience, tmp_path / "out"
    )
    assert len(files) == 1
    doc = parse_file(files[0])
    name, preferred, class_name = db.student(school.amara.id)
    assert doc.front == {
        "student": display_name(name, preferred),
        "class": class_name,
        "date": store_of_school.today().isoformat(),
        "form": form.title,
        "audience": audience.value,
        "conferences": 2,
    }
    assert files[0].name == f"amara-okafor-{store_of_school.today().isoformat()}.md"
    assert doc.headings(1) == ["Amara Okafor (Amy)"]
    conferences = db.conferences(school.amara.id)
    assert [c.id for c in conferences] == [school.amara_first, school.amara_second]
    assert_student_section(doc, db, school.amara.id, form, audience, 2, conferences)
    assert leaked_markup(doc) == set()
    assert doc.softbreaks == 0

    # The goal chain, oldest first (met, then active), and the newest next step.
    goals = [b for b in doc.blocks if b.kind == "item"]
    assert [(g.label, g.text.removeprefix(": ").rsplit(" (set ", 1)[0]) for g in goals] == [
        (status.capitalize(), text) for text, status, _, _ in db.goals(school.amara.id)
    ]
    assert [g.label for g in goals] == ["Met", "Active"]
    next_step = doc.blocks[
        doc.blocks.index(next(b for b in doc.blocks if b.text == "Next step")) + 1
    ]
    assert next_step.text.endswith("Fix paragraphing on pages 2-3")

    text = files[0].read_text(encoding="utf-8")
    assert "half-written draft" not in text
    if audience is Audience.SHAREABLE:
        assert PRIVATE_TEXT not in text
        assert "(private)" not in text
        assert "football" not in text  # the teacher's notes about the learner
    else:
        assert "Hesitant to read aloud" in text
        assert "**Interests** (private)" in text


def test_drafts_only_when_asked(
    school: School, store_of_school: Store, db: Database, form: Form, tmp_path: Path
) -> None:
    files = _export(
        store_of_school, form, ExportScope.student(school.amara.id), Audience.TEACHER,
        tmp_path / "out", include_drafts=True,
    )  # fmt: skip
    doc = parse_file(files[0])
    conferences = db.conferences(school.amara.id, drafts=True)
    assert len(conferences) == 3
    assert_student_section(doc, db, school.amara.id, form, Audience.TEACHER, 2, conferences)
    assert "Draft" in [b.text.split(" · ")[0] for b in doc.blocks if b.emphasis]


@pytest.mark.parametrize("audience", list(Audience))
def test_one_conference(
    school: School,
    store_of_school: Store,
    db: Database,
    form: Form,
    tmp_path: Path,
    audience: Audience,
) -> None:
    files = _export(
        store_of_school, form, ExportScope.conference(school.ben_only), audience, tmp_path,
        Per.CONFERENCE,
    )  # fmt: skip
    conference = db.conference(school.ben_only)
    assert [f.name for f in files] == [f"ben-li-{local_day(conference.started_at)}.md"]
    doc = parse_file(files[0])
    assert doc.front["student"] == "Ben Li"
    assert doc.front["date"] == local_day(conference.started_at)
    assert doc.headings(1) == [f"Ben Li: conference of {local_minute(conference.started_at)}"]
    assert_conference_matches(doc, 1, 2, conference, form, audience)
    goals = [b for b in doc.blocks if b.kind == "item"]
    if audience is Audience.SHAREABLE:
        # The goal was noted as private: it stays out of the goal chain too.
        assert goals == []
        assert PRIVATE_TEXT not in files[0].read_text(encoding="utf-8")
    else:
        assert [g.label for g in goals] == ["Active"]
        assert "Work on reading fluency at home" in goals[0].text
        assert goals[0].text.endswith("(private)")


@pytest.mark.parametrize("per", list(Per))
@pytest.mark.parametrize("audience", list(Audience))
def test_a_class(
    school: School,
    store_of_school: Store,
    db: Database,
    form: Form,
    tmp_path: Path,
    per: Per,
    audience: Audience,
) -> None:
    files = _export(
        store_of_school, form, ExportScope.school_class(school.period3.id), audience, tmp_path, per
    )
    today = store_of_school.today().isoformat()
    with_notes = [school.amara, school.ben]  # Carla has no conferences: no file, no section
    if per is Per.CLASS:
        assert [f.name for f in files] == [f"period-3-{today}.md"]
        doc = parse_file(files[0])
        assert doc.front["class"] == "Period 3"
        assert doc.front["students"] == ["Amara Okafor (Amy)", "Ben Li"]
        assert doc.front["conferences"] == 3
        assert doc.headings(2) == ["Amara Okafor (Amy)", "Ben Li"]
        second_student = doc.blocks.index(next(b for b in doc.blocks if b.text == "Ben Li"))
        first = Document(doc.front, doc.blocks[:second_student])
        rest = Document(doc.front, doc.blocks[second_student:])
        assert_student_section(
            first, db, school.amara.id, form, audience, 3, db.conferences(school.amara.id)
        )
        assert_student_section(
            rest, db, school.ben.id, form, audience, 3, db.conferences(school.ben.id)
        )
    elif per is Per.STUDENT:
        assert [f.name for f in files] == [f"amara-okafor-{today}.md", f"ben-li-{today}.md"]
        for path, student in zip(files, with_notes, strict=True):
            doc = parse_file(path)
            assert_student_section(
                doc, db, student.id, form, audience, 2, db.conferences(student.id)
            )
    else:
        expected = [c for s in with_notes for c in db.conferences(s.id)]
        assert len(files) == len(expected) == 3
        for path, conference in zip(files, expected, strict=True):
            doc = parse_file(path)
            assert doc.front["date"] == local_day(conference.started_at)
            assert_conference_matches(doc, 1, 2, conference, form, audience)
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert ("Carla" in text) is False
    assert (PRIVATE_TEXT in text) is (audience is Audience.TEACHER)


def test_everything_per_class(
    school: School, store_of_school: Store, form: Form, tmp_path: Path
) -> None:
    files = _export(
        store_of_school, form, ExportScope.everything(), Audience.SHAREABLE, tmp_path, Per.CLASS
    )
    assert [parse_file(f).front["class"] for f in files] == ["Period 3", "Period 4"]
    per_conference = _export(
        store_of_school,
        form,
        ExportScope.everything(),
        Audience.SHAREABLE,
        tmp_path / "c",
        Per.CONFERENCE,
    )
    assert len(per_conference) == 4


def test_running_twice_never_overwrites(
    school: School, store_of_school: Store, form: Form, tmp_path: Path
) -> None:
    scope = ExportScope.student(school.dev.id)
    first = _export(store_of_school, form, scope, Audience.SHAREABLE, tmp_path)
    first[0].write_text("the teacher edited this", encoding="utf-8")
    second = _export(store_of_school, form, scope, Audience.SHAREABLE, tmp_path)
    third = _export(store_of_school, form, scope, Audience.SHAREABLE, tmp_path)
    today = store_of_school.today().isoformat()
    assert [p.name for p in first + second + third] == [
        f"dev-patel-{today}.md",
        f"dev-patel-{today}-2.md",
        f"dev-patel-{today}-3.md",
    ]
    assert first[0].read_text(encoding="utf-8") == "the teacher edited this"


def test_a_symlink_in_the_way_is_not_followed(
    school: School, store_of_school: Store, form: Form, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / f"dev-patel-{store_of_school.today().isoformat()}.md").symlink_to(target)
    files = _export(
        store_of_school, form, ExportScope.student(school.dev.id), Audience.TEACHER, folder
    )
    assert files[0].name.endswith("-2.md")
    assert target.read_text(encoding="utf-8") == "precious"


def test_nothing_to_export_writes_nothing(
    school: School, store_of_school: Store, form: Form, tmp_path: Path
) -> None:
    result = export_notes(
        store_of_school,
        form,
        ExportScope.student(school.carla.id),
        Audience.TEACHER,
        tmp_path / "o",
    )
    assert result.files == () and result.conferences == 0
    assert not (tmp_path / "o").exists(), "a folder made for nothing"


def test_a_failed_export_leaves_nothing_behind(
    school: School, store_of_school: Store, form: Form, tmp_path: Path
) -> None:
    calls: list[int] = []

    def cancel_after_one() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(ExportError, match="cancelled"):
        export_notes(
            store_of_school, form, ExportScope.everything(), Audience.TEACHER, tmp_path / "o",
            Per.CONFERENCE, cancelled=cancel_after_one,
        )  # fmt: skip
    assert list((tmp_path / "o").iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_read_only_folder_is_a_clear_error(
    school: School, store_of_school: Store, form: Form, tmp_path: Path
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(ExportError, match="not writable"):
            export_notes(store_of_school, form, ExportScope.everything(), Audience.TEACHER, folder)
    finally:
        folder.chmod(0o700)


def test_a_file_where_the_folder_should_be_is_a_clear_error(
    school: School, store_of_school: Store, form: Form, tmp_path: Path
) -> None:
    (tmp_path / "notes").write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="not a folder"):
        export_notes(
            store_of_school, form, ExportScope.everything(), Audience.TEACHER, tmp_path / "notes"
        )
    with pytest.raises(ExportError, match="not a folder"):
        export_notes(
            store_of_school, form, ExportScope.everything(), Audience.TEACHER,
            tmp_path / "notes" / "inside",
        )  # fmt: skip


def test_finding_students_and_classes(school: School, store_of_school: Store) -> None:
    store = store_of_school
    assert find_student(store, "amara okafor").id == school.amara.id
    assert find_student(store, "AMY").id == school.amara.id
    assert find_student(store, school.ben.id).id == school.ben.id
    assert find_class(store, "period 4").id == school.period4.id
    with pytest.raises(ExportError, match="no student"):
        find_student(store, "Zed")
    with pytest.raises(ExportError, match="no class"):
        find_class(store, "Period 9")


def test_two_students_of_one_name_must_be_told_apart(sqlite_store: Store) -> None:
    first = sqlite_store.add_class("A")
    second = sqlite_store.add_class("B")
    one = sqlite_store.add_student(first.id, "Ben Li")
    sqlite_store.add_student(second.id, "ben  li")
    with pytest.raises(ExportError, match="2 students are named") as raised:
        find_student(sqlite_store, "Ben Li")
    assert one.id in str(raised.value)


def test_two_conferences_on_one_day_have_headings_of_their_own(
    sqlite_store: Store, clock: object, form: Form, tmp_path: Path
) -> None:
    """A morning and an afternoon conference about the same piece: the headings, the
    file of each and the next step's source name the time as well as the day."""
    klass = sqlite_store.add_class("7B")
    ben = sqlite_store.add_student(klass.id, "Ben Li")
    for _ in range(2):
        conference = sqlite_store.start_conference(ben.id, form.id, form.version, "clarify")
        sqlite_store.save_answer(conference.id, "clarify", "piece_title", "Kites", False)
        sqlite_store.save_answer(
            conference.id, "modify", "next_step", "Add a title", False, Kind.NEXT_STEP
        )
        sqlite_store.complete_conference(conference.id)
        clock.now += timedelta(hours=3, minutes=30)  # type: ignore[attr-defined]
    [student_file] = _export(
        sqlite_store, form, ExportScope.student(ben.id), Audience.TEACHER, tmp_path / "a"
    )
    headings = [h for h in parse_file(student_file).headings(2) if h.startswith("Conference")]
    assert len(headings) == len(set(headings)) == 2
    morning, afternoon = (c for c in sqlite_store.history(ben.id)[::-1])
    assert headings == [
        f"Conference of {local_minute(morning.started_at.isoformat())}: Kites",
        f"Conference of {local_minute(afternoon.started_at.isoformat())}: Kites",
    ]
    text = student_file.read_text(encoding="utf-8")
    assert f"From the conference of {local_minute(afternoon.started_at.isoformat())}" in text
    files = _export(
        sqlite_store, form, ExportScope.student(ben.id), Audience.TEACHER, tmp_path / "b",
        Per.CONFERENCE,
    )  # fmt: skip
    titles = [parse_file(path).headings(1)[0] for path in files]
    assert len(titles) == len(set(titles)) == 2
