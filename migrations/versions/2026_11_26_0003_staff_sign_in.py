"""staff sign-in: lockout, session revocation and failures by address

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 17:20:00

Written by hand and checked against the models by tests/integration/test_migrations.py.
``user_account`` gains the per-account lockout and a session generation that
signing out moves on (ending every session of the account); ``sign_in_failure``
keeps wrong passwords by client address for the per-address limit (rows are
pruned after the limiting window).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        # The server default fills existing accounts; SQLite adds these columns in
        # place, so the table (and audit_event's foreign key to it) is not copied.
        batch_op.add_column(
            sa.Column("failed_sign_in_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )

    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_in_failure_address", ["client_address", "occurred_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_failure_occurred_at"), ["occurred_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_occurred_at"))
        batch_op.drop_index("ix_sign_in_failure_address")
    op.drop_table("sign_in_failure")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_sign_in_count")
