"""Reporting periods: quarters of the NHS financial year, which starts on 1 April.

Q1 is April to June, Q2 July to September, Q3 October to December and Q4 January
to March. A period is named like ``2026/27 Q3`` (the financial year 2026/27).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.errors import TrackerError

_NAME = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2})\s*Q\s*([1-4])\s*$", re.IGNORECASE)


class PeriodError(TrackerError):
    """A period name that is not a financial quarter; the message says the form."""


@dataclass(frozen=True, order=True)
class Period:
    """One quarter: ``year`` is the financial year's first calendar year (2026 for 2026/27)."""

    year: int
    quarter: int

    @property
    def name(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.quarter}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.quarter - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return self.next().start - timedelta(days=1)

    def previous(self) -> Period:
        return (
            Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)
        )

    def next(self) -> Period:
        return (
            Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)
        )

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.name


def period_of(day: date) -> Period:
    """The quarter that ``day`` falls in."""
    financial_year = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    return Period(financial_year, quarter)


def last_complete_period(today: date) -> Period:
    """The quarter just ended: the one before the quarter ``today`` is in."""
    return period_of(today).previous()


def parse_period(text: str) -> Period:
    """``2026/27 Q2`` (spaces and case are forgiven); raises :class:`PeriodError`."""
    match = _NAME.match(text or "")
    if match is None:
        raise PeriodError(
            f"{text!r} is not a reporting period. Write it like 2026/27 Q2 "
            "(the financial year, then the quarter: Q1 is April to June)."
        )
    year, next_year, quarter = int(match[1]), int(match[2]), int(match[3])
    if (year + 1) % 100 != next_year:
        raise PeriodError(
            f"{text!r} is not a financial year: after {year} comes "
            f"{(year + 1) % 100:02d}, as in {year}/{(year + 1) % 100:02d} Q{quarter}."
        )
    if not 2000 <= year <= 2999:
        raise PeriodError(f"{text!r} is not a year this service reports on.")
    return Period(year, quarter)
