"""Notes as a self-contained HTML page a family can open and print.

The page shows what `selection` chooses for the audience, as Markdown does: the
next step and goals first (what a family asks about), then each conference. It
holds no script and loads nothing: its only style is one inline stylesheet,
allowed by its hash in a Content-Security-Policy that forbids everything else.

Every piece of text from a person or a form file goes through `html.escape`
(quotes too) and lands only between tags, never in an attribute, a URL or the
stylesheet; the attributes the page has are fixed words of this module. Text
elements carry dir="auto", so a right-to-left name or note runs right to left.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape

from conference_tui.export.scope import StudentNotes
from conference_tui.export.selection import (
    RenderContext,
    ShownNote,
    ShownRubricRow,
    conference_sections,
    conference_summary,
    conference_title,
    learner_notes,
    local_minute,
    newest_next_step,
    shown_goals,
    text_lines,
)
from conference_tui.store.records import ExportConference
from conference_tui.store.roster_records import ClassInfo

PRIVATE_LABEL = "Private: teacher only"

STYLESHEET = """
:root { color-scheme: light dark; --ink: #1b1b1f; --paper: #ffffff; --soft: #5a5a66;
  --line: #d5d5de; --accent: #1d4f91; --private-ink: #7a2e00; --private-paper: #fff4e5; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #ececf1; --paper: #17171c; --soft: #a9a9b6; --line: #3a3a46;
    --accent: #8cb8ff; --private-ink: #ffc48a; --private-paper: #2e2214; }
}
@media print {
  :root { color-scheme: light; --ink: #000000; --paper: #ffffff; --soft: #444444;
    --line: #999999; --accent: #000000; --private-ink: #000000; --private-paper: #ffffff; }
}
* { box-sizing: border-box; }
html { background: var(--paper); color: var(--ink); }
body { margin: 0 auto; padding: 1.5rem; max-width: 46rem;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; }
body, h1, h2, h3, h4, p, li, dd, dt { overflow-wrap: anywhere; word-break: break-word; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; color: var(--accent);
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
h4 { font-size: 1rem; margin: .75rem 0 0; }
p { margin: .25rem 0; }
.text { white-space: pre-wrap; unicode-bidi: plaintext; }
.meta, .summary, .from { color: var(--soft); }
.audience { font-weight: bold; }
.goals li { margin: .25rem 0; }
.rubric { border-collapse: collapse; margin: .25rem 0; }
.rubric th, .rubric td { border: 1px solid var(--line); padding: .15rem .5rem;
  text-align: left; vertical-align: top; }
.private { border-left: .3rem solid var(--private-ink); background: var(--private-paper);
  padding: .1rem .6rem; margin: .5rem 0; }
.private-mark { color: var(--private-ink); font-size: .85rem; font-weight: bold;
  text-transform: uppercase; letter-spacing: .03em; }
@page { size: auto; margin: 15mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .student + .student { break-before: page; }
  h1, h2, h3, h4 { break-after: avoid; }
  .note, .goals li { break-inside: avoid; }
}
"""
# The stylesheet's hash lets the browser apply it while the policy refuses any other.
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLESHEET.encode("utf-8")).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; script-src 'none'; "
    "img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; "
    "form-action 'none'"
)


def _text(text: str) -> str:
    """A person's text, escaped, in its own direction, its lines kept."""
    lines = "\n".join(text_lines(text))
    return f'<p class="text" dir="auto">{escape(lines)}</p>'


def _inline(text: str) -> str:
    """A short piece of a person's text (a name, a title), escaped, in its own direction."""
    return f'<span dir="auto">{escape(" ".join(text.split()))}</span>'


def _private_mark(private: bool, ctx: RenderContext) -> str:
    if private and ctx.shows_private:
        return f' <span class="private-mark">{PRIVATE_LABEL}</span>'
    return ""


def _note(note: ShownNote, ctx: RenderContext) -> str:
    css = "note private" if note.private and ctx.shows_private else "note"
    body = _rubric_table(note.rubric) if note.rubric else _text(note.text)
    return (
        f'<div class="{css}"><h4>{_inline(note.label)}{_private_mark(note.private, ctx)}</h4>'
        f"{body}</div>"
    )


def _cell(text: str) -> str:
    lines = "\n".join(text_lines(text))
    return f'<td class="text" dir="auto">{escape(lines) or "—"}</td>'


def _rubric_table(rows: Sequence[ShownRubricRow]) -> str:
    """A rubric's criteria: the teacher's level and the student's own side by side."""
    body = "".join(
        f"<tr>{_cell(row.criterion)}{_cell(row.teacher)}{_cell(row.student)}{_cell(row.note)}</tr>"
        for row in rows
    )
    return (
        '<table class="rubric"><thead><tr><th>Criterion</th><th>Teacher</th>'
        f"<th>Student's own</th><th>Note</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _conference(conference: ExportConference, heading: str, ctx: RenderContext) -> str:
    parts = [
        f'<section class="conference">{heading}',
        f'<p class="summary">{escape(" · ".join(conference_summary(conference)))}</p>',
    ]
    for section in conference_sections(conference, ctx):
        parts.append(f"<h3>{_inline(section.title)}</h3>")
        parts.extend(_note(note, ctx) for note in section.notes)
    parts.append("</section>")
    return "\n".join(parts)


def _next_step(notes: StudentNotes, ctx: RenderContext) -> str:
    step = newest_next_step(notes.conferences, ctx)
    if step is None:
        return ""
    css = "next-step private" if step.private and ctx.shows_private else "next-step"
    return (
        f'<section class="{css}"><h2>Next step{_private_mark(step.private, ctx)}</h2>'
        f'<p class="from">From the conference of {escape(step.day)}</p>'
        f"{_text(step.text)}</section>"
    )


def _goals(notes: StudentNotes, ctx: RenderContext) -> str:
    shown = shown_goals(notes, ctx)
    if not shown:
        return ""
    items = []
    for goal in shown:
        css = ' class="private"' if goal.private and ctx.shows_private else ""
        items.append(
            f"<li{css}><strong>{escape(goal.goal.status.capitalize())}</strong>"
            f"{_private_mark(goal.private, ctx)}{_text(goal.goal.text)}"
            f'<span class="meta">{escape(goal.dates)}</span></li>'
        )
    return '<section class="goals"><h2>Goals</h2><ul>' + "".join(items) + "</ul></section>"


def _learner(notes: StudentNotes, ctx: RenderContext) -> str:
    shown = learner_notes(notes, ctx)
    if not shown:
        return ""
    return (
        f"<section><h2>About the learner{_private_mark(True, ctx)}</h2>"
        + "".join(_note(note, ctx) for note in shown)
        + "</section>"
    )


def _class_line(school_class: ClassInfo) -> str:
    year = f" ({_inline(school_class.school_year)})" if school_class.school_year else ""
    return f"{_inline(school_class.name)}{year}"


def _audience_line(ctx: RenderContext) -> str:
    if ctx.shows_private:
        return (
            '<p class="audience">For the teacher: private notes are included, each marked '
            f"“{PRIVATE_LABEL}”. Do not share this page.</p>"
        )
    return '<p class="audience">Notes to share with the student and family.</p>'


def _student(notes: StudentNotes, ctx: RenderContext, *, one_conference: bool) -> str:
    """One student's part of a page: an <article> that starts a printed page."""
    student = notes.student
    heading = _inline(student.display_name)
    if one_conference:
        heading += f": conference of {escape(local_minute(notes.conferences[0].started_at))}"
    parts = [
        '<article class="student">',
        f'<header><h1 dir="auto">{heading}</h1>',
        f'<p class="meta">Class: {_class_line(notes.school_class)} · '
        f"exported {escape(ctx.exported_on.isoformat())}</p>",
        f"{_audience_line(ctx)}</header>",
        _next_step(notes, ctx),
        _goals(notes, ctx),
        _learner(notes, ctx),
    ]
    for conference in notes.conferences:
        if one_conference:
            heading = "<h2>The conference</h2>"
        else:
            heading = f"<h2>{_inline(conference_title(conference, ctx))}</h2>"
        parts.append(_conference(conference, heading, ctx))
    parts.append("</article>")
    return "\n".join(part for part in parts if part)


def page_start(title: str) -> str:
    """The start of a page, up to its first student."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(' '.join(title.split()))}</title>\n"
        f"<style>{STYLESHEET}</style>\n</head>\n<body>\n<main>\n"
    )


PAGE_END = "</main>\n</body>\n</html>\n"


def _page(title: str, articles: Sequence[str]) -> str:
    return page_start(title) + "\n".join(articles) + "\n" + PAGE_END


def render_conference_file(notes: StudentNotes, ctx: RenderContext) -> str:
    """A page for the one conference in `notes`."""
    day = local_minute(notes.conferences[0].started_at)
    title = f"{notes.student.display_name}: conference of {day}"
    return _page(title, [_student(notes, ctx, one_conference=True)])


def render_student_file(notes: StudentNotes, ctx: RenderContext) -> str:
    """A page for one student: every conference in the export, oldest first."""
    return _page(notes.student.display_name, [_student(notes, ctx, one_conference=False)])


def class_file_start(school_class: ClassInfo) -> str:
    """The start of a class's page: students follow one at a time (`class_file_student`),
    each on a new printed page, so a class of any size fits in memory."""
    return page_start(school_class.name)


def class_file_student(notes: StudentNotes, ctx: RenderContext) -> str:
    """One student's part of a class's page."""
    return _student(notes, ctx, one_conference=False) + "\n"


CLASS_FILE_END = PAGE_END
