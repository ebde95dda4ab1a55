"""The partner lead's dashboard: their open commitments, most urgent first."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.manage import permissions
from tracker.models import (
    Commitment,
    Partner,
    User,
)
from tracker.queries.pagination import PAGE_SIZE, Page, page_number, relationship, row_offset
from tracker.rules import (
    CLOSED_STATUSES,
    DUE_SOON_DAYS,
    due_within_clause,
    is_closed,
    is_due_within,
    is_overdue,
    last_activity_on_clause,
    no_recent_update,
    no_recent_update_clause,
    overdue_clause,
)


class Urgency(enum.IntEnum):
    """How soon an open commitment needs attention; the dashboard lists the lowest first."""

    OVERDUE = 0
    NO_RECENT_UPDATE = 1
    DUE_SOON = 2
    OPEN = 3
    FINISHED = 4

    @property
    def label(self) -> str:
        return {
            Urgency.OVERDUE: "Overdue",
            Urgency.NO_RECENT_UPDATE: "No recent update",
            Urgency.DUE_SOON: f"Due in the next {DUE_SOON_DAYS} days",
            Urgency.OPEN: "Other open commitments",
            Urgency.FINISHED: "Delivered or not going ahead",
        }[self]


def urgency_of(commitment: Commitment, today: date, threshold_days: int) -> Urgency:
    """The first of Overdue, No recent update, due soon, open, finished that applies."""
    if is_closed(commitment.status):
        return Urgency.FINISHED
    if is_overdue(commitment, today):
        return Urgency.OVERDUE
    if no_recent_update(commitment, today, threshold_days):
        return Urgency.NO_RECENT_UPDATE
    if is_due_within(commitment, today, DUE_SOON_DAYS):
        return Urgency.DUE_SOON
    return Urgency.OPEN


def urgency_clause(today: date, threshold_days: int) -> ColumnElement[int]:
    """SQL form of :func:`urgency_of`, for ordering."""
    return sa.case(
        (col(Commitment.status).in_(CLOSED_STATUSES), int(Urgency.FINISHED)),
        (overdue_clause(today), int(Urgency.OVERDUE)),
        (no_recent_update_clause(today, threshold_days), int(Urgency.NO_RECENT_UPDATE)),
        (due_within_clause(today, DUE_SOON_DAYS), int(Urgency.DUE_SOON)),
        else_=int(Urgency.OPEN),
    )


SHOW_OPEN = "open"
SHOW_FINISHED = "finished"


@dataclass(frozen=True)
class DashboardRow:
    """A commitment as the dashboard lists it, with its flags."""

    commitment: Commitment
    urgency: Urgency
    overdue: bool
    no_recent_update: bool


def dashboard_row(commitment: Commitment, today: date, threshold_days: int) -> DashboardRow:
    """``commitment`` with its flags and urgency (partner and issue already loaded)."""
    return DashboardRow(
        commitment=commitment,
        urgency=urgency_of(commitment, today, threshold_days),
        overdue=is_overdue(commitment, today),
        no_recent_update=no_recent_update(commitment, today, threshold_days),
    )


@dataclass(frozen=True)
class PartnerOption:
    slug: str
    name: str


@dataclass(frozen=True)
class Dashboard:
    """One page of the commitments a person looks after, most urgent first."""

    page: Page[DashboardRow]
    show: str
    open_count: int
    finished_count: int
    #: The partner shown: a partner lead's own, or the team's filter (None: all).
    partner: PartnerOption | None
    #: The team's filter choices; empty for a partner lead.
    partners: list[PartnerOption]
    notices: tuple[str, ...] = ()

    def query_args(self, **overrides: str | None) -> dict[str, str]:
        """The address's filters (page not included), for links that keep them."""
        args: dict[str, str | None] = {
            "partner": self.partner.slug if self.partner and self.partners else None,
            "show": self.show if self.show != SHOW_OPEN else None,
        }
        args.update(overrides)
        return {name: value for name, value in args.items() if value}


def dashboard(
    session: Session,
    user: User,
    *,
    partner_slug: str | None,
    show: str | None,
    page: int,
    today: date,
    threshold_days: int,
) -> Dashboard:
    """The commitments ``user`` looks after: a partner lead's own partner's, or everyone's.

    Open commitments come most urgent first (:class:`Urgency`), then by target date;
    finished ones (Delivered, Not going ahead) are a separate list, most recently
    active first. The team may filter by partner (an unknown slug is ignored with a
    notice). At most three queries however many commitments there are: the partners
    (the team's filter, or the partner lead's own), the counts, and the page with
    each commitment's partner and issue.
    """
    notices: list[str] = []
    show = SHOW_FINISHED if show == SHOW_FINISHED else SHOW_OPEN
    options: list[PartnerOption] = []
    partner: PartnerOption | None = None
    partner_id: int | None = None
    if permissions.is_team(user):
        rows = session.exec(
            select(Partner.id, Partner.slug, Partner.name).order_by(col(Partner.name))
        ).all()
        options = [PartnerOption(slug, name) for _, slug, name in rows]
        if partner_slug:
            found = next((row for row in rows if row[1] == partner_slug), None)
            if found is None:
                notices.append(
                    "The partner in the address was not found, so every partner's "
                    "commitments are shown."
                )
            else:
                partner_id = found[0]
                partner = PartnerOption(found[1], found[2])
    else:
        partner_id = user.partner_id if user.partner_id is not None else -1
        own = session.get(Partner, partner_id)
        partner = PartnerOption(own.slug, own.name) if own is not None else None

    scope: list[ColumnElement[bool]] = []
    if partner_id is not None:
        scope.append(col(Commitment.partner_id) == partner_id)
    closed = col(Commitment.status).in_(CLOSED_STATUSES)
    open_count, finished_count = session.exec(
        select(
            sa.func.coalesce(sa.func.sum(sa.case((closed, 0), else_=1)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((closed, 1), else_=0)), 0),
        ).where(*scope)
    ).one()
    total = int(finished_count if show == SHOW_FINISHED else open_count)
    number = page_number(page, total)
    if show == SHOW_FINISHED:
        conditions = [*scope, closed]
        order: list[Any] = [
            last_activity_on_clause().desc(),
            col(Commitment.number).desc(),
        ]
    else:
        conditions = [*scope, ~closed]
        order = [
            urgency_clause(today, threshold_days),
            col(Commitment.target_date).asc(),
            col(Commitment.number).asc(),
        ]
    commitments = session.exec(
        select(Commitment)
        .where(*conditions)
        .options(
            joinedload(relationship(Commitment.partner)),
            joinedload(relationship(Commitment.issue)),
        )
        .order_by(*order)
        .offset(row_offset(number))
        .limit(PAGE_SIZE)
    ).all()
    rows_on_page = [dashboard_row(commitment, today, threshold_days) for commitment in commitments]
    return Dashboard(
        page=Page(rows=rows_on_page, number=number, total=total, requested=page),
        show=show,
        open_count=int(open_count),
        finished_count=int(finished_count),
        partner=partner,
        partners=options,
        notices=tuple(notices),
    )
