"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 23:48:35.896705
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["area.id"], name=op.f("fk_area_parent_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("slug", name=op.f("uq_area_slug")),
    )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "community",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community")),
        sa.UniqueConstraint("name", name=op.f("uq_community_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_community_slug")),
    )
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "icb",
                "nhs_trust",
                "local_authority",
                "primary_care",
                "healthwatch",
                "vcfs",
                "other",
                name=None,
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("name", name=op.f("uq_partner_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_partner_slug")),
    )
    op.create_table(
        "reference_counter",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_reference_counter")),
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("name", name=op.f("uq_theme_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_theme_slug")),
    )
    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "community_conversation",
                "survey",
                "healthwatch_report",
                "citizens_panel",
                "event",
                "focus_group",
                "other",
                name=None,
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("organising_partner_id", sa.Integer(), nullable=True),
        sa.Column("participant_count", sa.Integer(), nullable=True),
        sa.Column("write_up_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_engagement_area_id_area")),
        sa.ForeignKeyConstraint(
            ["organising_partner_id"],
            ["partner.id"],
            name=op.f("fk_engagement_organising_partner_id_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement")),
        sa.UniqueConstraint("number", name=op.f("uq_engagement_number")),
    )
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagement_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_engagement_organising_partner_id"),
            ["organising_partner_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_engagement_started_on"), ["started_on"], unique=False)

    op.create_table(
        "issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=True),
        sa.Column("lead_partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_partner_id"], ["partner.id"], name=op.f("fk_issue_lead_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue")),
        sa.UniqueConstraint("number", name=op.f("uq_issue_number")),
    )
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issue_lead_partner_id"), ["lead_partner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_issue_raised_on"), ["raised_on"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "engagement",
                "partner",
                name=None,
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_user_account_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_audit_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("success_measure", sa.Text(), nullable=False),
        sa.Column("accountable_role", sa.String(length=200), nullable=False),
        sa.Column("committed_on", sa.Date(), nullable=False),
        sa.Column("original_target_date", sa.Date(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "in_progress",
                "delivered",
                "delayed",
                "not_going_ahead",
                name=None,
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("last_update_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issue.id"], name=op.f("fk_commitment_issue_id_issue")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_commitment_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment")),
        sa.UniqueConstraint("number", name=op.f("uq_commitment_number")),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_issue_id"), ["issue_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commitment_last_update_on"), ["last_update_on"], unique=False
        )
        batch_op.create_index(
            "ix_commitment_partner_status", ["partner_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_commitment_status_target_date", ["status", "target_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commitment_target_date"), ["target_date"], unique=False
        )

    op.create_table(
        "engagement_community",
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_engagement_community_community_id_community"),
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_engagement_community_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "engagement_id", "community_id", name=op.f("pk_engagement_community")
        ),
    )
    with op.batch_alter_table("engagement_community", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_engagement_community_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "issue_area",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_issue_area_area_id_area")),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_area_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "area_id", name=op.f("pk_issue_area")),
    )
    with op.batch_alter_table("issue_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_area_area_id"), ["area_id"], unique=False)

    op.create_table(
        "issue_community",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_issue_community_community_id_community"),
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_community_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "community_id", name=op.f("pk_issue_community")),
    )
    with op.batch_alter_table("issue_community", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issue_community_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "issue_engagement",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_issue_engagement_engagement_id_engagement"),
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_engagement_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "engagement_id", name=op.f("pk_issue_engagement")),
    )
    with op.batch_alter_table("issue_engagement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issue_engagement_engagement_id"), ["engagement_id"], unique=False
        )

    op.create_table(
        "issue_supporting_partner",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_supporting_partner_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_issue_supporting_partner_partner_id_partner"),
        ),
        sa.PrimaryKeyConstraint("issue_id", "partner_id", name=op.f("pk_issue_supporting_partner")),
    )
    with op.batch_alter_table("issue_supporting_partner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issue_supporting_partner_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "issue_theme",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_theme_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["theme.id"], name=op.f("fk_issue_theme_theme_id_theme")
        ),
        sa.PrimaryKeyConstraint("issue_id", "theme_id", name=op.f("pk_issue_theme")),
    )
    with op.batch_alter_table("issue_theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issue_theme_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "commitment_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column(
            "previous_status",
            sa.Enum(
                "not_started",
                "in_progress",
                "delivered",
                "delayed",
                "not_going_ahead",
                name=None,
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "new_status",
            sa.Enum(
                "not_started",
                "in_progress",
                "delivered",
                "delayed",
                "not_going_ahead",
                name=None,
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("progress_percent", sa.Integer(), nullable=True),
        sa.Column("previous_target_date", sa.Date(), nullable=True),
        sa.Column("new_target_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("evidence_links", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_commitment_update_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_update_commitment_id_commitment"),
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["user_account.id"],
            name=op.f("fk_commitment_update_hidden_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_update")),
    )
    with op.batch_alter_table("commitment_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commitment_update_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_commitment_update_commitment_posted", ["commitment_id", "posted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commitment_update_posted_at"), ["posted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("commitment_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_update_posted_at"))
        batch_op.drop_index("ix_commitment_update_commitment_posted")
        batch_op.drop_index(batch_op.f("ix_commitment_update_author_id"))

    op.drop_table("commitment_update")
    with op.batch_alter_table("issue_theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_theme_theme_id"))

    op.drop_table("issue_theme")
    with op.batch_alter_table("issue_supporting_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_supporting_partner_partner_id"))

    op.drop_table("issue_supporting_partner")
    with op.batch_alter_table("issue_engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_engagement_engagement_id"))

    op.drop_table("issue_engagement")
    with op.batch_alter_table("issue_community", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_community_community_id"))

    op.drop_table("issue_community")
    with op.batch_alter_table("issue_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_area_area_id"))

    op.drop_table("issue_area")
    with op.batch_alter_table("engagement_community", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_community_community_id"))

    op.drop_table("engagement_community")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_target_date"))
        batch_op.drop_index("ix_commitment_status_target_date")
        batch_op.drop_index("ix_commitment_partner_status")
        batch_op.drop_index(batch_op.f("ix_commitment_last_update_on"))
        batch_op.drop_index(batch_op.f("ix_commitment_issue_id"))

    op.drop_table("commitment")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_partner_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issue_raised_on"))
        batch_op.drop_index(batch_op.f("ix_issue_lead_partner_id"))

    op.drop_table("issue")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_started_on"))
        batch_op.drop_index(batch_op.f("ix_engagement_organising_partner_id"))
        batch_op.drop_index(batch_op.f("ix_engagement_area_id"))

    op.drop_table("engagement")
    op.drop_table("theme")
    op.drop_table("reference_counter")
    op.drop_table("partner")
    op.drop_table("community")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_parent_id"))

    op.drop_table("area")
