"""The geometry of the report's charts, drawn as SVG by ``templates/reports/charts.html``.

Python works out where every bar goes and what every label says; the template
only draws it, so there is no markup built here. Each chart carries its text
alternative: a title (the PDF's alternate text for the figure) and a description
that states every value. The report prints the same figures in a table beside
each chart, and colour is never the only way to tell two things apart: every bar
is labelled, and stacked bars have a legend in the same order as the stack.

Coordinates are SVG user units; the charts scale to the width of the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.models import CommitmentStatus
from tracker.reports.activity import PartnerStatusRow, QuarterShare, StatusCount

#: NHS identity colours for the statuses (the same hues as the site's status tags).
STATUS_COLOURS: dict[CommitmentStatus, str] = {
    CommitmentStatus.NOT_STARTED: "#768692",
    CommitmentStatus.IN_PROGRESS: "#005eb8",
    CommitmentStatus.DELIVERED: "#007f3b",
    CommitmentStatus.DELAYED: "#ffb81c",
    CommitmentStatus.NOT_GOING_AHEAD: "#330072",
}
#: Text on a coloured bar: white on the dark colours, black on the light ones.
TEXT_ON: dict[str, str] = {
    "#768692": "#000000",
    "#005eb8": "#ffffff",
    "#007f3b": "#ffffff",
    "#ffb81c": "#000000",
    "#330072": "#ffffff",
}
NHS_BLUE = "#005eb8"
WIDTH = 680
#: Space on the left for the bars' labels.
LABEL_WIDTH = 220
BAR_HEIGHT = 18
BAR_GAP = 8
#: Approximate width of one character of the chart's 11-unit text, to fit labels.
CHARACTER_WIDTH = 5.6


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _fit(text: str, width: float) -> str:
    """``text`` cut to fit ``width`` units, with an ellipsis when it was cut."""
    room = int(width / CHARACTER_WIDTH)
    return text if len(text) <= room else text[: max(room - 1, 1)].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    colour: str
    #: The number written beside (or inside) the bar.
    value_label: str
    value_x: float
    value_colour: str = "#212b32"
    url: str | None = None


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per row, labelled on the left and valued on the right."""

    id: str
    title: str
    description: str
    width: float
    height: float
    label_width: float
    bars: list[Bar]


def status_chart(counts: Sequence[StatusCount], *, id: str = "chart-status") -> BarChart:
    """Commitments by status, one bar per status, in the order of the statuses."""
    largest = max((count.count for count in counts), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 60
    bars = []
    for i, count in enumerate(counts):
        length = plot * count.count / largest
        bars.append(
            Bar(
                label=count.status.label,
                value=count.count,
                x=LABEL_WIDTH,
                y=i * (BAR_HEIGHT + BAR_GAP),
                width=length,
                height=BAR_HEIGHT,
                colour=STATUS_COLOURS[count.status],
                value_label=f"{count.count:,}",
                value_x=LABEL_WIDTH + length + 6,
                url=count.url,
            )
        )
    total = sum(count.count for count in counts)
    description = "; ".join(f"{count.status.label}: {count.count:,}" for count in counts)
    return BarChart(
        id=id,
        title=f"Bar chart of {_plural(total, 'commitment')} by status. {description}.",
        description=description,
        width=WIDTH,
        height=len(bars) * (BAR_HEIGHT + BAR_GAP),
        label_width=LABEL_WIDTH,
        bars=bars,
    )


@dataclass(frozen=True)
class Segment:
    status: CommitmentStatus
    count: int
    x: float
    width: float
    colour: str
    #: The count written inside the segment, when it fits.
    text: str
    text_colour: str


@dataclass(frozen=True)
class StackedRow:
    label: str
    total: int
    y: float
    segments: list[Segment]
    total_x: float
    url: str | None = None


@dataclass(frozen=True)
class LegendKey:
    label: str
    colour: str
    x: float


@dataclass(frozen=True)
class StackedBarChart:
    """One horizontal bar per partner, split by status, with a legend above it."""

    id: str
    title: str
    description: str
    width: float
    height: float
    label_width: float
    legend: list[LegendKey]
    legend_height: float
    rows: list[StackedRow]


def partner_chart(
    rows: Sequence[PartnerStatusRow], *, id: str = "chart-partners"
) -> StackedBarChart:
    """Each partner's commitments, split by status, on one scale so they can be compared."""
    statuses = list(CommitmentStatus)
    largest = max((row.total for row in rows), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 50
    legend_height = 26.0
    legend = []
    x: float = LABEL_WIDTH
    for status in statuses:
        legend.append(LegendKey(status.label, STATUS_COLOURS[status], x))
        x += 16 + len(status.label) * CHARACTER_WIDTH + 14
    stacked = []
    for i, row in enumerate(rows):
        segments = []
        x = LABEL_WIDTH
        for status in statuses:
            count = row.counts.get(status, 0)
            if not count:
                continue
            width = plot * count / largest
            colour = STATUS_COLOURS[status]
            text = f"{count:,}" if width >= len(f"{count:,}") * CHARACTER_WIDTH + 4 else ""
            segments.append(Segment(status, count, x, width, colour, text, TEXT_ON[colour]))
            x += width
        stacked.append(
            StackedRow(
                label=_fit(row.name, LABEL_WIDTH - 8),
                total=row.total,
                y=legend_height + i * (BAR_HEIGHT + BAR_GAP),
                segments=segments,
                total_x=x + 6,
                url=row.url,
            )
        )
    description = "; ".join(
        f"{row.name}: "
        + ", ".join(f"{row.counts.get(status, 0):,} {status.label.lower()}" for status in statuses)
        for row in rows
    )
    return StackedBarChart(
        id=id,
        title=(
            f"Stacked bar chart of commitments by partner and status, for "
            f"{_plural(len(rows), 'partner')}. {description}."
        ),
        description=description,
        width=WIDTH,
        height=legend_height + len(rows) * (BAR_HEIGHT + BAR_GAP),
        label_width=LABEL_WIDTH,
        legend=legend,
        legend_height=legend_height,
        rows=stacked,
    )


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    y: float
    width: float
    height: float
    value_label: str
    detail: str


@dataclass(frozen=True)
class ColumnChart:
    """Upright columns on a 0 to 100% scale, with gridlines every 25%."""

    id: str
    title: str
    description: str
    width: float
    height: float
    plot_top: float
    plot_bottom: float
    gridlines: list[tuple[float, str]]
    columns: list[Column]
    colour: str = NHS_BLUE


def on_time_chart(quarters: Sequence[QuarterShare], *, id: str = "chart-on-time") -> ColumnChart:
    """The share delivered on time, quarter by quarter; a quarter with none due has no column."""
    height, top, bottom, left = 220.0, 24.0, 180.0, 48.0
    plot_height = bottom - top
    slot = (WIDTH - left) / max(len(quarters), 1)
    columns = []
    for i, quarter in enumerate(quarters):
        percent = quarter.percent
        column_height = 0.0 if percent is None else plot_height * percent / 100
        columns.append(
            Column(
                label=quarter.period.name,
                x=left + i * slot + slot * 0.2,
                y=bottom - column_height,
                width=slot * 0.6,
                height=column_height,
                value_label=quarter.share,
                detail=(f"{quarter.delivered_on_time:,} of {quarter.due:,}" if quarter.due else ""),
            )
        )
    description = "; ".join(
        f"{quarter.period.name}: {quarter.share}"
        + (f" ({quarter.delivered_on_time:,} of {quarter.due:,})" if quarter.due else "")
        for quarter in quarters
    )
    return ColumnChart(
        id=id,
        title=(
            "Column chart of the share of commitments delivered by their first target "
            f"date, for the {len(quarters)} quarters to {quarters[-1].period.name}. "
            f"{description}."
            if quarters
            else "No quarters to show."
        ),
        description=description,
        width=WIDTH,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        gridlines=[
            (bottom - plot_height * share / 100, f"{share}%") for share in (0, 25, 50, 75, 100)
        ],
        columns=columns,
    )


def charts_for(
    by_status: Sequence[StatusCount],
    by_partner: Sequence[PartnerStatusRow],
    on_time: Sequence[QuarterShare],
) -> Mapping[str, BarChart | StackedBarChart | ColumnChart | None]:
    """The report's three charts (no partner chart in one partner's report)."""
    return {
        "status": status_chart(by_status),
        "partners": partner_chart(by_partner) if by_partner else None,
        "on_time": on_time_chart(on_time),
    }
