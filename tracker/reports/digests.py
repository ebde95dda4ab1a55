"""The weekly digests and the scheduler's emails: whom to email, and what each says.

- Each **partner lead** hears about their own partner's commitments that are Overdue,
  have had No recent update, or are due in the next :data:`DUE_SOON_DAYS` days: the
  same rules and filters as ``/we-will?partner=<slug>&status=overdue`` (and so on),
  so the counts in the email match the lists its links open.
- The **engagement team** hears what has been silent longest: issues awaiting a
  response for :data:`ESCALATE_AWAITING_DAYS` days or more, and open commitments
  with no update for :data:`ESCALATE_SILENT_DAYS` days or more. These are the
  escalations that the next board report lists (:class:`~tracker.models.Escalation`).
- When the quarter's draft board reports are ready, the engagement team is told.

Emails are plain text from ``templates/email/``; every link is absolute, built from
``PUBLIC_BASE_URL`` (:func:`tracker.addresses.public_url`), as no request is being answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, render_template
from sqlalchemy.orm import joinedload
from sqlmodel import Session, col, select

from tracker.addresses import public_url
from tracker.figures.catalogue import NO_RECENT_UPDATE_FIGURE, OVERDUE_FIGURE
from tracker.models import Commitment, Issue, Partner, Report, Role, User
from tracker.queries.filters import commitment_status_clause
from tracker.rules import (
    DUE_SOON_DAYS,
    ResponseState,
    days_since_raised,
    days_since_update,
    due_within_clause,
    no_recent_update_clause,
    response_state_clause,
    waiting_longest_first,
)

#: Issues waiting this many days or more for any commitment are escalated.
ESCALATE_AWAITING_DAYS = 60
#: Open commitments without an update for this many days or more are escalated.
ESCALATE_SILENT_DAYS = 120
#: An email lists at most this many records under each heading; its link shows the rest.
MAX_LISTED = 25


def ics_name() -> str:
    name: str = current_app.config["ICS_NAME"]
    return name


# --- recipients ---------------------------------------------------------------------


def partner_leads(session: Session) -> list[User]:
    """Active partner leads, each with their partner, ordered by partner then name."""
    statement = (
        select(User)
        .join(Partner, col(Partner.id) == col(User.partner_id))
        .where(col(User.role) == Role.PARTNER, col(User.is_active).is_(True))
        .options(joinedload(User.partner))  # type: ignore[arg-type]
        .order_by(col(Partner.name), col(User.name), col(User.id))
    )
    return list(session.exec(statement).all())


def engagement_team(session: Session) -> list[User]:
    """Active members of the engagement team: the people who chase silence and
    publish board reports."""
    statement = (
        select(User)
        .where(col(User.role) == Role.ENGAGEMENT, col(User.is_active).is_(True))
        .order_by(col(User.name), col(User.id))
    )
    return list(session.exec(statement).all())


# --- a partner lead's digest ------------------------------------------------------------


@dataclass(frozen=True)
class DigestCommitment:
    """One commitment as an email lists it."""

    reference: str
    title: str
    target_date: date
    days_since_update: int
    #: False when no update has been posted yet: the days count from when it was made.
    has_update: bool
    link: str


@dataclass(frozen=True)
class Section:
    """One heading of a digest: how many there are, the first few, and the full list."""

    heading: str
    total: int
    items: list[DigestCommitment]
    list_link: str

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class PartnerDigest:
    """What one partner lead is told this week."""

    recipient: User
    partner: Partner
    sections: list[Section]

    @property
    def item_count(self) -> int:
        """Entries across every section (a commitment both Overdue and without a
        recent update is counted under each)."""
        return sum(section.total for section in self.sections)


def _commitment_section(
    session: Session,
    partner: Partner,
    heading: str,
    clause: object,
    list_link: str,
    today: date,
) -> Section:
    statement = (
        select(Commitment)
        .where(col(Commitment.partner_id) == partner.id, clause)  # type: ignore[arg-type]
        .order_by(col(Commitment.target_date), col(Commitment.number))
    )
    commitments = list(session.exec(statement).all())
    items = [
        DigestCommitment(
            reference=commitment.reference,
            title=commitment.title,
            target_date=commitment.target_date,
            days_since_update=days_since_update(commitment, today),
            has_update=commitment.last_update_on is not None,
            link=public_url("manage.commitment", commitment_ref=commitment.reference),
        )
        for commitment in commitments[:MAX_LISTED]
    ]
    return Section(heading=heading, total=len(commitments), items=items, list_link=list_link)


def partner_digest(session: Session, lead: User, today: date, threshold_days: int) -> PartnerDigest:
    """The partner lead's digest: their partner's Overdue, No recent update and due-soon
    commitments, each list ordered by target date."""
    partner = lead.partner
    assert partner is not None, "only partner leads with a partner get a digest"
    slug = partner.slug
    # The figures of the partner's scorecard, from the catalogue: the same words, and
    # the clause and address of the list each figure links to.
    sections = [
        _commitment_section(
            session,
            partner,
            heading,
            commitment_status_clause(figure.filters["status"], today, threshold_days),
            public_url(figure.endpoint, **figure.list_args({"partner": slug})),
            today,
        )
        for figure, heading in (
            (OVERDUE_FIGURE, OVERDUE_FIGURE.label),
            (
                NO_RECENT_UPDATE_FIGURE,
                f"{NO_RECENT_UPDATE_FIGURE.label} (nothing new for {threshold_days} days or more)",
            ),
        )
    ]
    sections.append(
        _commitment_section(
            session,
            partner,
            f"Due in the next {DUE_SOON_DAYS} days",
            due_within_clause(today, DUE_SOON_DAYS),
            public_url("public.we_will", partner=slug, due=str(DUE_SOON_DAYS)),
            today,
        )
    )
    return PartnerDigest(recipient=lead, partner=partner, sections=sections)


def partner_digest_email(digest: PartnerDigest, today: date) -> tuple[str, str]:
    """The subject and plain-text body of a partner lead's weekly digest."""
    subject = f"Your commitments this week: {digest.partner.name}"
    body = render_template(
        "email/digest_partner.txt",
        digest=digest,
        today=today,
        ics_name=ics_name(),
        workspace_link=public_url("manage.workspace"),
    )
    return subject, body


# --- the engagement team's digest: what has been silent longest --------------------------


@dataclass(frozen=True)
class SilentRecord:
    """An issue awaiting a response, or a commitment without an update, for too long."""

    entity_type: str  # "issue" or "commitment"
    entity_id: int
    reference: str
    title: str
    partner_name: str | None
    days_silent: int
    link: str


@dataclass(frozen=True)
class Silence:
    """Everything silent past the escalation thresholds, longest silent first."""

    issues: list[SilentRecord]
    commitments: list[SilentRecord]

    @property
    def records(self) -> list[SilentRecord]:
        return [*self.issues, *self.commitments]


def silent_records(session: Session, today: date) -> Silence:
    """Issues awaiting a response for :data:`ESCALATE_AWAITING_DAYS` days or more and open
    commitments without an update for :data:`ESCALATE_SILENT_DAYS` days or more."""
    raised_before = today - timedelta(days=ESCALATE_AWAITING_DAYS)
    issue_statement = (
        select(Issue)
        .where(
            response_state_clause(ResponseState.AWAITING_RESPONSE),
            col(Issue.raised_on) <= raised_before,
        )
        .options(joinedload(Issue.lead_partner))  # type: ignore[arg-type]
        .order_by(*waiting_longest_first())
    )
    issues = [
        SilentRecord(
            entity_type="issue",
            entity_id=issue.id or 0,
            reference=issue.reference,
            title=issue.title,
            partner_name=issue.lead_partner.name if issue.lead_partner else None,
            days_silent=days_since_raised(issue, today),
            link=public_url("manage.issue", issue_ref=issue.reference),
        )
        for issue in session.exec(issue_statement).unique().all()
    ]
    commitment_statement = (
        select(Commitment)
        .where(no_recent_update_clause(today, ESCALATE_SILENT_DAYS))
        .options(joinedload(Commitment.partner))  # type: ignore[arg-type]
    )
    commitments = sorted(
        (
            SilentRecord(
                entity_type="commitment",
                entity_id=commitment.id or 0,
                reference=commitment.reference,
                title=commitment.title,
                partner_name=commitment.partner.name,
                days_silent=days_since_update(commitment, today),
                link=public_url("manage.commitment", commitment_ref=commitment.reference),
            )
            for commitment in session.exec(commitment_statement).unique().all()
        ),
        key=lambda record: (-record.days_silent, record.reference),
    )
    return Silence(issues=issues, commitments=commitments)


def team_digest_email(silence: Silence, today: date) -> tuple[str, str]:
    """The subject and plain-text body of the engagement team's weekly digest."""
    count = len(silence.records)
    subject = (
        f"Silent too long this week: {count} to chase"
        if count
        else "Silent too long this week: nothing to chase"
    )
    body = render_template(
        "email/digest_team.txt",
        silence=silence,
        issues=silence.issues[:MAX_LISTED],
        commitments=silence.commitments[:MAX_LISTED],
        today=today,
        ics_name=ics_name(),
        awaiting_days=ESCALATE_AWAITING_DAYS,
        silent_days=ESCALATE_SILENT_DAYS,
        issues_link=public_url("public.you_said", state="awaiting", sort="waiting-longest"),
        commitments_link=public_url(
            "public.we_will", status="no-recent-update", sort="last-update"
        ),
    )
    return subject, body


# --- the quarter's draft board reports ----------------------------------------------------


def report_drafts_email(period_name: str, reports: list[Report]) -> tuple[str, str]:
    """The subject and body telling the engagement team the quarter's drafts are ready."""
    subject = f"Draft board reports for {period_name} are ready to check"
    body = render_template(
        "email/report_drafts.txt",
        period_name=period_name,
        reports=[(report, public_url("manage.report", report_id=report.id)) for report in reports],
        ics_name=ics_name(),
        reports_link=public_url("manage.reports"),
    )
    return subject, body
