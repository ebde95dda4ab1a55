"""Counting figures with the list filters: one slice beside the whole system, on any day.

:func:`scorecard` computes one slice's figures beside the whole system's in three
queries, whatever the slice:

1. issue counts (raised, awaiting a response, with a response);
2. commitment counts (made, by status, Overdue, No recent update, open, due so
   far, delivered on time, target date moved);
3. the medians (days from an issue being raised to its first commitment, days
   since an open commitment's last update, days a moved target date slipped).

Every count uses the filter clause of the list it links to
(:func:`issue_figure_clauses`, :func:`commitment_figure_clauses`), within the
slice's clause, so following a figure's link shows the records it counts. Medians
are computed in the database with window functions that SQLite and PostgreSQL both
have (``row_number`` and ``count`` over a partition), so only a handful of rows
come back even on the 30,000-commitment benchmark dataset.

Pages read every slice's figures from a snapshot computed in one pass
(:mod:`tracker.figures.every_slice`); this module counts one slice directly, as a
board report does for the day it is made as at, and is what the snapshot is
checked against.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from tracker.figures.catalogue import Figures
from tracker.figures.slices import Slice, system_slice
from tracker.models import Commitment, CommitmentStatus, Issue
from tracker.queries.filters import (
    HAS_RESPONSE,
    NO_RECENT_UPDATE,
    OPEN,
    OVERDUE,
    TARGET_MOVED,
    commitment_status_clause,
    issue_state_clause,
)
from tracker.rules import (
    ResponseState,
    days_between,
    last_activity_on_clause,
    on_day,
    on_time_delivery,
    slip_days_clause,
)

# --- Medians -----------------------------------------------------------------------


class Measure(enum.IntEnum):
    """The day counts a scorecard takes the median of (stored as codes in SQL)."""

    DAYS_TO_FIRST_COMMITMENT = 1
    DAYS_SINCE_UPDATE = 2
    SLIP_DAYS = 3


#: A SELECT of any columns.
AnySelect = sa.Select[*tuple[Any, ...]]


def median_clause(
    rows: sa.Subquery, days: str = "days", *partition: str, dialect: str = "sqlite"
) -> AnySelect:
    """The median of the integer column ``days`` of ``rows``, per ``partition``.

    The middle row, or the average of the two middle rows when there is an even number
    of them; one row per group however many rows are measured. A group with no rows
    has no median (no row comes back, or without groups a null). PostgreSQL has the
    ordered-set aggregate for it (``percentile_cont(0.5)``), which takes about two
    thirds of the time of numbering the rows over a large partitioned set; elsewhere
    (SQLite 3.25 and later) each group's rows are numbered in order of ``days`` and
    the middle one or two are averaged.
    """
    groups = [rows.c[name] for name in partition]
    value = rows.c[days]
    if dialect == "postgresql":
        median = sa.func.percentile_cont(0.5).within_group(value).label("median")
        by_group = sa.select(*groups, median)
        return by_group.group_by(*groups) if groups else by_group
    ranked = sa.select(
        *groups,
        value.label("days"),
        sa.func.row_number().over(partition_by=groups or None, order_by=value).label("position"),
        sa.func.count().over(partition_by=groups or None).label("size"),
    ).subquery("ranked")
    position, size = ranked.c.position, ranked.c.size
    # Integer division: (n + 1) // 2 and (n + 2) // 2 are the middle row(s).
    middle = sa.or_(position == (size + 1) // 2, position == (size + 2) // 2)
    medians = sa.select(
        *(ranked.c[name] for name in partition), sa.func.avg(ranked.c.days).label("median")
    ).where(middle)
    if partition:
        medians = medians.group_by(*(ranked.c[name] for name in partition))
    return medians


# --- Figures ---------------------------------------------------------------------


def issue_figure_clauses() -> dict[str, ColumnElement[bool] | None]:
    """What each issue figure counts; ``None`` counts every issue in the slice."""
    return {
        "issues_raised": None,
        "issues_awaiting_response": issue_state_clause(ResponseState.AWAITING_RESPONSE.value),
        "issues_with_response": issue_state_clause(HAS_RESPONSE),
    }


def commitment_figure_clauses(
    today: date, threshold_days: int
) -> dict[str, ColumnElement[bool] | None]:
    """What each commitment figure counts, with the clause of the list it links to."""
    on_time = on_time_delivery(today)
    by_status: dict[str, ColumnElement[bool] | None] = {
        status.value: commitment_status_clause(status.value, today, threshold_days)
        for status in CommitmentStatus
    }
    return {
        "commitments_made": None,
        **by_status,
        "overdue": commitment_status_clause(OVERDUE, today, threshold_days),
        "no_recent_update": commitment_status_clause(NO_RECENT_UPDATE, today, threshold_days),
        "open_commitments": commitment_status_clause(OPEN, today, threshold_days),
        "due_so_far": on_time.due,
        "delivered_on_time": on_time.delivered_on_time,
        "target_moved": commitment_status_clause(TARGET_MOVED, today, threshold_days),
    }


def count_where(*clauses: ColumnElement[bool] | None) -> ColumnElement[int]:
    """``count(*)``, filtered by every clause given that is not ``None``."""
    wanted = [clause for clause in clauses if clause is not None]
    if not wanted:
        return sa.func.count()
    return sa.func.count().filter(sa.and_(*wanted))


def _counts(
    session: Session,
    model: type[Any],
    clauses: dict[str, ColumnElement[bool] | None],
    scopes: Sequence[ColumnElement[bool] | None],
) -> list[dict[str, int]]:
    """One query: every clause counted within each scope, one dict per scope.

    Each clause and scope is worked out once per row in an inner query, then
    counted in combination: a slice's scope (such as "about an issue in this
    area") would otherwise be evaluated again inside every figure's filter.
    ``MATERIALIZED`` needs SQLite 3.35 or PostgreSQL 12, or later.
    """
    inner_columns: list[ColumnElement[Any]] = []
    for i, scope in enumerate(scopes):
        if scope is not None:
            inner_columns.append(scope.label(f"scope_{i}"))
    for i, clause in enumerate(clauses.values()):
        if clause is not None:
            inner_columns.append(clause.label(f"figure_{i}"))
    if not inner_columns:
        inner_columns.append(sa.literal_column("1").label("row"))
    # MATERIALIZED keeps the databases from folding the inner query back into the
    # outer one (which would evaluate each clause again in every filter).
    rows = sa.select(*inner_columns).select_from(model).cte("counted").prefix_with("MATERIALIZED")

    def flag(name: str, clause: ColumnElement[bool] | None) -> ColumnElement[bool] | None:
        # A flag is true, false or unknown (NULL), as the clause was: only true counts.
        return None if clause is None else rows.c[name] == sa.true()

    columns = [
        count_where(flag(f"scope_{i}", scope), flag(f"figure_{j}", clause))
        for i, scope in enumerate(scopes)
        for j, clause in enumerate(clauses.values())
    ]
    row = session.execute(sa.select(*columns).select_from(rows)).one()
    names = list(clauses)
    return [
        dict(zip(names, row[i * len(names) : (i + 1) * len(names)], strict=True))
        for i in range(len(scopes))
    ]


def measured_days(slice_: Slice, today: date) -> dict[Measure, AnySelect]:
    """For each measure, the day counts its median is taken over, as one column ``days``."""
    issues = [slice_.issues] if slice_.issues is not None else []
    commitments = [slice_.commitments] if slice_.commitments is not None else []
    return {
        # Issues that have a commitment: days from being raised to the first one.
        Measure.DAYS_TO_FIRST_COMMITMENT: sa.select(
            days_between(sa.func.min(col(Commitment.committed_on)), col(Issue.raised_on)).label(
                "days"
            )
        )
        .select_from(Issue)
        .join(Commitment, col(Commitment.issue_id) == col(Issue.id))
        .where(*issues)
        .group_by(col(Issue.id), col(Issue.raised_on)),
        # Open commitments: days since the last update (or since being made).
        Measure.DAYS_SINCE_UPDATE: sa.select(
            days_between(on_day(today), last_activity_on_clause()).label("days")
        ).where(commitment_status_clause(OPEN, today, 0), *commitments),
        # Commitments whose target date moved: by how many days.
        Measure.SLIP_DAYS: sa.select(slip_days_clause().label("days")).where(
            commitment_status_clause(TARGET_MOVED, today, 0), *commitments
        ),
    }


def _medians(
    session: Session, slices: Sequence[Slice], today: date
) -> list[dict[Measure, float | None]]:
    """One query: every measure's median for each slice, each a scalar subquery."""
    dialect = session.get_bind().dialect.name
    wanted = [
        (i, measure, median_clause(days.subquery(f"measured_{i}_{int(measure)}"), dialect=dialect))
        for i, s in enumerate(slices)
        for measure, days in measured_days(s, today).items()
    ]
    row = session.execute(sa.select(*(median.scalar_subquery() for _, _, median in wanted))).one()
    found: list[dict[Measure, float | None]] = [{} for _ in slices]
    for (i, measure, _), median in zip(wanted, row, strict=True):
        found[i][measure] = None if median is None else float(median)
    return found


def figures_from(
    issues: dict[str, int], commitments: dict[str, int], medians: dict[Measure, Any]
) -> Figures:
    return Figures(
        issues_raised=issues["issues_raised"],
        issues_awaiting_response=issues["issues_awaiting_response"],
        issues_with_response=issues["issues_with_response"],
        commitments_made=commitments["commitments_made"],
        commitments_by_status={status: commitments[status.value] for status in CommitmentStatus},
        overdue=commitments["overdue"],
        no_recent_update=commitments["no_recent_update"],
        open_commitments=commitments["open_commitments"],
        due_so_far=commitments["due_so_far"],
        delivered_on_time=commitments["delivered_on_time"],
        target_moved=commitments["target_moved"],
        median_days_to_first_commitment=medians[Measure.DAYS_TO_FIRST_COMMITMENT],
        median_days_since_update=medians[Measure.DAYS_SINCE_UPDATE],
        median_slip_days=medians[Measure.SLIP_DAYS],
    )


@dataclass(frozen=True)
class Scorecard:
    """A slice's figures beside the whole system's."""

    slice: Slice
    figures: Figures
    #: The whole system's figures (the same as ``figures`` for the system slice).
    system: Figures


def scorecard(session: Session, slice_: Slice, today: date, threshold_days: int) -> Scorecard:
    """The figures of ``slice_`` and of the whole system, in three queries.

    Every count uses the filter clause of the list it links to, within the
    slice's clause, so following a figure's link shows the records it counts.
    """
    slices = [slice_] if slice_.is_system else [system_slice(), slice_]
    issues = _counts(session, Issue, issue_figure_clauses(), [s.issues for s in slices])
    commitments = _counts(
        session,
        Commitment,
        commitment_figure_clauses(today, threshold_days),
        [s.commitments for s in slices],
    )
    medians = _medians(session, slices, today)
    figures = [figures_from(*each) for each in zip(issues, commitments, medians, strict=True)]
    return Scorecard(slice=slice_, figures=figures[-1], system=figures[0])
