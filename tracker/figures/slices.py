"""Slices: the records of the whole system, or of one partner, theme, area or community.

A slice is a filter clause on issues (the one ``/you-said`` filters by) and one on
commitments (the one ``/we-will`` filters by), from :mod:`tracker.queries.filters`,
with the query parameters of those two lists, so each figure counted within a slice
equals the total of the list it links to.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy.sql.elements import ColumnElement

from tracker.models import Area, Community, Partner, Theme
from tracker.queries.filters import (
    commitment_issue_clause,
    commitment_partner_clause,
    issue_area_clause,
    issue_community_clause,
    issue_partner_clause,
    issue_theme_clause,
)

#: How many records the short lists on the home page and scorecards show.
SHORT_LIST_SIZE = 5


class SliceKind(enum.StrEnum):
    SYSTEM = "system"
    PARTNER = "partner"
    THEME = "theme"
    AREA = "area"
    COMMUNITY = "community"


@dataclass(frozen=True, eq=False)
class Slice:
    """The records a scorecard counts, and the list addresses that show them.

    The commitment clause is built from the very same issue clause object: an
    area's clause holds a named recursive CTE, which may appear many times in one
    statement but only as one object.
    """

    kind: SliceKind
    name: str
    slug: str | None = None
    #: The partner's, theme's, area's or community's id; ``None`` for the whole system.
    record_id: int | None = None
    #: Which issues belong; ``None`` for every issue.
    issues: ColumnElement[bool] | None = None
    #: Which commitments belong; ``None`` for every commitment.
    commitments: ColumnElement[bool] | None = None
    #: The ``/you-said`` query parameters that list this slice's issues.
    issue_args: dict[str, str] = field(default_factory=dict)
    #: The ``/we-will`` query parameters that list this slice's commitments.
    commitment_args: dict[str, str] = field(default_factory=dict)

    @property
    def is_system(self) -> bool:
        return self.kind is SliceKind.SYSTEM


def system_slice() -> Slice:
    """Every issue and every commitment."""
    return Slice(kind=SliceKind.SYSTEM, name="Whole system")


def partner_slice(partner: Partner) -> Slice:
    """The issues a partner leads or supports, and the commitments it made.

    The issues are those ``/you-said?partner=<slug>`` lists, so its figures can be
    followed to their records.
    """
    assert partner.id is not None
    args = {"partner": partner.slug}
    return Slice(
        kind=SliceKind.PARTNER,
        name=partner.name,
        slug=partner.slug,
        record_id=partner.id,
        issues=issue_partner_clause(partner.id),
        commitments=commitment_partner_clause(partner.id),
        issue_args=args,
        commitment_args=args,
    )


def _slice_of_issues(
    kind: SliceKind, record: Theme | Area | Community, issues: ColumnElement[bool]
) -> Slice:
    """A slice defined by the issues it holds; its commitments are those made about them.

    The list filter has the slice kind's name (``/you-said?theme=<slug>``), so the
    figures and the lists they link to use the same clause.
    """
    args = {kind.value: record.slug}
    return Slice(
        kind=kind,
        name=record.name,
        slug=record.slug,
        record_id=record.id,
        issues=issues,
        commitments=commitment_issue_clause(issues),
        issue_args=args,
        commitment_args=args,
    )


def theme_slice(theme: Theme) -> Slice:
    """Issues tagged with a theme, and the commitments made about them."""
    assert theme.id is not None
    return _slice_of_issues(SliceKind.THEME, theme, issue_theme_clause(theme.id))


def area_slice(area: Area) -> Slice:
    """Issues in an area or the areas within it, and the commitments made about them."""
    assert area.id is not None
    return _slice_of_issues(SliceKind.AREA, area, issue_area_clause(area.id))


def community_slice(community: Community) -> Slice:
    """Issues a community raised, and the commitments made about them."""
    assert community.id is not None
    return _slice_of_issues(SliceKind.COMMUNITY, community, issue_community_clause(community.id))
