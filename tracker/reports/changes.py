"""What changed in the quarter: new issues, new and delivered commitments, target
dates moved and commitments stopped, each with its public address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, col, select

from tracker.clock import local_date
from tracker.figures.slices import Slice
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Issue,
    Partner,
    Update,
)
from tracker.queries.filters import (
    commitment_delivered_clause,
    commitment_made_clause,
    issue_raised_clause,
)
from tracker.queries.pagination import relationship
from tracker.reports.activity import changes_target_date, stopped_clause
from tracker.reports.headline import day_ends_at
from tracker.reports.links import PublicLinks


@dataclass(frozen=True)
class IssueLine:
    reference: str
    title: str
    partner: str
    raised_on: date
    url: str
    days_waited: int | None = None


@dataclass(frozen=True)
class CommitmentLine:
    """A commitment in one of the report's lists."""

    reference: str
    title: str
    partner: str
    status: CommitmentStatus
    target_date: date
    url: str
    committed_on: date | None = None
    delivered_on: date | None = None
    original_target_date: date | None = None
    days_overdue: int | None = None
    last_activity_on: date | None = None
    days_since_update: int | None = None

    @property
    def delivered_on_time(self) -> bool:
        return (
            self.delivered_on is not None
            and self.original_target_date is not None
            and self.delivered_on <= self.original_target_date
        )


@dataclass(frozen=True)
class StatusChange:
    """A target date moved, or a commitment not going ahead, during the quarter."""

    reference: str
    title: str
    partner: str
    changed_on: date
    url: str
    #: The public reason; ``None`` when the update that gave it was hidden.
    reason: str | None
    previous_target_date: date | None = None
    new_target_date: date | None = None
    reason_hidden: bool = False


# --- What changed this quarter ------------------------------------------------------------


def new_issue_lines(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> list[IssueLine]:
    scope = [slice_.issues] if slice_.issues is not None else []
    issues = session.exec(
        select(Issue)
        .where(issue_raised_clause(first, last), *scope)
        .options(joinedload(relationship(Issue.lead_partner)))
        .order_by(col(Issue.raised_on), col(Issue.number))
    ).all()
    return [
        IssueLine(
            issue.reference,
            issue.title,
            issue.lead_partner.name if issue.lead_partner else "No lead partner yet",
            issue.raised_on,
            links.issue(issue.reference),
        )
        for issue in issues
    ]


def commitment_line(commitment: Commitment, links: PublicLinks, **extra: Any) -> CommitmentLine:
    return CommitmentLine(
        reference=commitment.reference,
        title=commitment.title,
        partner=commitment.partner.name,
        status=commitment.status,
        target_date=commitment.target_date,
        url=links.commitment(commitment.reference),
        **extra,
    )


def commitments_in_slice(session: Session, slice_: Slice, *where: Any, order: Sequence[Any]) -> Any:
    scope = [slice_.commitments] if slice_.commitments is not None else []
    return session.exec(
        select(Commitment)
        .where(*where, *scope)
        .options(joinedload(relationship(Commitment.partner)))
        .order_by(*order, col(Commitment.number))
    ).all()


def new_commitment_lines(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> list[CommitmentLine]:
    found = commitments_in_slice(
        session,
        slice_,
        commitment_made_clause(first, last),
        order=[col(Commitment.committed_on)],
    )
    return [commitment_line(c, links, committed_on=c.committed_on) for c in found]


def delivered_lines(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> list[CommitmentLine]:
    found = commitments_in_slice(
        session,
        slice_,
        commitment_delivered_clause(first, last),
        order=[col(Commitment.delivered_on)],
    )
    return [
        commitment_line(
            c, links, delivered_on=c.delivered_on, original_target_date=c.original_target_date
        )
        for c in found
    ]


def status_change_lines(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> tuple[list[StatusChange], list[StatusChange]]:
    """Target dates moved and commitments stopped during the quarter, from their updates.

    A move made by an update that was later hidden is still listed (PRODUCT.md: a
    changed target date is never hidden), without the hidden update's reason. A stop
    made by one is not: hiding undid it, and the Not going ahead figure leaves it out.
    """
    start, end = day_ends_at(first - timedelta(days=1)), day_ends_at(last)
    scope = [slice_.commitments] if slice_.commitments is not None else []
    stopped = stopped_clause()
    rows = session.execute(
        sa.select(Update, Commitment, col(Partner.name), stopped.label("stopped"))
        .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .where(
            col(Update.posted_at) >= start,
            col(Update.posted_at) < end,
            sa.or_(changes_target_date(), stopped),
            *scope,
        )
        .order_by(col(Update.posted_at), col(Commitment.number))
    ).all()
    moves, stops = [], []
    for update, commitment, partner_name, is_stop in rows:
        hidden = update.hidden_at is not None
        change = StatusChange(
            reference=commitment.reference,
            title=commitment.title,
            partner=partner_name,
            changed_on=local_date(update.posted_at),
            url=links.commitment(commitment.reference),
            reason=None if hidden else (update.reason or commitment.status_reason),
            previous_target_date=update.previous_target_date,
            new_target_date=update.new_target_date,
            reason_hidden=hidden,
        )
        if update.changes_target_date:
            moves.append(change)
        if is_stop:
            stops.append(change)
    return moves, stops
