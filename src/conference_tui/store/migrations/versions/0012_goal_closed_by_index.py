"""An index on goal (closed_by_conference_id), beside the one on set_by_conference_id.

The history shows each conference with the goals it set or closed (`goals_touching`:
set_by = ? OR closed_by = ?). With only the first column indexed SQLite cannot use
either for the OR and read the whole goal table for every conference shown: 8 ms at
250,000 conferences, 0.8 at 25,000, growing with the school's every goal. So did the
check that an empty conference closed no goal before it is discarded.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEX = "ix_goal_closed_by_conference_id"


def upgrade() -> None:
    op.create_index(INDEX, "goal", ["closed_by_conference_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="goal")
