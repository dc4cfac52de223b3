"""Test helpers: read an exported Markdown file as a renderer would, and read the
database as SQLite holds it, so that the two can be compared line by line.

The Markdown side uses markdown-it (CommonMark plus GFM tables and strikethrough,
and front matter): what it finds is what a reader sees. The database side uses
the sqlite3 module directly, not the store, so it is an independent witness.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

PARSER = MarkdownIt("commonmark").use(front_matter_plugin).enable(["table", "strikethrough"])
# Token types our renderer itself produces; anything else came from escaped text leaking.
ALLOWED_BLOCK = {
    "front_matter", "heading_open", "heading_close", "paragraph_open", "paragraph_close",
    "inline", "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close",
}  # fmt: skip
ALLOWED_INLINE = {"text", "hardbreak", "strong_open", "strong_close", "em_open", "em_close"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalise(text: str) -> str:
    """Text as a reader compares it: line breaks kept, runs of spaces as one, control
    characters gone, blank lines at either end dropped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


@dataclass
class Block:
    kind: str  # "heading", "para" or "item"
    level: int = 0
    text: str = ""
    label: str | None = None  # a paragraph or item that starts with **label**
    after_label: str = ""  # in a paragraph, what follows the label on its line: "(private)"
    emphasis: bool = False  # a paragraph that is one *...* run


@dataclass
class Document:
    front: dict[str, Any]
    blocks: list[Block]
    token_types: set[str] = field(default_factory=set)
    softbreaks: int = 0

    def headings(self, level: int | None = None) -> list[str]:
        return [
            b.text
            for b in self.blocks
            if b.kind == "heading" and (level is None or b.level == level)
        ]


def _inline(children: list[Token], doc: Document) -> tuple[str, str | None, bool]:
    """(text after any leading **label**, the label, whether it is one *...* run)."""
    parts: list[str] = []
    label: str | None = None
    in_strong = False
    strong: list[str] = []
    # markdown-it puts an empty text token before a leading delimiter run.
    children = [c for c in children if not (c.type == "text" and c.content == "")]
    for index, child in enumerate(children):
        doc.token_types.add(child.type)
        if child.type == "strong_open" and index == 0:
            in_strong = True
        elif child.type == "strong_close" and in_strong:
            in_strong = False
            label = "".join(strong)
        elif child.type == "text":
            (strong if in_strong else parts).append(child.content)
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "softbreak":
            doc.softbreaks += 1
            parts.append("\n")
    text = "".join(parts)
    emphasis = bool(children) and children[0].type == "em_open" and children[-1].type == "em_close"
    return text, label, emphasis


def parse(markdown: str) -> Document:
    tokens = PARSER.parse(markdown)
    doc = Document(front={}, blocks=[])
    in_item = False
    for index, token in enumerate(tokens):
        doc.token_types.add(token.type)
        if token.type == "front_matter":
            for line in token.content.splitlines():
                key, _, value = line.partition(": ")
                doc.front[key] = json.loads(value)
        elif token.type == "list_item_open":
            in_item = True
        elif token.type == "list_item_close":
            in_item = False
        elif token.type == "inline":
            opener = tokens[index - 1]
            text, label, emphasis = _inline(token.children or [], doc)
            if opener.type == "heading_open":
                doc.blocks.append(Block("heading", int(opener.tag[1]), text))
            elif in_item:
                doc.blocks.append(Block("item", text=text, label=label))
            elif label is not None:
                # A labelled answer: "**Label** (private)" on the first line, the answer after.
                first, _, rest = text.partition("\n")
                doc.blocks.append(Block("para", text=rest, label=label, after_label=first.strip()))
            else:
                doc.blocks.append(Block("para", text=text, emphasis=emphasis))
    return doc


def parse_file(path: Path) -> Document:
    return parse(path.read_text(encoding="utf-8"))


def leaked_markup(doc: Document) -> set[str]:
    """Token types the renderer never makes itself: proof that escaping failed."""
    return doc.token_types - ALLOWED_BLOCK - ALLOWED_INLINE


# -- the database, read directly ------------------------------------------------------


def _utc(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    return datetime.fromisoformat(raw).replace(tzinfo=UTC)


def local_day(raw: str) -> str:
    moment = _utc(raw)
    assert moment is not None
    return moment.astimezone().date().isoformat()


def local_minute(raw: str) -> str:
    """The day and time a conference heading names, read independently of the exporter."""
    moment = _utc(raw)
    assert moment is not None
    local = moment.astimezone()
    return f"{local.date().isoformat()} {local.hour:02d}:{local.minute:02d}"


@dataclass(frozen=True)
class DbAnswer:
    stage_key: str
    field_key: str
    value: str
    private: bool


@dataclass(frozen=True)
class DbConference:
    id: str
    student_id: str
    status: str
    started_at: str
    piece_title: str
    answers: dict[str, DbAnswer]
    habits: tuple[str, ...]


class Database:
    """Rows straight from the SQLite file."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path)

    def close(self) -> None:
        self.connection.close()

    def conferences(self, student_id: str, *, drafts: bool = False) -> list[DbConference]:
        status = "" if drafts else " AND status = 'complete'"
        rows = self.connection.execute(
            "SELECT id, student_id, status, started_at, piece_title FROM conference "
            f"WHERE student_id = ?{status} ORDER BY started_at, id",
            (student_id,),
        ).fetchall()
        return [self.conference(row[0]) for row in rows]

    def conference(self, conference_id: str) -> DbConference:
        cid, student_id, status, started_at, piece = self.connection.execute(
            "SELECT id, student_id, status, started_at, piece_title FROM conference WHERE id = ?",
            (conference_id,),
        ).fetchone()
        answers = {
            field_key: DbAnswer(stage_key, field_key, value, bool(private))
            for stage_key, field_key, value, private in self.connection.execute(
                "SELECT stage_key, field_key, value, private FROM answer WHERE conference_id = ?",
                (cid,),
            )
        }
        habits = tuple(
            sorted(
                h
                for (h,) in self.connection.execute(
                    "SELECT habit FROM habit_observation WHERE conference_id = ?", (cid,)
                )
            )
        )
        return DbConference(cid, student_id, status, started_at, piece, answers, habits)

    def student(self, student_id: str) -> tuple[str, str, str]:
        """(name, preferred name, class name)."""
        row = self.connection.execute(
            "SELECT s.name, s.preferred_name, c.name FROM student s "
            "JOIN school_class c ON c.id = s.class_id WHERE s.id = ?",
            (student_id,),
        ).fetchone()
        return str(row[0]), str(row[1]), str(row[2])

    def goals(self, student_id: str) -> list[tuple[str, str, str | None, str | None]]:
        """(text, status, set_by_conference_id, closed_by_conference_id), oldest first."""
        return list(
            self.connection.execute(
                "SELECT text, status, set_by_conference_id, closed_by_conference_id FROM goal "
                "WHERE student_id = ? ORDER BY set_at",
                (student_id,),
            )
        )


def display_name(name: str, preferred: str) -> str:
    return f"{name} ({preferred})" if preferred and preferred != name else name
