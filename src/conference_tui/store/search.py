"""Full-text search over answers, goals and learner notes.

SQLite uses the FTS5 index kept in step by triggers (see migration 0002); other
databases fall back to a case-insensitive LIKE over the same sources.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, literal, select, text, union_all
from sqlalchemy.sql import Select
from sqlmodel import col

from conference_tui.store.base import StoreBase
from conference_tui.store.models import Answer, Conference, Goal, HabitObservation, Student
from conference_tui.store.records import MATCH_END, MATCH_START, SearchFilters, SearchHit

SNIPPET_WORDS = 12
WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(user_text: str) -> str:
    """Words the teacher typed as an FTS5 query: every word must match, the last as a prefix
    so that results appear while typing. Operators and quotes are neutralised."""
    words = WORD.findall(user_text)
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def highlight(body: str, words: list[str], width: int = 80) -> str:
    """A window of `body` around the first match, matches bracketed like FTS5's snippet."""
    lowered = body.casefold()
    positions = [lowered.find(w.casefold()) for w in words if w]
    found = [p for p in positions if p >= 0]
    start = max(0, min(found) - width // 3) if found else 0
    window = body[start : start + width]
    for w in sorted({w for w in words if w}, key=len, reverse=True):
        window = re.sub(
            re.escape(w), lambda m: f"{MATCH_START}{m.group(0)}{MATCH_END}", window, flags=re.I
        )
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(body) else ""
    return prefix + " ".join(window.split()) + suffix


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone(UTC)


class SearchStore(StoreBase):
    def search(
        self, user_text: str, filters: SearchFilters | None = None, limit: int = 200
    ) -> list[SearchHit]:
        """Notes matching every word typed, newest first."""
        filters = filters or SearchFilters()
        if not WORD.search(user_text):
            return []
        if self.dialect == "sqlite":
            return self._search_fts(user_text, filters, limit)
        return self._search_like(user_text, filters, limit)

    def _filtered(
        self, query: Select[Any], filters: SearchFilters, conference_id: ColumnElement[Any]
    ) -> Select[Any]:
        if filters.class_id:
            query = query.where(col(Student.class_id) == filters.class_id)
        if filters.since:
            query = query.where(col(Conference.started_at) >= _day_start(filters.since))
        if filters.until:
            query = query.where(
                col(Conference.started_at) < _day_start(filters.until + timedelta(days=1))
            )
        if filters.habit:
            query = query.where(
                select(col(HabitObservation.habit))
                .where(
                    col(HabitObservation.conference_id) == conference_id,
                    col(HabitObservation.habit) == filters.habit,
                )
                .exists()
            )
        return query

    def _search_fts(self, user_text: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
        match = fts_query(user_text)
        sql = (
            text(
                "SELECT d.kind, d.student_id, d.conference_id, d.stage_key, d.field_key, "
                f"snippet(search_fts, 0, '{MATCH_START}', '{MATCH_END}', '…', {SNIPPET_WORDS}) "
                "AS snip FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid "
                "WHERE search_fts MATCH :match"
            )
            .columns(
                kind=String,
                student_id=String,
                conference_id=String,
                stage_key=String,
                field_key=String,
                snip=String,
            )
            .subquery("hits")
        )
        query = (
            select(
                sql.c.kind,
                sql.c.student_id,
                col(Student.name),
                col(Student.class_id),
                sql.c.conference_id,
                sql.c.stage_key,
                sql.c.field_key,
                col(Conference.started_at),
                sql.c.snip,
            )
            .join(Student, col(Student.id) == sql.c.student_id)
            .outerjoin(Conference, col(Conference.id) == sql.c.conference_id)
        )
        query = self._filtered(query, filters, sql.c.conference_id)
        query = query.order_by(col(Conference.started_at).desc().nulls_last()).limit(limit)
        with self._read() as session:
            rows = session.execute(query, {"match": match}).all()
        return [self._hit(*row) for row in rows]

    def _search_like(self, user_text: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
        words = WORD.findall(user_text)

        # `_` is a word character but also LIKE's one-character wildcard: match it literally.
        patterns = ["%" + w.replace("_", "\\_") + "%" for w in words]

        def every_word(column: Any) -> ColumnElement[bool]:
            return and_(*(cast(column, String).ilike(p, escape="\\") for p in patterns))

        answers: Select[*tuple[Any, ...]] = (
            select(
                literal("answer").label("kind"),
                col(Conference.student_id).label("student_id"),
                col(Answer.conference_id).label("conference_id"),
                col(Answer.stage_key).label("stage_key"),
                col(Answer.field_key).label("field_key"),
                col(Answer.value).label("body"),
            )
            .join(Conference, col(Conference.id) == Answer.conference_id)
            .where(every_word(col(Answer.value)))
        )
        goals = select(
            literal("goal"),
            col(Goal.student_id),
            col(Goal.set_by_conference_id),
            literal(""),
            literal("goal"),
            col(Goal.text),
        ).where(every_word(col(Goal.text)), col(Goal.set_by_conference_id).is_(None))
        notes = (
            col(Student.name)
            + " "
            + col(Student.preferred_name)
            + " "
            + col(Student.interests)
            + " "
            + col(Student.strengths)
            + " "
            + col(Student.needs)
        )
        students = select(
            literal("student"),
            col(Student.id),
            literal(None, String),
            literal(""),
            literal(""),
            notes,
        ).where(every_word(notes))
        hits = union_all(answers, goals, students).subquery("hits")
        query = (
            select(
                hits.c.kind,
                hits.c.student_id,
                col(Student.name),
                col(Student.class_id),
                hits.c.conference_id,
                hits.c.stage_key,
                hits.c.field_key,
                col(Conference.started_at),
                hits.c.body,
            )
            .join(Student, col(Student.id) == hits.c.student_id)
            .outerjoin(Conference, col(Conference.id) == hits.c.conference_id)
        )
        query = self._filtered(query, filters, hits.c.conference_id)
        query = query.order_by(col(Conference.started_at).desc().nulls_last()).limit(limit)
        with self._read() as session:
            rows = session.execute(query).all()
        return [
            self._hit(kind, student, name, class_id, conference, stage, field, when, snippet)
            for kind, student, name, class_id, conference, stage, field, when, body in rows
            for snippet in (highlight(body, words),)
        ]

    @staticmethod
    def _hit(
        kind: str,
        student_id: str,
        name: str,
        class_id: str,
        conference_id: str | None,
        stage_key: str,
        field_key: str,
        when: datetime | None,
        snippet: str,
    ) -> SearchHit:
        return SearchHit(
            kind=kind,
            student_id=student_id,
            student_name=name,
            class_id=class_id,
            conference_id=conference_id,
            stage_key=stage_key or "",
            field_key=field_key or "",
            when=when,
            snippet=snippet or "",
        )


__all__ = ["SearchStore", "fts_query"]
