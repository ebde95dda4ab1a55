"""Scorecards: the same figures for the whole system and for one slice of it.

A *slice* is the records of one partner, theme, area or community: a filter clause
on issues (the one ``/you-said`` filters by, from :mod:`tracker.public.issues`) and
one on commitments (the one ``/we-will`` filters by, from
:mod:`tracker.public.queries`), so each figure equals the total of the list it
links to. :func:`scorecard` computes one
slice's figures beside the whole system's in three queries, whatever the slice:

1. issue counts (raised, awaiting a response, with a response);
2. commitment counts (made, by status, Overdue, No recent update, open, due so
   far, delivered on time, target date moved);
3. the medians (days from an issue being raised to its first commitment, days
   since an open commitment's last update, days a moved target date slipped).

Medians are computed in the database with window functions that SQLite and
PostgreSQL both have (``row_number`` and ``count`` over a partition), so only a
handful of rows come back even on the 30,000-commitment benchmark dataset.

The pages built on these figures (home, /partners, /partners/<slug>,
/themes/<slug>, /areas/<slug>, /communities/<slug>) each have a read model here
that the view calls once, with a fixed number of queries.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import expression
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.errors import RecordNotFound
from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Issue,
    IssueSupportingPartnerLink,
    Partner,
    PartnerKind,
    Theme,
)
from tracker.public.issues import (
    issue_area_clause,
    issue_community_clause,
    issue_partner_clause,
    issue_theme_clause,
)
from tracker.public.queries import (
    HAS_RESPONSE,
    NO_RECENT_UPDATE,
    OPEN,
    OVERDUE,
    TARGET_MOVED,
    commitment_issue_clause,
    commitment_partner_clause,
    commitment_status_clause,
    issue_state_clause,
    percentage,
    relationship,
)
from tracker.rules import (
    ResponseState,
    days_awaiting_response,
    days_since_update,
    is_overdue,
    no_recent_update,
)

#: How many records the short lists on the home page and scorecards show.
SHORT_LIST_SIZE = 5


# --- Days between two dates, on both databases ----------------------------------


class days_between(expression.FunctionElement[int]):  # noqa: N801 (an SQL function)
    """``later - earlier`` in whole days, as an SQL integer on SQLite and PostgreSQL."""

    type = sa.Integer()
    name = "days_between"
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: subtracting one date from another gives whole days.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps dates as ISO text; Julian day numbers of two dates differ by whole days.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(round(julianday({later}) - julianday({earlier})) AS INTEGER)"


def _on(day: date) -> ColumnElement[date]:
    return sa.literal(day, sa.Date())


def last_activity_on_clause() -> ColumnElement[date]:
    """SQL form of :func:`tracker.rules.last_activity_on`: the latest update's date,
    or the date the commitment was made if it has had none."""
    return sa.func.coalesce(col(Commitment.last_update_on), col(Commitment.committed_on))


# --- On-time delivery ------------------------------------------------------------


class OnTimeDelivery(NamedTuple):
    """The two clauses behind "delivered by the original target date"."""

    due: ColumnElement[bool]
    delivered_on_time: ColumnElement[bool]


def on_time_delivery(today: date) -> OnTimeDelivery:
    """The share of commitments delivered on time, defined once for every page.

    - **Due so far** (the whole): commitments whose *original* target date is on
      or before ``today``, and every Delivered commitment (one delivered early
      counts, so delivering ahead of time is never penalised). A commitment
      whose original date is today is due today.
    - **Delivered on time** (the part): Delivered commitments whose delivery date
      is on or before their *original* target date.

    Judging by the original date means a moved target date does not make late
    delivery look punctual (PRODUCT.md: nothing public changes without a trace).
    Not going ahead commitments past their original date count as due and not
    delivered. A Delivered commitment with no delivery date recorded cannot be
    shown to be on time, so it counts as due but not on time. The share is
    ``percentage(delivered_on_time, due)``; with nothing due there is no share.
    """
    delivered = col(Commitment.status) == CommitmentStatus.DELIVERED
    return OnTimeDelivery(
        due=sa.or_(col(Commitment.original_target_date) <= today, delivered),
        delivered_on_time=sa.and_(
            delivered,
            col(Commitment.delivered_on).is_not(None),
            col(Commitment.delivered_on) <= col(Commitment.original_target_date),
        ),
    )


# --- Medians -----------------------------------------------------------------------


class Measure(enum.IntEnum):
    """The day counts a scorecard takes the median of (stored as codes in SQL)."""

    DAYS_TO_FIRST_COMMITMENT = 1
    DAYS_SINCE_UPDATE = 2
    SLIP_DAYS = 3


#: A SELECT of any columns.
AnySelect = sa.Select[*tuple[Any, ...]]


def median_clause(rows: sa.Subquery, days: str = "days", *partition: str) -> AnySelect:
    """The median of the integer column ``days`` of ``rows``, per ``partition``.

    Each group's rows are numbered in order of ``days``; the median is the middle
    row, or the average of the two middle rows when there is an even number of
    them. Works on SQLite (3.25 and later) and PostgreSQL, and sends back one row
    per group however many rows are measured. A group with no rows has no median
    (no row comes back).
    """
    groups = [rows.c[name] for name in partition]
    value = rows.c[days]
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


# --- Slices ----------------------------------------------------------------------


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


# --- Figures ---------------------------------------------------------------------


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
    #: See :func:`on_time_delivery`.
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
        (:func:`on_time_delivery`); ``None`` while none is due."""
        if self.due_so_far == 0:
            return None
        return percentage(self.delivered_on_time, self.due_so_far)


def _issue_figure_clauses() -> dict[str, ColumnElement[bool] | None]:
    """What each issue figure counts; ``None`` counts every issue in the slice."""
    return {
        "issues_raised": None,
        "issues_awaiting_response": issue_state_clause(ResponseState.AWAITING_RESPONSE.value),
        "issues_with_response": issue_state_clause(HAS_RESPONSE),
    }


def _commitment_figure_clauses(
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


def _count(*clauses: ColumnElement[bool] | None) -> ColumnElement[int]:
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
        _count(flag(f"scope_{i}", scope), flag(f"figure_{j}", clause))
        for i, scope in enumerate(scopes)
        for j, clause in enumerate(clauses.values())
    ]
    row = session.execute(sa.select(*columns).select_from(rows)).one()
    names = list(clauses)
    return [
        dict(zip(names, row[i * len(names) : (i + 1) * len(names)], strict=True))
        for i in range(len(scopes))
    ]


def _measured_days(slice_: Slice, today: date) -> dict[Measure, AnySelect]:
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
            days_between(_on(today), last_activity_on_clause()).label("days")
        ).where(commitment_status_clause(OPEN, today, 0), *commitments),
        # Commitments whose target date moved: by how many days.
        Measure.SLIP_DAYS: sa.select(
            days_between(col(Commitment.target_date), col(Commitment.original_target_date)).label(
                "days"
            )
        ).where(commitment_status_clause(TARGET_MOVED, today, 0), *commitments),
    }


def _medians(
    session: Session, slices: Sequence[Slice], today: date
) -> list[dict[Measure, float | None]]:
    """One query: every measure's median for each slice, each a scalar subquery."""
    wanted = [
        (i, measure, median_clause(days.subquery(f"measured_{i}_{int(measure)}")))
        for i, s in enumerate(slices)
        for measure, days in _measured_days(s, today).items()
    ]
    row = session.execute(sa.select(*(median.scalar_subquery() for _, _, median in wanted))).one()
    found: list[dict[Measure, float | None]] = [{} for _ in slices]
    for (i, measure, _), median in zip(wanted, row, strict=True):
        found[i][measure] = None if median is None else float(median)
    return found


def _figures(
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
    issues = _counts(session, Issue, _issue_figure_clauses(), [s.issues for s in slices])
    commitments = _counts(
        session,
        Commitment,
        _commitment_figure_clauses(today, threshold_days),
        [s.commitments for s in slices],
    )
    medians = _medians(session, slices, today)
    figures = [_figures(*each) for each in zip(issues, commitments, medians, strict=True)]
    return Scorecard(slice=slice_, figures=figures[-1], system=figures[0])


# --- Short lists -----------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentSummary:
    """A commitment in a short list, with its derived flags."""

    commitment: Commitment
    overdue: bool
    no_recent_update: bool
    days_since_update: int


@dataclass(frozen=True)
class AwaitingIssue:
    """An issue still awaiting a response, with the days it has waited."""

    issue: Issue
    days_waited: int


def _summaries(
    commitments: Sequence[Commitment], today: date, threshold_days: int
) -> list[CommitmentSummary]:
    return [
        CommitmentSummary(
            commitment=commitment,
            overdue=is_overdue(commitment, today),
            no_recent_update=no_recent_update(commitment, today, threshold_days),
            days_since_update=days_since_update(commitment, today),
        )
        for commitment in commitments
    ]


def _commitments_where(
    session: Session, slice_: Slice, clause: ColumnElement[bool], *order: Any, limit: int
) -> list[Commitment]:
    conditions = [clause] if slice_.commitments is None else [slice_.commitments, clause]
    return list(
        session.exec(
            select(Commitment)
            .where(*conditions)
            .options(joinedload(relationship(Commitment.partner)))
            .order_by(*order)
            .limit(limit)
        ).all()
    )


def most_overdue_commitments(
    session: Session, slice_: Slice, today: date, threshold_days: int, limit: int = SHORT_LIST_SIZE
) -> list[CommitmentSummary]:
    """A slice's Overdue commitments, longest past their target date first (one query)."""
    found = _commitments_where(
        session,
        slice_,
        commitment_status_clause(OVERDUE, today, threshold_days),
        col(Commitment.target_date),
        col(Commitment.number),
        limit=limit,
    )
    return _summaries(found, today, threshold_days)


def longest_silent_commitments(
    session: Session, slice_: Slice, today: date, threshold_days: int, limit: int = SHORT_LIST_SIZE
) -> list[CommitmentSummary]:
    """A slice's No recent update commitments, longest without an update first (one query)."""
    found = _commitments_where(
        session,
        slice_,
        commitment_status_clause(NO_RECENT_UPDATE, today, threshold_days),
        last_activity_on_clause(),
        col(Commitment.number),
        limit=limit,
    )
    return _summaries(found, today, threshold_days)


def recently_updated_commitments(
    session: Session, today: date, threshold_days: int, limit: int = SHORT_LIST_SIZE
) -> list[CommitmentSummary]:
    """The commitments with the latest updates, newest first (one query)."""
    found = _commitments_where(
        session,
        system_slice(),
        col(Commitment.last_update_on).is_not(None),
        col(Commitment.last_update_on).desc(),
        col(Commitment.number).desc(),
        limit=limit,
    )
    return _summaries(found, today, threshold_days)


def longest_awaiting_issues(
    session: Session, slice_: Slice, today: date, limit: int = SHORT_LIST_SIZE
) -> list[AwaitingIssue]:
    """A slice's issues awaiting a response, longest waiting first (one query)."""
    conditions = [issue_state_clause(ResponseState.AWAITING_RESPONSE.value)]
    if slice_.issues is not None:
        conditions.append(slice_.issues)
    issues = session.exec(
        select(Issue)
        .where(*conditions)
        .options(joinedload(relationship(Issue.lead_partner)))
        .order_by(col(Issue.raised_on), col(Issue.number))
        .limit(limit)
    ).all()
    awaiting = []
    for issue in issues:
        # The filter found them because they have no commitment; saying so saves
        # a query per issue when the rule below looks at its commitments.
        set_committed_value(issue, "commitments", [])
        awaiting.append(AwaitingIssue(issue, days_awaiting_response(issue, today) or 0))
    return awaiting


# --- Ways in: every partner, theme, area and community ------------------------------


class SliceLink(NamedTuple):
    slug: str
    name: str
    #: For an area within another (a neighbourhood in a borough), that area's name.
    within: str | None = None


@dataclass(frozen=True)
class SliceDirectory:
    """Every theme, area, partner and community, sorted by name, for links."""

    themes: list[SliceLink]
    areas: list[SliceLink]
    partners: list[SliceLink]
    communities: list[SliceLink]


def slice_directory(session: Session) -> SliceDirectory:
    """Names and slugs of every theme, area, partner and community, in one query.

    Sorted by name whatever the letters' case ("Getting to appointments" before
    "GP access"), as a reader would look for them.
    """
    parent = aliased(Area, name="parent_area")
    nothing = sa.cast(sa.null(), sa.String)
    parts: list[AnySelect] = [
        sa.select(
            sa.literal_column(f"'{kind}'", sa.String).label("kind"),
            col(model.slug).label("slug"),
            col(model.name).label("name"),
            nothing.label("within"),
        )
        for kind, model in (("theme", Theme), ("partner", Partner), ("community", Community))
    ]
    parts.append(
        sa.select(
            sa.literal_column("'area'", sa.String).label("kind"),
            col(Area.slug).label("slug"),
            col(Area.name).label("name"),
            col(parent.name).label("within"),
        ).outerjoin(parent, col(parent.id) == col(Area.parent_id))
    )
    union = sa.union_all(*parts).subquery("everything")
    found: dict[str, list[SliceLink]] = {
        kind: [] for kind in ("theme", "area", "partner", "community")
    }
    rows = session.execute(
        sa.select(union.c.kind, union.c.slug, union.c.name, union.c.within).order_by(
            union.c.kind, sa.func.lower(union.c.name), union.c.slug
        )
    ).all()
    for kind, slug, name, within in rows:
        found[kind].append(SliceLink(slug, name, within))
    return SliceDirectory(
        themes=found["theme"],
        areas=found["area"],
        partners=found["partner"],
        communities=found["community"],
    )


# --- Read models for the pages -----------------------------------------------------


@dataclass(frozen=True)
class HomePage:
    """The whole system at a glance."""

    scorecard: Scorecard
    recently_updated: list[CommitmentSummary]
    longest_awaiting: list[AwaitingIssue]
    directory: SliceDirectory

    @property
    def figures(self) -> Figures:
        return self.scorecard.figures


def home_page(session: Session, today: date, threshold_days: int) -> HomePage:
    """Everything the home page shows, in six queries: three for the figures, one
    for each short list and one for the links to every slice."""
    system = system_slice()
    return HomePage(
        scorecard=scorecard(session, system, today, threshold_days),
        recently_updated=recently_updated_commitments(session, today, threshold_days),
        longest_awaiting=longest_awaiting_issues(session, system, today),
        directory=slice_directory(session),
    )


@dataclass(frozen=True)
class SlicePage:
    """A scorecard page: the slice's record, its figures and its short lists."""

    #: The partner, theme, area or community the page is about.
    record: Any
    scorecard: Scorecard
    overdue: list[CommitmentSummary]
    no_recent_update: list[CommitmentSummary]
    awaiting: list[AwaitingIssue]

    @property
    def slice(self) -> Slice:
        return self.scorecard.slice


_SLICES: dict[SliceKind, tuple[type[Any], str, Any]] = {
    SliceKind.PARTNER: (Partner, "partner", partner_slice),
    SliceKind.THEME: (Theme, "theme", theme_slice),
    SliceKind.AREA: (Area, "area", area_slice),
    SliceKind.COMMUNITY: (Community, "community", community_slice),
}


def _find(session: Session, kind: SliceKind, slug: str) -> Any:
    model, noun, _ = _SLICES[kind]
    statement = select(model).where(col(model.slug) == slug)
    if kind is SliceKind.AREA:
        # The breadcrumb names the area's parent; the page lists the areas within it.
        statement = statement.options(
            joinedload(relationship(Area.parent)), selectinload(relationship(Area.children))
        )
    record = session.exec(statement).one_or_none()
    if record is None:
        listed_on = "the list of partners" if kind is SliceKind.PARTNER else "the home page"
        raise RecordNotFound(
            f"There is no {noun} at this address. Check the address is correct, "
            f"or choose one from {listed_on}."
        )
    return record


def slice_page(
    session: Session, kind: SliceKind, slug: str, today: date, threshold_days: int
) -> SlicePage:
    """A partner's, theme's, area's or community's scorecard and short lists.

    Seven queries (eight for an area, whose sub-areas are listed): finding the
    record, three for the figures and one for each short list. Raises
    :class:`RecordNotFound` for an unknown slug.
    """
    record = _find(session, kind, slug)
    slice_ = _SLICES[kind][2](record)
    return SlicePage(
        record=record,
        scorecard=scorecard(session, slice_, today, threshold_days),
        overdue=most_overdue_commitments(session, slice_, today, threshold_days),
        no_recent_update=longest_silent_commitments(session, slice_, today, threshold_days),
        awaiting=longest_awaiting_issues(session, slice_, today),
    )


# --- Every partner, side by side ----------------------------------------------------


@dataclass(frozen=True)
class PartnerRow:
    """One partner's key figures in the /partners table."""

    partner: Partner
    #: Issues it leads or supports.
    issues: int
    issues_awaiting_response: int
    commitments_made: int
    delivered: int
    overdue: int
    no_recent_update: int
    due_so_far: int
    delivered_on_time: int

    @property
    def kind(self) -> PartnerKind:
        return self.partner.kind

    @property
    def share_delivered_on_time(self) -> str | None:
        """As :attr:`Figures.share_delivered_on_time`."""
        if self.due_so_far == 0:
            return None
        return percentage(self.delivered_on_time, self.due_so_far)


def partner_table(session: Session, today: date, threshold_days: int) -> list[PartnerRow]:
    """Every partner, sorted by name, with its key figures, in three queries.

    The figures are a partner's scorecard figures counted for every partner at
    once: issues it leads or supports (as ``/you-said?partner=`` lists them) and
    commitments it made, each with the clause of the list it links to.
    """
    partners = session.exec(
        select(Partner).order_by(sa.func.lower(col(Partner.name)), col(Partner.slug))
    ).all()
    issue_clauses = _issue_figure_clauses()
    commitment_clauses = _commitment_figure_clauses(today, threshold_days)
    involved = _partners_involved().subquery("involved")
    issues = _grouped_counts(
        session,
        sa.select(involved.c.partner_id)
        .select_from(Issue)
        .join(involved, involved.c.issue_id == col(Issue.id)),
        involved.c.partner_id,
        issue_clauses,
    )
    commitments = _grouped_counts(
        session,
        sa.select(col(Commitment.partner_id)).select_from(Commitment),
        col(Commitment.partner_id),
        commitment_clauses,
    )
    nothing_led = dict.fromkeys(issue_clauses, 0)
    nothing_made = dict.fromkeys(commitment_clauses, 0)
    rows = []
    for partner in partners:
        led = issues.get(partner.id, nothing_led)
        made = commitments.get(partner.id, nothing_made)
        rows.append(
            PartnerRow(
                partner=partner,
                issues=led["issues_raised"],
                issues_awaiting_response=led["issues_awaiting_response"],
                commitments_made=made["commitments_made"],
                delivered=made[CommitmentStatus.DELIVERED.value],
                overdue=made["overdue"],
                no_recent_update=made["no_recent_update"],
                due_so_far=made["due_so_far"],
                delivered_on_time=made["delivered_on_time"],
            )
        )
    return rows


def _partners_involved() -> sa.CompoundSelect:
    """(issue id, partner id) for every partner leading or supporting an issue.

    The same partners :func:`tracker.public.issues.issue_partner_clause` matches;
    a union, so a partner both leading and supporting an issue counts it once.
    """
    return sa.union(
        sa.select(
            col(Issue.id).label("issue_id"), col(Issue.lead_partner_id).label("partner_id")
        ).where(col(Issue.lead_partner_id).is_not(None)),
        sa.select(
            col(IssueSupportingPartnerLink.issue_id).label("issue_id"),
            col(IssueSupportingPartnerLink.partner_id).label("partner_id"),
        ),
    )


def _grouped_counts(
    session: Session,
    statement: Any,
    key: Any,
    clauses: dict[str, ColumnElement[bool] | None],
) -> dict[int | None, dict[str, int]]:
    """One query: every clause counted per value of ``key`` (a partner id)."""
    names = list(clauses)
    rows = session.exec(
        statement.add_columns(*(_count(clause) for clause in clauses.values())).group_by(key)
    ).all()
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


# --- Words for the figures ----------------------------------------------------------


def format_days(value: float | None) -> str:
    """A median in days as people read it: ``1 day``, ``12 days``, ``12.5 days``."""
    if value is None:
        return ""
    number = f"{value:,.1f}".removesuffix(".0")
    return f"{number} day" if number == "1" else f"{number} days"
