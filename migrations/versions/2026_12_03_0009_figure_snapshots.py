"""figure snapshots: every figure computed once per data version and shared

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:30:00

Written by hand and checked against the models by tests/integration/test_migrations.py.

- ``figure_snapshot``: the figures of the whole system and of every partner, theme,
  area and community, computed once for a data version, day and no-recent-update
  threshold, and read by every process when Redis is not configured
  (tracker/figures explains). A row is claimed (inserted) before it is computed,
  so the unique constraint lets one process compute it at a time; ``computed_at`` is
  indexed because readers look for the latest finished snapshot.

Downgrading drops the table: snapshots are a copy of what the records say and are
computed again on demand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "figure_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("no_recent_update_days", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("figures", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_snapshot")),
        sa.UniqueConstraint(
            "data_version",
            "as_of",
            "no_recent_update_days",
            name=op.f("uq_figure_snapshot_data_version"),
        ),
    )
    with op.batch_alter_table("figure_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_figure_snapshot_computed_at"), ["computed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("figure_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_snapshot_computed_at"))

    op.drop_table("figure_snapshot")
