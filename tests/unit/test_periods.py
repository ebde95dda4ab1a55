"""Financial-year quarters: names, boundaries, and reading names people type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.reports.periods import (
    Period,
    PeriodError,
    last_complete_period,
    parse_period,
    period_of,
)


@pytest.mark.parametrize(
    ("day", "name", "start", "end"),
    [
        (date(2026, 4, 1), "2026/27 Q1", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 6, 30), "2026/27 Q1", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), "2026/27 Q2", date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 11, 24), "2026/27 Q3", date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), "2026/27 Q4", date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 3, 31), "2026/27 Q4", date(2027, 1, 1), date(2027, 3, 31)),
        (date(2028, 2, 29), "2027/28 Q4", date(2028, 1, 1), date(2028, 3, 31)),
        (date(2099, 12, 31), "2099/00 Q3", date(2099, 10, 1), date(2099, 12, 31)),
    ],
)
def test_each_day_belongs_to_one_quarter(day, name, start, end):
    period = period_of(day)
    assert (period.name, period.start, period.end) == (name, start, end)
    assert period.contains(day)
    assert not period.contains(start - timedelta(days=1))
    assert not period.contains(end + timedelta(days=1))


def test_quarters_follow_each_other_across_the_year_end():
    q4 = Period(2026, 4)
    assert q4.next() == Period(2027, 1) and q4.next().previous() == q4
    assert q4.next().start == date(2027, 4, 1)
    assert Period(2026, 1).previous().name == "2025/26 Q4"


def test_the_last_complete_quarter_is_the_one_just_ended():
    assert last_complete_period(date(2026, 10, 1)).name == "2026/27 Q2"
    assert last_complete_period(date(2026, 9, 30)).name == "2026/27 Q1"
    assert last_complete_period(date(2026, 4, 1)).name == "2025/26 Q4"


@pytest.mark.parametrize("text", ["2026/27 Q2", " 2026/27 q2 ", "2026 / 27 Q 2", "2026/27Q2"])
def test_period_names_are_read_forgivingly(text):
    assert parse_period(text) == Period(2026, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write it like 2026/27 Q2"),
        ("2026 Q2", "Write it like 2026/27 Q2"),
        ("2026/27 Q5", "Write it like 2026/27 Q2"),
        ("2026/28 Q2", "after 2026 comes 27"),
        ("Q2 2026/27", "Write it like 2026/27 Q2"),
        ("1999/00 Q1", "not a year"),
    ],
)
def test_wrong_period_names_say_the_form_to_use(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text)
