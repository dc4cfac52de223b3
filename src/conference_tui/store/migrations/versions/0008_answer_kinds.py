"""Each answer keeps its field's kind: what the store does with it beyond keeping it.

The goal a conference sets, its next step, its follow-up date and the habits noticed
were found by the keys of the shipped form (`goal`, `next_step`...), so a teacher's
own form that keyed its goal field otherwise set no goal. The form now names a
field's kind (its type or role) and every answer is saved with it; the roster, the
history, exports and archives read answers by kind.

The answers already stored were read by those keys, and are given the kinds the keys
stood for: nothing reads differently after the upgrade.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The shipped form's keys the app read these meanings from, as of this revision (frozen
# here: field_kinds may gain kinds later, which no old answer has).
KINDS_BY_KEY = ("goal", "next_step", "follow_up", "habits", "strength", "teaching_point")


def upgrade() -> None:
    op.add_column("answer", sa.Column("kind", sa.String(), nullable=False, server_default=""))
    on_server = op.get_bind().dialect.name == "postgresql"
    if on_server:
        # Row-level security (forced since 0007) would hide from the upgrading role the
        # rows of every class it does not own; the table's owner may lift it meanwhile.
        op.execute("ALTER TABLE answer NO FORCE ROW LEVEL SECURITY")
    op.execute(
        sa.text("UPDATE answer SET kind = field_key WHERE field_key IN :keys").bindparams(
            sa.bindparam("keys", list(KINDS_BY_KEY), expanding=True)
        )
    )
    if on_server:
        op.execute("ALTER TABLE answer FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    op.execute("ALTER TABLE answer DROP COLUMN kind")
