"""A small-group conference: each member keeps a conference of their own (their
history, the roster's last seen, search and exports read it as any other), and the
members' conferences share a group id.

A column rather than a table of groups: a group is nothing but its members'
conferences, and the conference table's row-level security on a school server
(migration 0007) already covers the column, where a new table would need a policy of
its own.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conference", sa.Column("group_id", sa.String(length=36), nullable=True))
    op.create_index("ix_conference_group", "conference", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_conference_group", table_name="conference")
    op.execute("ALTER TABLE conference DROP COLUMN group_id")
