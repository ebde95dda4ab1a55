"""The records of the tracker: the nouns of PRODUCT.md, nothing else.

Derived states (Overdue, No recent update, an issue's response state) are not
stored here; they are computed in :mod:`tracker.rules`.
"""

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Optional

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import JSON, Field, Relationship, SQLModel

REFERENCE_DIGITS = 4

# Deterministic constraint names, the same on SQLite and PostgreSQL, so later
# migrations can name what they alter (SQLite's batch mode needs the names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A moment, stored in UTC and always read back as an aware UTC datetime.

    Every ``datetime`` column uses it, so no reader has to mend a naive value: SQLite
    has no time zones and hands back what it stored, PostgreSQL's ``timestamptz`` the
    session's zone. A naive value is taken to be UTC already, as ``utcnow`` and the
    tests' fixed clocks give. On SQLite the stored text stays naive UTC, as before.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_reference(prefix: str, number: int) -> str:
    """``YS-0042`` from ``("YS", 42)``; numbers past 9999 simply grow wider."""
    return f"{prefix}-{number:0{REFERENCE_DIGITS}d}"


class LabelledEnum(enum.StrEnum):
    """A stored code (the value) with the words people read (the label)."""

    label: str

    def __new__(cls, value: str, label: str) -> "LabelledEnum":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value


def enum_column(enum_class: type[enum.Enum]) -> Any:
    """Store an enum as its code in a VARCHAR, checked by the database."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=32,
        # No type name, so the CHECK constraint is named per column by the convention.
        name=None,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class PartnerKind(LabelledEnum):
    ICB = "icb", "Integrated Care Board"
    NHS_TRUST = "nhs_trust", "NHS trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PRIMARY_CARE = "primary_care", "Primary care"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    VCFS = "vcfs", "Voluntary, community and faith"
    OTHER = "other", "Other"


class EngagementKind(LabelledEnum):
    COMMUNITY_CONVERSATION = "community_conversation", "Community conversation"
    SURVEY = "survey", "Survey"
    HEALTHWATCH_REPORT = "healthwatch_report", "Healthwatch report"
    CITIZENS_PANEL = "citizens_panel", "Citizens' panel"
    EVENT = "event", "Event"
    FOCUS_GROUP = "focus_group", "Focus group"
    OTHER = "other", "Other"


class CommitmentStatus(LabelledEnum):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    DELAYED = "delayed", "Delayed"
    NOT_GOING_AHEAD = "not_going_ahead", "Not going ahead"


class Role(LabelledEnum):
    ADMIN = "admin", "Admin"
    ENGAGEMENT = "engagement", "Engagement team"
    PARTNER = "partner", "Partner lead"


class ReportStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ReportRequestState(LabelledEnum):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being generated"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class JobOutcome(LabelledEnum):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class TokenPurpose(LabelledEnum):
    INVITATION = "invitation", "Invitation"
    PASSWORD_RESET = "password_reset", "Password reset"


# --- many-to-many links -------------------------------------------------------


class IssueThemeLink(SQLModel, table=True):
    __tablename__ = "issue_theme"
    issue_id: int = Field(foreign_key="issue.id", primary_key=True, ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", primary_key=True, index=True)


class IssueAreaLink(SQLModel, table=True):
    __tablename__ = "issue_area"
    issue_id: int = Field(foreign_key="issue.id", primary_key=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", primary_key=True, index=True)


class IssueCommunityLink(SQLModel, table=True):
    __tablename__ = "issue_community"
    issue_id: int = Field(foreign_key="issue.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", primary_key=True, index=True)


class IssueEngagementLink(SQLModel, table=True):
    __tablename__ = "issue_engagement"
    issue_id: int = Field(foreign_key="issue.id", primary_key=True, ondelete="CASCADE")
    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True, index=True)


class IssueSupportingPartnerLink(SQLModel, table=True):
    __tablename__ = "issue_supporting_partner"
    issue_id: int = Field(foreign_key="issue.id", primary_key=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", primary_key=True, index=True)


class EngagementCommunityLink(SQLModel, table=True):
    __tablename__ = "engagement_community"
    engagement_id: int = Field(foreign_key="engagement.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", primary_key=True, index=True)


# --- places, topics and voices ------------------------------------------------


class Partner(SQLModel, table=True):
    """An organisation in the ICS."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200, unique=True)
    kind: PartnerKind = Field(sa_type=enum_column(PartnerKind))
    description: str = Field(default="", sa_type=sa.Text)
    website: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    commitments: list["Commitment"] = Relationship(back_populates="partner")
    led_issues: list["Issue"] = Relationship(back_populates="lead_partner")


class Area(SQLModel, table=True):
    """A place: a borough or a neighbourhood within one."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)

    parent: Optional["Area"] = Relationship(
        back_populates="children", sa_relationship_kwargs={"remote_side": "Area.id"}
    )
    children: list["Area"] = Relationship(back_populates="parent")


class Theme(SQLModel, table=True):
    """A topic residents raise, such as GP access or hospital discharge."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200, unique=True)
    description: str = Field(default="", sa_type=sa.Text)


class Community(SQLModel, table=True):
    """A group whose voice was heard, such as carers or young people."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200, unique=True)
    description: str = Field(default="", sa_type=sa.Text)


# --- you said -------------------------------------------------------------------


class Engagement(SQLModel, table=True):
    """Where residents were heard."""

    REFERENCE_PREFIX: ClassVar[str] = "EN"

    __table_args__ = (sa.Index("ix_engagement_started_on_number", "started_on", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    title: str = Field(max_length=200)
    kind: EngagementKind = Field(sa_type=enum_column(EngagementKind))
    summary: str = Field(default="", sa_type=sa.Text)
    started_on: date = Field(index=True)
    ended_on: date | None = None
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    organising_partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    participant_count: int | None = Field(default=None, ge=0)
    write_up_url: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    area: Optional["Area"] = Relationship()
    organising_partner: Optional["Partner"] = Relationship()
    communities: list["Community"] = Relationship(link_model=EngagementCommunityLink)
    issues: list["Issue"] = Relationship(
        back_populates="engagements", link_model=IssueEngagementLink
    )

    @property
    def reference(self) -> str:
        return format_reference(self.REFERENCE_PREFIX, self.number)


class Issue(SQLModel, table=True):
    """ "You said": something residents raised, owned by a lead partner."""

    REFERENCE_PREFIX: ClassVar[str] = "YS"

    __table_args__ = (sa.Index("ix_issue_raised_on_number", "raised_on", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    title: str = Field(max_length=200)
    summary: str = Field(sa_type=sa.Text)
    # Short quotes, anonymised when they are entered; never names or contact details.
    quotes: list[str] = Field(default_factory=list, sa_type=JSON)
    raised_on: date = Field(index=True)
    people_count: int | None = Field(default=None, ge=0)
    lead_partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    lead_partner: Optional["Partner"] = Relationship(back_populates="led_issues")
    supporting_partners: list["Partner"] = Relationship(link_model=IssueSupportingPartnerLink)
    themes: list["Theme"] = Relationship(link_model=IssueThemeLink)
    areas: list["Area"] = Relationship(link_model=IssueAreaLink)
    communities: list["Community"] = Relationship(link_model=IssueCommunityLink)
    engagements: list["Engagement"] = Relationship(
        back_populates="issues", link_model=IssueEngagementLink
    )
    commitments: list["Commitment"] = Relationship(back_populates="issue")
    lead_partner_changes: list["LeadPartnerChange"] = Relationship(
        back_populates="issue",
        sa_relationship_kwargs={"order_by": "LeadPartnerChange.changed_at"},
    )

    @property
    def reference(self) -> str:
        return format_reference(self.REFERENCE_PREFIX, self.number)


class LeadPartnerChange(SQLModel, table=True):
    """A change of an issue's lead partner: part of the issue's public history."""

    __tablename__ = "lead_partner_change"

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    previous_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    new_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    # Public: why the issue moved to another partner.
    reason: str = Field(sa_type=sa.Text)
    changed_by_id: int | None = Field(default=None, foreign_key="user_account.id")

    issue: "Issue" = Relationship(back_populates="lead_partner_changes")
    previous_partner: Optional["Partner"] = Relationship(
        sa_relationship_kwargs={"foreign_keys": "LeadPartnerChange.previous_partner_id"}
    )
    new_partner: Optional["Partner"] = Relationship(
        sa_relationship_kwargs={"foreign_keys": "LeadPartnerChange.new_partner_id"}
    )


# --- we will, we did ------------------------------------------------------------


#: An open commitment (neither Delivered nor Not going ahead, as
#: tracker.rules.CLOSED_STATUSES says), as the condition of a partial index.
_OPEN_COMMITMENT = "status NOT IN ('delivered', 'not_going_ahead')"


class Commitment(SQLModel, table=True):
    """ "We will": one partner's promise about one issue."""

    REFERENCE_PREFIX: ClassVar[str] = "WW"

    __table_args__ = (
        sa.Index("ix_commitment_partner_status", "partner_id", "status"),
        sa.Index("ix_commitment_status_target_date", "status", "target_date"),
        # The orders of the lists, each with the number that breaks ties (migrations
        # 0010 and 0011). Newest first also holds the columns the Overdue filter tests.
        sa.Index(
            "ix_commitment_committed_on_listed", "committed_on", "number", "target_date", "status"
        ),
        sa.Index("ix_commitment_target_date_number", "target_date", "number"),
        sa.Index("ix_commitment_last_update_on_number", "last_update_on", "number"),
        sa.Index("ix_commitment_issue_status", "issue_id", "status"),
        # Only the open commitments, the ones Overdue and No recent update can select:
        # the short lists read their first five entries (migration 0011). The first
        # is in order of last activity (tracker.rules.last_activity_on_clause).
        sa.Index(
            "ix_commitment_open_last_activity",
            sa.text("coalesce(last_update_on, committed_on)"),
            "number",
            postgresql_where=sa.text(_OPEN_COMMITMENT),
            sqlite_where=sa.text(_OPEN_COMMITMENT),
        ),
        sa.Index(
            "ix_commitment_open_target_date",
            "target_date",
            "number",
            postgresql_where=sa.text(_OPEN_COMMITMENT),
            sqlite_where=sa.text(_OPEN_COMMITMENT),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    issue_id: int = Field(foreign_key="issue.id", index=True)
    partner_id: int = Field(foreign_key="partner.id")
    title: str = Field(max_length=200)
    description: str = Field(sa_type=sa.Text)
    success_measure: str = Field(sa_type=sa.Text)
    # A job title, never a private person's name.
    accountable_role: str = Field(max_length=200)
    committed_on: date
    original_target_date: date
    target_date: date = Field(index=True)
    status: CommitmentStatus = Field(
        default=CommitmentStatus.NOT_STARTED, sa_type=enum_column(CommitmentStatus)
    )
    # The public reason for the current status, required for Delayed and Not going ahead.
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    delivered_on: date | None = None
    # Date of the latest visible update; kept with every update so "No recent
    # update" can be filtered on an index instead of scanning every update.
    last_update_on: date | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Optimistic locking: SQLAlchemy refuses a stale write to a changed commitment.
    version: int = Field(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    issue: "Issue" = Relationship(back_populates="commitments")
    partner: "Partner" = Relationship(back_populates="commitments")
    updates: list["Update"] = Relationship(
        back_populates="commitment",
        sa_relationship_kwargs={"order_by": "Update.posted_at"},
    )

    @property
    def reference(self) -> str:
        return format_reference(self.REFERENCE_PREFIX, self.number)


class Update(SQLModel, table=True):
    """ "We did": a dated, append-only entry on a commitment.

    An update is never edited. A correction is a new update; hiding one keeps a
    public trace (when and why) in ``hidden_at`` and ``hidden_reason``.
    """

    __tablename__ = "commitment_update"
    __table_args__ = (
        sa.Index("ix_commitment_update_commitment_posted", "commitment_id", "posted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id")
    posted_at: datetime = Field(default_factory=utcnow, index=True, sa_type=UTCDateTime)
    narrative: str = Field(sa_type=sa.Text)
    previous_status: CommitmentStatus | None = Field(
        default=None, sa_type=enum_column(CommitmentStatus)
    )
    new_status: CommitmentStatus | None = Field(default=None, sa_type=enum_column(CommitmentStatus))
    progress_percent: int | None = Field(default=None, ge=0, le=100)
    previous_target_date: date | None = None
    new_target_date: date | None = None
    # Why the status or target date changed: public, required for Delayed,
    # Not going ahead and any move of the target date.
    reason: str | None = Field(default=None, sa_type=sa.Text)
    # A list of {"title": ..., "url": ...}.
    evidence_links: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)
    author_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    hidden_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    hidden_reason: str | None = Field(default=None, sa_type=sa.Text)
    hidden_by_id: int | None = Field(default=None, foreign_key="user_account.id")

    commitment: "Commitment" = Relationship(back_populates="updates")
    author: Optional["User"] = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Update.author_id"}
    )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def changes_target_date(self) -> bool:
        return self.new_target_date is not None and (
            self.new_target_date != self.previous_target_date
        )


# --- staff and the audit log ----------------------------------------------------


class User(SQLModel, table=True):
    """A member of staff who signs in: an admin, the engagement team or a partner lead."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)
    role: Role = Field(sa_type=enum_column(Role))
    # Set for partner leads only: the one partner whose records they may change.
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_signed_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Wrong passwords since the last sign-in or lockout; at the limit the account is
    # locked until ``locked_until`` (tracker/manage/services.py).
    failed_sign_in_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Each session remembers the generation it began in; signing out moves it on,
    # ending every session of the account, so a copied session cookie stops working.
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Time-based one-time codes: the shared secret, set once the person has proved their
    # authenticator app works; required for admins and the engagement team. Encrypted
    # (tracker/manage/two_factor_keys.py): a Fernet token, or base32 text stored before
    # encryption, which is encrypted when next used.
    totp_secret: str | None = Field(default=None, max_length=255)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last time step whose code was accepted, so a code works only once.
    totp_last_step: int | None = None
    # The secret being set up, encrypted, until a code proves the app holds it or it
    # expires; kept here, not in the (signed, readable) session cookie.
    totp_pending_secret: str | None = Field(default=None, max_length=255)
    totp_pending_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Demo accounts (tracker demo-data) share a published password: refused in production.
    is_demo: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})

    partner: Optional["Partner"] = Relationship()


class RecoveryCode(SQLModel, table=True):
    """A single-use code that stands in for a one-time code when the phone is lost.

    ``code_hash`` is a keyed hash (``hmac-sha256$...``), or a plain SHA-256 for codes
    made before keyed hashes (see tracker/manage/two_factor_keys.py).
    """

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    code_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccountToken(SQLModel, table=True):
    """A single-use, expiring link sent by email: an invitation or a password reset.

    Only a SHA-256 hash of the token is stored; the token itself is in the email.
    """

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    purpose: TokenPurpose = Field(sa_type=enum_column(TokenPurpose))
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class SignInFailure(SQLModel, table=True):
    """A wrong password from one client address, kept briefly to limit guessing.

    Rows older than the limiting window are deleted as new failures arrive, so an
    address is kept no longer than abuse protection needs (PRODUCT.md).
    """

    __tablename__ = "sign_in_failure"
    __table_args__ = (sa.Index("ix_sign_in_failure_address", "client_address", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    client_address: str = Field(max_length=64)
    occurred_at: datetime = Field(default_factory=utcnow, index=True, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """One write by anyone: who, when, what, before and after. Append-only."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_entity", "entity_type", "entity_id"),
        # The audit log's action filter and its list of actions.
        sa.Index("ix_audit_event_action", "action"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, index=True, sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    action: str = Field(max_length=80)
    entity_type: str = Field(max_length=40)
    entity_id: int | None = None
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)


# --- board reports and scheduled jobs ---------------------------------------------


class Report(SQLModel, table=True):
    """A quarterly board report for the whole system or one partner.

    A published report is never changed: a corrected one is published beside it
    and names the report it ``replaces``. The PDF and the HTML it was made from
    are kept in :class:`ReportDocument`, so every web server can serve them.
    """

    __tablename__ = "report"
    __table_args__ = (sa.Index("ix_report_status_period", "status", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    #: The financial quarter, like ``2026/27 Q2``.
    period: str = Field(max_length=12)
    period_start: date
    period_end: date
    #: None for the whole system.
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    title: str = Field(max_length=300)
    status: ReportStatus = Field(default=ReportStatus.DRAFT, sa_type=enum_column(ReportStatus))
    #: The date the figures were taken.
    as_at: date
    generated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: Who asked for it; None for the scheduler and the command line.
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    size_bytes: int = 0
    page_count: int = 0
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    replaces_id: int | None = Field(default=None, foreign_key="report.id")
    #: Public: what a correction changes.
    correction_note: str | None = Field(default=None, sa_type=sa.Text)
    #: Set on the scheduler's drafts (``2026/27 Q2 system``), unique, so two scheduler
    #: processes running at once still make each draft only once.
    scheduled_key: str | None = Field(default=None, max_length=120, unique=True)

    partner: Optional["Partner"] = Relationship()


class ReportDocument(SQLModel, table=True):
    """A report's PDF and the HTML it was rendered from (the preview)."""

    __tablename__ = "report_document"

    report_id: int = Field(foreign_key="report.id", primary_key=True)
    html: str = Field(sa_type=sa.Text)
    pdf: bytes = Field(sa_type=sa.LargeBinary)


class ReportRequest(SQLModel, table=True):
    """A report asked for from the workspace, generated by the scheduler process.

    The request row is the queue: a web process that dies after adding it loses
    nothing, and a scheduler that dies mid-way leaves it to be claimed again.
    """

    __tablename__ = "report_request"
    __table_args__ = (sa.Index("ix_report_request_state", "state", "requested_at"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=12)
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    requested_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    state: ReportRequestState = Field(
        default=ReportRequestState.QUEUED, sa_type=enum_column(ReportRequestState)
    )
    claimed_by: str | None = Field(default=None, max_length=120)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    report_id: int | None = Field(default=None, foreign_key="report.id")
    error: str | None = Field(default=None, sa_type=sa.Text)


class JobRun(SQLModel, table=True):
    """One run of a scheduled job, for the admins' run log.

    ``run_key`` names what the run covers (``2026/27 Q2``, ``2026-W48``); the unique
    pair (job, run_key) makes each run happen once, however many schedulers run.
    """

    __tablename__ = "job_run"
    __table_args__ = (sa.UniqueConstraint("job", "run_key"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=60)
    run_key: str = Field(max_length=60)
    started_at: datetime = Field(default_factory=utcnow, index=True, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: JobOutcome = Field(default=JobOutcome.RUNNING, sa_type=enum_column(JobOutcome))
    #: What the run did, for people (counts of drafts, emails...).
    summary: str | None = Field(default=None, sa_type=sa.Text)
    error: str | None = Field(default=None, sa_type=sa.Text)
    host: str | None = Field(default=None, max_length=120)


class DigestDelivery(SQLModel, table=True):
    """A weekly digest sent to one person: unique per week, so never sent twice."""

    __tablename__ = "digest_delivery"
    __table_args__ = (sa.UniqueConstraint("week", "recipient_id"),)

    id: int | None = Field(default=None, primary_key=True)
    #: The ISO week, like ``2026-W48``.
    week: str = Field(max_length=10)
    recipient_id: int = Field(foreign_key="user_account.id", index=True)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    item_count: int = 0


class Escalation(SQLModel, table=True):
    """Something silent for too long, raised with the engagement team in a weekly digest.

    An issue awaiting a response for 60 days or a commitment without an update for
    120 days; the next board report lists the escalations of its quarter.
    """

    __tablename__ = "escalation"
    __table_args__ = (sa.UniqueConstraint("week", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=10)
    escalated_on: date = Field(index=True)
    #: ``issue`` or ``commitment``.
    entity_type: str = Field(max_length=20)
    entity_id: int
    days_silent: int


class OutboxEmail(SQLModel, table=True):
    """An email waiting for the scheduler process to send it, or sent recently.

    Web requests and jobs only add rows, in the transaction of the change the email is
    about; no web request talks to the mail server. How rows are claimed, sent, retried
    and cleared away is in tracker/mail.py.
    """

    __tablename__ = "email_outbox"

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=320)
    subject: str = Field(sa_type=sa.Text)
    #: Emptied once sent or given up on: bodies hold live sign-in links.
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: When a sender may next take it: at once when queued, later while one is sending
    #: it (a sender that dies lets it go then) or after a failed attempt.
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True, sa_type=UTCDateTime)
    attempts: int = 0
    #: The sender that took it last (``host:pid:claim``).
    claimed_by: str | None = Field(default=None, max_length=120)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Sent to the ``tracker.mail`` log instead, as no mail server was set.
    sent_to_log: bool = False
    #: Set when the attempts ran out; the email is not tried again.
    gave_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=sa.Text)


class ReferenceCounter(SQLModel, table=True):
    """The last public reference number handed out for each prefix.

    References are printed in board papers, so a number is never handed out twice,
    even if the record that had it were removed.
    """

    __tablename__ = "reference_counter"

    prefix: str = Field(primary_key=True, max_length=8)
    last_number: int = Field(default=0)


class DataVersion(SQLModel, table=True):
    """A counter that every write to the public record advances.

    Public pages are cached under the version they were rendered at, so the first
    view after any write misses the cache and shows the change.
    """

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FigureSnapshot(SQLModel, table=True):
    """Every figure of the whole system and of every slice, computed once for a data
    version and shared by every process (tracker/figures explains when it is used).

    One row per (data version, day, no-recent-update threshold): the row is inserted
    when a process starts computing it, so the unique constraint lets only one process
    compute it; ``figures`` is filled in when the computation is done.
    """

    __tablename__ = "figure_snapshot"
    __table_args__ = (sa.UniqueConstraint("data_version", "as_of", "no_recent_update_days"),)

    id: int | None = Field(default=None, primary_key=True)
    data_version: int
    #: The day in England the figures count to (Overdue and No recent update change at midnight).
    as_of: date
    no_recent_update_days: int
    #: When a process claimed the computation; a claim left unfinished for long is taken over.
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    computed_at: datetime | None = Field(default=None, index=True, sa_type=UTCDateTime)
    #: The figures as JSON, empty while they are being computed.
    figures: str | None = Field(default=None, sa_type=sa.Text)


metadata = SQLModel.metadata
