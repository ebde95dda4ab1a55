"""Read models for "We will": partners' commitments, filtered, searched and paged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.models import Commitment, Partner
from tracker.public.queries import (
    COMMITMENT_STATUS_FILTERS,
    PAGE_SIZE,
    Page,
    commitment_status_clause,
    first_value,
    page_number,
    parse_page,
    relationship,
    row_offset,
)
from tracker.rules import (
    is_overdue,
    no_recent_update,
)


@dataclass(frozen=True)
class CommitmentFilters:
    """What ``/we-will`` is filtered by, read from its query string."""

    status: str | None = None
    partner: str | None = None
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (page not included)."""
        args = {}
        if self.status:
            args["status"] = self.status
        if self.partner:
            args["partner"] = self.partner
        return args


def parse_commitment_filters(args: Mapping[str, str]) -> CommitmentFilters:
    """Read ``status``, ``partner`` and ``page`` from a query string.

    An unknown status is ignored with a notice. The partner slug is checked
    against the database by :func:`list_commitments`.
    """
    notices: list[str] = []
    status = first_value(args, "status")
    if status is not None and status not in COMMITMENT_STATUS_FILTERS:
        notices.append(
            "The status in the address was not recognised, "
            "so commitments of every status are shown."
        )
        status = None
    partner = first_value(args, "partner")
    page = parse_page(args, notices)
    return CommitmentFilters(status=status, partner=partner, page=page, notices=tuple(notices))


# --- Commitments ("We will") ----------------------------------------------------


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment as a list shows it, with its derived flags."""

    commitment: Commitment
    overdue: bool
    no_recent_update: bool


@dataclass(frozen=True)
class CommitmentListing:
    """A page of commitments, the filters applied, and every partner for the filter form."""

    page: Page[CommitmentRow]
    #: The filters actually applied: an unknown partner is dropped.
    filters: CommitmentFilters
    partners: list[Partner]
    partner: Partner | None
    notices: tuple[str, ...]


def list_commitments(
    session: Session, filters: CommitmentFilters, today: date, threshold_days: int
) -> CommitmentListing:
    """Commitments matching ``filters``, most recently made first, one page at a time.

    Always three queries: every partner (for the filter form, and to find the
    partner in the address), the total, and the page with each commitment's partner.
    An unknown partner slug is ignored with a notice.
    """
    notices = list(filters.notices)
    partners = list(session.exec(select(Partner).order_by(col(Partner.name))).all())
    partner = None
    if filters.partner is not None:
        partner = next((p for p in partners if p.slug == filters.partner), None)
        if partner is None:
            notices.append(
                "The partner in the address was not found, "
                "so commitments of every partner are shown."
            )
            filters = replace(filters, partner=None)
    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(commitment_status_clause(filters.status, today, threshold_days))
    if partner is not None:
        conditions.append(col(Commitment.partner_id) == partner.id)
    total = session.exec(select(sa.func.count()).select_from(Commitment).where(*conditions)).one()
    number = page_number(filters.page, total)
    commitments = session.exec(
        select(Commitment)
        .where(*conditions)
        .options(joinedload(relationship(Commitment.partner)))
        .order_by(col(Commitment.committed_on).desc(), col(Commitment.number).desc())
        .offset(row_offset(number))
        .limit(PAGE_SIZE)
    ).all()
    rows = [
        CommitmentRow(
            commitment=commitment,
            overdue=is_overdue(commitment, today),
            no_recent_update=no_recent_update(commitment, today, threshold_days),
        )
        for commitment in commitments
    ]
    return CommitmentListing(
        page=Page(rows=rows, number=number, total=total, requested=filters.page),
        filters=filters,
        partners=partners,
        partner=partner,
        notices=tuple(notices),
    )
