"""Each class may name the form `n` starts: a class that confers with the quick
compliment form every day need not pick it every time. Empty: the app's default
(config.toml's default_form).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "school_class", sa.Column("default_form", sa.String(), nullable=False, server_default="")
    )


def downgrade() -> None:
    # SQLite drops a column in place (3.35+); a batch copy of school_class would break
    # the students' foreign keys.
    op.execute("ALTER TABLE school_class DROP COLUMN default_form")
