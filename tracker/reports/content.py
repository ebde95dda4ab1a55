"""What a board report shows: every figure and list, gathered from the database.

:func:`gather_report_content` reads one quarter's report for the whole system or
one partner into plain dataclasses, which the template only lays out. It runs a
fixed number of queries however many records there are (about thirty; none per
commitment), and counts with the public lists' own clauses
(:mod:`tracker.queries.filters`, the figures of :mod:`tracker.figures`, the rules
in :mod:`tracker.rules`), so every figure as at the report's date equals the total
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

Each section of the report is gathered by a module of its own: the headline
figures (:mod:`.headline`), the quarter's activity (:mod:`.activity`), what
changed (:mod:`.changes`), silence (:mod:`.silence`), communities and
escalations (:mod:`.communities`), the partner scorecard table
(:mod:`.scorecard_table`) and the appendix (:mod:`.appendix`); every link into the
public site comes from :mod:`.links`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlmodel import Session

from tracker.addresses import public_base_url
from tracker.figures.catalogue import Figures
from tracker.figures.every_slice import every_slice_figures
from tracker.figures.slices import partner_slice, system_slice
from tracker.models import (
    CommitmentStatus,
    Partner,
)
from tracker.queries.filters import (
    NO_RECENT_UPDATE,
    OVERDUE,
)
from tracker.reports.activity import (
    PartnerStatusRow,
    QuarterShare,
    StatusCount,
    commitments_by_partner,
    count_activity,
    on_time_trend,
    scope_of_engagements,
)
from tracker.reports.appendix import appendix_groups
from tracker.reports.changes import (
    CommitmentLine,
    IssueLine,
    StatusChange,
    delivered_lines,
    new_commitment_lines,
    new_issue_lines,
    status_change_lines,
)
from tracker.reports.communities import (
    CommunityHeard,
    EscalationLine,
    communities_heard,
    escalation_lines,
)
from tracker.reports.headline import Figure, activity_figures, position_figures, position_on
from tracker.reports.links import Count, PublicLinks
from tracker.reports.periods import Period, PeriodError
from tracker.reports.scorecard_table import ScorecardRow, scorecard_rows
from tracker.reports.silence import (
    SILENT_ROWS_PER_PARTNER,
    PartnerGroup,
    longest_awaiting,
    silent_by_partner,
)
from tracker.rules import (
    ResponseState,
)


def report_title(period: Period, partner: Partner | None) -> str:
    """``Board report 2026/27 Q2: whole system`` or ``...: <partner name>``."""
    scope = "whole system" if partner is None else partner.name
    return f"Board report {period.name}: {scope}"


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

    # Every slice's figures as at the report's date, as the scorecard pages count them.
    every_slice = every_slice_figures(session, as_at, threshold)
    figures = every_slice.of(slice_.kind, slice_.record_id)
    earlier = position_on(session, slice_, compared_on, threshold)
    engagement_scope = scope_of_engagements(partner)
    activity_now = count_activity(session, slice_, engagement_scope, period.start, activity_end)
    activity_before = count_activity(
        session, slice_, engagement_scope, previous.start, previous.end
    )

    new_commitments = new_commitment_lines(session, slice_, links, period.start, activity_end)
    delivered = delivered_lines(session, slice_, links, period.start, activity_end)
    target_moves, not_going_ahead = status_change_lines(
        session, slice_, links, period.start, activity_end
    )
    escalations = escalation_lines(session, partner, links, period.start, activity_end)
    heard, not_heard = communities_heard(
        session, engagement_scope, links, period.start, activity_end
    )

    return ReportContent(
        period=period,
        partner=partner,
        as_at=as_at,
        compared_on=compared_on,
        ics_name=current_app.config["ICS_NAME"],
        title=report_title(period, partner),
        links=links,
        threshold_days=threshold,
        position=position_figures(figures, earlier, links, partner, threshold),
        activity=activity_figures(activity_now, activity_before, links, period, activity_end),
        by_status=[
            StatusCount(status, figures.commitments_by_status[status], links.commitments(status))
            for status in CommitmentStatus
        ],
        by_partner=commitments_by_partner(session, links) if partner is None else [],
        on_time_trend=on_time_trend(session, slice_, period, as_at),
        new_issues=new_issue_lines(session, slice_, links, period.start, activity_end),
        new_commitments=new_commitments,
        delivered=delivered,
        target_moves=target_moves,
        not_going_ahead=not_going_ahead,
        overdue=silent_by_partner(session, slice_, links, as_at, threshold, OVERDUE),
        no_recent_update=silent_by_partner(
            session, slice_, links, as_at, threshold, NO_RECENT_UPDATE
        ),
        awaiting=longest_awaiting(session, slice_, links, as_at),
        awaiting_total=Count(
            figures.issues_awaiting_response,
            links.issues(state=ResponseState.AWAITING_RESPONSE.value),
        ),
        communities_heard=heard,
        communities_not_heard=not_heard,
        engagements_held=activity_now["engagements"],
        escalations=escalations,
        scorecard=scorecard_rows(session, every_slice, partner, links),
        appendix=appendix_groups(session, slice_, links, as_at, threshold),
        figures=figures,
    )


# --- Dates ----------------------------------------------------------------------------------------


def _long_date(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
