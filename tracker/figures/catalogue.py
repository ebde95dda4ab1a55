"""The figure catalogue: every figure a scorecard, the home page, ``/partners``, the
board report and the digests show, defined once.

Each :class:`FigureDefinition` holds the figure's key (an attribute of
:class:`Figures`), its label, the definition residents read, how it is shown (a
count, a share or a median) and the list that reproduces it: the ``/you-said`` or
``/we-will`` filters that, added to a slice's own filters, list exactly the records
the figure counts (PRODUCT.md: every figure can be traced to the records behind it).
What each figure counts in SQL is in :mod:`tracker.figures.counting`, next to the
same list filters.

Templates loop over :data:`ISSUE_FIGURES`, :data:`COMMITMENT_FIGURES` and
:data:`HEADLINE_FIGURES` instead of writing figures out one by one.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.models import CommitmentStatus
from tracker.queries.filters import HAS_RESPONSE, NO_RECENT_UPDATE, OPEN, OVERDUE, TARGET_MOVED
from tracker.rules import ResponseState, percentage

# --- The figures of one slice --------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The figures of one slice (or of the whole system)."""

    issues_raised: int
    issues_awaiting_response: int
    issues_with_response: int
    commitments_made: int
    #: Every status, in the order of :class:`CommitmentStatus`, including zeros.
    commitments_by_status: dict[CommitmentStatus, int]
    overdue: int
    no_recent_update: int
    open_commitments: int
    #: See :func:`tracker.rules.on_time_delivery`.
    due_so_far: int
    delivered_on_time: int
    target_moved: int
    #: Medians in days (a whole or half number), ``None`` when nothing is measured.
    median_days_to_first_commitment: float | None = None
    median_days_since_update: float | None = None
    median_slip_days: float | None = None

    @property
    def share_with_response(self) -> str:
        """Issues with a response as a percentage of issues raised."""
        return percentage(self.issues_with_response, self.issues_raised)

    @property
    def share_delivered_on_time(self) -> str | None:
        """Commitments delivered on time as a percentage of those due so far
        (:func:`tracker.rules.on_time_delivery`); ``None`` while none is due."""
        if self.due_so_far == 0:
            return None
        return percentage(self.delivered_on_time, self.due_so_far)

    @property
    def delivered(self) -> int:
        return self.commitments_by_status[CommitmentStatus.DELIVERED]

    def value(self, key: str) -> Any:
        """The figure with catalogue key ``key`` (a status's code for a status count)."""
        status = _STATUSES.get(key)
        if status is not None:
            return self.commitments_by_status[status]
        return getattr(self, key)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able data, read back by :meth:`from_json`."""
        found: dict[str, Any] = {
            name: getattr(self, name) for name in _PLAIN_FIELDS if name != "commitments_by_status"
        }
        found["commitments_by_status"] = {
            status.value: count for status, count in self.commitments_by_status.items()
        }
        return found

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Figures:
        values = {name: data[name] for name in _PLAIN_FIELDS if name != "commitments_by_status"}
        by_status = data["commitments_by_status"]
        return cls(
            commitments_by_status={status: by_status[status.value] for status in CommitmentStatus},
            **values,
        )

    @classmethod
    def nothing(cls) -> Figures:
        """The figures of a slice with no records."""
        return cls(
            issues_raised=0,
            issues_awaiting_response=0,
            issues_with_response=0,
            commitments_made=0,
            commitments_by_status=dict.fromkeys(CommitmentStatus, 0),
            overdue=0,
            no_recent_update=0,
            open_commitments=0,
            due_so_far=0,
            delivered_on_time=0,
            target_moved=0,
        )


_STATUSES = {status.value: status for status in CommitmentStatus}
_PLAIN_FIELDS = tuple(Figures.__dataclass_fields__)


# --- What each figure means ----------------------------------------------------------


class Shown(enum.StrEnum):
    """How a figure's value is shown."""

    COUNT = "count"
    #: A count, with its share of the figure before it.
    COUNT_AND_SHARE = "count-and-share"
    #: A percentage, with the part and the whole beside it.
    SHARE = "share"
    #: A median number of days.
    MEDIAN = "median"


class Counts(enum.StrEnum):
    """The records a figure counts, and so the list that reproduces it."""

    ISSUES = "issues"
    COMMITMENTS = "commitments"

    @property
    def endpoint(self) -> str:
        return "public.you_said" if self is Counts.ISSUES else "public.we_will"


@dataclass(frozen=True)
class FigureDefinition:
    key: str
    label: str
    #: What the figure counts, in the words residents read. ``{threshold_days}`` is
    #: replaced by the no-recent-update threshold.
    definition: str
    counts: Counts
    #: The list filters, added to a slice's own, that list the records counted (for a
    #: share or median: the records it is taken over, or the nearest list there is).
    filters: Mapping[str, str] = field(default_factory=dict)
    shown: Shown = Shown.COUNT
    #: The heading of the figure's card on the home page, when it has one.
    headline: str | None = None
    #: The card's id on the home page (``figure-<card_id>``).
    card_id: str | None = None
    #: The figure's heading in a table of many partners, where space is short.
    column: str = ""
    #: What is shown when there is nothing to take a share or median of.
    when_none: str = "None to measure"
    #: Set when the list shows more than the figure counts (a share's list shows its whole).
    list_note: str = ""

    @property
    def endpoint(self) -> str:
        """The list (a Flask endpoint) that reproduces the figure."""
        return self.counts.endpoint

    def list_args(self, slice_args: Mapping[str, str] | None = None) -> dict[str, str]:
        """The list's query parameters for a slice (``slice_args``) or the whole system."""
        return {**(slice_args or {}), **self.filters}

    @property
    def heading(self) -> str:
        """The figure's column heading in a table of many partners."""
        return self.column or self.label

    def describe(self, threshold_days: int) -> str:
        """The definition residents read."""
        return self.definition.format(threshold_days=threshold_days)


def _status_figure(status: CommitmentStatus) -> FigureDefinition:
    return FigureDefinition(
        key=status.value,
        label=status.label,
        definition=f"Commitments whose status is “{status.label}”.",
        counts=Counts.COMMITMENTS,
        filters={"status": status.value},
    )


ISSUES_RAISED = FigureDefinition(
    key="issues_raised",
    label="Issues raised",
    definition="Things residents told us matter to them.",
    counts=Counts.ISSUES,
    headline="Issues raised",
    column="Issues",
    card_id="issues-raised",
)
ISSUES_WITH_RESPONSE = FigureDefinition(
    key="issues_with_response",
    label="With a response",
    definition="Issues that have a commitment from a partner.",
    counts=Counts.ISSUES,
    filters={"state": HAS_RESPONSE},
    shown=Shown.COUNT_AND_SHARE,
    headline="Issues with a response",
    card_id="issues-with-response",
)
ISSUES_AWAITING_RESPONSE = FigureDefinition(
    key="issues_awaiting_response",
    label="Awaiting a response",
    definition="No partner has made a commitment about these yet.",
    counts=Counts.ISSUES,
    filters={"state": ResponseState.AWAITING_RESPONSE.value},
    headline="Issues awaiting a response",
    card_id="issues-awaiting",
)
DAYS_TO_FIRST_COMMITMENT = FigureDefinition(
    key="median_days_to_first_commitment",
    label="Median time from being raised to the first commitment",
    definition=(
        "The median time from an issue being raised to its first commitment: half the "
        "issues with a response had one sooner, half later."
    ),
    counts=Counts.ISSUES,
    filters={"state": HAS_RESPONSE},
    shown=Shown.MEDIAN,
    headline="Time to a first commitment",
    card_id="days-to-first-commitment",
)
COMMITMENTS_MADE = FigureDefinition(
    key="commitments_made",
    label="Commitments made",
    definition="Promises by partners about the issues residents raised.",
    counts=Counts.COMMITMENTS,
    headline="Commitments made",
    column="Commitments",
    card_id="commitments",
)
STATUS_FIGURES = tuple(_status_figure(status) for status in CommitmentStatus)
DELIVERED_ON_TIME = FigureDefinition(
    key="delivered_on_time",
    label="Delivered by the original target date",
    definition=(
        "Of the commitments due so far (the date first promised is today or earlier, or "
        "they have been delivered), the share delivered on or before the date first "
        "promised. A target date moved later does not count."
    ),
    counts=Counts.COMMITMENTS,
    filters={"status": CommitmentStatus.DELIVERED.value},
    shown=Shown.SHARE,
    headline="Delivered on time",
    column="Delivered on time",
    card_id="delivered-on-time",
    when_none="None due yet",
    list_note="The figure links to every delivered commitment, whether on time or late.",
)
OVERDUE_FIGURE = FigureDefinition(
    key="overdue",
    label="Overdue",
    definition=(
        "The target date has passed and the commitment is neither delivered nor marked "
        "“Not going ahead”."
    ),
    counts=Counts.COMMITMENTS,
    filters={"status": OVERDUE},
    headline="Overdue",
    card_id="overdue",
)
NO_RECENT_UPDATE_FIGURE = FigureDefinition(
    key="no_recent_update",
    label="No recent update",
    definition="Open commitments with no update for {threshold_days} days or more.",
    counts=Counts.COMMITMENTS,
    filters={"status": NO_RECENT_UPDATE},
    headline="No recent update",
    card_id="no-recent-update",
)
OPEN_COMMITMENTS = FigureDefinition(
    key="open_commitments",
    label="Open (not yet finished)",
    definition="Commitments not yet Delivered or Not going ahead.",
    counts=Counts.COMMITMENTS,
    filters={"status": OPEN},
)
DAYS_SINCE_UPDATE = FigureDefinition(
    key="median_days_since_update",
    label="Median time since the last update of an open commitment",
    definition="The median time since an open commitment’s latest update (or since it was made).",
    counts=Counts.COMMITMENTS,
    filters={"status": OPEN},
    shown=Shown.MEDIAN,
)
TARGET_MOVED_FIGURE = FigureDefinition(
    key="target_moved",
    label="Target date moved",
    definition="Commitments whose target date is no longer the date first promised.",
    counts=Counts.COMMITMENTS,
    filters={"status": TARGET_MOVED},
)
SLIP_DAYS = FigureDefinition(
    key="median_slip_days",
    label="Median move of a target date",
    definition="The median number of days a moved target date moved by.",
    counts=Counts.COMMITMENTS,
    filters={"status": TARGET_MOVED},
    shown=Shown.MEDIAN,
)

#: The scorecards' "You said" table, in order.
ISSUE_FIGURES: tuple[FigureDefinition, ...] = (
    ISSUES_RAISED,
    ISSUES_WITH_RESPONSE,
    ISSUES_AWAITING_RESPONSE,
    DAYS_TO_FIRST_COMMITMENT,
)
#: The scorecards' "We will" table, in order.
COMMITMENT_FIGURES: tuple[FigureDefinition, ...] = (
    COMMITMENTS_MADE,
    *STATUS_FIGURES,
    DELIVERED_ON_TIME,
    OVERDUE_FIGURE,
    NO_RECENT_UPDATE_FIGURE,
    OPEN_COMMITMENTS,
    DAYS_SINCE_UPDATE,
    TARGET_MOVED_FIGURE,
    SLIP_DAYS,
)
#: Every figure, by key.
CATALOGUE: dict[str, FigureDefinition] = {
    figure.key: figure for figure in (*ISSUE_FIGURES, *COMMITMENT_FIGURES)
}
#: The home page's cards, in two groups: what residents said, and what partners promised.
HEADLINE_FIGURES: tuple[tuple[str, tuple[FigureDefinition, ...]], ...] = (
    ("You said", ISSUE_FIGURES),
    (
        "We will",
        (COMMITMENTS_MADE, DELIVERED_ON_TIME, OVERDUE_FIGURE, NO_RECENT_UPDATE_FIGURE),
    ),
)
#: The definitions printed under the scorecards ("What the figures mean").
EXPLAINED_FIGURES: tuple[FigureDefinition, ...] = (
    DELIVERED_ON_TIME,
    OVERDUE_FIGURE,
    NO_RECENT_UPDATE_FIGURE,
)
#: The columns of the ``/partners`` table and the board report's scorecard table.
PARTNER_TABLE_FIGURES: tuple[FigureDefinition, ...] = (
    ISSUES_RAISED,
    ISSUES_AWAITING_RESPONSE,
    COMMITMENTS_MADE,
    STATUS_FIGURES[2],
    DELIVERED_ON_TIME,
    OVERDUE_FIGURE,
    NO_RECENT_UPDATE_FIGURE,
)


# --- Words for the figures ----------------------------------------------------------


def format_days(value: float | None) -> str:
    """A median in days as people read it: ``1 day``, ``12 days``, ``12.5 days``."""
    if value is None:
        return ""
    number = f"{value:,.1f}".removesuffix(".0")
    return f"{number} day" if number == "1" else f"{number} days"


def headline_value(figure: FigureDefinition, figures: Figures) -> int | str:
    """A figure as its home page card shows it: a count, a share or a median in days."""
    if figure.shown is Shown.SHARE:
        return figures.share_delivered_on_time or figure.when_none
    if figure.shown is Shown.MEDIAN:
        median = figures.value(figure.key)
        return figure.when_none if median is None else format_days(median)
    count: int = figures.value(figure.key)
    return count


def table_value(figure: FigureDefinition, figures: Figures) -> tuple[str, str | None]:
    """A figure as the scorecard tables show it: its value in words, and the detail
    shown after it in brackets (a share's part and whole, or a count's share), if any."""
    if figure.shown is Shown.SHARE:
        share = figures.share_delivered_on_time
        if share is None:
            return figure.when_none, None
        return share, f"{figures.delivered_on_time:,} of {figures.due_so_far:,}"
    value = figures.value(figure.key)
    if figure.shown is Shown.MEDIAN:
        return (figure.when_none if value is None else format_days(value)), None
    if figure.shown is Shown.COUNT_AND_SHARE:
        return f"{value:,}", figures.share_with_response
    return f"{value:,}", None


def headline_description(figure: FigureDefinition, figures: Figures, threshold_days: int) -> str:
    """The words under a figure's card on the home page: its definition, with the share's
    parts where there is one."""
    if figure is ISSUES_WITH_RESPONSE:
        return f"{figures.share_with_response} of issues raised have a commitment from a partner."
    if figure is DAYS_TO_FIRST_COMMITMENT and figures.median_days_to_first_commitment is None:
        return "No issue has had a commitment yet."
    if figure is DELIVERED_ON_TIME:
        if figures.due_so_far == 0:
            return "No commitment has reached the date first promised for it yet."
        noun = "commitment" if figures.due_so_far == 1 else "commitments"
        return (
            f"{figures.delivered_on_time:,} of the {figures.due_so_far:,} {noun} due so far "
            "were delivered by the date first promised, even if the date later moved. "
            "The link lists every delivered commitment, on time or late."
        )
    return figure.describe(threshold_days)
