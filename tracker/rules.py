"""Derived states and date rules: the one place Overdue, No recent update, an issue's
response state, last activity, delivered on time, target date moved, days awaiting a
response and "due soon" are defined, with the orders of the lists that show them.

Each rule has a Python form (for a record already loaded) and an SQL form (for
filtering and counting in the database). The two are tested against each other,
so a list filtered with the SQL form shows exactly the records the Python form
flags. Every rule takes ``today`` explicitly so tests can fix the date.

Whether a status's reason was in a hidden update is here too, in Python only: it is
shown on one commitment's page and never filtered or counted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple, Protocol

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import expression
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from tracker.models import Commitment, CommitmentStatus, Issue, Update

#: Statuses in which a commitment is finished: nothing more is owed on it.
CLOSED_STATUSES = frozenset({CommitmentStatus.DELIVERED, CommitmentStatus.NOT_GOING_AHEAD})
#: Statuses that may only be set with a public reason.
STATUSES_NEEDING_REASON = frozenset({CommitmentStatus.DELAYED, CommitmentStatus.NOT_GOING_AHEAD})
#: An open commitment whose target date is today or within this many days is due soon.
DUE_SOON_DAYS = 30


class ResponseState(enum.StrEnum):
    """How an issue stands with its partners (derived, never stored)."""

    AWAITING_RESPONSE = "awaiting"
    RESPONDED = "responded"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "awaiting": "Awaiting response",
            "responded": "Responded",
            "closed": "Closed",
        }[self.value]


def is_closed(status: CommitmentStatus) -> bool:
    """True when a commitment in ``status`` is Delivered or Not going ahead."""
    return status in CLOSED_STATUSES


# --- Days between two dates, on both databases ----------------------------------


class days_between(expression.FunctionElement[int]):  # noqa: N801 (an SQL function)
    """``later - earlier`` in whole days, as an SQL integer on SQLite and PostgreSQL."""

    type = sa.Integer()
    name = "days_between"
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: subtracting one date from another gives whole days.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps dates as ISO text; Julian day numbers of two dates differ by whole days.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(round(julianday({later}) - julianday({earlier})) AS INTEGER)"


def on_day(day: date) -> ColumnElement[date]:
    """A date as an SQL date value (for :class:`days_between` and comparisons)."""
    return sa.literal(day, sa.Date())


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


# --- Overdue --------------------------------------------------------------------


class CommitmentDates(Protocol):
    """What the rules below read of a commitment: a :class:`Commitment`, or a list's
    light row of one (tracker.queries.commitments.ListedCommitment)."""

    @property
    def status(self) -> CommitmentStatus: ...
    @property
    def committed_on(self) -> date: ...
    @property
    def target_date(self) -> date: ...
    @property
    def original_target_date(self) -> date: ...
    @property
    def last_update_on(self) -> date | None: ...


def is_overdue(commitment: CommitmentDates, today: date) -> bool:
    """Overdue: the target date has passed and the commitment is not closed.

    A commitment due today is not yet Overdue. A Delayed commitment is judged by
    its new target date.
    """
    return commitment.target_date < today and not is_closed(commitment.status)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL form of :func:`is_overdue`."""
    return sa.and_(
        col(Commitment.target_date) < today,
        col(Commitment.status).not_in(CLOSED_STATUSES),
    )


def days_overdue(commitment: Commitment, today: date) -> int:
    """Whole days since the target date passed (for an Overdue commitment)."""
    return (today - commitment.target_date).days


def most_overdue_first() -> list[ColumnElement[Any]]:
    """The order of a list of Overdue commitments: longest past the target date first,
    the reference number breaking ties."""
    return [col(Commitment.target_date).asc(), col(Commitment.number).asc()]


# --- Due soon -------------------------------------------------------------------


def is_due_within(commitment: Commitment, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """An open commitment whose target date is today or in the next ``days`` days.

    Closed commitments (Delivered, Not going ahead) owe nothing more, so they are
    never "due"; Overdue ones (target date already passed) are not "due" either.
    """
    return not is_closed(
        commitment.status
    ) and today <= commitment.target_date <= today + timedelta(days=days)


def due_within_clause(today: date, days: int = DUE_SOON_DAYS) -> ColumnElement[bool]:
    """SQL form of :func:`is_due_within`."""
    return sa.and_(
        col(Commitment.status).not_in(CLOSED_STATUSES),
        col(Commitment.target_date) >= today,
        col(Commitment.target_date) <= today + timedelta(days=days),
    )


# --- Target date moved ----------------------------------------------------------


def target_date_moved(commitment: CommitmentDates) -> bool:
    """True when the target date is no longer the one first promised.

    PRODUCT.md: a changed target date is never hidden, so scorecards count these
    and the slip in days (:func:`slip_days`).
    """
    return commitment.target_date != commitment.original_target_date


def target_moved_clause() -> ColumnElement[bool]:
    """SQL form of :func:`target_date_moved`."""
    return col(Commitment.target_date) != col(Commitment.original_target_date)


def slip_days(commitment: Commitment) -> int:
    """Days between the date first promised and the date now promised (negative when
    the date was brought forward)."""
    return (commitment.target_date - commitment.original_target_date).days


def slip_days_clause() -> ColumnElement[int]:
    """SQL form of :func:`slip_days`."""
    return days_between(col(Commitment.target_date), col(Commitment.original_target_date))


# --- Delivered on time ----------------------------------------------------------


def is_due_so_far(commitment: Commitment, today: date) -> bool:
    """Counted in the whole of "delivered on time" (see :func:`on_time_delivery`)."""
    return (
        commitment.original_target_date <= today or commitment.status == CommitmentStatus.DELIVERED
    )


def delivered_on_time(commitment: Commitment) -> bool:
    """Delivered on or before the *original* target date (see :func:`on_time_delivery`)."""
    return (
        commitment.status == CommitmentStatus.DELIVERED
        and commitment.delivered_on is not None
        and commitment.delivered_on <= commitment.original_target_date
    )


class OnTimeDelivery(NamedTuple):
    """The two clauses behind "delivered by the original target date"."""

    due: ColumnElement[bool]
    delivered_on_time: ColumnElement[bool]


def on_time_delivery(today: date) -> OnTimeDelivery:
    """SQL forms of :func:`is_due_so_far` and :func:`delivered_on_time`: the share of
    commitments delivered on time, defined once for every page and report.

    - **Due so far** (the whole): commitments whose *original* target date is on
      or before ``today``, and every Delivered commitment (one delivered early
      counts, so delivering ahead of time is never penalised). A commitment
      whose original date is today is due today.
    - **Delivered on time** (the part): Delivered commitments whose delivery date
      is on or before their *original* target date.

    Judging by the original date means a moved target date does not make late
    delivery look punctual (PRODUCT.md: nothing public changes without a trace).
    Not going ahead commitments past their original date count as due and not
    delivered. A Delivered commitment with no delivery date recorded cannot be
    shown to be on time, so it counts as due but not on time. The share is
    ``percentage(delivered_on_time, due)``; with nothing due there is no share.
    """
    delivered = col(Commitment.status) == CommitmentStatus.DELIVERED
    return OnTimeDelivery(
        due=sa.or_(col(Commitment.original_target_date) <= today, delivered),
        delivered_on_time=sa.and_(
            delivered,
            col(Commitment.delivered_on).is_not(None),
            col(Commitment.delivered_on) <= col(Commitment.original_target_date),
        ),
    )


# --- The reason for a status ----------------------------------------------------


def status_reason_hidden(commitment: Commitment, updates: Iterable[Update]) -> bool:
    """True when ``commitment`` shows no reason for its Delayed or Not going ahead
    status because the reason was given in an update that has since been hidden.

    PRODUCT.md: Delayed comes with a new target date and a reason, and Not going
    ahead only with a public reason. Hiding the update that gave it takes the
    reason away; if a later visible update kept the status, the status stays with
    no reason, and the page should say why rather than look as if none was given.

    ``updates`` are all of the commitment's updates, hidden ones included. The
    reason in force is the one given by the latest update that set the status or
    moved the target date while in it (``commitments.restate_from_visible_updates``
    follows the same steps over the visible updates only). False when the
    commitment shows a reason, or none was ever given (older or imported records).
    """
    if commitment.status not in STATUSES_NEEDING_REASON or commitment.status_reason:
        return False
    in_order = sorted(updates, key=lambda update: (update.posted_at, update.id or 0))
    status = in_order[0].previous_status if in_order else None
    gave_reason: Update | None = None
    for update in in_order:
        new_status = update.new_status or status
        if new_status not in STATUSES_NEEDING_REASON:
            gave_reason = None
        elif update.reason and (new_status is not status or update.changes_target_date):
            gave_reason = update
        status = new_status
    return gave_reason is not None and gave_reason.is_hidden


# --- No recent update -----------------------------------------------------------


def threshold_days() -> int:
    """Days without an update after which an open commitment shows No recent update:
    the app's ``NO_RECENT_UPDATE_DAYS`` setting (90 by default)."""
    days: int = current_app.config["NO_RECENT_UPDATE_DAYS"]
    return days


def last_activity_on(commitment: CommitmentDates) -> date:
    """The date of the latest update, or the date of the commitment if none yet."""
    return commitment.last_update_on or commitment.committed_on


def last_activity_on_clause() -> ColumnElement[date]:
    """SQL form of :func:`last_activity_on`."""
    return sa.func.coalesce(col(Commitment.last_update_on), col(Commitment.committed_on))


def longest_silent_first() -> list[ColumnElement[Any]]:
    """The order of a list of No recent update commitments: the longest without an
    update first, the reference number breaking ties."""
    return [last_activity_on_clause().asc(), col(Commitment.number).asc()]


def days_since_update(commitment: CommitmentDates, today: date) -> int:
    """Whole days since the latest update (or since the commitment was made)."""
    return (today - last_activity_on(commitment)).days


def no_recent_update(commitment: CommitmentDates, today: date, threshold_days: int) -> bool:
    """No recent update: an open commitment with nothing new for ``threshold_days``.

    Exactly ``threshold_days`` since the last update counts: that is a full
    period of silence. Closed commitments owe no further updates.
    """
    if is_closed(commitment.status):
        return False
    return days_since_update(commitment, today) >= threshold_days


def no_recent_update_clause(today: date, threshold_days: int) -> ColumnElement[bool]:
    """SQL form of :func:`no_recent_update`."""
    cutoff = today - timedelta(days=threshold_days)
    return sa.and_(
        col(Commitment.status).not_in(CLOSED_STATUSES),
        last_activity_on_clause() <= cutoff,
    )


# --- An issue's response state --------------------------------------------------


def response_state(commitment_statuses: Iterable[CommitmentStatus]) -> ResponseState:
    """Awaiting response with no commitment, Closed when every commitment is
    Delivered or Not going ahead, Responded otherwise."""
    statuses = list(commitment_statuses)
    return response_state_of(
        has_commitment=bool(statuses),
        has_open_commitment=any(not is_closed(status) for status in statuses),
    )


def response_state_of(*, has_commitment: bool, has_open_commitment: bool) -> ResponseState:
    """:func:`response_state` from the two facts it rests on, as a list reads them with
    :func:`has_commitment_clause` and :func:`has_open_commitment_clause`."""
    if not has_commitment:
        return ResponseState.AWAITING_RESPONSE
    if not has_open_commitment:
        return ResponseState.CLOSED
    return ResponseState.RESPONDED


def issue_response_state(issue: Issue) -> ResponseState:
    """:func:`response_state` of a loaded issue's commitments."""
    return response_state(commitment.status for commitment in issue.commitments)


def days_awaiting_response(issue: Issue, today: date) -> int | None:
    """Days since the issue was raised while no partner has responded; else None."""
    if issue.commitments:
        return None
    return days_since_raised(issue, today)


class RaisedIssue(Protocol):
    """What :func:`days_since_raised` reads of an issue: an :class:`Issue`, or a list's
    light row of one (tracker.queries.issues.ListedIssue)."""

    @property
    def raised_on(self) -> date: ...


def days_since_raised(issue: RaisedIssue, today: date) -> int:
    """Whole days since the issue was raised (never negative): the days an issue
    awaiting a response has waited."""
    return max((today - issue.raised_on).days, 0)


def days_since_raised_clause(today: date) -> ColumnElement[int]:
    """SQL form of :func:`days_since_raised`."""
    return sa.case(
        (col(Issue.raised_on) > today, 0),
        else_=days_between(on_day(today), col(Issue.raised_on)),
    )


def waiting_longest_first() -> list[ColumnElement[Any]]:
    """The order of a list of issues awaiting a response: the earliest raised (the
    longest waiting) first, the reference number breaking ties."""
    return [col(Issue.raised_on).asc(), col(Issue.number).asc()]


def _has_commitment(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return (
        sa.select(col(Commitment.id))
        .where(col(Commitment.issue_id) == col(Issue.id), *conditions)
        .exists()
    )


def has_commitment_clause() -> ColumnElement[bool]:
    """Issues with at least one commitment (any partner has responded)."""
    return _has_commitment()


def has_open_commitment_clause() -> ColumnElement[bool]:
    """Issues with a commitment that is not yet Delivered or Not going ahead."""
    return _has_commitment(col(Commitment.status).not_in(CLOSED_STATUSES))


def response_state_clause(state: ResponseState) -> ColumnElement[bool]:
    """SQL form of :func:`issue_response_state`, for filtering issues."""
    has_any = has_commitment_clause()
    has_open = has_open_commitment_clause()
    if state is ResponseState.AWAITING_RESPONSE:
        return ~has_any
    if state is ResponseState.CLOSED:
        return sa.and_(has_any, ~has_open)
    return has_open
