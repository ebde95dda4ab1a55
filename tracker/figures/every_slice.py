"""Every slice's figures in one pass: the whole system, every partner, theme, area and
community, in three grouped queries however many slices there are.

Each record is first given its flags once (is it awaiting a response, Overdue, due
so far...), with the very clauses the lists filter by
(:func:`~tracker.figures.counting.issue_figure_clauses`,
:func:`~tracker.figures.counting.commitment_figure_clauses`), then joined to the
slices it belongs to and summed per slice. The slices' memberships are those of the
list filters:

- a partner's issues are those it leads or supports, its commitments those it made;
- a theme's, area's or community's commitments are those made about its issues;
- an area holds the issues of the areas within it (a borough, its neighbourhoods).

Medians use :func:`~tracker.figures.counting.median_clause` partitioned by slice.
The issue counts also find each slice's issues awaiting a response longest (the
short list its page shows), numbered within the slice with ``row_number``, so a page
loads those few issues by id instead of searching for them.
:class:`FigureSet` is plain data, written to JSON and shared by every process
(:mod:`tracker.figures.snapshot`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from tracker.figures.catalogue import Figures
from tracker.figures.counting import (
    AnySelect,
    Measure,
    commitment_figure_clauses,
    figures_from,
    issue_figure_clauses,
    median_clause,
)
from tracker.figures.slices import SHORT_LIST_SIZE, SliceKind
from tracker.models import (
    Area,
    Commitment,
    Issue,
    IssueAreaLink,
    IssueCommunityLink,
    IssueSupportingPartnerLink,
    IssueThemeLink,
)
from tracker.queries.filters import OPEN, TARGET_MOVED, commitment_status_clause
from tracker.rules import (
    days_between,
    last_activity_on_clause,
    on_day,
    slip_days_clause,
    waiting_longest_first,
)

#: The record id the whole system is filed under.
SYSTEM_ID = 0


@dataclass(frozen=True)
class FigureSet:
    """The figures of the whole system and of every slice, for one day and threshold."""

    today: date
    threshold_days: int
    system: Figures
    #: Every slice with records, by kind and record id; a slice not here has none.
    slices: Mapping[SliceKind, Mapping[int, Figures]]
    #: By kind and record id (the whole system's under :data:`SYSTEM_ID`), the ids of
    #: the :data:`SHORT_LIST_SIZE` issues awaiting a response longest, longest waiting
    #: first; a slice not here has none. ``None`` in a snapshot stored before they were.
    waiting_longest: Mapping[SliceKind, Mapping[int, Sequence[int]]] | None = None

    def of(self, kind: SliceKind, record_id: int | None) -> Figures:
        """A slice's figures (the whole system's for the system slice)."""
        if kind is SliceKind.SYSTEM:
            return self.system
        assert record_id is not None
        return self.slices.get(kind, {}).get(record_id) or Figures.nothing()

    def waiting_longest_of(self, kind: SliceKind, record_id: int | None) -> list[int] | None:
        """The ids of a slice's issues awaiting a response longest, longest waiting
        first, or ``None`` if not known (a snapshot stored before they were kept)."""
        if self.waiting_longest is None:
            return None
        key = SYSTEM_ID if kind is SliceKind.SYSTEM else record_id
        assert key is not None
        return list(self.waiting_longest.get(kind, {}).get(key, ()))

    def to_json(self) -> dict[str, Any]:
        data = {
            "today": self.today.isoformat(),
            "threshold_days": self.threshold_days,
            "system": self.system.to_json(),
            "slices": {
                kind.value: {str(record_id): f.to_json() for record_id, f in found.items()}
                for kind, found in self.slices.items()
            },
        }
        if self.waiting_longest is not None:
            data["waiting_longest"] = {
                kind.value: {str(record_id): list(ids) for record_id, ids in found.items()}
                for kind, found in self.waiting_longest.items()
            }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FigureSet:
        return cls(
            today=date.fromisoformat(data["today"]),
            threshold_days=data["threshold_days"],
            system=Figures.from_json(data["system"]),
            slices={
                SliceKind(kind): {
                    int(record_id): Figures.from_json(f) for record_id, f in found.items()
                }
                for kind, found in data["slices"].items()
            },
            waiting_longest=None
            if "waiting_longest" not in data
            else {
                SliceKind(kind): {int(record_id): ids for record_id, ids in found.items()}
                for kind, found in data["waiting_longest"].items()
            },
        )


#: Slice kinds as small numbers in SQL: grouping by them is quicker than by words.
_KIND_CODES = {kind: code for code, kind in enumerate(SliceKind)}
_KINDS = {code: kind for kind, code in _KIND_CODES.items()}


def _kind(kind: SliceKind) -> ColumnElement[int]:
    return sa.literal(_KIND_CODES[kind], sa.Integer).label("kind")


def _area_within() -> sa.CTE:
    """(area id, id of the area itself or of an area it lies within), for every area."""
    inner = sa.orm.aliased(Area)
    within = sa.select(col(Area.id).label("area_id"), col(Area.id).label("within_id")).cte(
        "area_within_every", recursive=True
    )
    return within.union_all(
        sa.select(col(inner.id), within.c.within_id).where(col(inner.parent_id) == within.c.area_id)
    )


def _issue_slices() -> sa.Subquery:
    """(kind, record id, issue id) for every slice other than the whole system that an
    issue belongs to, each pair once."""
    within = _area_within()
    partners: Any = sa.union(
        sa.select(
            _kind(SliceKind.PARTNER),
            col(Issue.lead_partner_id).label("record_id"),
            col(Issue.id).label("issue_id"),
        ).where(col(Issue.lead_partner_id).is_not(None)),
        sa.select(
            _kind(SliceKind.PARTNER),
            col(IssueSupportingPartnerLink.partner_id),
            col(IssueSupportingPartnerLink.issue_id),
        ),
    )
    areas = (
        sa.select(
            _kind(SliceKind.AREA),
            within.c.within_id.label("record_id"),
            col(IssueAreaLink.issue_id).label("issue_id"),
        )
        .join(within, within.c.area_id == col(IssueAreaLink.area_id))
        .distinct()
    )
    themes = sa.select(
        _kind(SliceKind.THEME), col(IssueThemeLink.theme_id), col(IssueThemeLink.issue_id)
    )
    communities = sa.select(
        _kind(SliceKind.COMMUNITY),
        col(IssueCommunityLink.community_id),
        col(IssueCommunityLink.issue_id),
    )
    return sa.union_all(
        partners.subquery("partners").select(), areas, themes, communities
    ).subquery("issue_slices")


def _flag(clause: ColumnElement[bool], name: str) -> ColumnElement[int]:
    """1 where ``clause`` is true, 0 where it is false or unknown (as a filter counts)."""
    return sa.case((clause, 1), else_=0).label(name)


def _issue_rows() -> sa.CTE:
    """Every issue, once, with its figure flags, its days to a first commitment and
    its place in the order of a list of issues awaiting a response."""
    first = (
        sa.select(
            col(Commitment.issue_id).label("issue_id"),
            sa.func.min(col(Commitment.committed_on)).label("first_on"),
        )
        .group_by(col(Commitment.issue_id))
        .subquery("first_commitment")
    )
    flags = [
        _flag(clause, name) for name, clause in issue_figure_clauses().items() if clause is not None
    ]
    return (
        sa.select(
            col(Issue.id).label("issue_id"),
            *flags,
            days_between(first.c.first_on, col(Issue.raised_on)).label("days_to_first"),
            sa.func.row_number().over(order_by=waiting_longest_first()).label("waiting_order"),
        )
        .outerjoin(first, first.c.issue_id == col(Issue.id))
        .cte("issue_rows")
        .prefix_with("MATERIALIZED")
    )


def _commitment_rows(today: date, threshold_days: int) -> sa.CTE:
    """Every commitment, once, with its figure flags and the days its medians measure."""
    flags = [
        _flag(clause, name)
        for name, clause in commitment_figure_clauses(today, threshold_days).items()
        if clause is not None
    ]
    since_update = days_between(on_day(today), last_activity_on_clause())
    return (
        sa.select(
            col(Commitment.id).label("commitment_id"),
            col(Commitment.issue_id).label("issue_id"),
            col(Commitment.partner_id).label("partner_id"),
            *flags,
            sa.case(
                (commitment_status_clause(OPEN, today, 0), since_update), else_=sa.null()
            ).label("days_since_update"),
            sa.case(
                (commitment_status_clause(TARGET_MOVED, today, 0), slip_days_clause()),
                else_=sa.null(),
            ).label("slip_days"),
        )
        .cte("commitment_rows")
        .prefix_with("MATERIALIZED")
    )


def _with_slices(rows: sa.CTE, key: str, members: list[AnySelect]) -> sa.Subquery:
    """``rows`` once for the whole system and once for each slice in ``members``."""
    system = sa.select(_kind(SliceKind.SYSTEM), sa.literal(SYSTEM_ID).label("record_id"), *rows.c)
    return sa.union_all(system, *members).subquery(f"{key}_by_slice")


def _issues_by_slice(rows: sa.CTE, slices: sa.Subquery) -> sa.Subquery:
    member = sa.select(slices.c.kind, slices.c.record_id, *rows.c).join(
        rows, rows.c.issue_id == slices.c.issue_id
    )
    return _with_slices(rows, "issues", [member])


def _commitments_by_slice(rows: sa.CTE, slices: sa.Subquery) -> sa.Subquery:
    made_by = sa.select(_kind(SliceKind.PARTNER), rows.c.partner_id.label("record_id"), *rows.c)
    about = (
        sa.select(slices.c.kind, slices.c.record_id, *rows.c)
        .join(rows, rows.c.issue_id == slices.c.issue_id)
        .where(slices.c.kind != _KIND_CODES[SliceKind.PARTNER])
    )
    return _with_slices(rows, "commitments", [made_by, about])


def _sums_statement(by_slice: sa.Subquery, names: list[str], total: str) -> AnySelect:
    """The statement :func:`_sums` runs."""
    return sa.select(
        by_slice.c.kind,
        by_slice.c.record_id,
        sa.func.count().label(total),
        *(sa.func.sum(by_slice.c[name]).label(name) for name in names),
    ).group_by(by_slice.c.kind, by_slice.c.record_id)


def _sums(
    session: Session, by_slice: sa.Subquery, names: list[str], total: str
) -> dict[tuple[SliceKind, int], dict[str, int]]:
    """Per (kind, record id): how many rows (as ``total``) and each flag's sum."""
    found = {}
    for row in session.execute(_sums_statement(by_slice, names, total)).mappings():
        found[(_KINDS[row["kind"]], int(row["record_id"]))] = {
            name: int(row[name] or 0) for name in (total, *names)
        }
    return found


def _waiting_longest(issues: sa.Subquery) -> sa.Subquery:
    """Per (kind, record id) with any, the ids of the slice's issues awaiting a
    response longest, one column for each of the first :data:`SHORT_LIST_SIZE` places.

    Only issues awaiting a response are numbered: numbering every issue of every
    slice costs more, and makes PostgreSQL expect a statement costly enough to compile.
    """
    place = sa.func.row_number().over(
        partition_by=(issues.c.kind, issues.c.record_id), order_by=issues.c.waiting_order
    )
    placed = (
        sa.select(issues.c.kind, issues.c.record_id, issues.c.issue_id, place.label("place"))
        .where(issues.c.issues_awaiting_response == 1)
        .subquery("placed")
    )
    return (
        sa.select(
            placed.c.kind,
            placed.c.record_id,
            *(
                sa.func.min(sa.case((placed.c.place == n, placed.c.issue_id))).label(f"waiting_{n}")
                for n in range(1, SHORT_LIST_SIZE + 1)
            ),
        )
        .where(placed.c.place <= SHORT_LIST_SIZE)
        .group_by(placed.c.kind, placed.c.record_id)
        .subquery("waiting_longest")
    )


def _issue_sums(
    session: Session, issues: sa.Subquery, names: list[str]
) -> tuple[dict[tuple[SliceKind, int], dict[str, int]], dict[SliceKind, dict[int, list[int]]]]:
    """The issue counts per (kind, record id) and, in the same statement, the ids of
    each slice's issues awaiting a response longest, longest waiting first."""
    sums = _sums_statement(issues, names, "issues_raised").subquery("sums")
    waiting = _waiting_longest(issues)
    places = [f"waiting_{n}" for n in range(1, SHORT_LIST_SIZE + 1)]
    statement = sa.select(sums, *(waiting.c[place] for place in places)).outerjoin(
        waiting, sa.and_(waiting.c.kind == sums.c.kind, waiting.c.record_id == sums.c.record_id)
    )
    counts: dict[tuple[SliceKind, int], dict[str, int]] = {}
    longest: dict[SliceKind, dict[int, list[int]]] = {}
    for row in session.execute(statement).mappings():
        kind, record_id = _KINDS[row["kind"]], int(row["record_id"])
        counts[(kind, record_id)] = {
            name: int(row[name] or 0) for name in ("issues_raised", *names)
        }
        ids = [int(row[place]) for place in places if row[place] is not None]
        if ids:
            longest.setdefault(kind, {})[record_id] = ids
    return counts, longest


def _medians(
    session: Session, issues: sa.Subquery, commitments: sa.Subquery
) -> dict[tuple[SliceKind, int], dict[Measure, float | None]]:
    """Every measure's median per (kind, record id), in one query."""
    measured = sa.union_all(
        *(
            sa.select(
                sa.literal(int(measure)).label("measure"),
                rows.c.kind,
                rows.c.record_id,
                rows.c[column].label("days"),
            ).where(rows.c[column].is_not(None))
            for measure, rows, column in (
                (Measure.DAYS_TO_FIRST_COMMITMENT, issues, "days_to_first"),
                (Measure.DAYS_SINCE_UPDATE, commitments, "days_since_update"),
                (Measure.SLIP_DAYS, commitments, "slip_days"),
            )
        )
    ).subquery("measured")
    medians = median_clause(
        measured, "days", "measure", "kind", "record_id", dialect=session.get_bind().dialect.name
    )
    found: dict[tuple[SliceKind, int], dict[Measure, float | None]] = {}
    for measure, kind, record_id, median in session.execute(medians):
        found.setdefault((_KINDS[kind], int(record_id)), {})[Measure(measure)] = float(median)
    return found


def every_slice_figures(session: Session, today: date, threshold_days: int) -> FigureSet:
    """The figures of the whole system and of every slice with records, and each one's
    issues awaiting a response longest, in three queries."""
    issue_rows = _issue_rows()
    commitment_rows = _commitment_rows(today, threshold_days)
    # One object, however many times a statement uses it: its CTE is named.
    slices = _issue_slices()
    issues = _issues_by_slice(issue_rows, slices)
    commitments = _commitments_by_slice(commitment_rows, slices)
    issue_names = [name for name, clause in issue_figure_clauses().items() if clause is not None]
    commitment_names = [
        name
        for name, clause in commitment_figure_clauses(today, threshold_days).items()
        if clause is not None
    ]
    issue_sums, waiting_longest = _issue_sums(session, issues, issue_names)
    commitment_sums = _sums(session, commitments, commitment_names, "commitments_made")
    medians = _medians(session, issues, commitments)

    no_issues = dict.fromkeys(["issues_raised", *issue_names], 0)
    no_commitments = dict.fromkeys(["commitments_made", *commitment_names], 0)
    by_slice: dict[SliceKind, dict[int, Figures]] = {}
    system = Figures.nothing()
    for key in {*issue_sums, *commitment_sums}:
        measured = medians.get(key, {})
        figures = figures_from(
            issue_sums.get(key, no_issues),
            commitment_sums.get(key, no_commitments),
            {measure: measured.get(measure) for measure in Measure},
        )
        kind, record_id = key
        if kind is SliceKind.SYSTEM:
            system = figures
        else:
            by_slice.setdefault(kind, {})[record_id] = figures
    return FigureSet(
        today=today,
        threshold_days=threshold_days,
        system=system,
        slices=by_slice,
        waiting_longest=waiting_longest,
    )
