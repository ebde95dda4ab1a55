"""The report's charts: bars in proportion, every value in the text alternative."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from tracker.models import CommitmentStatus
from tracker.reports.activity import PartnerStatusRow, QuarterShare, StatusCount
from tracker.reports.charts import (
    LABEL_WIDTH,
    STATUS_COLOURS,
    WIDTH,
    on_time_chart,
    partner_chart,
    status_chart,
)
from tracker.reports.periods import Period

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def counts(**by_value: int) -> list[StatusCount]:
    return [
        StatusCount(status, by_value.get(status.value, 0), f"/we-will?status={status.value}")
        for status in CommitmentStatus
    ]


def test_status_bars_are_in_proportion_and_the_longest_fills_the_plot() -> None:
    chart = status_chart(counts(in_progress=40, delivered=20, delayed=10))
    lengths = {bar.label: bar.width for bar in chart.bars}
    assert lengths["In progress"] == pytest.approx(2 * lengths["Delivered"])
    assert lengths["Delivered"] == pytest.approx(2 * lengths["Delayed"])
    assert lengths["Not started"] == 0
    assert LABEL_WIDTH + lengths["In progress"] <= WIDTH - 40
    assert [bar.colour for bar in chart.bars] == [STATUS_COLOURS[s] for s in CommitmentStatus]


def test_status_chart_title_states_every_value() -> None:
    chart = status_chart(counts(not_started=3, in_progress=1, delivered=1234))
    assert chart.title.startswith("Bar chart of 1,238 commitments by status.")
    for words in ("Not started: 3", "In progress: 1", "Delivered: 1,234", "Not going ahead: 0"):
        assert words in chart.title
    assert [bar.value_label for bar in chart.bars][:3] == ["3", "1", "1,234"]


def test_a_chart_of_nothing_draws_no_bars_but_still_describes_itself() -> None:
    chart = status_chart(counts())
    assert all(bar.width == 0 for bar in chart.bars)
    assert "Bar chart of 0 commitments by status." in chart.title


def test_partner_bars_share_one_scale_and_stack_in_status_order() -> None:
    statuses = dict.fromkeys(CommitmentStatus, 0)
    big = PartnerStatusRow(
        "Big Trust",
        "big",
        {**statuses, CommitmentStatus.IN_PROGRESS: 30, CommitmentStatus.DELIVERED: 10},
        "/we-will?partner=big",
    )
    small = PartnerStatusRow(
        "A council with a very long name indeed that will not fit beside its bar",
        "small",
        {**statuses, CommitmentStatus.DELIVERED: 10},
        "/we-will?partner=small",
    )
    chart = partner_chart([big, small])
    first, second = chart.rows
    assert [segment.status for segment in first.segments] == [
        CommitmentStatus.IN_PROGRESS,
        CommitmentStatus.DELIVERED,
    ]
    assert first.segments[1].x == pytest.approx(first.segments[0].x + first.segments[0].width)
    assert second.segments[0].width == pytest.approx(first.segments[1].width)
    assert second.label.endswith("…") and len(second.label) < len(small.name)
    # The text alternative has the full name and every status, zeros included.
    assert "A council with a very long name indeed that will not fit beside its bar" in chart.title
    assert "Big Trust: 0 not started, 30 in progress, 10 delivered, 0 delayed" in chart.title
    assert [key.label for key in chart.legend] == [s.label for s in CommitmentStatus]


def test_on_time_columns_rise_with_the_share_and_a_quarter_with_none_due_has_none() -> None:
    quarters = [
        QuarterShare(Period(2025, 4), due=4, delivered_on_time=1),
        QuarterShare(Period(2026, 1), due=0, delivered_on_time=0),
        QuarterShare(Period(2026, 2), due=10, delivered_on_time=10),
    ]
    chart = on_time_chart(quarters)
    quarter, empty, full = chart.columns
    assert empty.height == 0 and empty.value_label == "none due"
    assert full.height == pytest.approx(chart.plot_bottom - chart.plot_top)
    assert quarter.height == pytest.approx(full.height / 4)
    assert (quarter.value_label, quarter.detail) == ("25%", "1 of 4")
    assert "2025/26 Q4: 25% (1 of 4); 2026/27 Q1: none due; 2026/27 Q2: 100% (10 of 10)" in (
        chart.title
    )


def test_the_svg_has_a_role_a_title_and_a_description() -> None:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    environment.filters["format_number"] = lambda value: f"{value:,}"
    macros = environment.get_template("reports/charts.html").module
    chart = status_chart(counts(in_progress=2, delivered=5))
    svg = str(macros.bar_chart(chart))  # type: ignore[attr-defined]
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-status-title chart-status-desc"' in svg
    assert re.search(r'<title id="chart-status-title">Bar chart of 7 commitments', svg)
    assert '<desc id="chart-status-desc">' in svg
    assert svg.count("<rect ") == len(CommitmentStatus)
