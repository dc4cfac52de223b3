"""The tables. Every key is a UUID string so that two laptops' records merge cleanly."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import FetchedValue, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite keeps no zone, PostgreSQL gets one anyway."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(MappedAsDataclass, DeclarativeBase, kw_only=True, eq=False):
    """A row is made as a dataclass is (its id and defaults set as it is made, before
    it is written) and compared by identity, as the session compares it. SQLModel
    built the same tables as pydantic models too: a third of the store's loading time,
    which a teacher's first `n` waited for. Each table says kw_only again, for mypy:
    its keys are made as the row is, and come before the columns that must be given."""


def _utc(*, nullable: bool = False) -> Any:
    """A moment in UTC: given as the row is made, or (nullable) None until it is set."""
    if nullable:
        return mapped_column(UTCDateTime(), nullable=True, default=None)
    return mapped_column(UTCDateTime(), nullable=False)


def _key(*, foreign: str | None = None, index: bool = False) -> Any:
    """A UUID key: this table's own (made as the row is) or one it refers to."""
    if foreign is None:
        return mapped_column(String(36), primary_key=True, default_factory=new_id)
    return mapped_column(String(36), ForeignKey(foreign), index=index)


class SchoolClass(Base, kw_only=True):
    __tablename__ = "school_class"

    id: Mapped[str] = _key()
    name: Mapped[str]
    school_year: Mapped[str] = mapped_column(default="")
    archived: Mapped[bool] = mapped_column(default=False)
    # The form `n` starts for this class's students; "" for the app's default.
    default_form: Mapped[str] = mapped_column(default="", server_default="")
    created_at: Mapped[datetime] = _utc()
    updated_at: Mapped[datetime] = _utc()
    # The teacher's PostgreSQL role, filled by the server (current_user) when a class is
    # added; "local" in a SQLite file. Row-level security on a school server lets a role
    # see only the classes it owns or that are shared with it (migration 0007).
    owner: Mapped[str | None] = mapped_column(
        String, nullable=False, server_default=FetchedValue(), default=None
    )


class ClassShare(Base, kw_only=True):
    """A class shared with a co-teacher's role, who then reads and writes it as its owner."""

    __tablename__ = "class_share"

    class_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("school_class.id"), primary_key=True
    )
    teacher: Mapped[str] = mapped_column(primary_key=True)
    shared_by: Mapped[str | None] = mapped_column(
        String, nullable=False, server_default=FetchedValue(), default=None
    )


class Student(Base, kw_only=True):
    __tablename__ = "student"
    __table_args__ = (Index("ix_student_class_name", "class_id", "archived", "name"),)

    id: Mapped[str] = _key()
    class_id: Mapped[str] = _key(foreign="school_class.id")
    name: Mapped[str]
    preferred_name: Mapped[str] = mapped_column(default="")
    interests: Mapped[str] = mapped_column(default="")
    strengths: Mapped[str] = mapped_column(default="")
    needs: Mapped[str] = mapped_column(default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = _utc()
    updated_at: Mapped[datetime] = _utc()


class Conference(Base, kw_only=True):
    __tablename__ = "conference"
    __table_args__ = (
        Index("ix_conference_student_started", "student_id", "started_at"),
        Index("ix_conference_started", "started_at"),
        Index("ix_conference_follow_up", "follow_up_on"),
        Index("ix_conference_group", "group_id"),
        # One open draft per student and form: a partial index, WHERE status = 'draft',
        # made by migration 0006 on both backends (which make the schema; this model
        # never creates it). Its `postgresql_where` is left out here: naming it loads
        # SQLAlchemy's whole PostgreSQL dialect (2 MiB, 25 ms) into every app on SQLite.
        Index(
            "uq_conference_one_draft",
            "student_id",
            "form_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[str] = _key()
    student_id: Mapped[str] = _key(foreign="student.id")
    form_id: Mapped[str]
    form_version: Mapped[int]
    status: Mapped[str] = mapped_column(default="draft")
    started_at: Mapped[datetime] = _utc()
    ended_at: Mapped[datetime | None] = _utc(nullable=True)
    updated_at: Mapped[datetime] = _utc()
    amended_at: Mapped[datetime | None] = _utc(nullable=True)
    piece_title: Mapped[str] = mapped_column(default="")
    genre: Mapped[str] = mapped_column(default="")
    process_stage: Mapped[str] = mapped_column(default="")
    follow_up_on: Mapped[date | None] = mapped_column(default=None)
    # Where the teacher was, so that an interrupted draft reopens exactly there.
    current_stage: Mapped[str] = mapped_column(default="")
    current_field: Mapped[str] = mapped_column(default="")
    elapsed_seconds: Mapped[int] = mapped_column(default=0)
    # A small-group conference: one conference per member, all with the same group id
    # (migration 0011); None for a conference with one student.
    group_id: Mapped[str | None] = mapped_column(String(36), default=None)
    # Which copy of the app has this draft open, and when it last saved: a second copy
    # that opens it is told. Local state of this database, left out of archives.
    editor_id: Mapped[str] = mapped_column(default="", server_default="")
    editor_seen_at: Mapped[datetime | None] = _utc(nullable=True)


class Answer(Base, kw_only=True):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("conference_id", "field_key", name="uq_answer_field"),)

    id: Mapped[str] = _key()
    conference_id: Mapped[str] = _key(foreign="conference.id", index=True)
    stage_key: Mapped[str]
    field_key: Mapped[str]
    value: Mapped[str] = mapped_column(default="")
    private: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = _utc()
    # What the store does with the answer beyond keeping it (field_kinds.Kind: the goal
    # it sets, the follow-up date...), "" for none: found by kind, never by key.
    kind: Mapped[str] = mapped_column(default="", server_default="")
    # Written by the student on their turn at the keyboard (the last words saved).
    by_student: Mapped[bool] = mapped_column(default=False, server_default=false())
    # One more on every change: a save made from an older version was made without
    # seeing this one, and is refused (see ConferenceStore.save_answers).
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class AnswerRevision(Base, kw_only=True):
    """The text an answer held before a completed conference was amended."""

    __tablename__ = "answer_revision"

    id: Mapped[str] = _key()
    answer_id: Mapped[str] = _key(foreign="answer.id", index=True)
    conference_id: Mapped[str] = _key(foreign="conference.id", index=True)
    field_key: Mapped[str]
    value: Mapped[str]
    private: Mapped[bool]
    replaced_at: Mapped[datetime] = _utc()


class HabitObservation(Base, kw_only=True):
    __tablename__ = "habit_observation"

    conference_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("conference.id"), primary_key=True
    )
    habit: Mapped[str] = mapped_column(primary_key=True)


class Goal(Base, kw_only=True):
    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_student_status", "student_id", "status"),)

    id: Mapped[str] = _key()
    student_id: Mapped[str] = _key(foreign="student.id")
    text: Mapped[str]
    status: Mapped[str] = mapped_column(default="active")
    set_by_conference_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("conference.id"), index=True, default=None
    )
    closed_by_conference_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("conference.id"), index=True, default=None
    )
    set_at: Mapped[datetime] = _utc()
    closed_at: Mapped[datetime | None] = _utc(nullable=True)
