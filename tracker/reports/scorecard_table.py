"""The partner scorecard table: every partner's key figures, then the whole system's,
each a link to the list it counts."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.figures.every_slice import FigureSet
from tracker.figures.slices import SliceKind
from tracker.models import (
    CommitmentStatus,
    Partner,
)
from tracker.queries.filters import (
    NO_RECENT_UPDATE,
    OVERDUE,
)
from tracker.reports.links import Count, PublicLinks
from tracker.rules import (
    ResponseState,
)


@dataclass(frozen=True)
class ScorecardRow:
    """A row of the partner scorecard table: counts that link to their lists."""

    name: str
    url: str | None
    issues: Count
    awaiting: Count
    commitments: Count
    delivered: Count
    overdue: Count
    no_recent_update: Count
    on_time: Count
    is_total: bool = False


# --- The partner scorecard table ---------------------------------------------------------------


def scorecard_rows(
    session: Session, every_slice: FigureSet, partner: Partner | None, links: PublicLinks
) -> list[ScorecardRow]:
    """Every partner's key figures (or the report's partner's), then the whole system's."""
    rows = []
    partners = session.exec(
        select(Partner).order_by(sa.func.lower(col(Partner.name)), col(Partner.slug))
    ).all()
    for each in partners:
        if partner is not None and each.id != partner.id:
            continue
        slug = each.slug
        figures = every_slice.of(SliceKind.PARTNER, each.id)
        rows.append(
            ScorecardRow(
                name=each.name,
                url=links.partner(slug),
                issues=Count(figures.issues_raised, links.partner_issues(slug)),
                awaiting=Count(
                    figures.issues_awaiting_response,
                    links.partner_issues(slug, ResponseState.AWAITING_RESPONSE.value),
                ),
                commitments=Count(figures.commitments_made, links.partner_commitments(slug)),
                delivered=Count(
                    figures.delivered,
                    links.partner_commitments(slug, CommitmentStatus.DELIVERED.value),
                ),
                overdue=Count(figures.overdue, links.partner_commitments(slug, OVERDUE)),
                no_recent_update=Count(
                    figures.no_recent_update, links.partner_commitments(slug, NO_RECENT_UPDATE)
                ),
                on_time=Count(figures.share_delivered_on_time or "none due", links.partner(slug)),
            )
        )
    everyone = PublicLinks(links.base)
    system = every_slice.system
    rows.append(
        ScorecardRow(
            name="Whole system",
            url=everyone.url("/"),
            issues=Count(system.issues_raised, everyone.issues()),
            awaiting=Count(
                system.issues_awaiting_response,
                everyone.issues(state=ResponseState.AWAITING_RESPONSE.value),
            ),
            commitments=Count(system.commitments_made, everyone.commitments()),
            delivered=Count(
                system.commitments_by_status[CommitmentStatus.DELIVERED],
                everyone.commitments(CommitmentStatus.DELIVERED.value),
            ),
            overdue=Count(system.overdue, everyone.commitments(OVERDUE)),
            no_recent_update=Count(system.no_recent_update, everyone.commitments(NO_RECENT_UPDATE)),
            on_time=Count(system.share_delivered_on_time or "none due", everyone.url("/")),
            is_total=True,
        )
    )
    return rows
