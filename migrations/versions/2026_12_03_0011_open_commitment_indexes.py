"""open commitment indexes: the scorecards' short lists and the Overdue list read in order

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:00:00

Written by hand and checked against the models by tests/integration/test_migrations.py.
Two partial indexes hold only the open commitments (neither Delivered nor Not going
ahead), the ones the Overdue and No recent update filters can select, so a short list
of five reads five entries from the start of its index instead of sorting every
match; one index replaces 0010's ``commitment (committed_on, number)``, adding the
two columns the Overdue filter tests. docs/query-plans.md shows the plans.

- ``commitment (coalesce(last_update_on, committed_on), number)`` where open: a
  slice's No recent update commitments, longest without an update first (the
  expression is :func:`tracker.rules.last_activity_on_clause`).
- ``commitment (target_date, number)`` where open: a slice's most overdue
  commitments, and the count of ``/we-will?status=overdue``.
- ``commitment (committed_on, number, target_date, status)``: ``/we-will`` newest
  first, as before; under the Overdue filter the skipped commitments are judged
  from the index alone.

The condition names the closed statuses as stored (``tracker.rules.CLOSED_STATUSES``).
The table is analysed afterwards on PostgreSQL, so the planner knows the new indexes
before the first page is read.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status NOT IN ('delivered', 'not_going_ahead')"


def _partial(name: str, columns: list[sa.TextClause | str]) -> None:
    op.create_index(
        name,
        "commitment",
        columns,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def upgrade() -> None:
    _partial(
        "ix_commitment_open_last_activity",
        [sa.text("coalesce(last_update_on, committed_on)"), "number"],
    )
    _partial("ix_commitment_open_target_date", ["target_date", "number"])
    op.create_index(
        "ix_commitment_committed_on_listed",
        "commitment",
        ["committed_on", "number", "target_date", "status"],
    )
    op.drop_index("ix_commitment_committed_on_number", table_name="commitment")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE commitment")


def downgrade() -> None:
    op.create_index("ix_commitment_committed_on_number", "commitment", ["committed_on", "number"])
    op.drop_index("ix_commitment_committed_on_listed", table_name="commitment")
    op.drop_index("ix_commitment_open_target_date", table_name="commitment")
    op.drop_index("ix_commitment_open_last_activity", table_name="commitment")
