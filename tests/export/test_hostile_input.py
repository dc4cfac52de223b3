"""Names and notes that try to break out: of the folder, of the Markdown, of privacy."""

from __future__ import annotations

import itertools
import stat
from pathlib import Path

import pytest
from export_oracle import leaked_markup, normalise, parse, parse_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from school_data import hold_conference

from conference_tui.export.files import slugify
from conference_tui.export.markdown import escape_heading, escape_lines, hard_breaks, yaml_string
from conference_tui.export.notes import export_notes
from conference_tui.export.scope import Audience, ExportScope, Per
from conference_tui.forms import Form
from conference_tui.store import Store
from conference_tui.store.text_rules import check_text

HOSTILE_NAMES = [
    "../x",
    "../../etc/passwd",
    "CON",
    "nul",
    "#",
    "...",
    "🙂🙂",
    "# Heading",
    "[a](javascript:alert(1))",
    "<script>alert(1)</script>",
    "Émile Zoë",
    "محمد علي",
    "\u202eevil\u202c.md",
    "---",
    "a/b\\c",
    "- [ ] * _x_ `y` | z |",
    "name: value\n",
    '"quoted" \\ backslash',
]

# Characters with a meaning somewhere in Markdown, YAML or HTML, mixed with any text.
MARKUP = st.sampled_from([*"#>-+*=_`~[]()<>&|\\!:.0123456789 \t\n\r{}$^\"'", "---", "```"])
NOTE_TEXT = st.lists(MARKUP | st.characters(codec="utf-8"), max_size=60).map("".join)
NAME_TEXT = (
    st.lists(MARKUP | st.characters(codec="utf-8"), min_size=1, max_size=30)
    .map("".join)
    .map(lambda text: " ".join(text.split()))
    .filter(lambda text: bool(text) and not any(ord(c) < 32 or ord(c) == 127 for c in text))
)
FAST = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_student_names(sqlite_store: Store, form: Form, tmp_path: Path, name: str) -> None:
    school_class = sqlite_store.add_class(name.strip() or "x")
    cleaned = " ".join(name.split())
    student = sqlite_store.add_student(school_class.id, cleaned, cleaned)
    hold_conference(sqlite_store, form, student.id, {"purpose": name, "next_step": name})
    folder = tmp_path / "out"
    written = []
    for per in Per:
        result = export_notes(
            sqlite_store, form, ExportScope.everything(), Audience.TEACHER, folder, per
        )
        written += result.files
    assert {path.parent for path in written} == {folder.resolve()}
    assert sorted(folder.iterdir()) == sorted(written)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not path.name.startswith(".")
        # Windows refuses CON, CON.md, con.anything: the part before the first dot.
        assert path.name.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}
        doc = parse_file(path)
        assert leaked_markup(doc) == set()
        assert doc.softbreaks == 0
        # Names render as the same characters, in our own headings only.
        assert (
            normalise(cleaned)
            in [normalise(h) for h in doc.headings()]
            + [normalise(h.split(" (")[0]) for h in doc.headings()]
            or per is Per.CLASS
        )
        assert doc.front.get("student", cleaned).startswith(cleaned)
        # The front matter is data (quoted strings); the body is what gets rendered.
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        assert "<script>" not in body
        assert "](javascript:" not in body


def test_a_name_like_a_heading_is_text(sqlite_store: Store, form: Form, tmp_path: Path) -> None:
    school_class = sqlite_store.add_class("K")
    student = sqlite_store.add_student(school_class.id, "# Heading")
    hold_conference(sqlite_store, form, student.id, {"purpose": "# Heading\n<script>x</script>"})
    result = export_notes(
        sqlite_store, form, ExportScope.student(student.id), Audience.TEACHER, tmp_path
    )
    doc = parse_file(result.files[0])
    assert doc.headings(1) == ["# Heading"]  # our title, whose text is the name as typed
    purpose = next(b for b in doc.blocks if b.label == "Purpose, in the student's words")
    assert purpose.text == "# Heading\n<script>x</script>"
    text = result.files[0].read_text(encoding="utf-8")
    assert "\\# Heading\\\n&lt;script&gt;x&lt;/script&gt;" in text
    assert result.files[0].name.startswith("heading-")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("../x", "x"),
        ("CON", "con-student"),
        ("#", "student"),
        ("🙂", "student"),
        ("Émile Zoë", "émile-zoë"),
        ("محمد علي", "محمد-علي"),
        ("\u202eevil\u202c", "evil"),
        ("a" * 300, "a" * 80),
        ("日本語の名前" * 20, ("日本語の名前" * 20)[:26]),
    ],
)
def test_slugs(name: str, slug: str) -> None:
    assert slugify(name, "student") == slug
    assert len(slug.encode("utf-8")) <= 80


@given(text=NOTE_TEXT)
@settings(max_examples=200, deadline=None)
def test_any_note_renders_as_exactly_its_characters(text: str) -> None:
    markdown = hard_breaks(["**Label**", *escape_lines(text)])
    doc = parse(markdown + "\n")
    assert leaked_markup(doc) == set(), markdown
    assert doc.softbreaks == 0
    blocks = [b for b in doc.blocks if b.kind == "para"]
    assert len(blocks) == 1 and blocks[0].label == "Label", markdown
    assert normalise(blocks[0].text) == normalise(text)


@given(text=NAME_TEXT)
@settings(max_examples=200, deadline=None)
def test_any_name_is_one_heading_of_its_characters(text: str) -> None:
    doc = parse(f"## {escape_heading(text)}\n")
    assert leaked_markup(doc) == set()
    assert [(b.kind, normalise(b.text)) for b in doc.blocks] == [("heading", normalise(text))]


@given(text=NOTE_TEXT)
@settings(max_examples=200, deadline=None)
def test_front_matter_values_are_json_and_one_line(text: str) -> None:
    import json

    quoted = yaml_string(text)
    assert "\n" not in quoted and "\r" not in quoted and "\u2028" not in quoted
    assert json.loads(quoted) == text


_counter = itertools.count()


@given(private=NOTE_TEXT, shared=NOTE_TEXT)
@FAST
def test_a_shareable_export_never_holds_a_private_note(
    sqlite_store: Store, form: Form, tmp_path: Path, private: str, shared: str
) -> None:
    """Each private note starts with a marker that nothing else can produce, so that any
    trace of it in a file (raw or rendered) is found, whatever random text follows."""
    n = next(_counter)
    marker = f"zqprivate{n}zq"
    school_class = sqlite_store.add_class(f"Class {n}")
    student = sqlite_store.add_student(school_class.id, "Student")
    private_fields = ("research_notes", "teacher_notes", "goal", "next_step", "piece_title")
    answers: dict[str, str | tuple[str, bool]] = {
        key: (f"{marker}{key} {private}", True) for key in private_fields
    }
    answers["purpose"] = shared
    hold_conference(sqlite_store, form, student.id, answers)
    for per in Per:
        result = export_notes(
            sqlite_store, form, ExportScope.school_class(school_class.id), Audience.SHAREABLE,
            tmp_path / f"out{n}", per,
        )  # fmt: skip
        assert len(result.files) == 1
        text = result.files[0].read_text(encoding="utf-8")
        doc = parse(text)
        rendered = "\n".join(b.text for b in doc.blocks) + str(doc.front)
        assert marker not in text and marker not in rendered
        assert "(private)" not in text
        if normalise(check_text(shared)):
            purpose = [b for b in doc.blocks if b.label == "Purpose, in the student's words"]
            # The export shows the note as the store keeps it (control characters pictured).
            assert [normalise(b.text) for b in purpose] == [normalise(check_text(shared))]
