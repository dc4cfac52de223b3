"""Every class has an owner, and on a school server each teacher sees only their own.

`school_class.owner` is the PostgreSQL role of the teacher the class belongs to: the
server fills it with `current_user` when a class is added, and this upgrade gives every
existing class to the role that runs it (a single teacher's database stays theirs).
`class_share` lists co-teachers' roles. Students, conferences, answers, revisions,
habits and goals follow their class.

On PostgreSQL the server enforces it, whatever SQL a connection sends: row-level
security, forced on the tables' owner too, lets a role read and write the rows of the
classes it owns or that are shared with it, nothing else. Each table's policy looks at
its parent row only (a student's class, a conference's student, an answer's
conference), and the parent's own policy applies inside that look, so the one rule
about classes decides everything below it. Superusers and BYPASSRLS roles see all, as
PostgreSQL always lets them. The search on PostgreSQL reads these tables, so it finds
only what the role may read; it costs more than without the policies (measured at
5,000 conferences on a loaded machine: a common word 1.6 s for a teacher, 0.3 s for
a superuser; opening a conference 57 ms and 42 ms). The store's connections turn
PostgreSQL's JIT off: the policies' cost estimates made it compile every query, 27 s
for that search.

The group roles (teacher, coach, admin), their grants and the coach's and admin's
policies need roles that only `conference-tui server init` may create; it adds them
(store/school.py).

In a SQLite file nothing is enforced: every class is owned by "local".

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (table, the policy's condition): the first rule decides, each other follows a parent.
# A few students and classes: a set the server hashes once per query. Many conferences:
# looked up one by one by primary key, so that opening or saving one conference costs
# the same whatever the teacher's history (a hashed set of every conference of the
# teacher cost 15 ms a statement at 5,000 conferences).
OWNERSHIP_POLICIES = (
    (
        "school_class",
        "owner = current_user OR id IN (SELECT s.class_id FROM class_share s"
        " WHERE s.teacher = current_user)",
    ),
    ("student", "class_id IN (SELECT c.id FROM school_class c)"),
    ("conference", "student_id IN (SELECT s.id FROM student s)"),
    ("answer", "EXISTS (SELECT 1 FROM conference k WHERE k.id = answer.conference_id)"),
    (
        "answer_revision",
        "EXISTS (SELECT 1 FROM conference k WHERE k.id = answer_revision.conference_id)",
    ),
    (
        "habit_observation",
        "EXISTS (SELECT 1 FROM conference k WHERE k.id = habit_observation.conference_id)",
    ),
    ("goal", "student_id IN (SELECT s.id FROM student s)"),
)

# A share is seen by the teacher it names and by whoever gave it; only a class's owner
# gives one (an admin may too: server init adds that policy). No policy reads
# school_class in the reading rule, which school_class's own rule reads.
SHARE_POLICIES = (
    "CREATE POLICY share_seen ON class_share FOR SELECT"
    " USING (teacher = current_user OR shared_by = current_user)",
    "CREATE POLICY share_given ON class_share FOR INSERT WITH CHECK (shared_by = current_user"
    " AND EXISTS (SELECT 1 FROM school_class c WHERE c.id = class_id AND c.owner = current_user))",
    "CREATE POLICY share_taken_back ON class_share FOR DELETE"
    " USING (teacher = current_user OR shared_by = current_user)",
)


def _who() -> sa.TextClause:
    """Who a new row belongs to: the connected role on a server, "local" in a file."""
    return (
        sa.text("CURRENT_USER")
        if op.get_bind().dialect.name == "postgresql"
        else sa.text("'local'")
    )


def upgrade() -> None:
    # A default evaluated once for the rows already there: the upgrading role's.
    op.add_column(
        "school_class", sa.Column("owner", sa.String(), nullable=False, server_default=_who())
    )
    op.create_table(
        "class_share",
        sa.Column(
            "class_id",
            sa.String(length=36),
            sa.ForeignKey("school_class.id"),
            primary_key=True,
        ),
        sa.Column("teacher", sa.String(), primary_key=True),
        sa.Column("shared_by", sa.String(), nullable=False, server_default=_who()),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("ix_class_share_teacher", "class_share", ["teacher"])
    op.create_index("ix_school_class_owner", "school_class", ["owner"])
    for table, condition in OWNERSHIP_POLICIES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_of_my_classes ON {table} USING ({condition})")
    op.execute("ALTER TABLE class_share ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE class_share FORCE ROW LEVEL SECURITY")
    for statement in SHARE_POLICIES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _condition in OWNERSHIP_POLICIES:
            op.execute(f"DROP POLICY IF EXISTS {table}_of_my_classes ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_table("class_share")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_school_class_owner", table_name="school_class")
    # SQLite drops a column in place (3.35+); a batch copy of school_class would break
    # the students' foreign keys.
    op.execute("ALTER TABLE school_class DROP COLUMN owner")
