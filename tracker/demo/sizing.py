"""How big the demo is at each scale, and what a load wrote.

See :mod:`tracker.demo` for the table of record counts by scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.demo import words
from tracker.errors import TrackerError

DEFAULT_SEED = 2026
#: How far back the demo's history goes: two years of engagements and issues.
HISTORY_DAYS = 730


class DemoDataError(TrackerError):
    """The demo data cannot be loaded, for a reason the operator can fix."""


@dataclass(frozen=True)
class DemoSize:
    """How many of each record the demo has at one scale (see the module docstring)."""

    scale: int
    partners: int
    boroughs: int
    neighbourhoods_per_borough: int
    themes: int
    communities: int
    engagements: int
    issues: int
    commitments: int
    #: Roughly how many days pass between two updates of a commitment in progress.
    update_interval_days: int

    @property
    def areas(self) -> int:
        return self.boroughs * (1 + self.neighbourhoods_per_borough)


def demo_size(scale: int) -> DemoSize:
    """The number of each record at ``scale``: 60 issues at scale 1, about 10,000 at 170."""
    if scale < 1:
        raise DemoDataError(f"The scale must be 1 or more, not {scale}.")
    growth = min(1.0, math.log(scale) / math.log(170))
    partners = min(len(words.PARTNERS), 8 + math.ceil(32 * (scale - 1) / 169))
    issues = 60 * scale
    return DemoSize(
        scale=scale,
        partners=partners,
        # The third and fourth boroughs arrive with the partners named after them.
        boroughs=2 if partners < 20 else 3 if partners < 30 else 4,
        neighbourhoods_per_borough=min(4, 2 + scale // 25),
        themes=len(words.THEMES),
        communities=min(len(words.COMMUNITIES), 8 + scale // 25),
        engagements=12 * scale,
        issues=issues,
        commitments=round(issues * (2 + growth)),
        update_interval_days=round(70 - 27 * growth),
    )


@dataclass(frozen=True)
class DemoSummary:
    """How many records :func:`load_demo_data` wrote."""

    partners: int
    areas: int
    themes: int
    communities: int
    engagements: int
    issues: int
    commitments: int
    updates: int

    @property
    def total(self) -> int:
        """Every record written, not counting the rows that link records together."""
        return (
            self.partners
            + self.areas
            + self.themes
            + self.communities
            + self.engagements
            + self.issues
            + self.commitments
            + self.updates
        )

    def __str__(self) -> str:
        return (
            f"{self.partners:,} partners, {self.issues:,} issues, "
            f"{self.commitments:,} commitments, {self.updates:,} updates"
        )
