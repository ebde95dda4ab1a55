"""The quarter's activity: what was raised, made, delivered, moved and stopped, the
on-time trend over recent quarters, and every partner's commitments by status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from tracker.figures.slices import Slice
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Engagement,
    Escalation,
    Issue,
    IssueEngagementLink,
    Partner,
    Update,
)
from tracker.queries.filters import (
    commitment_delivered_clause,
    commitment_made_clause,
    issue_partner_clause,
    issue_raised_clause,
)
from tracker.reports.headline import day_ends_at
from tracker.reports.links import PublicLinks
from tracker.reports.periods import Period
from tracker.rules import (
    on_time_delivery,
    percentage,
)

TREND_QUARTERS = 4
#: A community not heard for this many days is listed as not heard for a year.


_STATUSES = {status.value: status for status in CommitmentStatus}


@dataclass(frozen=True)
class StatusCount:
    status: CommitmentStatus
    count: int
    url: str


@dataclass(frozen=True)
class PartnerStatusRow:
    """One partner's commitments by status, for the chart and its table."""

    name: str
    slug: str
    counts: dict[CommitmentStatus, int]
    url: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class QuarterShare:
    """Commitments first due in one quarter, and how many were delivered by that date."""

    period: Period
    due: int
    delivered_on_time: int

    @property
    def share(self) -> str:
        return percentage(self.delivered_on_time, self.due) if self.due else "none due"

    @property
    def percent(self) -> float | None:
        return 100 * self.delivered_on_time / self.due if self.due else None


# --- The quarter's activity ---------------------------------------------------------------


def scope_of_engagements(partner: Partner | None) -> ColumnElement[bool] | None:
    """Engagements a partner organised, or that fed an issue it leads or supports."""
    if partner is None:
        return None
    assert partner.id is not None
    fed = (
        sa.select(col(IssueEngagementLink.engagement_id))
        .join(Issue, col(Issue.id) == col(IssueEngagementLink.issue_id))
        .where(issue_partner_clause(partner.id))
    )
    return sa.or_(col(Engagement.organising_partner_id) == partner.id, col(Engagement.id).in_(fed))


def changes_target_date(update: Any = Update) -> ColumnElement[bool]:
    return sa.and_(
        col(update.new_target_date).is_not(None),
        sa.or_(
            col(update.previous_target_date).is_(None),
            col(update.new_target_date) != col(update.previous_target_date),
        ),
    )


def stopped_clause() -> ColumnElement[bool]:
    """An update that made its commitment Not going ahead, and still does.

    A hidden update's status change was undone (restate_from_visible_updates), so it
    is neither counted in the Not going ahead figure nor listed under it; its target
    date move stands, as on the public pages. One clause for both, so they agree.
    """
    return sa.and_(
        col(Update.new_status) == CommitmentStatus.NOT_GOING_AHEAD,
        col(Update.hidden_at).is_(None),
    )


def count_activity(
    session: Session,
    slice_: Slice,
    engagement_scope: ColumnElement[bool] | None,
    first: date,
    last: date,
) -> dict[str, int]:
    """What happened between ``first`` and ``last``: four queries, whatever the volume."""
    commitment_scope = [slice_.commitments] if slice_.commitments is not None else []
    issue_scope = [slice_.issues] if slice_.issues is not None else []
    due = sa.and_(
        col(Commitment.original_target_date) >= first, col(Commitment.original_target_date) <= last
    )
    commitments = session.execute(
        sa.select(
            sa.func.count().filter(commitment_made_clause(first, last)),
            sa.func.count().filter(commitment_delivered_clause(first, last)),
            sa.func.count().filter(due),
            sa.func.count().filter(
                due,
                on_time_delivery(last).delivered_on_time,
            ),
        ).where(*commitment_scope)
    ).one()
    issues = session.execute(
        sa.select(sa.func.count()).where(issue_raised_clause(first, last), *issue_scope)
    ).scalar_one()
    start, end = day_ends_at(first - timedelta(days=1)), day_ends_at(last)
    in_quarter = sa.and_(col(Update.posted_at) >= start, col(Update.posted_at) < end)
    changes = session.execute(
        sa.select(
            sa.func.count().filter(changes_target_date()),
            sa.func.count().filter(stopped_clause()),
        )
        .select_from(Update)
        .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
        .where(in_quarter, *commitment_scope)
    ).one()
    engagement_where = [col(Engagement.started_on) >= first, col(Engagement.started_on) <= last]
    if engagement_scope is not None:
        engagement_where.append(engagement_scope)
    engagements = session.execute(
        sa.select(sa.func.count()).select_from(Engagement).where(*engagement_where)
    ).scalar_one()
    escalations = session.execute(_escalation_count(slice_, first, last)).scalar_one()
    return {
        "commitments": commitments[0],
        "delivered": commitments[1],
        "due": commitments[2],
        "due_on_time": commitments[3],
        "issues": issues,
        "target_moves": changes[0],
        "not_going_ahead": changes[1],
        "engagements": engagements,
        "escalations": escalations,
    }


def escalations_in(first: date, last: date) -> list[ColumnElement[bool]]:
    return [col(Escalation.escalated_on) >= first, col(Escalation.escalated_on) <= last]


def _escalation_count(slice_: Slice, first: date, last: date) -> Any:
    """Escalations between two dates of issues and commitments within the slice."""
    if slice_.is_system:
        return sa.select(sa.func.count()).where(*escalations_in(first, last))
    assert slice_.issues is not None and slice_.commitments is not None
    issues = sa.select(col(Issue.id)).where(slice_.issues)
    commitments = sa.select(col(Commitment.id)).where(slice_.commitments)
    return sa.select(sa.func.count()).where(
        *escalations_in(first, last),
        sa.or_(
            sa.and_(col(Escalation.entity_type) == "issue", col(Escalation.entity_id).in_(issues)),
            sa.and_(
                col(Escalation.entity_type) == "commitment",
                col(Escalation.entity_id).in_(commitments),
            ),
        ),
    )


def on_time_trend(
    session: Session, slice_: Slice, period: Period, as_at: date
) -> list[QuarterShare]:
    """For the report's quarter and the three before it: commitments first due in the
    quarter (up to the report's date), and those delivered by that first date. One query."""
    quarters = [period]
    while len(quarters) < TREND_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    scope = [slice_.commitments] if slice_.commitments is not None else []
    on_time = on_time_delivery(as_at).delivered_on_time
    columns = []
    for quarter in quarters:
        due = sa.and_(
            col(Commitment.original_target_date) >= quarter.start,
            col(Commitment.original_target_date) <= min(quarter.end, as_at),
        )
        columns += [sa.func.count().filter(due), sa.func.count().filter(due, on_time)]
    row = session.execute(sa.select(*columns).where(*scope)).one()
    return [QuarterShare(quarter, row[2 * i], row[2 * i + 1]) for i, quarter in enumerate(quarters)]


def commitments_by_partner(session: Session, links: PublicLinks) -> list[PartnerStatusRow]:
    """Every partner that has made commitments, with its commitments by status. One query."""
    rows = session.execute(
        sa.select(col(Partner.name), col(Partner.slug), col(Commitment.status), sa.func.count())
        .join(Commitment, col(Commitment.partner_id) == col(Partner.id))
        .group_by(col(Partner.name), col(Partner.slug), col(Commitment.status))
    ).all()
    found: dict[tuple[str, str], dict[CommitmentStatus, int]] = {}
    for name, slug, status, count in rows:
        found.setdefault((name, slug), dict.fromkeys(CommitmentStatus, 0))[
            _STATUSES[str(status)]
        ] = count
    return [
        PartnerStatusRow(name, slug, counts, links.partner_commitments(slug))
        for (name, slug), counts in sorted(found.items(), key=lambda item: item[0][0].lower())
    ]
