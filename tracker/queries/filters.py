"""List filters: what each filter in an address means, read from the query string and as
the SQL clause that applies it.

Every figure is counted with the same filter clause as the list it links to, and
those clauses are the SQL forms of the rules in :mod:`tracker.rules`. So the
"Overdue" figure on the home page always equals the total of ``/we-will?status=overdue``,
and a theme's issue figure the total of ``/you-said?theme=<slug>`` (PRODUCT.md: every
figure can be traced to the records behind it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Issue,
    IssueAreaLink,
    IssueCommunityLink,
    IssueSupportingPartnerLink,
    IssueThemeLink,
    Partner,
    Theme,
)
from tracker.rendering import format_date
from tracker.rules import (
    CLOSED_STATUSES,
    ResponseState,
    no_recent_update_clause,
    overdue_clause,
    response_state_clause,
    target_moved_clause,
)

#: Issue filter: every issue a partner has answered, whether still open or closed.
HAS_RESPONSE = "has-response"
#: Commitment filters for the derived flags, beside the five stored statuses.
OVERDUE = "overdue"
NO_RECENT_UPDATE = "no-recent-update"
#: Commitment filters that scorecard figures count: every commitment still open
#: (not Delivered or Not going ahead), and every one whose target date has moved.
OPEN = "open"
TARGET_MOVED = "target-moved"

#: The values ``/you-said?state=`` accepts, with the words shown for each.
ISSUE_STATE_FILTERS: dict[str, str] = {
    ResponseState.AWAITING_RESPONSE.value: ResponseState.AWAITING_RESPONSE.label,
    HAS_RESPONSE: "With a response (responded or closed)",
    ResponseState.RESPONDED.value: ResponseState.RESPONDED.label,
    ResponseState.CLOSED.value: ResponseState.CLOSED.label,
}

#: The values ``/we-will?status=`` accepts, with the words shown for each.
COMMITMENT_STATUS_FILTERS: dict[str, str] = {
    **{status.value: status.label for status in CommitmentStatus},
    OVERDUE: "Overdue",
    NO_RECENT_UPDATE: "No recent update",
    OPEN: "Open (not yet finished)",
    TARGET_MOVED: "Target date moved",
}

_STATUS_BY_VALUE = {status.value: status for status in CommitmentStatus}

_DATE_PARTS = ("day", "month", "year")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_OR_MONTH = re.compile(r"\d{1,2}")
_YEAR = re.compile(r"\d{4}")


# --- Reading filters from the address -------------------------------------------


def first_value(args: Mapping[str, str], name: str) -> str | None:
    """The first value of a query parameter, stripped; ``None`` when absent or blank.

    A repeated parameter (``?status=a&status=b``) uses its first value, as a
    form with one select would send.
    """
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


# --- Filters shared by figures and lists ---------------------------------------


def issue_state_clause(state: str) -> ColumnElement[bool]:
    """SQL filter for one of :data:`ISSUE_STATE_FILTERS` on issues."""
    if state == HAS_RESPONSE:
        return ~response_state_clause(ResponseState.AWAITING_RESPONSE)
    return response_state_clause(ResponseState(state))


def commitment_status_clause(status: str, today: date, threshold_days: int) -> ColumnElement[bool]:
    """SQL filter for one of :data:`COMMITMENT_STATUS_FILTERS` on commitments."""
    if status == OVERDUE:
        return overdue_clause(today)
    if status == NO_RECENT_UPDATE:
        return no_recent_update_clause(today, threshold_days)
    if status == OPEN:
        return col(Commitment.status).not_in(CLOSED_STATUSES)
    if status == TARGET_MOVED:
        return target_moved_clause()
    return col(Commitment.status) == _STATUS_BY_VALUE[status]


def commitment_made_clause(made_from: date | None, made_to: date | None) -> ColumnElement[bool]:
    """Commitments made on or after ``made_from`` and on or before ``made_to``."""
    conditions = []
    if made_from is not None:
        conditions.append(col(Commitment.committed_on) >= made_from)
    if made_to is not None:
        conditions.append(col(Commitment.committed_on) <= made_to)
    return sa.and_(sa.true(), *conditions)


def commitment_delivered_clause(
    delivered_from: date | None, delivered_to: date | None
) -> ColumnElement[bool]:
    """Delivered commitments whose delivery date is within the range (both ends included).

    Only a Delivered commitment counts, and only one with its delivery date recorded,
    as the board report counts "Commitments delivered" in a quarter.
    """
    conditions = [
        col(Commitment.status) == CommitmentStatus.DELIVERED,
        col(Commitment.delivered_on).is_not(None),
    ]
    if delivered_from is not None:
        conditions.append(col(Commitment.delivered_on) >= delivered_from)
    if delivered_to is not None:
        conditions.append(col(Commitment.delivered_on) <= delivered_to)
    return sa.and_(*conditions)


# --- Filter clauses, shared with every figure that counts issues ----------------


def issue_theme_clause(theme_id: int) -> ColumnElement[bool]:
    """Issues about the theme."""
    return (
        sa.select(col(IssueThemeLink.issue_id))
        .where(
            col(IssueThemeLink.issue_id) == col(Issue.id), col(IssueThemeLink.theme_id) == theme_id
        )
        .exists()
    )


def issue_area_clause(area_id: int) -> ColumnElement[bool]:
    """Issues in the area or in any area within it (a borough includes its neighbourhoods)."""
    area = aliased(Area)
    # A nested CTE stays inside this clause, so two area clauses can share a statement.
    within = (
        sa.select(col(Area.id))
        .where(col(Area.id) == area_id)
        .cte("area_within", recursive=True, nesting=True)
    )
    within = within.union_all(sa.select(col(area.id)).where(col(area.parent_id) == within.c.id))
    return (
        sa.select(col(IssueAreaLink.issue_id))
        .where(
            col(IssueAreaLink.issue_id) == col(Issue.id),
            col(IssueAreaLink.area_id).in_(sa.select(within.c.id)),
        )
        .exists()
    )


def issue_partner_clause(partner_id: int) -> ColumnElement[bool]:
    """Issues the partner leads the response to, or supports."""
    supports = (
        sa.select(col(IssueSupportingPartnerLink.issue_id))
        .where(
            col(IssueSupportingPartnerLink.issue_id) == col(Issue.id),
            col(IssueSupportingPartnerLink.partner_id) == partner_id,
        )
        .exists()
    )
    return sa.or_(col(Issue.lead_partner_id) == partner_id, supports)


def issue_community_clause(community_id: int) -> ColumnElement[bool]:
    """Issues raised by (or on behalf of) the community."""
    return (
        sa.select(col(IssueCommunityLink.issue_id))
        .where(
            col(IssueCommunityLink.issue_id) == col(Issue.id),
            col(IssueCommunityLink.community_id) == community_id,
        )
        .exists()
    )


def issue_raised_clause(raised_from: date | None, raised_to: date | None) -> ColumnElement[bool]:
    """Issues raised on or after ``raised_from`` and on or before ``raised_to``."""
    conditions = []
    if raised_from is not None:
        conditions.append(col(Issue.raised_on) >= raised_from)
    if raised_to is not None:
        conditions.append(col(Issue.raised_on) <= raised_to)
    return sa.and_(sa.true(), *conditions)


# --- Commitments of one slice ---------------------------------------------------
#
# The commitment clauses matching the issue clauses above, so /we-will?theme=<slug>,
# a scorecard's commitment figures and /you-said?theme=<slug> agree on what belongs
# to a theme.


def commitment_partner_clause(partner_id: int) -> ColumnElement[bool]:
    """Commitments a partner made (on any issue, including ones it only supports)."""
    return col(Commitment.partner_id) == partner_id


def commitment_issue_clause(issue_clause: ColumnElement[bool]) -> ColumnElement[bool]:
    """Commitments about the issues ``issue_clause`` selects.

    ``commitment_issue_clause(issue_theme_clause(theme.id))`` is every commitment
    made about an issue with that theme.
    """
    # Never correlated: the issue ids come from their own query even when the
    # outer query joins the issue table too.
    issue_ids = sa.select(col(Issue.id)).where(issue_clause).correlate(None)
    return col(Commitment.issue_id).in_(issue_ids)


def commitment_theme_clause(theme_id: int) -> ColumnElement[bool]:
    """Commitments about issues with a theme (as ``/you-said?theme=`` selects them)."""
    return commitment_issue_clause(issue_theme_clause(theme_id))


def commitment_area_clause(area_id: int) -> ColumnElement[bool]:
    """Commitments about issues in an area or the areas within it (as ``/you-said?area=``)."""
    return commitment_issue_clause(issue_area_clause(area_id))


def commitment_community_clause(community_id: int) -> ColumnElement[bool]:
    """Commitments about issues a community raised (as ``/you-said?community=``)."""
    return commitment_issue_clause(issue_community_clause(community_id))


# --- The lists for the filter form ----------------------------------------------


@dataclass(frozen=True)
class FilterOption:
    """A theme, area, partner or community as the filter form offers it."""

    id: int
    slug: str
    name: str
    #: The words in the form's menu; for an area within another, "Borough: Neighbourhood".
    label: str


@dataclass(frozen=True)
class IssueFilterOptions:
    """Everything the filter form's menus offer, each list in the order shown."""

    themes: list[FilterOption]
    areas: list[FilterOption]
    partners: list[FilterOption]
    communities: list[FilterOption]


@functools.cache
def _options_statement() -> sa.Select[Any]:
    """The one query behind :func:`filter_options`; the same on every request, so it
    is built once per process."""

    def branch(kind: str, model: Any, parent: Any = None) -> sa.Select[Any]:
        parent_id = parent if parent is not None else sa.cast(sa.null(), sa.Integer)
        return sa.select(
            sa.literal(kind).label("kind"),
            model.id.label("id"),
            model.slug.label("slug"),
            model.name.label("name"),
            parent_id.label("parent_id"),
        )

    union = sa.union_all(
        branch("theme", Theme),
        branch("area", Area, col(Area.parent_id)),
        branch("partner", Partner),
        branch("community", Community),
    ).subquery("options")
    return sa.select(union).order_by(union.c.kind, union.c.name, union.c.id)


def _area_options(rows: list[Any]) -> list[FilterOption]:
    """Areas with each one's sub-areas straight after it, labelled with their parents."""
    by_parent: dict[int | None, list[Any]] = {}
    ids = {row.id for row in rows}
    for row in rows:
        # An area whose parent is missing is shown at the top level, not lost.
        by_parent.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    options: list[FilterOption] = []

    def add(parent_id: int | None, prefix: str, seen: frozenset[int]) -> None:
        for row in by_parent.get(parent_id, []):
            if row.id in seen:
                continue
            label = f"{prefix}{row.name}"
            options.append(FilterOption(row.id, row.slug, row.name, label))
            add(row.id, f"{label}: ", seen | {row.id})

    add(None, "", frozenset())
    return options


def filter_options(session: Session) -> IssueFilterOptions:
    """Every theme, area, partner and community for the filter form, in one query."""
    grouped: dict[str, list[Any]] = {"theme": [], "area": [], "partner": [], "community": []}
    for row in session.execute(_options_statement()):
        grouped[row.kind].append(row)

    def simple(kind: str) -> list[FilterOption]:
        return [FilterOption(row.id, row.slug, row.name, row.name) for row in grouped[kind]]

    return IssueFilterOptions(
        themes=simple("theme"),
        areas=_area_options(grouped["area"]),
        partners=simple("partner"),
        communities=simple("community"),
    )


# --- Date filters ---------------------------------------------------------------


@dataclass(frozen=True)
class DateFilter:
    """One end of a date filter (such as "date raised"): the date, and what was typed."""

    value: date | None = None
    day: str = ""
    month: str = ""
    year: str = ""
    #: Set when what was typed is not a real date; shown beside the date's fields.
    error: str | None = None

    @classmethod
    def of(cls, value: date) -> DateFilter:
        return cls(value=value, day=str(value.day), month=str(value.month), year=str(value.year))


def _real_date(year: str, month: str, day: str) -> date | None:
    if not (
        _YEAR.fullmatch(year) and _DAY_OR_MONTH.fullmatch(month) and _DAY_OR_MONTH.fullmatch(day)
    ):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date_filter(
    args: Mapping[str, str], name: str, label: str, notices: list[str]
) -> DateFilter:
    """Read one end of a date filter, ignoring a date that is not real.

    The form's NHS date input sends ``<name>-day``, ``<name>-month`` and
    ``<name>-year``; links and bookmarks carry one ISO date (``<name>=2026-03-01``).
    The three fields win when both are present. An impossible date (31 February,
    a month 13, a two-digit year) is ignored with a notice naming the field by its
    ``label``, and what was typed is kept so the form can show it beside an error.
    """
    parts = {part: first_value(args, f"{name}-{part}") or "" for part in _DATE_PARTS}
    if any(parts.values()):
        day, month, year = parts["day"], parts["month"], parts["year"]
    else:
        iso = first_value(args, name)
        if iso is None:
            return DateFilter()
        match = _ISO_DATE.fullmatch(iso)
        year, month, day = match.groups() if match else ("", "", "")
    value = _real_date(year, month, day)
    if value is not None:
        return DateFilter.of(value)
    notices.append(f"The date in “{label}” was not a real date, so it was not used.")
    return DateFilter(
        day=day[:2],
        month=month[:2],
        year=year[:4],
        error=f"{label} must be a real date, like 15 3 2026",
    )


def parse_date_range(
    args: Mapping[str, str], start: str, end: str, labels: Mapping[str, str], notices: list[str]
) -> tuple[DateFilter, DateFilter]:
    """Read both ends of a date filter (parameters ``start`` and ``end``).

    Each end is read by :func:`parse_date_filter`, named in notices by its entry in
    ``labels``. A start later than the end is taken as the two typed the wrong way
    round: they are swapped, with a notice saying so.
    """
    first = parse_date_filter(args, start, labels[start], notices)
    last = parse_date_filter(args, end, labels[end], notices)
    if first.value and last.value and first.value > last.value:
        notices.append(
            f"“{labels[start]}” was later than “{labels[end]}”, so the two dates were swapped."
        )
        first, last = last, first
    return first, last


def date_range_phrase(verb: str, first: date | None, last: date | None) -> str | None:
    """A date filter in words for a results heading, such as "made between 1 July 2026
    and 30 September 2026"; ``None`` when neither end is set."""
    if first and last:
        return f"{verb} between {format_date(first)} and {format_date(last)}"
    if first:
        return f"{verb} on or after {format_date(first)}"
    if last:
        return f"{verb} on or before {format_date(last)}"
    return None
