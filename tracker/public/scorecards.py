"""What the scorecard pages read: their figures, short lists and ways in.

The pages built on the figures (home, /partners, /partners/<slug>,
/themes/<slug>, /areas/<slug>, /communities/<slug>) each have a read model here
that the view calls once, with a fixed number of queries. Their figures come from
the snapshot of every slice's figures (:func:`tracker.figures.snapshot.page_figures`),
computed once per data version; a page itself runs only its short lists, each a
simple filtered, sorted and limited query on the figure's own list clause (a
scorecard's Overdue and No recent update lists in one statement).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.errors import RecordNotFound
from tracker.figures.catalogue import (
    PARTNER_TABLE_FIGURES,
    Counts,
    FigureDefinition,
    Figures,
    Shown,
    table_value,
)
from tracker.figures.counting import AnySelect, Scorecard
from tracker.figures.every_slice import FigureSet
from tracker.figures.slices import (
    SHORT_LIST_SIZE,
    Slice,
    SliceKind,
    area_slice,
    community_slice,
    partner_slice,
    system_slice,
    theme_slice,
)
from tracker.figures.snapshot import page_figures
from tracker.models import Area, Commitment, Community, Issue, Partner, PartnerKind, Theme
from tracker.queries.commitments import LISTED_COMMITMENT_COLUMNS
from tracker.queries.filters import (
    NO_RECENT_UPDATE,
    OVERDUE,
    commitment_status_clause,
    issue_state_clause,
)
from tracker.queries.pagination import relationship
from tracker.rendering import page_address
from tracker.rules import (
    ResponseState,
    days_awaiting_response,
    days_since_update,
    is_overdue,
    last_activity_on,
    longest_silent_first,
    most_overdue_first,
    no_recent_update,
    waiting_longest_first,
)

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


#: What a short list shows of an issue awaiting a response.
_LISTED_ISSUE_COLUMNS: tuple[Any, ...] = (
    Issue.number,
    Issue.title,
    Issue.raised_on,
    Issue.lead_partner_id,
)
_PARTNER_NAME: Any = Partner.name


#: The short list of the latest updated commitments (the others are named after
#: their list filter, OVERDUE and NO_RECENT_UPDATE).
_RECENTLY_UPDATED = "recently-updated"
#: Each short list's order.
_ORDERS: dict[str, Callable[[], list[Any]]] = {
    OVERDUE: most_overdue_first,
    NO_RECENT_UPDATE: longest_silent_first,
    _RECENTLY_UPDATED: lambda: [
        col(Commitment.last_update_on).desc(),
        col(Commitment.number).desc(),
    ],
}
#: The short lists' statements, kept by what each depends on (see _listed_commitments);
#: past this many the store starts again.
MAX_KEPT_STATEMENTS = 1_000
_kept_statements: dict[tuple[Any, ...], Any] = {}


def _list_conditions(
    slice_: Slice, listed: str, today: date, threshold_days: int
) -> list[ColumnElement[bool]]:
    """What a commitment needs to be in a slice's short list ``listed``."""
    clause: ColumnElement[bool]
    if listed == _RECENTLY_UPDATED:
        clause = col(Commitment.last_update_on).is_not(None)
    else:
        clause = commitment_status_clause(listed, today, threshold_days)
    return [clause] if slice_.commitments is None else [slice_.commitments, clause]


def _listed_commitments(
    session: Session,
    slice_: Slice,
    lists: tuple[str, ...],
    today: date,
    threshold_days: int,
    limit: int,
) -> list[Commitment]:
    """The first ``limit`` commitments of each of a slice's short lists ``lists``
    (Overdue or No recent update, a list filter; or recently updated), in one query:
    for one list, in its order; for more, each list's commitments once each, in no
    particular order.

    A statement depends only on the lists, the slice's kind and record, the day and the
    threshold, so each is built once and reused: building one and working out its
    cache key (SQLAlchemy keeps it on the statement) cost more than running it.
    """
    key = (lists, slice_.kind, slice_.record_id, today, threshold_days, limit)
    statement = _kept_statements.get(key)
    if statement is None:
        if len(lists) == 1:
            statement = (
                select(Commitment)
                .where(*_list_conditions(slice_, lists[0], today, threshold_days))
                .order_by(*_ORDERS[lists[0]]())
                .limit(limit)
            )
        else:
            firsts = [
                sa.select(col(Commitment.id))
                .where(*_list_conditions(slice_, listed, today, threshold_days))
                .order_by(*_ORDERS[listed]())
                .limit(limit)
                .subquery(f"first_{place}")
                for place, listed in enumerate(lists)
            ]
            every_first = sa.union_all(*(sa.select(first.c.id) for first in firsts))
            statement = select(Commitment).where(col(Commitment.id).in_(every_first))
        statement = statement.options(
            load_only(*LISTED_COMMITMENT_COLUMNS),
            joinedload(relationship(Commitment.partner)).load_only(_PARTNER_NAME),
        )
        if len(_kept_statements) >= MAX_KEPT_STATEMENTS:
            _kept_statements.clear()
        _kept_statements[key] = statement
    return list(session.exec(statement).all())


def _most_overdue_key(commitment: Commitment) -> tuple[date, int]:
    """:func:`~tracker.rules.most_overdue_first` in Python."""
    return commitment.target_date, commitment.number


def _longest_silent_key(commitment: Commitment) -> tuple[date, int]:
    """:func:`~tracker.rules.longest_silent_first` in Python."""
    return last_activity_on(commitment), commitment.number


def overdue_and_silent_commitments(
    session: Session, slice_: Slice, today: date, threshold_days: int, limit: int = SHORT_LIST_SIZE
) -> tuple[list[CommitmentSummary], list[CommitmentSummary]]:
    """A slice's Overdue commitments, longest past their target date first, and its No
    recent update commitments, longest without an update first (one query).

    The query finds the first ``limit`` of each list; the rules sort them into the
    two lists here. A commitment found for one list that also belongs to the other
    but is not among that list's first ``limit`` sorts after all of those, so each
    list is exactly its own first ``limit``.
    """
    found = _listed_commitments(
        session, slice_, (OVERDUE, NO_RECENT_UPDATE), today, threshold_days, limit
    )
    summaries = _summaries(found, today, threshold_days)
    overdue = sorted(
        (row for row in summaries if row.overdue),
        key=lambda row: _most_overdue_key(row.commitment),
    )
    silent = sorted(
        (row for row in summaries if row.no_recent_update),
        key=lambda row: _longest_silent_key(row.commitment),
    )
    return overdue[:limit], silent[:limit]


def recently_updated_commitments(
    session: Session, today: date, threshold_days: int, limit: int = SHORT_LIST_SIZE
) -> list[CommitmentSummary]:
    """The commitments with the latest updates, newest first (one query)."""
    found = _listed_commitments(
        session, system_slice(), (_RECENTLY_UPDATED,), today, threshold_days, limit
    )
    return _summaries(found, today, threshold_days)


def _awaiting_statement(slice_: Slice, known_ids: bool) -> Any:
    """The query behind :func:`longest_awaiting_issues` for a slice: with the ids from
    the figures as the parameter ``ids`` if ``known_ids``. Kept like the short lists'
    statements (see :func:`_listed_commitments`), as it depends only on the slice."""
    key = ("awaiting", slice_.kind, slice_.record_id, known_ids)
    statement = _kept_statements.get(key)
    if statement is None:
        conditions = [issue_state_clause(ResponseState.AWAITING_RESPONSE.value)]
        if slice_.issues is not None:
            conditions.append(slice_.issues)
        if known_ids:
            conditions.append(col(Issue.id).in_(sa.bindparam("ids", expanding=True)))
        statement = (
            select(Issue)
            .where(*conditions)
            .options(
                load_only(*_LISTED_ISSUE_COLUMNS),
                joinedload(relationship(Issue.lead_partner)).load_only(_PARTNER_NAME),
            )
            .order_by(*waiting_longest_first())
            .limit(SHORT_LIST_SIZE)
        )
        if len(_kept_statements) >= MAX_KEPT_STATEMENTS:
            _kept_statements.clear()
        _kept_statements[key] = statement
    return statement


def longest_awaiting_issues(
    session: Session, slice_: Slice, today: date, figures: FigureSet
) -> list[AwaitingIssue]:
    """A slice's :data:`SHORT_LIST_SIZE` issues awaiting a response, longest waiting
    first (one query).

    Finding them means passing over every older issue that has a commitment, so
    ``figures`` holds their ids, found for every slice at once; the query loads just
    those. The figures can be a few seconds older than the records, so the list's own
    filter still applies: an issue that has had a response since is left out. From a
    snapshot stored before the ids were kept, the list is found directly.
    """
    ids = figures.waiting_longest_of(slice_.kind, slice_.record_id)
    statement = _awaiting_statement(slice_, known_ids=ids is not None)
    # Even with no ids the query runs, so a page's query count stays fixed.
    issues = session.exec(statement, params={} if ids is None else {"ids": ids}).all()
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
    found: dict[str, list[SliceLink]] = {
        kind: [] for kind in ("theme", "area", "partner", "community")
    }
    for kind, slug, name, within in session.execute(_directory_statement()).all():
        found[kind].append(SliceLink(slug, name, within))
    return SliceDirectory(
        themes=found["theme"],
        areas=found["area"],
        partners=found["partner"],
        communities=found["community"],
    )


@functools.cache
def _directory_statement() -> AnySelect:
    """The query behind :func:`slice_directory`: the same on every request, so it is
    built once per process."""
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
    return sa.select(union.c.kind, union.c.slug, union.c.name, union.c.within).order_by(
        union.c.kind, sa.func.lower(union.c.name), union.c.slug
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
    """Everything the home page shows: its figures from the snapshot, one query for
    each short list and one for the links to every slice."""
    figures = page_figures(session, today, threshold_days)
    system = system_slice()
    return HomePage(
        scorecard=Scorecard(slice=system, figures=figures.system, system=figures.system),
        recently_updated=recently_updated_commitments(session, today, threshold_days),
        longest_awaiting=longest_awaiting_issues(session, system, today, figures),
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
    #: For an area: the area it is within (named in the breadcrumb), if any, and the
    #: areas within it (listed on the page), in the order they were added.
    parent: SliceLink | None = None
    children: tuple[SliceLink, ...] = ()

    @property
    def slice(self) -> Slice:
        return self.scorecard.slice


_SLICES: dict[SliceKind, tuple[type[Any], str, Any]] = {
    SliceKind.PARTNER: (Partner, "partner", partner_slice),
    SliceKind.THEME: (Theme, "theme", theme_slice),
    SliceKind.AREA: (Area, "area", area_slice),
    SliceKind.COMMUNITY: (Community, "community", community_slice),
}


class _Found(NamedTuple):
    """A slice's record and, for an area, the area it is within and those within it."""

    record: Any
    parent: SliceLink | None = None
    children: tuple[SliceLink, ...] = ()


@functools.cache
def _find_statement(kind: SliceKind) -> Any:
    """The query behind :func:`_find` for one kind of slice, built once per process.

    For an area, the one query also brings the area it is within and one row for each
    area within it (a row with no child when it has none), rather than a query each.
    """
    model = _SLICES[kind][0]
    slug = sa.bindparam("slug", type_=sa.String)
    if kind is not SliceKind.AREA:
        return select(model).where(col(model.slug) == slug)
    parent = aliased(Area, name="parent_area")
    child = aliased(Area, name="child_area")
    return (
        sa.select(Area, col(parent.slug), col(parent.name), col(child.slug), col(child.name))
        .outerjoin(parent, col(parent.id) == col(Area.parent_id))
        .outerjoin(child, col(child.parent_id) == col(Area.id))
        .where(col(Area.slug) == slug)
        .order_by(col(child.id))
    )


def _find(session: Session, kind: SliceKind, slug: str) -> _Found:
    """The slice's record by its slug (one query), or :class:`RecordNotFound`."""
    _, noun, _ = _SLICES[kind]
    found: _Found | None = None
    if kind is SliceKind.AREA:
        rows = session.execute(_find_statement(kind), {"slug": slug}).all()
        if rows:
            area, parent_slug, parent_name = rows[0][:3]
            found = _Found(
                area,
                None if parent_slug is None else SliceLink(parent_slug, parent_name),
                tuple(SliceLink(row[3], row[4]) for row in rows if row[3] is not None),
            )
    else:
        record = session.exec(_find_statement(kind), params={"slug": slug}).one_or_none()
        found = None if record is None else _Found(record)
    if found is None:
        listed_on = "the list of partners" if kind is SliceKind.PARTNER else "the home page"
        raise RecordNotFound(
            f"There is no {noun} at this address. Check the address is correct, "
            f"or choose one from {listed_on}."
        )
    return found


#: The slices of the pages, kept by what each depends on (see _slice_of); past
#: MAX_KEPT_STATEMENTS the store starts again.
_kept_slices: dict[tuple[Any, ...], Slice] = {}


def _slice_of(kind: SliceKind, record: Any) -> Slice:
    """The slice of a partner, theme, area or community, built once for its id, slug and
    name: building its clauses (an area's holds a recursive query) cost more than the
    short lists that use them, and those are kept by the slice's kind and id."""
    key = (kind, record.id, record.slug, record.name)
    slice_ = _kept_slices.get(key)
    if slice_ is None:
        slice_ = _SLICES[kind][2](record)
        if len(_kept_slices) >= MAX_KEPT_STATEMENTS:
            _kept_slices.clear()
        _kept_slices[key] = slice_
    return slice_


def slice_page(
    session: Session, kind: SliceKind, slug: str, today: date, threshold_days: int
) -> SlicePage:
    """A partner's, theme's, area's or community's scorecard and short lists.

    One query finds the record (and, for an area, the area it is within and those
    within it); the figures come from the snapshot; one query finds the Overdue and
    No recent update short lists and one the issues awaiting a response. Raises
    :class:`RecordNotFound` for an unknown slug.
    """
    found = _find(session, kind, slug)
    record = found.record
    slice_ = _slice_of(kind, record)
    figures = page_figures(session, today, threshold_days)
    overdue, silent = overdue_and_silent_commitments(session, slice_, today, threshold_days)
    return SlicePage(
        record=record,
        scorecard=Scorecard(
            slice=slice_, figures=figures.of(kind, record.id), system=figures.system
        ),
        overdue=overdue,
        no_recent_update=silent,
        awaiting=longest_awaiting_issues(session, slice_, today, figures),
        parent=found.parent,
        children=found.children,
    )


# --- The scorecard tables ------------------------------------------------------------


class FigureCell(NamedTuple):
    """One figure of a scorecard table, for the slice or for the whole system."""

    #: The value in words, and the detail shown after it in brackets, if any
    #: (:func:`tracker.figures.catalogue.table_value`).
    text: str
    detail: str | None
    #: The list that counts the figure's records.
    href: str
    #: Whose figure it is, in the words hidden after it for screen readers.
    whose: str


class FigureRow(NamedTuple):
    label: str
    #: The slice's figure, then the whole system's.
    cells: tuple[FigureCell, ...]


def figure_rows(
    card: Scorecard, figures_shown: Sequence[FigureDefinition], first_label: str | None = None
) -> list[FigureRow]:
    """The rows of a scorecard table: each of ``figures_shown`` for the slice and for the
    whole system, each with the address of the list that counts it (the slice's list
    filters and the figure's own). ``first_label``: the first figure's label in the
    slice's words, if not its own.

    Worked out here rather than in the template, where each value and address cost a
    call of its own: a scorecard page shows two tables of them.
    """
    slice_ = card.slice
    rows = []
    for position, figure in enumerate(figures_shown):
        label = first_label if position == 0 and first_label else figure.label
        slice_args = slice_.issue_args if figure.counts is Counts.ISSUES else slice_.commitment_args
        cells = tuple(
            FigureCell(
                *table_value(figure, figures),
                href=page_address(figure.endpoint, figure.list_args(args)),
                whose=whose,
            )
            for figures, whose, args in (
                (card.figures, slice_.name, slice_args),
                (card.system, "whole system", {}),
            )
        )
        rows.append(FigureRow(label, cells))
    return rows


# --- Every partner, side by side ----------------------------------------------------


@dataclass(frozen=True)
class PartnerRow:
    """One partner's figures in the /partners table (and the board report's)."""

    partner: Partner
    figures: Figures

    @property
    def kind(self) -> PartnerKind:
        return self.partner.kind


class PartnerCell(NamedTuple):
    """One figure of a partner's row in the /partners table."""

    text: str
    #: The list that counts the figure's records for the partner.
    href: str
    #: The figure's label, hidden after it for screen readers.
    label: str


def partner_cells(row: PartnerRow) -> list[PartnerCell]:
    """The figures of one partner's row in the /partners table: each of
    :data:`~tracker.figures.catalogue.PARTNER_TABLE_FIGURES`, with the address of the
    list that counts it. Worked out here rather than in the template, where each
    cell (hundreds on the page) cost several calls of its own."""
    args = {"partner": row.partner.slug}
    cells = []
    for figure in PARTNER_TABLE_FIGURES:
        if figure.shown is Shown.SHARE:
            text = row.figures.share_delivered_on_time or figure.when_none
        else:
            text = f"{row.figures.value(figure.key):,}"
        href = page_address(figure.endpoint, figure.list_args(args))
        cells.append(PartnerCell(text, href, figure.label))
    return cells


def partner_table(session: Session, figures: FigureSet) -> list[PartnerRow]:
    """Every partner, sorted by name, with its figures from ``figures``, in one query."""
    partners = session.exec(
        select(Partner).order_by(sa.func.lower(col(Partner.name)), col(Partner.slug))
    ).all()
    return [
        PartnerRow(partner=partner, figures=figures.of(SliceKind.PARTNER, partner.id))
        for partner in partners
    ]


def partners_page(session: Session, today: date, threshold_days: int) -> list[PartnerRow]:
    """The /partners table: the partners, and their figures from the snapshot."""
    return partner_table(session, page_figures(session, today, threshold_days))
