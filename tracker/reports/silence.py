"""Silence: Overdue and No recent update commitments grouped by partner, and the
issues waiting longest for a response."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from tracker.figures.slices import Slice
from tracker.models import (
    Issue,
)
from tracker.queries.filters import (
    OVERDUE,
    commitment_status_clause,
    issue_state_clause,
)
from tracker.queries.pagination import relationship
from tracker.reports.changes import IssueLine, commitment_line, commitments_in_slice
from tracker.reports.links import PublicLinks
from tracker.rules import (
    ResponseState,
    days_overdue,
    days_since_raised,
    days_since_update,
    last_activity_on,
    longest_silent_first,
    most_overdue_first,
    waiting_longest_first,
)

#: How many of each partner's Overdue (and No recent update) commitments are shown
#: in full; the rest are named by reference (all of them are in the appendix).
SILENT_ROWS_PER_PARTNER = 5
#: How many issues the "waiting longest" list shows.
AWAITING_LIST_SIZE = 10
#: How many quarters the on-time chart covers, the report's own included.


@dataclass(frozen=True)
class PartnerGroup:
    """A partner's records in a list grouped by partner, with the public list of them."""

    name: str
    slug: str
    url: str
    rows: list[Any]


# --- Silence ---------------------------------------------------------------------------------


def group_by_partner(rows: Sequence[tuple[str, str, Any]], url_of: Any) -> list[PartnerGroup]:
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for name, slug, row in rows:
        groups[(name, slug)].append(row)
    return [
        PartnerGroup(name, slug, url_of(slug), members)
        for (name, slug), members in sorted(groups.items(), key=lambda item: item[0][0].lower())
    ]


def silent_by_partner(
    session: Session, slice_: Slice, links: PublicLinks, as_at: date, threshold: int, flag: str
) -> list[PartnerGroup]:
    """Overdue (or No recent update) commitments, by partner, most overdue (or silent) first."""
    order = most_overdue_first() if flag == OVERDUE else longest_silent_first()
    found = commitments_in_slice(
        session,
        slice_,
        commitment_status_clause(flag, as_at, threshold),
        order=order,
    )
    rows = []
    for commitment in found:
        rows.append(
            (
                commitment.partner.name,
                commitment.partner.slug,
                commitment_line(
                    commitment,
                    links,
                    days_overdue=days_overdue(commitment, as_at),
                    last_activity_on=last_activity_on(commitment),
                    days_since_update=days_since_update(commitment, as_at),
                ),
            )
        )
    return group_by_partner(rows, lambda slug: links.partner_commitments(slug, flag))


def longest_awaiting(
    session: Session, slice_: Slice, links: PublicLinks, as_at: date
) -> list[IssueLine]:
    scope = [slice_.issues] if slice_.issues is not None else []
    issues = session.exec(
        select(Issue)
        .where(issue_state_clause(ResponseState.AWAITING_RESPONSE.value), *scope)
        .options(joinedload(relationship(Issue.lead_partner)))
        .order_by(*waiting_longest_first())
        .limit(AWAITING_LIST_SIZE)
    ).all()
    return [
        IssueLine(
            issue.reference,
            issue.title,
            issue.lead_partner.name if issue.lead_partner else "No lead partner yet",
            issue.raised_on,
            links.issue(issue.reference),
            days_waited=days_since_raised(issue, as_at),
        )
        for issue in issues
    ]
