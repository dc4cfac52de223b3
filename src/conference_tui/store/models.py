"""The tables. Every key is a UUID string so that two laptops' records merge cleanly."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, FetchedValue, Index, String, UniqueConstraint, false, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, SQLModel


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


def _utc_column(nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str
    school_year: str = ""
    archived: bool = False
    # The form `n` starts for this class's students; "" for the app's default.
    default_form: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime = _utc_column()
    updated_at: datetime = _utc_column()
    # The teacher's PostgreSQL role, filled by the server (current_user) when a class is
    # added; "local" in a SQLite file. Row-level security on a school server lets a role
    # see only the classes it owns or that are shared with it (migration 0007).
    owner: str | None = Field(
        default=None, sa_column=Column(String, nullable=False, server_default=FetchedValue())
    )


class ClassShare(SQLModel, table=True):
    """A class shared with a co-teacher's role, who then reads and writes it as its owner."""

    __tablename__ = "class_share"

    class_id: str = Field(foreign_key="school_class.id", primary_key=True, max_length=36)
    teacher: str = Field(primary_key=True)
    shared_by: str | None = Field(
        default=None, sa_column=Column(String, nullable=False, server_default=FetchedValue())
    )


class Student(SQLModel, table=True):
    __tablename__ = "student"
    __table_args__ = (Index("ix_student_class_name", "class_id", "archived", "name"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    class_id: str = Field(foreign_key="school_class.id", max_length=36)
    name: str
    preferred_name: str = ""
    interests: str = ""
    strengths: str = ""
    needs: str = ""
    archived: bool = False
    created_at: datetime = _utc_column()
    updated_at: datetime = _utc_column()


class Conference(SQLModel, table=True):
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

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    student_id: str = Field(foreign_key="student.id", max_length=36)
    form_id: str
    form_version: int
    status: str = "draft"
    started_at: datetime = _utc_column()
    ended_at: datetime | None = _utc_column(nullable=True)
    updated_at: datetime = _utc_column()
    amended_at: datetime | None = _utc_column(nullable=True)
    piece_title: str = ""
    genre: str = ""
    process_stage: str = ""
    follow_up_on: date | None = None
    # Where the teacher was, so that an interrupted draft reopens exactly there.
    current_stage: str = ""
    current_field: str = ""
    elapsed_seconds: int = 0
    # A small-group conference: one conference per member, all with the same group id
    # (migration 0011); None for a conference with one student.
    group_id: str | None = Field(default=None, max_length=36, nullable=True)
    # Which copy of the app has this draft open, and when it last saved: a second copy
    # that opens it is told. Local state of this database, left out of archives.
    editor_id: str = Field(default="", sa_column_kwargs={"server_default": ""})
    editor_seen_at: datetime | None = _utc_column(nullable=True)


class Answer(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("conference_id", "field_key", name="uq_answer_field"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    conference_id: str = Field(foreign_key="conference.id", max_length=36, index=True)
    stage_key: str
    field_key: str
    value: str = ""
    private: bool = False
    updated_at: datetime = _utc_column()
    # What the store does with the answer beyond keeping it (field_kinds.Kind: the goal
    # it sets, the follow-up date...), "" for none: found by kind, never by key.
    kind: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # Written by the student on their turn at the keyboard (the last words saved).
    by_student: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # One more on every change: a save made from an older version was made without
    # seeing this one, and is refused (see ConferenceStore.save_answers).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class AnswerRevision(SQLModel, table=True):
    """The text an answer held before a completed conference was amended."""

    __tablename__ = "answer_revision"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    answer_id: str = Field(foreign_key="answer.id", max_length=36, index=True)
    conference_id: str = Field(foreign_key="conference.id", max_length=36, index=True)
    field_key: str
    value: str
    private: bool
    replaced_at: datetime = _utc_column()


class HabitObservation(SQLModel, table=True):
    __tablename__ = "habit_observation"

    conference_id: str = Field(foreign_key="conference.id", primary_key=True, max_length=36)
    habit: str = Field(primary_key=True)


class Goal(SQLModel, table=True):
    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_student_status", "student_id", "status"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    student_id: str = Field(foreign_key="student.id", max_length=36)
    text: str
    status: str = "active"
    set_by_conference_id: str | None = Field(
        default=None, foreign_key="conference.id", max_length=36, index=True
    )
    closed_by_conference_id: str | None = Field(
        default=None, foreign_key="conference.id", max_length=36, index=True
    )
    set_at: datetime = _utc_column()
    closed_at: datetime | None = _utc_column(nullable=True)
