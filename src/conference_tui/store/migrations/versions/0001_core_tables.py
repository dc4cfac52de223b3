"""Core tables: classes, students, conferences, answers, goals, habits.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id(name: str = "id", *args: object, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.String(36), *args, **kwargs)


def upgrade() -> None:
    op.create_table(
        "school_class",
        _id(primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("school_year", sa.String(), nullable=False, server_default=""),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "student",
        _id(primary_key=True),
        _id("class_id", sa.ForeignKey("school_class.id"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("preferred_name", sa.String(), nullable=False, server_default=""),
        sa.Column("interests", sa.String(), nullable=False, server_default=""),
        sa.Column("strengths", sa.String(), nullable=False, server_default=""),
        sa.Column("needs", sa.String(), nullable=False, server_default=""),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_student_class_name", "student", ["class_id", "archived", "name"])
    op.create_table(
        "conference",
        _id(primary_key=True),
        _id("student_id", sa.ForeignKey("student.id"), nullable=False),
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False, server_default="draft"),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("amended_at", sa.DateTime(), nullable=True),
        sa.Column("piece_title", sa.String(), nullable=False, server_default=""),
        sa.Column("genre", sa.String(), nullable=False, server_default=""),
        sa.Column("process_stage", sa.String(), nullable=False, server_default=""),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("current_stage", sa.String(), nullable=False, server_default=""),
        sa.Column("current_field", sa.String(), nullable=False, server_default=""),
        sa.Column("elapsed_seconds", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_conference_student_started", "conference", ["student_id", "started_at"])
    op.create_index("ix_conference_started", "conference", ["started_at"])
    op.create_index("ix_conference_follow_up", "conference", ["follow_up_on"])
    op.create_table(
        "answer",
        _id(primary_key=True),
        _id("conference_id", sa.ForeignKey("conference.id"), nullable=False),
        sa.Column("stage_key", sa.String(), nullable=False),
        sa.Column("field_key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False, server_default=""),
        sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("conference_id", "field_key", name="uq_answer_field"),
    )
    op.create_index("ix_answer_conference_id", "answer", ["conference_id"])
    op.create_table(
        "answer_revision",
        _id(primary_key=True),
        _id("answer_id", sa.ForeignKey("answer.id"), nullable=False),
        _id("conference_id", sa.ForeignKey("conference.id"), nullable=False),
        sa.Column("field_key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_answer_revision_answer_id", "answer_revision", ["answer_id"])
    op.create_index("ix_answer_revision_conference_id", "answer_revision", ["conference_id"])
    op.create_table(
        "habit_observation",
        _id("conference_id", sa.ForeignKey("conference.id"), primary_key=True),
        sa.Column("habit", sa.String(), primary_key=True),
    )
    op.create_table(
        "goal",
        _id(primary_key=True),
        _id("student_id", sa.ForeignKey("student.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False, server_default="active"),
        _id("set_by_conference_id", sa.ForeignKey("conference.id"), nullable=True),
        _id("closed_by_conference_id", sa.ForeignKey("conference.id"), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_goal_student_status", "goal", ["student_id", "status"])
    op.create_index("ix_goal_set_by_conference_id", "goal", ["set_by_conference_id"])


def downgrade() -> None:
    for table in (
        "goal",
        "habit_observation",
        "answer_revision",
        "answer",
        "conference",
        "student",
        "school_class",
    ):
        op.drop_table(table)
