"""Issues ("You said"): the workspace's list, and recording and changing an issue
and its lead partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, col

from tracker import audit, clock
from tracker.converters import reference_number
from tracker.manage.permissions import is_team
from tracker.manage.problems import InvalidInput
from tracker.manage.records.common import (
    QUOTE_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    check_count,
    check_text,
    commit_changes,
    commit_created,
    ensure_team,
    find_by_reference,
    ids_of,
    record_with_id,
    records_with_ids,
)
from tracker.models import (
    Area,
    Community,
    Engagement,
    Issue,
    LeadPartnerChange,
    Partner,
    Role,
    Theme,
    User,
)
from tracker.queries.filters import issue_partner_clause
from tracker.queries.issues import IssueRow, issue_rows
from tracker.queries.pagination import PAGE_SIZE, Page, relationship, row_offset, rows_of_page
from tracker.references import allocate_number
from tracker.rules import ResponseState, response_state_clause
from tracker.search import issue_matches, parse_query


def find_issue(session: Session, reference: str) -> Issue:
    """The issue with public reference ``reference`` (``YS-0042``), with its links."""
    return find_by_reference(
        session,
        Issue,
        "issue",
        reference,
        joinedload(relationship(Issue.lead_partner)),
        selectinload(relationship(Issue.supporting_partners)),
        selectinload(relationship(Issue.themes)),
        selectinload(relationship(Issue.areas)),
        selectinload(relationship(Issue.communities)),
        selectinload(relationship(Issue.engagements)),
    )


# --- The workspace's list of issues -------------------------------------------------


@dataclass(frozen=True)
class IssueSearch:
    """What the workspace's list of issues was searched for, read from the address."""

    #: The search box's text as typed, for the form.
    q: str = ""
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query_args(self) -> dict[str, str]:
        return {"q": self.q} if self.q else {}


def workspace_issues(
    session: Session, user: User, search: IssueSearch, today: date
) -> Page[IssueRow]:
    """The issues ``user`` may respond to, awaiting a response first, one page at a time.

    The team sees every issue; a partner lead sees the issues their partner leads or
    supports. Issues still awaiting a response come first, the longest waiting at
    the top; the rest follow, the most recently raised first. The search finds a
    reference (``YS-0042``, ``ys42``) or words from the issue or its commitments.
    """
    conditions: list[Any] = []
    if not is_team(user):
        if user.role is not Role.PARTNER or user.partner_id is None:
            conditions.append(sa.false())
        else:
            conditions.append(issue_partner_clause(user.partner_id))
    matches = None
    number = reference_number(search.q, Issue.REFERENCE_PREFIX) if search.q else None
    if number is not None:
        conditions.append(col(Issue.number) == number)
    elif search.q:
        query = parse_query(search.q)
        if query.is_empty:
            conditions.append(sa.false())
        else:
            matches = issue_matches(session, query)

    def matching(*columns: Any) -> sa.Select[Any]:
        statement = sa.select(*columns).select_from(Issue)
        if matches is not None:
            statement = matches.restrict(statement)
        return statement.where(*conditions)

    awaiting = response_state_clause(ResponseState.AWAITING_RESPONSE)

    def fetch(page: int) -> list[Any]:
        statement = (
            matching(Issue, sa.func.count().over().label("total"))
            .options(
                joinedload(relationship(Issue.lead_partner)),
                selectinload(relationship(Issue.commitments)),
            )
            .order_by(
                sa.case((awaiting, 0), else_=1),
                sa.case((awaiting, col(Issue.raised_on)), else_=None).asc(),
                col(Issue.raised_on).desc(),
                col(Issue.number).desc(),
            )
            .offset(row_offset(page))
            .limit(PAGE_SIZE)
        )
        return list(session.execute(statement).all())

    found = rows_of_page(
        search.page, fetch, lambda: session.execute(matching(sa.func.count())).scalar_one()
    )
    return Page(
        rows=issue_rows([row.Issue for row in found.rows], today),
        number=found.number,
        total=found.total,
        requested=search.page,
    )


@dataclass(frozen=True)
class IssueDetails:
    """What the issue form collects (the lead partner is set apart: see
    :func:`create_issue` and :func:`change_lead_partner`)."""

    title: str
    summary: str
    raised_on: date
    quotes: tuple[str, ...] = ()
    people_count: int | None = None
    theme_ids: tuple[int, ...] = ()
    area_ids: tuple[int, ...] = ()
    community_ids: tuple[int, ...] = ()
    engagement_ids: tuple[int, ...] = ()
    supporting_partner_ids: tuple[int, ...] = ()


_ISSUE_FIELDS = ("title", "summary", "quotes", "raised_on", "people_count", "lead_partner_id")


def _issue_snapshot(issue: Issue) -> dict[str, Any]:
    return {
        **audit.snapshot(issue, _ISSUE_FIELDS),
        "theme_ids": ids_of(issue.themes),
        "area_ids": ids_of(issue.areas),
        "community_ids": ids_of(issue.communities),
        "engagement_ids": ids_of(issue.engagements),
        "supporting_partner_ids": ids_of(issue.supporting_partners),
    }


def quotes_from_text(text: str) -> tuple[str, ...]:
    """The quotes typed one a line, without blank lines or surrounding spaces."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class _IssueLinks:
    themes: list[Theme]
    areas: list[Area]
    communities: list[Community]
    engagements: list[Engagement]
    supporters: list[Partner]


def _checked_issue(
    session: Session,
    details: IssueDetails,
    lead_partner_id: int | None,
    problems: dict[str, str],
) -> _IssueLinks:
    """The records ``details`` link to, once every rule is met; else :class:`InvalidInput`
    with these problems and any already in ``problems``."""
    check_text(problems, "title", details.title, "Title", TITLE_MAX)
    check_text(problems, "summary", details.summary, "Summary", SUMMARY_MAX)
    for number, quote in enumerate(details.quotes, start=1):
        if len(quote) > QUOTE_MAX:
            problems["quotes"] = (
                f"Quote {number} is {len(quote):,} characters long: each quote must be "
                f"{QUOTE_MAX} characters or fewer"
            )
            break
    if details.raised_on > clock.today():
        problems["raised_on"] = "The date raised must be today or in the past"
    check_count(problems, "people_count", details.people_count, "Number of people")
    if lead_partner_id is not None and lead_partner_id in details.supporting_partner_ids:
        problems["supporting_partners"] = (
            "The lead partner cannot also be a supporting partner: untick it, or choose "
            "another lead partner"
        )
    chosen = "Choose {} from the list"
    links = _IssueLinks(
        themes=records_with_ids(
            session, Theme, details.theme_ids, problems, "themes", chosen.format("themes")
        ),
        areas=records_with_ids(
            session, Area, details.area_ids, problems, "areas", chosen.format("areas")
        ),
        communities=records_with_ids(
            session,
            Community,
            details.community_ids,
            problems,
            "communities",
            chosen.format("communities"),
        ),
        engagements=records_with_ids(
            session,
            Engagement,
            details.engagement_ids,
            problems,
            "engagements",
            chosen.format("engagements"),
        ),
        supporters=records_with_ids(
            session,
            Partner,
            details.supporting_partner_ids,
            problems,
            "supporting_partners",
            chosen.format("partners"),
        ),
    )
    if problems:
        raise InvalidInput(problems)
    return links


def _assign_issue(issue: Issue, details: IssueDetails, links: _IssueLinks) -> None:
    issue.title = details.title
    issue.summary = details.summary
    issue.quotes = list(details.quotes)
    issue.raised_on = details.raised_on
    issue.people_count = details.people_count
    issue.themes = links.themes
    issue.areas = links.areas
    issue.communities = links.communities
    issue.engagements = links.engagements
    issue.supporting_partners = links.supporters
    issue.updated_at = clock.now()


def create_issue(
    session: Session, actor: User, details: IssueDetails, lead_partner_id: int | None
) -> Issue:
    """Record a new issue with its lead partner (``None``: not yet assigned) and the
    next ``YS-`` reference; audited as ``issue.created``.

    This is the only time the lead partner is set without a trace in the public
    history: later changes go through :func:`change_lead_partner`.
    """
    ensure_team(actor)
    problems: dict[str, str] = {}
    lead = record_with_id(
        session,
        Partner,
        lead_partner_id,
        problems,
        "lead_partner",
        "Choose a partner from the list",
    )
    links = _checked_issue(session, details, lead_partner_id, problems)
    issue = Issue(
        number=allocate_number(session, Issue.REFERENCE_PREFIX),
        title=details.title,
        summary=details.summary,
        raised_on=details.raised_on,
        lead_partner_id=lead.id if lead else None,
    )
    session.add(issue)
    _assign_issue(issue, details, links)
    issue.created_at = issue.updated_at
    commit_created(
        session,
        actor,
        "issue.created",
        "issue",
        issue,
        {"reference": issue.reference, **_issue_snapshot(issue)},
    )
    return issue


def change_issue(session: Session, actor: User, issue: Issue, details: IssueDetails) -> bool:
    """Change an issue's details, but never its lead partner; audited as
    ``issue.changed``. Returns False, writing nothing, when nothing changed."""
    ensure_team(actor)
    before = _issue_snapshot(issue)
    links = _checked_issue(session, details, issue.lead_partner_id, {})
    _assign_issue(issue, details, links)
    return commit_changes(
        session, actor, "issue.changed", "issue", issue, before, _issue_snapshot(issue)
    )


def change_lead_partner(
    session: Session, actor: User, issue: Issue, new_partner_id: int | None, reason: str
) -> LeadPartnerChange:
    """Give the issue a new lead partner, with a public reason.

    PRODUCT.md: a reassigned owner appears in the public history, dated. So the
    change is kept as a :class:`LeadPartnerChange` (shown on the issue's page) as
    well as in the audit log (``issue.lead_partner_changed``). A partner that
    supported the issue and now leads it stops being a supporting partner.
    """
    ensure_team(actor)
    problems: dict[str, str] = {}
    reason = reason.strip()
    check_text(problems, "reason", reason, "Reason", REASON_MAX)
    new_partner = None
    if new_partner_id is None:
        problems["lead_partner"] = "Choose the new lead partner"
    else:
        new_partner = record_with_id(
            session,
            Partner,
            new_partner_id,
            problems,
            "lead_partner",
            "Choose a partner from the list",
        )
    if new_partner is not None and new_partner.id == issue.lead_partner_id:
        problems["lead_partner"] = (
            f"{new_partner.name} already leads this issue: choose a different partner"
        )
    if problems:
        raise InvalidInput(problems)
    assert new_partner is not None
    before = {
        "lead_partner_id": issue.lead_partner_id,
        "supporting_partner_ids": ids_of(issue.supporting_partners),
    }
    assert issue.id is not None
    change = LeadPartnerChange(
        issue_id=issue.id,
        changed_at=clock.now(),
        previous_partner_id=issue.lead_partner_id,
        new_partner_id=new_partner.id,
        reason=reason,
        changed_by_id=actor.id,
    )
    session.add(change)
    issue.lead_partner_id = new_partner.id
    issue.lead_partner = new_partner
    issue.supporting_partners = [
        partner for partner in issue.supporting_partners if partner.id != new_partner.id
    ]
    issue.updated_at = change.changed_at
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="issue.lead_partner_changed",
        entity_type="issue",
        entity_id=issue.id,
        before=before,
        after={
            "lead_partner_id": new_partner.id,
            "supporting_partner_ids": ids_of(issue.supporting_partners),
            "reason": reason,
        },
    )
    session.commit()
    return change
