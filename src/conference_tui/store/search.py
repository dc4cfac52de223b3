"""Full-text search over answers, goals and learner notes, a page at a time.

SQLite uses the FTS5 index kept in step by triggers, keyed newest first (see migration
0005), so a page reads only its own rows; other databases fall back to a
case-insensitive LIKE over the same sources.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    cast,
    column,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy.sql import Select

from conference_tui.store.base import StoreBase
from conference_tui.store.models import Answer, Conference, Goal, Student, UTCDateTime
from conference_tui.store.records import SearchFilters, SearchHit, SearchPage, SearchPosition
from conference_tui.store.text_rules import MATCH_END, MATCH_START

SNIPPET_WORDS = 12
WORD = re.compile(r"\w+", re.UNICODE)
# A screen's worth and more (a result takes two lines or more); the rest is read as the
# cursor comes near it. Each result drawn costs: 50 at a time were a third of the
# time from a word typed to its results on screen at 250,000 conferences.
PAGE_SIZE = 20
# A note's key in the index is its conference's start in whole seconds times this (see
# migration 0005, which must agree).
KEY_SPAN = 2**21

SEARCH_DOC = table(
    "search_doc",
    column("id"),
    column("kind"),
    column("student_id"),
    column("conference_id"),
    column("stage_key"),
    column("field_key"),
)
SEARCH_FTS = table("search_fts", column("rowid"), column("search_fts"))
# The columns a search reads, as plain tables: a query of these is compiled without the
# ORM's machinery, which was most of the time a first search took.
STUDENT = table("student", column("id"), column("name"), column("class_id"))
CONFERENCE = table(
    "conference", column("id"), column("started_at", UTCDateTime()), column("form_id")
)
HABIT = table("habit_observation", column("conference_id"), column("habit"))


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


def _day_end(day: date) -> datetime:
    return _day_start(day + timedelta(days=1))


def _second(moment: datetime) -> int:
    return int(moment.timestamp())


def _after_like(
    after: SearchPosition,
    started_at: Any,
    kind: ColumnElement[Any],
    ref_id: ColumnElement[Any],
) -> ColumnElement[bool]:
    """Rows after `after` in the order newest first, undated last, then kind and ref_id."""
    later_in_tie = tuple_(kind, ref_id) > tuple_(literal(after.kind), literal(after.ref_id))
    if after.when is None:
        return and_(started_at.is_(None), later_in_tie)
    return or_(
        started_at < after.when,
        and_(started_at == after.when, later_in_tie),
        started_at.is_(None),
    )


class SearchStore(StoreBase):
    def search(
        self, user_text: str, filters: SearchFilters | None = None, limit: int = 200
    ) -> list[SearchHit]:
        """Notes matching every word typed, newest first: the first `limit` of them."""
        return self.search_page(user_text, filters, limit=limit).hits

    def search_page(
        self,
        user_text: str,
        filters: SearchFilters | None = None,
        *,
        after: SearchPosition | None = None,
        limit: int = PAGE_SIZE,
    ) -> SearchPage:
        """One page of the notes matching every word typed, newest first (learner notes
        and goals set outside a conference last): the first page, or the one that
        follows `after` (the `next_page` of the page before, with the same words and
        filters). A note written meanwhile never shifts a later page."""
        filters = filters or SearchFilters()
        if not WORD.search(user_text) or limit < 1:
            return SearchPage([], None)
        if self.dialect == "sqlite":
            return self._search_fts(user_text, filters, after, limit)
        return self._search_like(user_text, filters, after, limit)

    @staticmethod
    def _filtered(
        query: Select[Any],
        filters: SearchFilters,
        *,
        class_id: Any,
        started_at: Any,
        conference_id: ColumnElement[Any],
    ) -> Select[Any]:
        if filters.class_id:
            query = query.where(class_id == filters.class_id)
        if filters.since:
            query = query.where(started_at >= _day_start(filters.since))
        if filters.until:
            query = query.where(started_at < _day_end(filters.until))
        if filters.habit:
            query = query.where(
                select(HABIT.c.habit)
                .where(HABIT.c.conference_id == conference_id, HABIT.c.habit == filters.habit)
                .exists()
            )
        return query

    def _search_fts(
        self, user_text: str, filters: SearchFilters, after: SearchPosition | None, limit: int
    ) -> SearchPage:
        key = SEARCH_FTS.c.rowid
        query: Select[Any] = (
            select(
                SEARCH_DOC.c.kind,
                SEARCH_DOC.c.student_id,
                STUDENT.c.name,
                STUDENT.c.class_id,
                SEARCH_DOC.c.conference_id,
                SEARCH_DOC.c.stage_key,
                SEARCH_DOC.c.field_key,
                CONFERENCE.c.started_at,
                func.snippet(
                    literal_column("search_fts"), 0, MATCH_START, MATCH_END, "…", SNIPPET_WORDS
                ),
                CONFERENCE.c.form_id,
                key,
            )
            .select_from(SEARCH_FTS)
            .join(SEARCH_DOC, SEARCH_DOC.c.id == key)
            .join(STUDENT, STUDENT.c.id == SEARCH_DOC.c.student_id)
            .outerjoin(CONFERENCE, CONFERENCE.c.id == SEARCH_DOC.c.conference_id)
            .where(SEARCH_FTS.c.search_fts.match(fts_query(user_text)))
        )
        query = self._filtered(
            query,
            filters,
            class_id=STUDENT.c.class_id,
            started_at=CONFERENCE.c.started_at,
            conference_id=SEARCH_DOC.c.conference_id,
        )
        # The same dates as a range of keys (see migration 0005), so that FTS5 itself
        # skips the notes outside it; a dated filter leaves out the undated notes.
        if filters.since:
            query = query.where(key >= max(0, _second(_day_start(filters.since))) * KEY_SPAN)
        if filters.until:
            query = query.where(key < max(0, _second(_day_end(filters.until))) * KEY_SPAN)
        if after is not None:
            query = query.where(key < after.key)
        # Ordered by the index's own key: FTS5 yields matches in that order and the
        # query stops after the page, however many notes match.
        query = query.order_by(key.desc()).limit(limit + 1)
        with self._read() as session:
            rows = session.execute(query).all()
        hits = [self._hit(*row[:-1]) for row in rows[:limit]]
        more = len(rows) > limit
        return SearchPage(hits, SearchPosition(key=rows[limit - 1][-1]) if more else None)

    def _search_like(
        self, user_text: str, filters: SearchFilters, after: SearchPosition | None, limit: int
    ) -> SearchPage:
        words = WORD.findall(user_text)

        # `_` is a word character but also LIKE's one-character wildcard: match it literally.
        patterns = ["%" + w.replace("_", "\\_") + "%" for w in words]

        def every_word(text: Any) -> ColumnElement[bool]:
            return and_(*(cast(text, String).ilike(p, escape="\\") for p in patterns))

        # Each kind of note carries its student's name and class and its conference's
        # time itself: joined again outside the union, the tables' row-level security
        # (a school server) made the planner compare every hit with every conference.
        answers: Select[*tuple[Any, ...]] = (
            select(
                literal("answer").label("kind"),
                Answer.id.label("ref_id"),
                Conference.student_id.label("student_id"),
                Student.name.label("name"),
                Student.class_id.label("class_id"),
                Answer.conference_id.label("conference_id"),
                Answer.stage_key.label("stage_key"),
                Answer.field_key.label("field_key"),
                Conference.started_at.label("started_at"),
                Answer.value.label("body"),
                Conference.form_id.label("form_id"),
            )
            .join(Conference, Conference.id == Answer.conference_id)
            .join(Student, Student.id == Conference.student_id)
            .where(every_word(Answer.value))
        )
        goals = (
            select(
                literal("goal"),
                Goal.id,
                Goal.student_id,
                Student.name,
                Student.class_id,
                Goal.set_by_conference_id,
                literal(""),
                literal("goal"),
                null().label("started_at"),
                Goal.text,
                literal(None, String),
            )
            .join(Student, Student.id == Goal.student_id)
            .where(every_word(Goal.text), Goal.set_by_conference_id.is_(None))
        )
        notes = (
            Student.name
            + " "
            + Student.preferred_name
            + " "
            + Student.interests
            + " "
            + Student.strengths
            + " "
            + Student.needs
        )
        students = select(
            literal("student"),
            Student.id,
            Student.id,
            Student.name,
            Student.class_id,
            literal(None, String),
            literal(""),
            literal(""),
            null().label("started_at"),
            notes,
            literal(None, String),
        ).where(every_word(notes))
        hits = union_all(answers, goals, students).subquery("hits")
        started_at = hits.c.started_at
        query: Select[Any] = select(
            hits.c.kind,
            hits.c.student_id,
            hits.c.name,
            hits.c.class_id,
            hits.c.conference_id,
            hits.c.stage_key,
            hits.c.field_key,
            started_at,
            hits.c.body,
            hits.c.form_id,
            hits.c.ref_id,
        )
        query = self._filtered(
            query,
            filters,
            class_id=hits.c.class_id,
            started_at=started_at,
            conference_id=hits.c.conference_id,
        )
        if after is not None:
            query = query.where(_after_like(after, started_at, hits.c.kind, hits.c.ref_id))
        # The kind and reference break ties, so that every row has one place in the order.
        query = query.order_by(started_at.desc().nulls_last(), hits.c.kind, hits.c.ref_id).limit(
            limit + 1
        )
        with self._read() as session:
            rows = session.execute(query).all()
        page = []
        for kind, student, name, class_id, conference, stage, field, when, body, form, _ in rows[
            :limit
        ]:
            snippet = highlight(body, words)
            page.append(
                self._hit(
                    kind, student, name, class_id, conference, stage, field, when, snippet, form
                )
            )
        if len(rows) <= limit:
            return SearchPage(page, None)
        last = rows[limit - 1]
        return SearchPage(page, SearchPosition(when=last[7], kind=last[0], ref_id=last[-1]))

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
        form_id: str | None = None,
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
            form_id=form_id or "",
        )


__all__ = ["PAGE_SIZE", "SearchStore", "fts_query"]
