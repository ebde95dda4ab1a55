"""list indexes: the filters and orders of the public lists and the scorecards' short lists

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:10:00

Written by hand and checked against the models by tests/integration/test_migrations.py.
Each index matches the order of a list, with the reference number that breaks ties,
so a page (or a short list of five) is read from the index in order and the
database stops after its rows instead of sorting every match. docs/query-plans.md
shows the query each one serves and the plan PostgreSQL chooses with it.

- ``commitment (committed_on, number)``: ``/we-will`` newest first, whatever the filter.
- ``commitment (target_date, number)``: ``/we-will?sort=target-date``, the "due within"
  filter, and a slice's most overdue commitments.
- ``commitment (last_update_on, number)``: the home page's recently updated commitments.
- ``commitment (issue_id, status)``: whether an issue has a commitment, and an open
  one, for its response state (each list row, the Awaiting response filter, and the
  issues waiting longest), without reading the commitments themselves.
- ``issue (raised_on, number)``: ``/you-said`` newest first, and the issues waiting
  longest for a response.
- ``engagement (started_on, number)``: ``/engagements``, most recent first.

The tables are analysed afterwards on PostgreSQL, so the planner knows the new
indexes' sizes before the first list is read (autovacuum would, later).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index("ix_commitment_committed_on_number", ["committed_on", "number"])
        batch_op.create_index("ix_commitment_target_date_number", ["target_date", "number"])
        batch_op.create_index("ix_commitment_last_update_on_number", ["last_update_on", "number"])
        batch_op.create_index("ix_commitment_issue_status", ["issue_id", "status"])
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.create_index("ix_issue_raised_on_number", ["raised_on", "number"])
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_started_on_number", ["started_on", "number"])
    if op.get_bind().dialect.name == "postgresql":
        for table in ("commitment", "issue", "engagement"):
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index("ix_engagement_started_on_number")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index("ix_issue_raised_on_number")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_issue_status")
        batch_op.drop_index("ix_commitment_last_update_on_number")
        batch_op.drop_index("ix_commitment_target_date_number")
        batch_op.drop_index("ix_commitment_committed_on_number")
