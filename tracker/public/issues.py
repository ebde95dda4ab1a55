"""Read models for "You said": issues residents raised, filtered, searched and paged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, col, select

from tracker.models import Issue
from tracker.public.queries import (
    ISSUE_STATE_FILTERS,
    PAGE_SIZE,
    Page,
    first_value,
    issue_state_clause,
    page_number,
    parse_page,
    relationship,
    row_offset,
)
from tracker.rules import (
    ResponseState,
    days_awaiting_response,
    issue_response_state,
)


@dataclass(frozen=True)
class IssueFilters:
    """What ``/you-said`` is filtered by, read from its query string."""

    state: str | None = None
    page: int = 1
    #: Plain-English notes about parts of the address that were not understood.
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (page not included)."""
        return {"state": self.state} if self.state else {}


def parse_issue_filters(args: Mapping[str, str]) -> IssueFilters:
    """Read ``state`` and ``page`` from a query string, ignoring values we do not know."""
    notices: list[str] = []
    state = first_value(args, "state")
    if state is not None and state not in ISSUE_STATE_FILTERS:
        notices.append(
            "The response state in the address was not recognised, so all issues are shown."
        )
        state = None
    page = parse_page(args, notices)
    return IssueFilters(state=state, page=page, notices=tuple(notices))


# --- Issues ("You said") --------------------------------------------------------


@dataclass(frozen=True)
class IssueRow:
    """An issue as a list shows it, with its derived response state."""

    issue: Issue
    state: ResponseState
    days_awaiting: int | None


def list_issues(session: Session, filters: IssueFilters, today: date) -> Page[IssueRow]:
    """Issues matching ``filters``, most recently raised first, one page at a time.

    Always three queries: the total, the page of issues with their lead partner,
    and their commitments (for the response state).
    """
    conditions = [issue_state_clause(filters.state)] if filters.state else []
    total = session.exec(select(sa.func.count()).select_from(Issue).where(*conditions)).one()
    number = page_number(filters.page, total)
    issues = session.exec(
        select(Issue)
        .where(*conditions)
        .options(
            joinedload(relationship(Issue.lead_partner)),
            selectinload(relationship(Issue.commitments)),
        )
        .order_by(col(Issue.raised_on).desc(), col(Issue.number).desc())
        .offset(row_offset(number))
        .limit(PAGE_SIZE)
    ).all()
    rows = [
        IssueRow(
            issue=issue,
            state=issue_response_state(issue),
            days_awaiting=days_awaiting_response(issue, today),
        )
        for issue in issues
    ]
    return Page(rows=rows, number=number, total=total, requested=filters.page)
