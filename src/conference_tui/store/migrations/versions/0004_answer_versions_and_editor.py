"""Answer versions, and which copy of the app has a draft open.

Two copies of the app (a second terminal, a second laptop on the school server) could
each save the same field of one draft, and the later save silently replaced the
earlier. Each answer now carries a version that every change moves on; a save made
from an older version is refused and the teacher shown both texts. A conference
records the copy that has it open and when that copy last saved, so that a second
copy opening it is told at once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns with defaults: a plain ALTER TABLE on both backends, no table copy.
    op.add_column("answer", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column(
        "conference", sa.Column("editor_id", sa.String(), nullable=False, server_default="")
    )
    op.add_column("conference", sa.Column("editor_seen_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conference") as batch:
        batch.drop_column("editor_seen_at")
        batch.drop_column("editor_id")
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("version")
