"""What a board report shows: every figure and list, gathered from the database.

:func:`gather_report_content` reads one quarter's report for the whole system or
one partner into plain dataclasses, which the template only lays out. It runs a
fixed number of queries however many records there are (about thirty; none per
commitment), and counts with the public lists' own clauses
(:mod:`tracker.public.queries`, :mod:`tracker.public.scorecards`, the rules in
:mod:`tracker.rules`), so every figure as at the report's date equals the total
of the public list it links to on that date.

Three kinds of figure:

- the **position** as at the report's date (open, Overdue, No recent update...),
  each beside the same figure a quarter earlier. The earlier figure is rebuilt
  from the commitments' update history: each commitment's status and target date
  as they stood on that day, from the updates posted by then;
- the **quarter's activity** (issues raised, commitments made and delivered,
  target dates moved...), beside the previous quarter's, counted from the dates
  stored on the records, so they read the same whenever the report is made;
- the **lists** behind them, each record with its public reference and address.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.addresses import public_base_url
from tracker.clock import LONDON
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Community,
    Engagement,
    EngagementCommunityLink,
    Escalation,
    Issue,
    IssueEngagementLink,
    Partner,
    Update,
    format_reference,
)
from tracker.public.issues import issue_partner_clause, issue_raised_clause
from tracker.public.queries import (
    NO_RECENT_UPDATE,
    OPEN,
    OVERDUE,
    commitment_delivered_clause,
    commitment_made_clause,
    commitment_status_clause,
    issue_state_clause,
    percentage,
    relationship,
)
from tracker.public.scorecards import (
    Figures,
    Slice,
    last_activity_on_clause,
    on_time_delivery,
    partner_slice,
    partner_table,
    scorecard,
    system_slice,
)
from tracker.reports.periods import Period, PeriodError
from tracker.rules import CLOSED_STATUSES, ResponseState

_STATUSES = {status.value: status for status in CommitmentStatus}
#: How many of each partner's Overdue (and No recent update) commitments are shown
#: in full; the rest are named by reference (all of them are in the appendix).
SILENT_ROWS_PER_PARTNER = 5
#: How many issues the "waiting longest" list shows.
AWAITING_LIST_SIZE = 10
#: How many quarters the on-time chart covers, the report's own included.
TREND_QUARTERS = 4
#: A community not heard for this many days is listed as not heard for a year.
NOT_HEARD_DAYS = 365
#: The appendix quotes this much of each latest update; the rest is a link away.
NARRATIVE_LIMIT = 600


def report_title(period: Period, partner: Partner | None) -> str:
    """``Board report 2026/27 Q2: whole system`` or ``...: <partner name>``."""
    scope = "whole system" if partner is None else partner.name
    return f"Board report {period.name}: {scope}"


# --- Links to the public site -------------------------------------------------------


@dataclass(frozen=True)
class PublicLinks:
    """Absolute addresses of the public pages and lists (PRODUCT.md: stable addresses).

    ``scope`` is the query that narrows a list to the report's partner, so a figure
    in a partner's report links to that partner's list.
    """

    base: str
    scope: dict[str, str] = field(default_factory=dict)

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        wanted = {name: value for name, value in (query or {}).items() if value}
        return f"{self.base}{path}" + (f"?{urlencode(wanted)}" if wanted else "")

    def commitments(self, status: str | None = None, **query: str) -> str:
        """``/we-will``, within the report's scope, filtered by ``status``."""
        return self.url("/we-will", {"status": status or "", **self.scope, **query})

    def issues(self, **query: str) -> str:
        """``/you-said``, within the report's scope."""
        return self.url("/you-said", {**query, **self.scope})

    def issues_raised(self, first: date, last: date) -> str:
        """``/you-said`` for the issues raised from ``first`` to ``last``, within the scope."""
        return self.issues(raised_from=first.isoformat(), raised_to=last.isoformat())

    def commitments_made(self, first: date, last: date) -> str:
        """``/we-will`` for the commitments made from ``first`` to ``last``, within the scope."""
        return self.url(
            "/we-will", {"made_from": first.isoformat(), "made_to": last.isoformat(), **self.scope}
        )

    def commitments_delivered(self, first: date, last: date) -> str:
        """``/we-will`` for the commitments delivered from ``first`` to ``last``, within
        the scope."""
        return self.url(
            "/we-will",
            {"delivered_from": first.isoformat(), "delivered_to": last.isoformat(), **self.scope},
        )

    def commitment(self, reference: str) -> str:
        return self.url(f"/we-will/{reference}")

    def issue(self, reference: str) -> str:
        return self.url(f"/you-said/{reference}")

    def engagement(self, reference: str) -> str:
        return self.url(f"/engagements/{reference}")

    def partner(self, slug: str) -> str:
        return self.url(f"/partners/{slug}")

    def community(self, slug: str) -> str:
        return self.url(f"/communities/{slug}")

    def scorecard(self, partner_slug: str | None) -> str:
        """The page with the scorecard the report's figures come from."""
        return self.partner(partner_slug) if partner_slug else self.url("/")

    def partner_commitments(self, slug: str, status: str | None = None) -> str:
        return self.url("/we-will", {"status": status or "", "partner": slug})

    def partner_issues(self, slug: str, state: str | None = None) -> str:
        return self.url("/you-said", {"state": state or "", "partner": slug})


# --- What the report holds ------------------------------------------------------------


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


@dataclass(frozen=True)
class Count:
    """A number in a table, with the public list it counts."""

    value: int | str
    url: str | None = None


@dataclass(frozen=True)
class StatusCount:
    status: CommitmentStatus
    count: int
    url: str


@dataclass(frozen=True)
class PartnerStatusRow:
    """One partner's commitments by status, for the chart and its table."""

    name: str
    slug: str
    counts: dict[CommitmentStatus, int]
    url: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class QuarterShare:
    """Commitments first due in one quarter, and how many were delivered by that date."""

    period: Period
    due: int
    delivered_on_time: int

    @property
    def share(self) -> str:
        return percentage(self.delivered_on_time, self.due) if self.due else "none due"

    @property
    def percent(self) -> float | None:
        return 100 * self.delivered_on_time / self.due if self.due else None


@dataclass(frozen=True)
class IssueLine:
    reference: str
    title: str
    partner: str
    raised_on: date
    url: str
    days_waited: int | None = None


@dataclass(frozen=True)
class CommitmentLine:
    """A commitment in one of the report's lists."""

    reference: str
    title: str
    partner: str
    status: CommitmentStatus
    target_date: date
    url: str
    committed_on: date | None = None
    delivered_on: date | None = None
    original_target_date: date | None = None
    days_overdue: int | None = None
    last_activity_on: date | None = None
    days_since_update: int | None = None

    @property
    def delivered_on_time(self) -> bool:
        return (
            self.delivered_on is not None
            and self.original_target_date is not None
            and self.delivered_on <= self.original_target_date
        )


@dataclass(frozen=True)
class StatusChange:
    """A target date moved, or a commitment not going ahead, during the quarter."""

    reference: str
    title: str
    partner: str
    changed_on: date
    url: str
    #: The public reason; ``None`` when the update that gave it was hidden.
    reason: str | None
    previous_target_date: date | None = None
    new_target_date: date | None = None
    reason_hidden: bool = False


@dataclass(frozen=True)
class PartnerGroup:
    """A partner's records in a list grouped by partner, with the public list of them."""

    name: str
    slug: str
    url: str
    rows: list[Any]


@dataclass(frozen=True)
class CommunityHeard:
    name: str
    url: str
    engagements: int
    last_heard_on: date | None


@dataclass(frozen=True)
class EscalationLine:
    kind: str
    reference: str
    title: str
    partner: str
    escalated_on: date
    days_silent: int
    url: str


@dataclass(frozen=True)
class ScorecardRow:
    """A row of the partner scorecard table: counts that link to their lists."""

    name: str
    url: str | None
    issues: Count
    awaiting: Count
    commitments: Count
    delivered: Count
    overdue: Count
    no_recent_update: Count
    on_time: Count
    is_total: bool = False


@dataclass(frozen=True)
class EvidenceLink:
    title: str
    #: Only ``http`` and ``https`` addresses are links; anything else is shown as text.
    url: str | None


@dataclass(frozen=True)
class LatestUpdate:
    posted_on: date
    narrative: str
    shortened: bool
    progress_percent: int | None
    evidence: list[EvidenceLink]


@dataclass(frozen=True)
class OpenCommitment:
    """An open commitment in the appendix, with its latest visible update."""

    reference: str
    title: str
    url: str
    issue_reference: str
    issue_url: str
    status: CommitmentStatus
    accountable_role: str
    committed_on: date
    target_date: date
    original_target_date: date
    overdue: bool
    no_recent_update: bool
    latest_update: LatestUpdate | None


@dataclass(frozen=True)
class ReportContent:
    """Everything one board report shows, ready to lay out."""

    period: Period
    partner: Partner | None
    as_at: date
    #: The date of the earlier position the headline figures are compared with.
    compared_on: date
    ics_name: str
    title: str
    links: PublicLinks
    threshold_days: int
    position: list[Figure]
    activity: list[Figure]
    by_status: list[StatusCount]
    by_partner: list[PartnerStatusRow]
    on_time_trend: list[QuarterShare]
    new_issues: list[IssueLine]
    new_commitments: list[CommitmentLine]
    delivered: list[CommitmentLine]
    target_moves: list[StatusChange]
    not_going_ahead: list[StatusChange]
    overdue: list[PartnerGroup]
    no_recent_update: list[PartnerGroup]
    awaiting: list[IssueLine]
    awaiting_total: Count
    communities_heard: list[CommunityHeard]
    communities_not_heard: list[CommunityHeard]
    engagements_held: int
    escalations: list[EscalationLine]
    scorecard: list[ScorecardRow]
    appendix: list[PartnerGroup]
    figures: Figures = field(repr=False)

    @property
    def scope_name(self) -> str:
        return "Whole system" if self.partner is None else self.partner.name

    @property
    def silent_rows(self) -> int:
        return SILENT_ROWS_PER_PARTNER

    @property
    def scope_phrase(self) -> str:
        """The report's scope inside a sentence: "the whole system" or the partner's name."""
        return "the whole system" if self.partner is None else self.partner.name

    @property
    def is_system(self) -> bool:
        return self.partner is None

    @property
    def activity_end(self) -> date:
        """The last day the quarter's lists cover: its end, or the report's date if sooner."""
        return min(self.period.end, self.as_at)

    @property
    def in_progress(self) -> bool:
        """True when the report was made before its quarter ended."""
        return self.as_at < self.period.end

    @property
    def open_commitment_count(self) -> int:
        return sum(len(group.rows) for group in self.appendix)

    @property
    def scorecard_url(self) -> str:
        return self.links.scorecard(self.partner.slug if self.partner else None)


# --- Gathering --------------------------------------------------------------------------


def quarter_before(day: date) -> date:
    """The same day three months earlier (the month's last day when it is shorter)."""
    month, year = day.month - 3, day.year
    if month < 1:
        month, year = month + 12, year - 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def gather_report_content(
    session: Session, period: Period, partner: Partner | None, *, as_at: date
) -> ReportContent:
    """Everything the report for ``period`` shows, for the whole system or ``partner``.

    Figures are taken as at ``as_at``. Raises :class:`PeriodError` for a quarter that
    had not started by then: there is nothing to report on yet.
    """
    if period.start > as_at:
        raise PeriodError(
            f"{period.name} has not started yet: it runs from "
            f"{_long_date(period.start)} to {_long_date(period.end)}. "
            "Choose a quarter that has started."
        )
    threshold: int = current_app.config["NO_RECENT_UPDATE_DAYS"]
    slice_ = system_slice() if partner is None else partner_slice(partner)
    links = PublicLinks(public_base_url(), dict(slice_.issue_args))
    compared_on = quarter_before(as_at)
    previous = period.previous()
    activity_end = min(period.end, as_at)

    figures = scorecard(session, slice_, as_at, threshold).figures
    earlier = _position_on(session, slice_, compared_on, threshold)
    engagement_scope = _engagement_scope(partner)
    activity_now = _activity(session, slice_, engagement_scope, period.start, activity_end)
    activity_before = _activity(session, slice_, engagement_scope, previous.start, previous.end)

    new_commitments = _new_commitments(session, slice_, links, period.start, activity_end)
    delivered = _delivered(session, slice_, links, period.start, activity_end)
    target_moves, not_going_ahead = _status_changes(
        session, slice_, links, period.start, activity_end
    )
    escalations = _escalations(session, partner, links, period.start, activity_end)
    heard, not_heard = _communities(session, engagement_scope, links, period.start, activity_end)

    return ReportContent(
        period=period,
        partner=partner,
        as_at=as_at,
        compared_on=compared_on,
        ics_name=current_app.config["ICS_NAME"],
        title=report_title(period, partner),
        links=links,
        threshold_days=threshold,
        position=_position_figures(figures, earlier, links, partner, threshold),
        activity=_activity_figures(activity_now, activity_before, links, period, activity_end),
        by_status=[
            StatusCount(status, figures.commitments_by_status[status], links.commitments(status))
            for status in CommitmentStatus
        ],
        by_partner=_by_partner(session, links) if partner is None else [],
        on_time_trend=_on_time_trend(session, slice_, period, as_at),
        new_issues=_new_issues(session, slice_, links, period.start, activity_end),
        new_commitments=new_commitments,
        delivered=delivered,
        target_moves=target_moves,
        not_going_ahead=not_going_ahead,
        overdue=_silent_by_partner(session, slice_, links, as_at, threshold, OVERDUE),
        no_recent_update=_silent_by_partner(
            session, slice_, links, as_at, threshold, NO_RECENT_UPDATE
        ),
        awaiting=_longest_awaiting(session, slice_, links, as_at),
        awaiting_total=Count(
            figures.issues_awaiting_response,
            links.issues(state=ResponseState.AWAITING_RESPONSE.value),
        ),
        communities_heard=heard,
        communities_not_heard=not_heard,
        engagements_held=activity_now["engagements"],
        escalations=escalations,
        scorecard=_scorecard_rows(session, figures, partner, links, as_at, threshold),
        appendix=_appendix(session, slice_, links, as_at, threshold),
        figures=figures,
    )


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


def _position_figures(
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


def _activity_figures(
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


def _day_ends_at(day: date) -> datetime:
    """The first moment after ``day`` in England, in UTC."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=LONDON)
    return midnight.astimezone(UTC)


def _position_on(session: Session, slice_: Slice, day: date, threshold: int) -> dict[str, int]:
    """The position figures as they stood at the end of ``day``, in two queries.

    Each commitment's status and target date on that day are those set by its latest
    update posted by then; with none, those its first later update started from;
    with no update at all, its present ones. A status comes only from an update
    still visible at the end of that day, as the public pages undo a status set by
    an update once it is hidden (``commitments.restate_from_visible_updates``); a
    target date moved by a hidden update stands, as it does on the public pages.
    "No recent update" counts the updates that were visible on that day.
    """
    end = _day_ends_at(day)
    quiet_since = _day_ends_at(day - timedelta(days=threshold))
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


# --- The quarter's activity ---------------------------------------------------------------


def _engagement_scope(partner: Partner | None) -> ColumnElement[bool] | None:
    """Engagements a partner organised, or that fed an issue it leads or supports."""
    if partner is None:
        return None
    assert partner.id is not None
    fed = (
        sa.select(col(IssueEngagementLink.engagement_id))
        .join(Issue, col(Issue.id) == col(IssueEngagementLink.issue_id))
        .where(issue_partner_clause(partner.id))
    )
    return sa.or_(col(Engagement.organising_partner_id) == partner.id, col(Engagement.id).in_(fed))


def _changes_target_date(update: Any = Update) -> ColumnElement[bool]:
    return sa.and_(
        col(update.new_target_date).is_not(None),
        sa.or_(
            col(update.previous_target_date).is_(None),
            col(update.new_target_date) != col(update.previous_target_date),
        ),
    )


def _stopped() -> ColumnElement[bool]:
    """An update that made its commitment Not going ahead, and still does.

    A hidden update's status change was undone (restate_from_visible_updates), so it
    is neither counted in the Not going ahead figure nor listed under it; its target
    date move stands, as on the public pages. One clause for both, so they agree.
    """
    return sa.and_(
        col(Update.new_status) == CommitmentStatus.NOT_GOING_AHEAD,
        col(Update.hidden_at).is_(None),
    )


def _activity(
    session: Session,
    slice_: Slice,
    engagement_scope: ColumnElement[bool] | None,
    first: date,
    last: date,
) -> dict[str, int]:
    """What happened between ``first`` and ``last``: four queries, whatever the volume."""
    commitment_scope = [slice_.commitments] if slice_.commitments is not None else []
    issue_scope = [slice_.issues] if slice_.issues is not None else []
    due = sa.and_(
        col(Commitment.original_target_date) >= first, col(Commitment.original_target_date) <= last
    )
    commitments = session.execute(
        sa.select(
            sa.func.count().filter(commitment_made_clause(first, last)),
            sa.func.count().filter(commitment_delivered_clause(first, last)),
            sa.func.count().filter(due),
            sa.func.count().filter(
                due,
                on_time_delivery(last).delivered_on_time,
            ),
        ).where(*commitment_scope)
    ).one()
    issues = session.execute(
        sa.select(sa.func.count()).where(issue_raised_clause(first, last), *issue_scope)
    ).scalar_one()
    start, end = _day_ends_at(first - timedelta(days=1)), _day_ends_at(last)
    in_quarter = sa.and_(col(Update.posted_at) >= start, col(Update.posted_at) < end)
    changes = session.execute(
        sa.select(
            sa.func.count().filter(_changes_target_date()),
            sa.func.count().filter(_stopped()),
        )
        .select_from(Update)
        .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
        .where(in_quarter, *commitment_scope)
    ).one()
    engagement_where = [col(Engagement.started_on) >= first, col(Engagement.started_on) <= last]
    if engagement_scope is not None:
        engagement_where.append(engagement_scope)
    engagements = session.execute(
        sa.select(sa.func.count()).select_from(Engagement).where(*engagement_where)
    ).scalar_one()
    escalations = session.execute(_escalation_count(slice_, first, last)).scalar_one()
    return {
        "commitments": commitments[0],
        "delivered": commitments[1],
        "due": commitments[2],
        "due_on_time": commitments[3],
        "issues": issues,
        "target_moves": changes[0],
        "not_going_ahead": changes[1],
        "engagements": engagements,
        "escalations": escalations,
    }


def _escalations_in(first: date, last: date) -> list[ColumnElement[bool]]:
    return [col(Escalation.escalated_on) >= first, col(Escalation.escalated_on) <= last]


def _escalation_count(slice_: Slice, first: date, last: date) -> Any:
    """Escalations between two dates of issues and commitments within the slice."""
    if slice_.is_system:
        return sa.select(sa.func.count()).where(*_escalations_in(first, last))
    assert slice_.issues is not None and slice_.commitments is not None
    issues = sa.select(col(Issue.id)).where(slice_.issues)
    commitments = sa.select(col(Commitment.id)).where(slice_.commitments)
    return sa.select(sa.func.count()).where(
        *_escalations_in(first, last),
        sa.or_(
            sa.and_(col(Escalation.entity_type) == "issue", col(Escalation.entity_id).in_(issues)),
            sa.and_(
                col(Escalation.entity_type) == "commitment",
                col(Escalation.entity_id).in_(commitments),
            ),
        ),
    )


def _on_time_trend(
    session: Session, slice_: Slice, period: Period, as_at: date
) -> list[QuarterShare]:
    """For the report's quarter and the three before it: commitments first due in the
    quarter (up to the report's date), and those delivered by that first date. One query."""
    quarters = [period]
    while len(quarters) < TREND_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    scope = [slice_.commitments] if slice_.commitments is not None else []
    on_time = on_time_delivery(as_at).delivered_on_time
    columns = []
    for quarter in quarters:
        due = sa.and_(
            col(Commitment.original_target_date) >= quarter.start,
            col(Commitment.original_target_date) <= min(quarter.end, as_at),
        )
        columns += [sa.func.count().filter(due), sa.func.count().filter(due, on_time)]
    row = session.execute(sa.select(*columns).where(*scope)).one()
    return [QuarterShare(quarter, row[2 * i], row[2 * i + 1]) for i, quarter in enumerate(quarters)]


def _by_partner(session: Session, links: PublicLinks) -> list[PartnerStatusRow]:
    """Every partner that has made commitments, with its commitments by status. One query."""
    rows = session.execute(
        sa.select(col(Partner.name), col(Partner.slug), col(Commitment.status), sa.func.count())
        .join(Commitment, col(Commitment.partner_id) == col(Partner.id))
        .group_by(col(Partner.name), col(Partner.slug), col(Commitment.status))
    ).all()
    found: dict[tuple[str, str], dict[CommitmentStatus, int]] = {}
    for name, slug, status, count in rows:
        found.setdefault((name, slug), dict.fromkeys(CommitmentStatus, 0))[
            _STATUSES[str(status)]
        ] = count
    return [
        PartnerStatusRow(name, slug, counts, links.partner_commitments(slug))
        for (name, slug), counts in sorted(found.items(), key=lambda item: item[0][0].lower())
    ]


# --- What changed this quarter ------------------------------------------------------------


def _new_issues(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> list[IssueLine]:
    scope = [slice_.issues] if slice_.issues is not None else []
    issues = session.exec(
        select(Issue)
        .where(issue_raised_clause(first, last), *scope)
        .options(joinedload(relationship(Issue.lead_partner)))
        .order_by(col(Issue.raised_on), col(Issue.number))
    ).all()
    return [
        IssueLine(
            issue.reference,
            issue.title,
            issue.lead_partner.name if issue.lead_partner else "No lead partner yet",
            issue.raised_on,
            links.issue(issue.reference),
        )
        for issue in issues
    ]


def _commitment_line(commitment: Commitment, links: PublicLinks, **extra: Any) -> CommitmentLine:
    return CommitmentLine(
        reference=commitment.reference,
        title=commitment.title,
        partner=commitment.partner.name,
        status=commitment.status,
        target_date=commitment.target_date,
        url=links.commitment(commitment.reference),
        **extra,
    )


def _commitments(session: Session, slice_: Slice, *where: Any, order: Sequence[Any]) -> Any:
    scope = [slice_.commitments] if slice_.commitments is not None else []
    return session.exec(
        select(Commitment)
        .where(*where, *scope)
        .options(joinedload(relationship(Commitment.partner)))
        .order_by(*order, col(Commitment.number))
    ).all()


def _new_commitments(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> list[CommitmentLine]:
    found = _commitments(
        session,
        slice_,
        commitment_made_clause(first, last),
        order=[col(Commitment.committed_on)],
    )
    return [_commitment_line(c, links, committed_on=c.committed_on) for c in found]


def _delivered(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> list[CommitmentLine]:
    found = _commitments(
        session,
        slice_,
        commitment_delivered_clause(first, last),
        order=[col(Commitment.delivered_on)],
    )
    return [
        _commitment_line(
            c, links, delivered_on=c.delivered_on, original_target_date=c.original_target_date
        )
        for c in found
    ]


def _status_changes(
    session: Session, slice_: Slice, links: PublicLinks, first: date, last: date
) -> tuple[list[StatusChange], list[StatusChange]]:
    """Target dates moved and commitments stopped during the quarter, from their updates.

    A move made by an update that was later hidden is still listed (PRODUCT.md: a
    changed target date is never hidden), without the hidden update's reason. A stop
    made by one is not: hiding undid it, and the Not going ahead figure leaves it out.
    """
    start, end = _day_ends_at(first - timedelta(days=1)), _day_ends_at(last)
    scope = [slice_.commitments] if slice_.commitments is not None else []
    stopped = _stopped()
    rows = session.execute(
        sa.select(Update, Commitment, col(Partner.name), stopped.label("stopped"))
        .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .where(
            col(Update.posted_at) >= start,
            col(Update.posted_at) < end,
            sa.or_(_changes_target_date(), stopped),
            *scope,
        )
        .order_by(col(Update.posted_at), col(Commitment.number))
    ).all()
    moves, stops = [], []
    for update, commitment, partner_name, is_stop in rows:
        hidden = update.hidden_at is not None
        change = StatusChange(
            reference=commitment.reference,
            title=commitment.title,
            partner=partner_name,
            changed_on=_local_date(update.posted_at),
            url=links.commitment(commitment.reference),
            reason=None if hidden else (update.reason or commitment.status_reason),
            previous_target_date=update.previous_target_date,
            new_target_date=update.new_target_date,
            reason_hidden=hidden,
        )
        if update.changes_target_date:
            moves.append(change)
        if is_stop:
            stops.append(change)
    return moves, stops


# --- Silence ---------------------------------------------------------------------------------


def _group_by_partner(rows: Sequence[tuple[str, str, Any]], url_of: Any) -> list[PartnerGroup]:
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for name, slug, row in rows:
        groups[(name, slug)].append(row)
    return [
        PartnerGroup(name, slug, url_of(slug), members)
        for (name, slug), members in sorted(groups.items(), key=lambda item: item[0][0].lower())
    ]


def _silent_by_partner(
    session: Session, slice_: Slice, links: PublicLinks, as_at: date, threshold: int, flag: str
) -> list[PartnerGroup]:
    """Overdue (or No recent update) commitments, by partner, most overdue (or silent) first."""
    if flag == OVERDUE:
        order: list[Any] = [col(Commitment.target_date)]
    else:
        order = [last_activity_on_clause()]
    found = _commitments(
        session,
        slice_,
        commitment_status_clause(flag, as_at, threshold),
        order=order,
    )
    rows = []
    for commitment in found:
        last_activity = commitment.last_update_on or commitment.committed_on
        rows.append(
            (
                commitment.partner.name,
                commitment.partner.slug,
                _commitment_line(
                    commitment,
                    links,
                    days_overdue=(as_at - commitment.target_date).days,
                    last_activity_on=last_activity,
                    days_since_update=(as_at - last_activity).days,
                ),
            )
        )
    return _group_by_partner(rows, lambda slug: links.partner_commitments(slug, flag))


def _longest_awaiting(
    session: Session, slice_: Slice, links: PublicLinks, as_at: date
) -> list[IssueLine]:
    scope = [slice_.issues] if slice_.issues is not None else []
    issues = session.exec(
        select(Issue)
        .where(issue_state_clause(ResponseState.AWAITING_RESPONSE.value), *scope)
        .options(joinedload(relationship(Issue.lead_partner)))
        .order_by(col(Issue.raised_on), col(Issue.number))
        .limit(AWAITING_LIST_SIZE)
    ).all()
    return [
        IssueLine(
            issue.reference,
            issue.title,
            issue.lead_partner.name if issue.lead_partner else "No lead partner yet",
            issue.raised_on,
            links.issue(issue.reference),
            days_waited=max((as_at - issue.raised_on).days, 0),
        )
        for issue in issues
    ]


# --- Communities and escalations ------------------------------------------------------------


def _communities(
    session: Session,
    engagement_scope: ColumnElement[bool] | None,
    links: PublicLinks,
    first: date,
    last: date,
) -> tuple[list[CommunityHeard], list[CommunityHeard]]:
    """Communities heard in the quarter's engagements, and those not heard for a year.

    One query: for every community, the engagements within the report's scope that
    it took part in during the quarter, and the latest one up to the quarter's end.
    """
    in_quarter = sa.and_(col(Engagement.started_on) >= first, col(Engagement.started_on) <= last)
    conditions: list[ColumnElement[bool]] = [col(Engagement.started_on) <= last]
    if engagement_scope is not None:
        conditions.append(engagement_scope)
    heard = (
        sa.select(
            col(EngagementCommunityLink.community_id).label("community_id"),
            sa.func.count().filter(in_quarter).label("engagements"),
            sa.func.max(col(Engagement.started_on)).label("last_heard_on"),
        )
        .join(Engagement, col(Engagement.id) == col(EngagementCommunityLink.engagement_id))
        .where(*conditions)
        .group_by(col(EngagementCommunityLink.community_id))
        .subquery("heard")
    )
    rows = session.execute(
        sa.select(
            col(Community.name), col(Community.slug), heard.c.engagements, heard.c.last_heard_on
        )
        .outerjoin(heard, heard.c.community_id == col(Community.id))
        .order_by(sa.func.lower(col(Community.name)))
    ).all()
    quiet_since = last - timedelta(days=NOT_HEARD_DAYS)
    heard_now, not_heard = [], []
    for name, slug, engagements, last_heard_on in rows:
        community = CommunityHeard(name, links.community(slug), engagements or 0, last_heard_on)
        if engagements:
            heard_now.append(community)
        if last_heard_on is None or last_heard_on <= quiet_since:
            not_heard.append(community)
    return heard_now, not_heard


def _escalations(
    session: Session, partner: Partner | None, links: PublicLinks, first: date, last: date
) -> list[EscalationLine]:
    """The quarter's escalations of issues and of commitments: one query each."""
    in_quarter = _escalations_in(first, last)
    issue_scope = [issue_partner_clause(partner.id)] if partner and partner.id else []
    commitment_scope = [col(Commitment.partner_id) == partner.id] if partner else []
    lead = aliased(Partner, name="lead_partner")
    issue_rows = session.execute(
        sa.select(Escalation, col(Issue.number), col(Issue.title), col(lead.name))
        .join(
            Issue,
            sa.and_(
                col(Escalation.entity_type) == "issue", col(Issue.id) == col(Escalation.entity_id)
            ),
        )
        .outerjoin(lead, col(lead.id) == col(Issue.lead_partner_id))
        .where(*in_quarter, *issue_scope)
    ).all()
    commitment_rows = session.execute(
        sa.select(Escalation, col(Commitment.number), col(Commitment.title), col(Partner.name))
        .join(
            Commitment,
            sa.and_(
                col(Escalation.entity_type) == "commitment",
                col(Commitment.id) == col(Escalation.entity_id),
            ),
        )
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .where(*in_quarter, *commitment_scope)
    ).all()
    lines = []
    for escalation, number, title, partner_name in issue_rows:
        reference = format_reference(Issue.REFERENCE_PREFIX, number)
        lines.append(
            EscalationLine(
                "Issue awaiting a response",
                reference,
                title,
                partner_name or "No lead partner yet",
                escalation.escalated_on,
                escalation.days_silent,
                links.issue(reference),
            )
        )
    for escalation, number, title, partner_name in commitment_rows:
        reference = format_reference(Commitment.REFERENCE_PREFIX, number)
        lines.append(
            EscalationLine(
                "Commitment without an update",
                reference,
                title,
                partner_name,
                escalation.escalated_on,
                escalation.days_silent,
                links.commitment(reference),
            )
        )
    lines.sort(key=lambda line: (line.escalated_on, -line.days_silent, line.reference))
    return lines


# --- The partner scorecard table ---------------------------------------------------------------


def _scorecard_rows(
    session: Session,
    figures: Figures,
    partner: Partner | None,
    links: PublicLinks,
    as_at: date,
    threshold: int,
) -> list[ScorecardRow]:
    """Every partner's key figures (or the report's partner's), then the whole system's."""
    rows = []
    for row in partner_table(session, as_at, threshold):
        if partner is not None and row.partner.id != partner.id:
            continue
        slug = row.partner.slug
        rows.append(
            ScorecardRow(
                name=row.partner.name,
                url=links.partner(slug),
                issues=Count(row.issues, links.partner_issues(slug)),
                awaiting=Count(
                    row.issues_awaiting_response,
                    links.partner_issues(slug, ResponseState.AWAITING_RESPONSE.value),
                ),
                commitments=Count(row.commitments_made, links.partner_commitments(slug)),
                delivered=Count(
                    row.delivered,
                    links.partner_commitments(slug, CommitmentStatus.DELIVERED.value),
                ),
                overdue=Count(row.overdue, links.partner_commitments(slug, OVERDUE)),
                no_recent_update=Count(
                    row.no_recent_update, links.partner_commitments(slug, NO_RECENT_UPDATE)
                ),
                on_time=Count(row.share_delivered_on_time or "none due", links.partner(slug)),
            )
        )
    everyone = PublicLinks(links.base)
    system = (
        figures if partner is None else scorecard(session, system_slice(), as_at, threshold).system
    )
    rows.append(
        ScorecardRow(
            name="Whole system",
            url=everyone.url("/"),
            issues=Count(system.issues_raised, everyone.issues()),
            awaiting=Count(
                system.issues_awaiting_response,
                everyone.issues(state=ResponseState.AWAITING_RESPONSE.value),
            ),
            commitments=Count(system.commitments_made, everyone.commitments()),
            delivered=Count(
                system.commitments_by_status[CommitmentStatus.DELIVERED],
                everyone.commitments(CommitmentStatus.DELIVERED.value),
            ),
            overdue=Count(system.overdue, everyone.commitments(OVERDUE)),
            no_recent_update=Count(system.no_recent_update, everyone.commitments(NO_RECENT_UPDATE)),
            on_time=Count(system.share_delivered_on_time or "none due", everyone.url("/")),
            is_total=True,
        )
    )
    return rows


# --- The appendix: every open commitment ----------------------------------------------------------


def _evidence(links: Any) -> list[EvidenceLink]:
    found = []
    for link in links or []:
        if not isinstance(link, dict):
            continue
        url = str(link.get("url") or "")
        title = str(link.get("title") or url)
        # A report links only to web pages; any other kind of address is shown as text.
        safe = url if url.lower().startswith(("https://", "http://")) else None
        found.append(EvidenceLink(title[:300], safe))
    return found


def _latest_update(update: Update) -> LatestUpdate:
    narrative = update.narrative.strip()
    shortened = len(narrative) > NARRATIVE_LIMIT
    if shortened:
        narrative = narrative[:NARRATIVE_LIMIT].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    return LatestUpdate(
        posted_on=_local_date(update.posted_at),
        narrative=narrative,
        shortened=shortened,
        progress_percent=update.progress_percent,
        evidence=_evidence(update.evidence_links),
    )


def _appendix(
    session: Session, slice_: Slice, links: PublicLinks, as_at: date, threshold: int
) -> list[PartnerGroup]:
    """Every open commitment, by partner, with its latest visible update: two queries."""
    open_clause = commitment_status_clause(OPEN, as_at, threshold)
    overdue = commitment_status_clause(OVERDUE, as_at, threshold)
    silent = commitment_status_clause(NO_RECENT_UPDATE, as_at, threshold)
    scope = [slice_.commitments] if slice_.commitments is not None else []
    rows = session.execute(
        sa.select(
            Commitment,
            col(Partner.name),
            col(Partner.slug),
            col(Issue.number),
            overdue.label("overdue"),
            silent.label("silent"),
        )
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .join(Issue, col(Issue.id) == col(Commitment.issue_id))
        .where(open_clause, *scope)
        .order_by(sa.func.lower(col(Partner.name)), col(Commitment.number))
    ).all()
    ranked = (
        sa.select(
            col(Update.id).label("id"),
            sa.func.row_number()
            .over(
                partition_by=col(Update.commitment_id),
                order_by=(col(Update.posted_at).desc(), col(Update.id).desc()),
            )
            .label("position"),
        )
        .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
        .where(col(Update.hidden_at).is_(None), open_clause, *scope)
        .subquery("ranked")
    )
    latest = {
        update.commitment_id: update
        for update in session.exec(
            select(Update).join(ranked, ranked.c.id == col(Update.id)).where(ranked.c.position == 1)
        ).all()
    }
    grouped = []
    for commitment, partner_name, partner_slug, issue_number, is_overdue, is_silent in rows:
        issue_reference = format_reference(Issue.REFERENCE_PREFIX, issue_number)
        update = latest.get(commitment.id)
        grouped.append(
            (
                partner_name,
                partner_slug,
                OpenCommitment(
                    reference=commitment.reference,
                    title=commitment.title,
                    url=links.commitment(commitment.reference),
                    issue_reference=issue_reference,
                    issue_url=links.issue(issue_reference),
                    status=commitment.status,
                    accountable_role=commitment.accountable_role,
                    committed_on=commitment.committed_on,
                    target_date=commitment.target_date,
                    original_target_date=commitment.original_target_date,
                    overdue=bool(is_overdue),
                    no_recent_update=bool(is_silent),
                    latest_update=_latest_update(update) if update is not None else None,
                ),
            )
        )
    return _group_by_partner(grouped, lambda slug: links.partner_commitments(slug, OPEN))


# --- Dates ----------------------------------------------------------------------------------------


def _local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def _long_date(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
