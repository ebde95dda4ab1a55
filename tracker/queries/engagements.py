"""Read models for engagements: where residents were heard, and what they raised there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, col, select

from tracker.errors import RecordNotFound
from tracker.models import Engagement, Issue, IssueEngagementLink, format_reference
from tracker.queries.issues import IssueRow, issue_rows
from tracker.queries.pagination import (
    PAGE_SIZE,
    Page,
    parse_page,
    relationship,
    row_offset,
    rows_of_page,
)


@dataclass(frozen=True)
class EngagementFilters:
    """What ``/engagements`` is read with: only the page, for now."""

    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (page not included)."""
        return {}


def parse_engagement_filters(args: Mapping[str, str]) -> EngagementFilters:
    """Read ``page`` from a query string; an unreadable page number gives page 1 and a notice."""
    notices: list[str] = []
    page = parse_page(args, notices)
    return EngagementFilters(page=page, notices=tuple(notices))


def issues_heard_count() -> sa.ScalarSelect[Any]:
    """The number of issues heard at the engagement, as a column of an engagement query.

    The same count as the list of issues on the engagement's page, which is where
    the figure links.
    """
    return (
        sa.select(sa.func.count())
        .select_from(IssueEngagementLink)
        .where(col(IssueEngagementLink.engagement_id) == col(Engagement.id))
        .scalar_subquery()
    )


@dataclass(frozen=True)
class EngagementRow:
    """An engagement as the list shows it, with how many issues were heard there."""

    engagement: Engagement
    issues_heard: int


def list_engagements(session: Session, filters: EngagementFilters) -> Page[EngagementRow]:
    """Engagements, the most recent first, one page at a time.

    Always one query: the page of engagements with their area, organising partner,
    issues heard and the total across every page (a window count). Only a page
    number past the end costs two more: the total on its own, then the last page.
    """

    def fetch(number: int) -> list[Any]:
        statement = (
            select(
                Engagement,
                issues_heard_count().label("issues_heard"),
                sa.func.count().over().label("total"),
            )
            .options(
                joinedload(relationship(Engagement.area)),
                joinedload(relationship(Engagement.organising_partner)),
            )
            .order_by(col(Engagement.started_on).desc(), col(Engagement.number).desc())
            .offset(row_offset(number))
            .limit(PAGE_SIZE)
        )
        return list(session.execute(statement).all())

    found = rows_of_page(
        filters.page,
        fetch,
        lambda: session.execute(select(sa.func.count()).select_from(Engagement)).scalar_one(),
    )
    return Page(
        rows=[EngagementRow(row.Engagement, row.issues_heard) for row in found.rows],
        number=found.number,
        total=found.total,
        requested=filters.page,
    )


@dataclass(frozen=True)
class EngagementDetail:
    """Everything the engagement page shows: the engagement and the issues heard there."""

    engagement: Engagement
    issues: list[IssueRow]


def engagement_detail(session: Session, number: int, today: date) -> EngagementDetail:
    """The engagement with public reference number ``number``, for its page.

    Always four queries, however much it holds: the engagement with its area and
    organising partner, its communities, the issues heard there (with their lead
    partners) and those issues' commitments (for their response states).
    Raises :class:`RecordNotFound` when there is no such engagement.
    """
    issues = selectinload(relationship(Engagement.issues))
    engagement = session.exec(
        select(Engagement)
        .where(col(Engagement.number) == number)
        .options(
            joinedload(relationship(Engagement.area)),
            joinedload(relationship(Engagement.organising_partner)),
            selectinload(relationship(Engagement.communities)),
            issues.joinedload(relationship(Issue.lead_partner)),
            issues.selectinload(relationship(Issue.commitments)),
        )
    ).one_or_none()
    if engagement is None:
        reference = format_reference(Engagement.REFERENCE_PREFIX, number)
        raise RecordNotFound(
            f"There is no engagement with the reference {reference}. Check the reference, "
            "or browse the list of engagements."
        )
    heard = sorted(
        engagement.issues, key=lambda issue: (issue.raised_on, issue.number), reverse=True
    )
    return EngagementDetail(engagement=engagement, issues=issue_rows(heard, today))
