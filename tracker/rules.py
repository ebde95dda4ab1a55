"""Derived states: the one place Overdue, No recent update and an issue's
response state are defined.

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

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from tracker.models import Commitment, CommitmentStatus, Issue, Update

#: Statuses in which a commitment is finished: nothing more is owed on it.
CLOSED_STATUSES = frozenset({CommitmentStatus.DELIVERED, CommitmentStatus.NOT_GOING_AHEAD})
#: Statuses that may only be set with a public reason.
STATUSES_NEEDING_REASON = frozenset({CommitmentStatus.DELAYED, CommitmentStatus.NOT_GOING_AHEAD})


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


# --- Overdue --------------------------------------------------------------------


def is_overdue(commitment: Commitment, today: date) -> bool:
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


def last_activity_on(commitment: Commitment) -> date:
    """The date of the latest update, or the date of the commitment if none yet."""
    return commitment.last_update_on or commitment.committed_on


def days_since_update(commitment: Commitment, today: date) -> int:
    """Whole days since the latest update (or since the commitment was made)."""
    return (today - last_activity_on(commitment)).days


def no_recent_update(commitment: Commitment, today: date, threshold_days: int) -> bool:
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
        sa.func.coalesce(Commitment.last_update_on, Commitment.committed_on) <= cutoff,
    )


# --- An issue's response state --------------------------------------------------


def response_state(commitment_statuses: Iterable[CommitmentStatus]) -> ResponseState:
    """Awaiting response with no commitment, Closed when every commitment is
    Delivered or Not going ahead, Responded otherwise."""
    statuses = list(commitment_statuses)
    if not statuses:
        return ResponseState.AWAITING_RESPONSE
    if all(is_closed(status) for status in statuses):
        return ResponseState.CLOSED
    return ResponseState.RESPONDED


def issue_response_state(issue: Issue) -> ResponseState:
    """:func:`response_state` of a loaded issue's commitments."""
    return response_state(commitment.status for commitment in issue.commitments)


def days_awaiting_response(issue: Issue, today: date) -> int | None:
    """Days since the issue was raised while no partner has responded; else None."""
    if issue.commitments:
        return None
    return max((today - issue.raised_on).days, 0)


def _has_commitment(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return (
        sa.select(col(Commitment.id))
        .where(col(Commitment.issue_id) == col(Issue.id), *conditions)
        .exists()
    )


def response_state_clause(state: ResponseState) -> ColumnElement[bool]:
    """SQL form of :func:`issue_response_state`, for filtering issues."""
    has_any = _has_commitment()
    has_open = _has_commitment(col(Commitment.status).not_in(CLOSED_STATUSES))
    if state is ResponseState.AWAITING_RESPONSE:
        return ~has_any
    if state is ResponseState.CLOSED:
        return sa.and_(has_any, ~has_open)
    return has_open
