"""second factor: encrypted secrets, and the secret being set up kept server-side

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00

Written by hand and checked against the models by tests/integration/test_migrations.py.

- ``user_account.totp_secret`` grows from 64 to 255 characters, to hold a Fernet
  token (about 140 characters) instead of the base32 secret.
- ``user_account`` gains ``totp_pending_secret`` and ``totp_pending_expires_at``: the
  secret being set up, encrypted, until the person proves their app holds it. It used
  to wait in the session cookie, which is signed but readable.

Nothing is encrypted here: the key is in the environment (TOTP_ENCRYPTION_KEY), not
in the database. Secrets stored before stay readable and are encrypted when next
used, or all at once by ``tracker encrypt-two-factor-secrets``
(tracker/manage/two_factor_keys.py explains).

Downgrading cannot decrypt either, and the code before this revision cannot read an
encrypted secret or a keyed recovery code hash: so downgrade removes those (the
people concerned sign in with their password and, where their role needs it, set up
two-step verification again), and keeps secrets and codes still stored the old way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret",
            existing_type=sa.String(length=64),
            type_=sa.String(length=255),
            existing_nullable=True,
        )
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("totp_pending_expires_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    user_account = sa.table(
        "user_account",
        sa.column("id", sa.Integer()),
        sa.column("totp_secret", sa.String()),
        sa.column("totp_enabled_at", sa.DateTime(timezone=True)),
        sa.column("totp_last_step", sa.Integer()),
    )
    recovery_code = sa.table("recovery_code", sa.column("code_hash", sa.String()))
    # Encrypted secrets are Fernet tokens, longer than any base32 secret stored before.
    op.execute(
        user_account.update()
        .where(sa.func.length(user_account.c.totp_secret) > 64)
        .values(totp_secret=None, totp_enabled_at=None, totp_last_step=None)
    )
    op.execute(recovery_code.delete().where(recovery_code.c.code_hash.like("hmac-sha256$%")))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_pending_expires_at")
        batch_op.drop_column("totp_pending_secret")
        batch_op.alter_column(
            "totp_secret",
            existing_type=sa.String(length=255),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
