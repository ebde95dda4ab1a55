"""Pure parts of the scorecards: shares, the words for medians, and the SQL they compile to."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tracker.figures.catalogue import (
    CATALOGUE,
    NO_RECENT_UPDATE_FIGURE,
    OVERDUE_FIGURE,
    Figures,
    format_days,
)
from tracker.models import CommitmentStatus
from tracker.rules import days_between


def figures(**counts: int) -> Figures:
    defaults = dict.fromkeys(
        [
            "issues_raised",
            "issues_awaiting_response",
            "issues_with_response",
            "commitments_made",
            "overdue",
            "no_recent_update",
            "open_commitments",
            "due_so_far",
            "delivered_on_time",
            "target_moved",
        ],
        0,
    )
    return Figures(
        **{**defaults, **counts},
        commitments_by_status=dict.fromkeys(CommitmentStatus, 0),
    )


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (None, ""),
        (0.0, "0 days"),
        (1.0, "1 day"),
        (1.5, "1.5 days"),
        (12.0, "12 days"),
        (22.5, "22.5 days"),
        (-3.0, "-3 days"),
        (1234.0, "1,234 days"),
    ],
)
def test_median_days_read_as_whole_or_half_days(days, words):
    assert format_days(days) == words


def test_nothing_due_has_no_on_time_share_rather_than_zero():
    assert figures(due_so_far=0, delivered_on_time=0).share_delivered_on_time is None


@pytest.mark.parametrize(
    ("on_time", "due", "share"),
    [(0, 4, "0%"), (1, 4, "25%"), (4, 4, "100%"), (1, 3, "33%"), (199, 200, "more than 99%")],
)
def test_on_time_share_is_a_percentage_of_those_due(on_time, due, share):
    assert figures(due_so_far=due, delivered_on_time=on_time).share_delivered_on_time == share


def test_share_with_response_is_a_percentage_of_issues_raised():
    assert figures(issues_raised=5, issues_with_response=3).share_with_response == "60%"
    assert figures().share_with_response == "0%"


def _compiled(dialect) -> str:
    expression = days_between(sa.column("later", sa.Date), sa.literal(date(2026, 1, 1), sa.Date))
    return str(expression.compile(dialect=dialect()))


def test_days_between_subtracts_dates_on_postgresql():
    assert _compiled(postgresql.dialect) == "(later - %(param_1)s::DATE)"


def test_days_between_uses_julian_day_numbers_on_sqlite():
    assert _compiled(sqlite.dialect) == "CAST(round(julianday(later) - julianday(?)) AS INTEGER)"


# --- The catalogue ------------------------------------------------------------------


def test_every_figure_in_the_catalogue_is_a_figure_with_a_definition_and_a_list():
    found = figures(issues_raised=3, overdue=2)
    for figure in CATALOGUE.values():
        found.value(figure.key)  # a figure every slice has
        assert figure.describe(90).strip()
        assert figure.endpoint in {"public.you_said", "public.we_will"}


def test_a_figures_list_is_the_slices_list_with_the_figures_filter():
    assert OVERDUE_FIGURE.list_args({"partner": "vale-council"}) == {
        "partner": "vale-council",
        "status": "overdue",
    }
    assert OVERDUE_FIGURE.list_args() == {"status": "overdue"}


def test_no_recent_update_is_defined_with_the_threshold_in_use():
    assert NO_RECENT_UPDATE_FIGURE.describe(120) == (
        "Open commitments with no update for 120 days or more."
    )


def test_figures_survive_the_trip_to_json_and_back():
    by_status = dict.fromkeys(CommitmentStatus, 1)
    original = figures(issues_raised=4, due_so_far=2, delivered_on_time=1)
    original = Figures(**{**original.__dict__, "commitments_by_status": by_status})
    assert Figures.from_json(json.loads(json.dumps(original.to_json()))) == original
