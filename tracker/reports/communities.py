"""Whose voices were heard in the quarter (and whose were not for a year), and the
escalations raised with the engagement team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from tracker.models import (
    Commitment,
    Community,
    Engagement,
    EngagementCommunityLink,
    Escalation,
    Issue,
    Partner,
    format_reference,
)
from tracker.queries.filters import (
    issue_partner_clause,
)
from tracker.reports.activity import escalations_in
from tracker.reports.links import PublicLinks

NOT_HEARD_DAYS = 365
#: The appendix quotes this much of each latest update; the rest is a link away.


@dataclass(frozen=True)
class CommunityHeard:
    name: str
    url: str
    engagements: int
    last_heard_on: date | None


@dataclass(frozen=True)
class EscalationLine:
    kind: str
    reference: str
    title: str
    partner: str
    escalated_on: date
    days_silent: int
    url: str


# --- Communities and escalations ------------------------------------------------------------


def communities_heard(
    session: Session,
    engagement_scope: ColumnElement[bool] | None,
    links: PublicLinks,
    first: date,
    last: date,
) -> tuple[list[CommunityHeard], list[CommunityHeard]]:
    """Communities heard in the quarter's engagements, and those not heard for a year.

    One query: for every community, the engagements within the report's scope that
    it took part in during the quarter, and the latest one up to the quarter's end.
    """
    in_quarter = sa.and_(col(Engagement.started_on) >= first, col(Engagement.started_on) <= last)
    conditions: list[ColumnElement[bool]] = [col(Engagement.started_on) <= last]
    if engagement_scope is not None:
        conditions.append(engagement_scope)
    heard = (
        sa.select(
            col(EngagementCommunityLink.community_id).label("community_id"),
            sa.func.count().filter(in_quarter).label("engagements"),
            sa.func.max(col(Engagement.started_on)).label("last_heard_on"),
        )
        .join(Engagement, col(Engagement.id) == col(EngagementCommunityLink.engagement_id))
        .where(*conditions)
        .group_by(col(EngagementCommunityLink.community_id))
        .subquery("heard")
    )
    rows = session.execute(
        sa.select(
            col(Community.name), col(Community.slug), heard.c.engagements, heard.c.last_heard_on
        )
        .outerjoin(heard, heard.c.community_id == col(Community.id))
        .order_by(sa.func.lower(col(Community.name)))
    ).all()
    quiet_since = last - timedelta(days=NOT_HEARD_DAYS)
    heard_now, not_heard = [], []
    for name, slug, engagements, last_heard_on in rows:
        community = CommunityHeard(name, links.community(slug), engagements or 0, last_heard_on)
        if engagements:
            heard_now.append(community)
        if last_heard_on is None or last_heard_on <= quiet_since:
            not_heard.append(community)
    return heard_now, not_heard


def escalation_lines(
    session: Session, partner: Partner | None, links: PublicLinks, first: date, last: date
) -> list[EscalationLine]:
    """The quarter's escalations of issues and of commitments: one query each."""
    in_quarter = escalations_in(first, last)
    issue_scope = [issue_partner_clause(partner.id)] if partner and partner.id else []
    commitment_scope = [col(Commitment.partner_id) == partner.id] if partner else []
    lead = aliased(Partner, name="lead_partner")
    issue_rows = session.execute(
        sa.select(Escalation, col(Issue.number), col(Issue.title), col(lead.name))
        .join(
            Issue,
            sa.and_(
                col(Escalation.entity_type) == "issue", col(Issue.id) == col(Escalation.entity_id)
            ),
        )
        .outerjoin(lead, col(lead.id) == col(Issue.lead_partner_id))
        .where(*in_quarter, *issue_scope)
    ).all()
    commitment_rows = session.execute(
        sa.select(Escalation, col(Commitment.number), col(Commitment.title), col(Partner.name))
        .join(
            Commitment,
            sa.and_(
                col(Escalation.entity_type) == "commitment",
                col(Commitment.id) == col(Escalation.entity_id),
            ),
        )
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .where(*in_quarter, *commitment_scope)
    ).all()
    lines = []
    for escalation, number, title, partner_name in issue_rows:
        reference = format_reference(Issue.REFERENCE_PREFIX, number)
        lines.append(
            EscalationLine(
                "Issue awaiting a response",
                reference,
                title,
                partner_name or "No lead partner yet",
                escalation.escalated_on,
                escalation.days_silent,
                links.issue(reference),
            )
        )
    for escalation, number, title, partner_name in commitment_rows:
        reference = format_reference(Commitment.REFERENCE_PREFIX, number)
        lines.append(
            EscalationLine(
                "Commitment without an update",
                reference,
                title,
                partner_name,
                escalation.escalated_on,
                escalation.days_silent,
                links.commitment(reference),
            )
        )
    lines.sort(key=lambda line: (line.escalated_on, -line.days_silent, line.reference))
    return lines
