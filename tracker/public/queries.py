"""Read models for the public pages: the headline figures and the lists they link to.

Every figure is counted with the same filter clause as the list it links to, and
those clauses are the SQL forms of the rules in :mod:`tracker.rules`. So the
"Overdue" figure on the home page always equals the total of ``/we-will?status=overdue``
(PRODUCT.md: every figure can be traced to the records behind it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from tracker.models import Commitment, CommitmentStatus, Issue
from tracker.rendering import format_date
from tracker.rules import (
    CLOSED_STATUSES,
    ResponseState,
    no_recent_update_clause,
    overdue_clause,
    response_state_clause,
)

#: Rows on one page of a list.
PAGE_SIZE = 20

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

T = TypeVar("T")


def relationship(attribute: Any) -> QueryableAttribute[Any]:
    """A SQLModel relationship as the attribute SQLAlchemy's loader options expect.

    SQLModel types relationships as the related model, so mypy cannot see that
    ``Commitment.partner`` is an instrumented attribute at class level.
    """
    relationship: QueryableAttribute[Any] = attribute
    return relationship


# --- Shares ---------------------------------------------------------------------


def percentage(part: int, whole: int) -> str:
    """``part`` as a whole-number percentage of ``whole``, such as ``"67%"``.

    Halves round up. A share that is not nothing never shows as 0%, and one that
    is not everything never shows as 100%: a page that says "100% responded" while
    one issue still waits would hide exactly the silence this site exists to show.
    With nothing to divide by the share is ``"0%"``.
    """
    if whole <= 0 or part <= 0:
        return "0%"
    if part >= whole:
        return "100%"
    rounded = (200 * part + whole) // (2 * whole)
    if rounded == 0:
        return "less than 1%"
    if rounded == 100:
        return "more than 99%"
    return f"{rounded}%"


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


def target_moved_clause() -> ColumnElement[bool]:
    """Commitments whose target date is no longer the one first promised.

    PRODUCT.md: a changed target date is never hidden, so scorecards count these
    and the slip in days (target date minus original target date; negative when a
    date was brought forward).
    """
    return col(Commitment.target_date) != col(Commitment.original_target_date)


# --- Commitments of one slice ---------------------------------------------------
#
# The issue clauses for a theme, area, partner or community live with the issue
# list (tracker.public.issues: issue_theme_clause and its neighbours). These build
# the matching commitment clauses, so /we-will?theme=<slug>, a scorecard's
# commitment figures and /you-said?theme=<slug> agree on what belongs to a theme.


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
    # Imported here: the issue list's module imports this one.
    from tracker.public.issues import issue_theme_clause

    return commitment_issue_clause(issue_theme_clause(theme_id))


def commitment_area_clause(area_id: int) -> ColumnElement[bool]:
    """Commitments about issues in an area or the areas within it (as ``/you-said?area=``)."""
    from tracker.public.issues import issue_area_clause

    return commitment_issue_clause(issue_area_clause(area_id))


def commitment_community_clause(community_id: int) -> ColumnElement[bool]:
    """Commitments about issues a community raised (as ``/you-said?community=``)."""
    from tracker.public.issues import issue_community_clause

    return commitment_issue_clause(issue_community_clause(community_id))


# --- Pages of a list ------------------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the total across all pages."""

    rows: list[T]
    number: int
    total: int
    #: The page the address asked for; differs from ``number`` when it was past the end.
    requested: int
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        """How many pages the list has (at least one, even when it is empty)."""
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        """True when there is a page before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """True when there is a page after this one."""
        return self.number < self.count

    @property
    def first_row(self) -> int:
        """The position of this page's first row in the whole list (1-based)."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_row(self) -> int:
        """The position of this page's last row in the whole list (1-based)."""
        return (self.number - 1) * self.size + len(self.rows)

    def numbers_to_show(self) -> list[int | None]:
        """Page numbers for the pagination links; ``None`` stands for a gap.

        The first, the last, and the pages either side of this one, as in
        ``1 … 4 5 6 … 12``. A gap of a single page shows that page instead.
        """
        wanted = {1, self.count, self.number - 1, self.number, self.number + 1}
        numbers: list[int | None] = []
        previous = 0
        for n in sorted(n for n in wanted if 1 <= n <= self.count):
            if n - previous == 2:
                numbers.append(previous + 1)
            elif n - previous > 2:
                numbers.append(None)
            numbers.append(n)
            previous = n
        return numbers


def page_number(requested: int, total: int) -> int:
    """The page to show: the one asked for, or the last when it is past the end."""
    last = max(1, math.ceil(total / PAGE_SIZE))
    return min(max(requested, 1), last)


def row_offset(page_number: int) -> int:
    return (page_number - 1) * PAGE_SIZE


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


def parse_page(args: Mapping[str, str], notices: list[str]) -> int:
    raw = first_value(args, "page")
    if raw is None:
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        notices.append("The page number in the address was not recognised, so page 1 is shown.")
        return 1
    return number


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
