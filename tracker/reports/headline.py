"""The report's headline figures: the position as at its date and the quarter's
activity, each beside the same figure a quarter earlier.

The earlier position is rebuilt from the commitments' update history: each
commitment's status and target date as they stood on that day, from the updates
posted by then. The quarter's activity is counted from the dates stored on the
records, so it reads the same whenever the report is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from tracker.clock import LONDON
from tracker.figures.catalogue import Figures
from tracker.figures.slices import Slice
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Issue,
    Partner,
    Update,
)
from tracker.queries.filters import (
    NO_RECENT_UPDATE,
    OPEN,
    OVERDUE,
)
from tracker.reports.links import PublicLinks
from tracker.reports.periods import Period
from tracker.rules import (
    CLOSED_STATUSES,
    ResponseState,
    percentage,
)


@dataclass(frozen=True)
class Figure:
    """One headline figure, its earlier value and the change, and where to check it."""

    label: str
    value: str
    #: The public list or page that shows the same number, or an anchor in the report.
    url: str | None
    previous: str
    change: str
    #: What the figure counts, in a few words.
    note: str = ""


# --- Headline figures -------------------------------------------------------------------


#: A true minus sign, as printed figures use.
MINUS = "\u2212"


def _signed(number: int) -> str:
    return f"{number:+,}".replace("-", MINUS)


def _change(now: int, before: int) -> str:
    if now == before:
        return "no change"
    return _signed(now - before)


def _share_change(now: tuple[int, int], before: tuple[int, int]) -> str:
    """The change of a share, in percentage points of the unrounded shares."""
    (part_now, whole_now), (part_before, whole_before) = now, before
    if not whole_now or not whole_before:
        return "–"
    points = round(100 * part_now / whole_now - 100 * part_before / whole_before)
    if points == 0:
        return "no change"
    return f"{_signed(points)} points"


def _share(part: int, whole: int) -> str:
    return percentage(part, whole) if whole else "none due"


def position_figures(
    now: Figures,
    before: dict[str, int],
    links: PublicLinks,
    partner: Partner | None,
    threshold: int,
) -> list[Figure]:
    def figure(label: str, value: int, key: str, url: str, note: str = "") -> Figure:
        return Figure(
            label, f"{value:,}", url, f"{before[key]:,}", _change(value, before[key]), note
        )

    return [
        figure("Issues raised", now.issues_raised, "issues_raised", links.issues()),
        figure(
            "Issues awaiting a response",
            now.issues_awaiting_response,
            "issues_awaiting_response",
            links.issues(state=ResponseState.AWAITING_RESPONSE.value),
            "no commitment made yet",
        ),
        figure("Commitments made", now.commitments_made, "commitments_made", links.commitments()),
        figure(
            "Open commitments",
            now.open_commitments,
            "open_commitments",
            links.commitments(OPEN),
            "not yet Delivered or Not going ahead",
        ),
        figure(
            "Overdue",
            now.overdue,
            "overdue",
            links.commitments(OVERDUE),
            "target date passed, not finished",
        ),
        figure(
            "No recent update",
            now.no_recent_update,
            "no_recent_update",
            links.commitments(NO_RECENT_UPDATE),
            f"open, no update for {threshold} days",
        ),
        figure(
            "Delivered",
            now.commitments_by_status[CommitmentStatus.DELIVERED],
            "delivered",
            links.commitments(CommitmentStatus.DELIVERED.value),
        ),
        Figure(
            "Delivered on time",
            _share(now.delivered_on_time, now.due_so_far),
            links.scorecard(partner.slug if partner else None),
            _share(before["delivered_on_time"], before["due_so_far"]),
            _share_change(
                (now.delivered_on_time, now.due_so_far),
                (before["delivered_on_time"], before["due_so_far"]),
            ),
            f"{now.delivered_on_time:,} of {now.due_so_far:,} due so far, by the first target date",
        ),
    ]


def activity_figures(
    now: dict[str, int],
    before: dict[str, int],
    links: PublicLinks,
    period: Period,
    activity_end: date,
) -> list[Figure]:
    def figure(label: str, key: str, url: str, note: str = "") -> Figure:
        return Figure(
            label, f"{now[key]:,}", url, f"{before[key]:,}", _change(now[key], before[key]), note
        )

    return [
        figure("Issues raised", "issues", links.issues_raised(period.start, activity_end)),
        figure(
            "Commitments made", "commitments", links.commitments_made(period.start, activity_end)
        ),
        figure(
            "Commitments delivered",
            "delivered",
            links.commitments_delivered(period.start, activity_end),
        ),
        Figure(
            "Due and delivered on time",
            _share(now["due_on_time"], now["due"]),
            "#on-time",
            _share(before["due_on_time"], before["due"]),
            _share_change((now["due_on_time"], now["due"]), (before["due_on_time"], before["due"])),
            f"{now['due_on_time']:,} of {now['due']:,} first due in the quarter",
        ),
        figure("Target dates moved", "target_moves", "#target-dates-moved"),
        figure("Not going ahead", "not_going_ahead", "#not-going-ahead"),
        figure("Engagements held", "engagements", "#communities"),
        figure("Escalations", "escalations", "#escalations", "raised with the engagement team"),
    ]


# --- The position on an earlier day, from the update history -----------------------------


def day_ends_at(day: date) -> datetime:
    """The first moment after ``day`` in England, in UTC."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=LONDON)
    return midnight.astimezone(UTC)


def position_on(session: Session, slice_: Slice, day: date, threshold: int) -> dict[str, int]:
    """The position figures as they stood at the end of ``day``, in two queries.

    Each commitment's status and target date on that day are those set by its latest
    update posted by then; with none, those its first later update started from;
    with no update at all, its present ones. A status comes only from an update
    still visible at the end of that day, as the public pages undo a status set by
    an update once it is hidden (``commitments.restate_from_visible_updates``); a
    target date moved by a hidden update stands, as it does on the public pages.
    "No recent update" counts the updates that were visible on that day.
    """
    end = day_ends_at(day)
    quiet_since = day_ends_at(day - timedelta(days=threshold))
    update = aliased(Update, name="earlier_update")
    of_commitment = col(update.commitment_id) == col(Commitment.id)

    # An update hidden only after that day ended was still shown at its end.
    visible_then = sa.or_(col(update.hidden_at).is_(None), col(update.hidden_at) >= end)

    def latest_before(column: Any, *where: Any) -> Any:
        return (
            sa.select(column)
            .where(of_commitment, column.is_not(None), col(update.posted_at) < end, *where)
            .order_by(col(update.posted_at).desc(), col(update.id).desc())
            .limit(1)
            .scalar_subquery()
        )

    def first_after(column: Any) -> Any:
        return (
            sa.select(column)
            .where(of_commitment, column.is_not(None), col(update.posted_at) >= end)
            .order_by(col(update.posted_at), col(update.id))
            .limit(1)
            .scalar_subquery()
        )

    status = sa.func.coalesce(
        latest_before(col(update.new_status), visible_then),
        first_after(col(update.previous_status)),
        col(Commitment.status),
    )
    target = sa.func.coalesce(
        latest_before(col(update.new_target_date)),
        first_after(col(update.previous_target_date)),
        col(Commitment.target_date),
    )
    updated_lately = (
        sa.select(col(update.id))
        .where(
            of_commitment,
            col(update.posted_at) >= quiet_since,
            col(update.posted_at) < end,
            visible_then,
        )
        .exists()
    )
    scope = [slice_.commitments] if slice_.commitments is not None else []
    states = (
        sa.select(
            status.label("status"),
            target.label("target_date"),
            col(Commitment.original_target_date).label("original_target_date"),
            col(Commitment.delivered_on).label("delivered_on"),
            sa.and_(
                col(Commitment.committed_on) <= day - timedelta(days=threshold), ~updated_lately
            ).label("quiet"),
        )
        .where(col(Commitment.committed_on) <= day, *scope)
        .subquery("state_then")
    )
    closed = [s.value for s in CLOSED_STATUSES]
    is_open = states.c.status.not_in(closed)
    delivered = states.c.status == CommitmentStatus.DELIVERED.value
    row = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(is_open),
            sa.func.count().filter(sa.and_(is_open, states.c.target_date < day)),
            sa.func.count().filter(sa.and_(is_open, states.c.quiet == sa.true())),
            sa.func.count().filter(delivered),
            sa.func.count().filter(sa.or_(states.c.original_target_date <= day, delivered)),
            sa.func.count().filter(
                sa.and_(
                    delivered,
                    states.c.delivered_on.is_not(None),
                    states.c.delivered_on <= states.c.original_target_date,
                )
            ),
        ).select_from(states)
    ).one()
    answered_then = (
        sa.select(col(Commitment.id))
        .where(col(Commitment.issue_id) == col(Issue.id), col(Commitment.committed_on) <= day)
        .exists()
    )
    issue_scope = [slice_.issues] if slice_.issues is not None else []
    issues = session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(~answered_then)).where(
            col(Issue.raised_on) <= day, *issue_scope
        )
    ).one()
    names = (
        "commitments_made",
        "open_commitments",
        "overdue",
        "no_recent_update",
        "delivered",
        "due_so_far",
        "delivered_on_time",
    )
    return {
        **dict(zip(names, row, strict=True)),
        "issues_raised": issues[0],
        "issues_awaiting_response": issues[1],
    }
