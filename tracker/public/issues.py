"""Read models for "You said": issues residents raised, filtered, searched and paged,
and one issue with everything that happened to it.

The filter clauses (:func:`issue_theme_clause` and its neighbours) are the one
definition of what "issues about this theme" (or in this area, involving this
partner, heard from this community) means: a figure that counts issues for a theme,
area, partner or community uses the same clause as ``/you-said?theme=<slug>``, so
following the figure's link shows exactly the issues it counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.clock import LONDON
from tracker.errors import RecordNotFound
from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Issue,
    IssueAreaLink,
    IssueCommunityLink,
    IssueSupportingPartnerLink,
    IssueThemeLink,
    LeadPartnerChange,
    Partner,
    Theme,
    Update,
    format_reference,
)
from tracker.public.queries import (
    HAS_RESPONSE,
    ISSUE_STATE_FILTERS,
    PAGE_SIZE,
    DateFilter,
    Page,
    first_value,
    issue_state_clause,
    page_number,
    parse_date_range,
    parse_page,
    relationship,
    row_offset,
)
from tracker.rendering import format_date
from tracker.rules import (
    ResponseState,
    days_awaiting_response,
    is_overdue,
    issue_response_state,
    no_recent_update,
    response_state_clause,
)
from tracker.search import MAX_QUERY_LENGTH, SearchQuery, issue_relevance, parse_query

# --- Sort orders ----------------------------------------------------------------

#: Best match first; only when there are words to search for.
RELEVANCE = "relevance"
#: Most recently raised first: the order when nothing else is asked for.
NEWEST = "newest"
#: Issues still awaiting a response first, those waiting longest at the top.
WAITING_LONGEST = "waiting-longest"
#: Issues raised by the most people first.
MOST_PEOPLE = "most-people"

#: The values ``/you-said?sort=`` accepts, with the words the sort menu shows.
ISSUE_SORTS: dict[str, str] = {
    NEWEST: "Newest first",
    WAITING_LONGEST: "Waiting longest for a response",
    MOST_PEOPLE: "Raised by the most people",
    RELEVANCE: "Best match for your search",
}

#: How a list in each order is described under its heading.
SORT_DESCRIPTIONS: dict[str, str] = {
    NEWEST: "Most recently raised first.",
    WAITING_LONGEST: "Issues waiting longest for a response first.",
    MOST_PEOPLE: "Issues raised by the most people first.",
    RELEVANCE: "Best matches for your search first.",
}

#: How each response-state filter reads in the results heading's list of filters.
_STATE_PHRASES: dict[str, str] = {
    ResponseState.AWAITING_RESPONSE.value: "awaiting response",
    HAS_RESPONSE: "with a response",
    ResponseState.RESPONDED.value: "responded",
    ResponseState.CLOSED.value: "closed",
}

#: The two ends of the "date raised" filter, with the words the form shows.
RAISED_FROM = "raised_from"
RAISED_TO = "raised_to"
DATE_FILTER_LABELS = {RAISED_FROM: "Raised on or after", RAISED_TO: "Raised on or before"}

#: Page numbers past this are surely past the end; they are not sent to the database,
#: whose offsets are 64-bit, but answered with the last page.
LAST_PAGE_TRIED = 10**9

#: How much of an odd query is repeated back in a notice.
_QUOTED_QUERY_LENGTH = 60


# --- Reading filters from the address -------------------------------------------


@dataclass(frozen=True)
class IssueFilters:
    """What ``/you-said`` is filtered, searched and sorted by, read from its query string.

    Theme, area, partner and community are slugs, checked against the database by
    :func:`list_issues`; everything else is checked here.
    """

    state: str | None = None
    theme: str | None = None
    area: str | None = None
    partner: str | None = None
    community: str | None = None
    raised_from: DateFilter = DateFilter()
    raised_to: DateFilter = DateFilter()
    #: The search box's text as typed (cut to a sensible length), for the form.
    q: str | None = None
    #: The words searched for; ``None`` when there is no search to make.
    search: SearchQuery | None = None
    #: The order asked for in the address; ``None`` for the default.
    sort: str | None = None
    page: int = 1
    #: Plain-English notes about parts of the address that were not understood.
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def effective_sort(self) -> str:
        """The order the list is shown in: best match by default when searching."""
        if self.sort is None or (self.sort == RELEVANCE and self.search is None):
            return RELEVANCE if self.search is not None else NEWEST
        return self.sort

    @property
    def is_filtered(self) -> bool:
        """True when anything narrows the list (the order does not)."""
        return any(
            (
                self.state,
                self.theme,
                self.area,
                self.partner,
                self.community,
                self.raised_from.value,
                self.raised_to.value,
                self.search,
            )
        )

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (page not included)."""
        args = {
            name: value
            for name, value in (
                ("state", self.state),
                ("theme", self.theme),
                ("area", self.area),
                ("partner", self.partner),
                ("community", self.community),
            )
            if value
        }
        if self.raised_from.value:
            args[RAISED_FROM] = self.raised_from.value.isoformat()
        if self.raised_to.value:
            args[RAISED_TO] = self.raised_to.value.isoformat()
        if self.search is not None and self.q:
            args["q"] = self.q
        if self.sort:
            args["sort"] = self.sort
        return args


def _quoted(text: str) -> str:
    if len(text) > _QUOTED_QUERY_LENGTH:
        text = text[:_QUOTED_QUERY_LENGTH].rstrip() + "…"
    return f"“{text}”"


def parse_search(
    args: Mapping[str, str], notices: list[str]
) -> tuple[str | None, SearchQuery | None]:
    """Read the search box: the text to show back, and the words to search for.

    Text with no letters or numbers in it (only punctuation, emoji or spaces) gives
    no search, with a notice saying so; text past the length limit is cut, and the
    notice says which words were searched for.
    """
    text = first_value(args, "q")
    if text is None:
        return None, None
    query = parse_query(text)
    shown = text[:MAX_QUERY_LENGTH]
    if query.is_empty:
        notices.append(
            f"No words were found to search for in {_quoted(text)}, so no search was made. "
            "Search using letters or numbers."
        )
        return shown, None
    if query.was_shortened:
        notices.append(
            f"Your search was longer than {MAX_QUERY_LENGTH} characters, so only its start "
            f"was used. We searched for the words: {' '.join(query.terms)}."
        )
    return shown, query


def parse_issue_filters(args: Mapping[str, str]) -> IssueFilters:
    """Read every filter, the search, the order and the page from a query string.

    Values we do not know are ignored with a plain-English notice; a repeated
    parameter uses its first value.
    """
    notices: list[str] = []
    state = first_value(args, "state")
    if state is not None and state not in ISSUE_STATE_FILTERS:
        notices.append(
            "The response state in the address was not recognised, so all issues are shown."
        )
        state = None
    raised_from, raised_to = parse_date_range(
        args, RAISED_FROM, RAISED_TO, DATE_FILTER_LABELS, notices
    )
    q, search = parse_search(args, notices)
    sort = first_value(args, "sort")
    if sort is not None and sort not in ISSUE_SORTS:
        notices.append("The order in the address was not recognised, so the usual order is used.")
        sort = None
    if sort == RELEVANCE and search is None and q is None:
        notices.append(
            "Sorting by best match needs words to search for, so the newest issues are shown first."
        )
    page = parse_page(args, notices)
    return IssueFilters(
        state=state,
        theme=first_value(args, "theme"),
        area=first_value(args, "area"),
        partner=first_value(args, "partner"),
        community=first_value(args, "community"),
        raised_from=raised_from,
        raised_to=raised_to,
        q=q,
        search=search,
        sort=sort,
        page=page,
        notices=tuple(notices),
    )


# --- Filter clauses, shared with every figure that counts issues ----------------


def issue_theme_clause(theme_id: int) -> ColumnElement[bool]:
    """Issues about the theme."""
    return (
        sa.select(col(IssueThemeLink.issue_id))
        .where(
            col(IssueThemeLink.issue_id) == col(Issue.id), col(IssueThemeLink.theme_id) == theme_id
        )
        .exists()
    )


def issue_area_clause(area_id: int) -> ColumnElement[bool]:
    """Issues in the area or in any area within it (a borough includes its neighbourhoods)."""
    area = aliased(Area)
    # A nested CTE stays inside this clause, so two area clauses can share a statement.
    within = (
        sa.select(col(Area.id))
        .where(col(Area.id) == area_id)
        .cte("area_within", recursive=True, nesting=True)
    )
    within = within.union_all(sa.select(col(area.id)).where(col(area.parent_id) == within.c.id))
    return (
        sa.select(col(IssueAreaLink.issue_id))
        .where(
            col(IssueAreaLink.issue_id) == col(Issue.id),
            col(IssueAreaLink.area_id).in_(sa.select(within.c.id)),
        )
        .exists()
    )


def issue_partner_clause(partner_id: int) -> ColumnElement[bool]:
    """Issues the partner leads the response to, or supports."""
    supports = (
        sa.select(col(IssueSupportingPartnerLink.issue_id))
        .where(
            col(IssueSupportingPartnerLink.issue_id) == col(Issue.id),
            col(IssueSupportingPartnerLink.partner_id) == partner_id,
        )
        .exists()
    )
    return sa.or_(col(Issue.lead_partner_id) == partner_id, supports)


def issue_community_clause(community_id: int) -> ColumnElement[bool]:
    """Issues raised by (or on behalf of) the community."""
    return (
        sa.select(col(IssueCommunityLink.issue_id))
        .where(
            col(IssueCommunityLink.issue_id) == col(Issue.id),
            col(IssueCommunityLink.community_id) == community_id,
        )
        .exists()
    )


def issue_raised_clause(raised_from: date | None, raised_to: date | None) -> ColumnElement[bool]:
    """Issues raised on or after ``raised_from`` and on or before ``raised_to``."""
    conditions = []
    if raised_from is not None:
        conditions.append(col(Issue.raised_on) >= raised_from)
    if raised_to is not None:
        conditions.append(col(Issue.raised_on) <= raised_to)
    return sa.and_(sa.true(), *conditions)


# --- The lists for the filter form ----------------------------------------------


@dataclass(frozen=True)
class FilterOption:
    """A theme, area, partner or community as the filter form offers it."""

    id: int
    slug: str
    name: str
    #: The words in the form's menu; for an area within another, "Borough: Neighbourhood".
    label: str


@dataclass(frozen=True)
class IssueFilterOptions:
    """Everything the filter form's menus offer, each list in the order shown."""

    themes: list[FilterOption]
    areas: list[FilterOption]
    partners: list[FilterOption]
    communities: list[FilterOption]


def _options_statement() -> sa.Select[Any]:
    def branch(kind: str, model: Any, parent: Any = None) -> sa.Select[Any]:
        parent_id = parent if parent is not None else sa.cast(sa.null(), sa.Integer)
        return sa.select(
            sa.literal(kind).label("kind"),
            model.id.label("id"),
            model.slug.label("slug"),
            model.name.label("name"),
            parent_id.label("parent_id"),
        )

    union = sa.union_all(
        branch("theme", Theme),
        branch("area", Area, col(Area.parent_id)),
        branch("partner", Partner),
        branch("community", Community),
    ).subquery("options")
    return sa.select(union).order_by(union.c.kind, union.c.name, union.c.id)


def _area_options(rows: list[Any]) -> list[FilterOption]:
    """Areas with each one's sub-areas straight after it, labelled with their parents."""
    by_parent: dict[int | None, list[Any]] = {}
    ids = {row.id for row in rows}
    for row in rows:
        # An area whose parent is missing is shown at the top level, not lost.
        by_parent.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    options: list[FilterOption] = []

    def add(parent_id: int | None, prefix: str, seen: frozenset[int]) -> None:
        for row in by_parent.get(parent_id, []):
            if row.id in seen:
                continue
            label = f"{prefix}{row.name}"
            options.append(FilterOption(row.id, row.slug, row.name, label))
            add(row.id, f"{label}: ", seen | {row.id})

    add(None, "", frozenset())
    return options


def filter_options(session: Session) -> IssueFilterOptions:
    """Every theme, area, partner and community for the filter form, in one query."""
    grouped: dict[str, list[Any]] = {"theme": [], "area": [], "partner": [], "community": []}
    for row in session.execute(_options_statement()):
        grouped[row.kind].append(row)

    def simple(kind: str) -> list[FilterOption]:
        return [FilterOption(row.id, row.slug, row.name, row.name) for row in grouped[kind]]

    return IssueFilterOptions(
        themes=simple("theme"),
        areas=_area_options(grouped["area"]),
        partners=simple("partner"),
        communities=simple("community"),
    )


# --- Issues ("You said") --------------------------------------------------------


@dataclass(frozen=True)
class IssueRow:
    """An issue as a list shows it, with its derived response state."""

    issue: Issue
    state: ResponseState
    days_awaiting: int | None


def issue_rows(issues: list[Issue], today: date) -> list[IssueRow]:
    """Issues (with their commitments loaded) as list rows with their response state."""
    return [
        IssueRow(
            issue=issue,
            state=issue_response_state(issue),
            days_awaiting=days_awaiting_response(issue, today),
        )
        for issue in issues
    ]


@dataclass(frozen=True)
class IssueListing:
    """A page of issues, the filters applied, and the lists the filter form offers."""

    page: Page[IssueRow]
    #: The filters actually applied: an unknown theme, area, partner or community is dropped.
    filters: IssueFilters
    options: IssueFilterOptions
    theme: FilterOption | None
    area: FilterOption | None
    partner: FilterOption | None
    community: FilterOption | None
    notices: tuple[str, ...]

    @property
    def sort(self) -> str:
        """The order the issues are shown in."""
        return self.filters.effective_sort

    def filter_phrases(self) -> list[str]:
        """The filters in words, for the results heading: ``["awaiting response", ...]``."""
        filters = self.filters
        phrases = []
        if filters.state:
            phrases.append(_STATE_PHRASES[filters.state])
        if self.theme:
            phrases.append(f"about {self.theme.name}")
        if self.area:
            phrases.append(f"in {self.area.name}")
        if self.partner:
            phrases.append(f"involving {self.partner.name}")
        if self.community:
            phrases.append(f"heard from {self.community.name}")
        start, end = filters.raised_from.value, filters.raised_to.value
        if start and end:
            phrases.append(f"raised between {format_date(start)} and {format_date(end)}")
        elif start:
            phrases.append(f"raised on or after {format_date(start)}")
        elif end:
            phrases.append(f"raised on or before {format_date(end)}")
        if filters.search is not None:
            phrases.append(f"matching “{' '.join(filters.search.terms)}”")
        return phrases


def _choose(
    options: list[FilterOption], slug: str | None, what: str, notices: list[str]
) -> FilterOption | None:
    if slug is None:
        return None
    chosen = next((option for option in options if option.slug == slug), None)
    if chosen is None:
        notices.append(
            f"The {what} in the address was not found, so issues of every {what} are shown."
        )
    return chosen


def _order_by(sort: str, relevance: sa.Subquery | None) -> list[Any]:
    newest = [col(Issue.raised_on).desc(), col(Issue.number).desc()]
    if sort == RELEVANCE and relevance is not None:
        return [relevance.c.relevance.desc(), *newest]
    if sort == WAITING_LONGEST:
        awaiting = response_state_clause(ResponseState.AWAITING_RESPONSE)
        # Awaiting issues first, the earliest raised (longest waiting) at the top;
        # the issues that have a response follow, newest first.
        return [
            sa.case((awaiting, 0), else_=1),
            sa.case((awaiting, col(Issue.raised_on)), else_=None).asc(),
            *newest,
        ]
    if sort == MOST_PEOPLE:
        return [sa.nulls_last(col(Issue.people_count).desc()), *newest]
    return newest


def list_issues(session: Session, filters: IssueFilters, today: date) -> IssueListing:
    """Issues matching ``filters``, in the order asked for, one page at a time.

    Always three queries, however many issues there are: the filter form's lists
    (which also turn the address's slugs into records), the page of issues with
    their lead partner and the total across every page (a window count), and the
    page's commitments (for the response state). Only a page number past the end
    costs two more: the total on its own, then the last page.
    """
    options = filter_options(session)
    notices = list(filters.notices)
    theme = _choose(options.themes, filters.theme, "theme", notices)
    area = _choose(options.areas, filters.area, "area", notices)
    partner = _choose(options.partners, filters.partner, "partner", notices)
    community = _choose(options.communities, filters.community, "community", notices)
    filters = replace(
        filters,
        theme=theme.slug if theme else None,
        area=area.slug if area else None,
        partner=partner.slug if partner else None,
        community=community.slug if community else None,
    )

    conditions: list[ColumnElement[bool]] = []
    if filters.state:
        conditions.append(issue_state_clause(filters.state))
    if theme:
        conditions.append(issue_theme_clause(theme.id))
    if area:
        conditions.append(issue_area_clause(area.id))
    if partner:
        conditions.append(issue_partner_clause(partner.id))
    if community:
        conditions.append(issue_community_clause(community.id))
    if filters.raised_from.value or filters.raised_to.value:
        conditions.append(issue_raised_clause(filters.raised_from.value, filters.raised_to.value))
    relevance = issue_relevance(session, filters.search) if filters.search is not None else None

    def matching(*columns: Any) -> sa.Select[Any]:
        statement = sa.select(*columns).select_from(Issue)
        if relevance is not None:
            statement = statement.join(relevance, relevance.c.issue_id == col(Issue.id))
        return statement.where(*conditions)

    def fetch(number: int) -> list[Any]:
        statement = (
            matching(Issue, sa.func.count().over().label("total"))
            .options(
                joinedload(relationship(Issue.lead_partner)),
                selectinload(relationship(Issue.commitments)),
            )
            .order_by(*_order_by(filters.effective_sort, relevance))
            .offset(row_offset(number))
            .limit(PAGE_SIZE)
        )
        return list(session.execute(statement).all())

    number = min(filters.page, LAST_PAGE_TRIED)
    rows = fetch(number)
    if rows:
        total = rows[0].total
    elif number > 1:
        total = session.execute(matching(sa.func.count())).scalar_one()
        number = page_number(number, total)
        rows = fetch(number) if total else []
    else:
        total = 0
    return IssueListing(
        page=Page(
            rows=issue_rows([row.Issue for row in rows], today),
            number=number,
            total=total,
            requested=filters.page,
        ),
        filters=filters,
        options=options,
        theme=theme,
        area=area,
        partner=partner,
        community=community,
        notices=tuple(notices),
    )


# --- Public references ------------------------------------------------------------

_REFERENCE = re.compile(r"([A-Za-z]{2})-?(\d{1,9})")


def reference_number(text: str, prefix: str) -> int | None:
    """The number in a public reference such as ``YS-0042``, or ``None`` if it is not one.

    Lower case and a missing hyphen or leading zeros are forgiven (``ys-42``), so the
    caller can send people on to the reference's one proper spelling.
    """
    match = _REFERENCE.fullmatch(text.strip())
    if match is None or match.group(1).upper() != prefix:
        return None
    return int(match.group(2))


def not_a_reference(text: str, noun: str, example: str) -> RecordNotFound:
    """The helpful "not found" for an address that holds no reference at all."""
    return RecordNotFound(
        f"{_quoted(text)} is not a reference we recognise. {noun} references look like "
        f"{example}: check the address, or browse the list of {noun.lower()}s."
    )


# --- One issue ("You said YS-0042") -----------------------------------------------


@dataclass(frozen=True)
class CommitmentSummary:
    """A commitment as the issue page shows it, with its derived flags."""

    commitment: Commitment
    overdue: bool
    no_recent_update: bool

    @property
    def target_date_moved(self) -> bool:
        return self.commitment.target_date != self.commitment.original_target_date


@dataclass(frozen=True)
class HistoryEvent:
    """One dated entry in an issue's public history.

    ``kind`` is one of ``raised``, ``lead_partner_changed``, ``committed``, ``update``
    and ``delivered``. An update that was hidden keeps its place, its date and any
    change of status or target date it made, but not its words: only when and why it
    was hidden.
    """

    on: date
    kind: str
    commitment: Commitment | None = None
    update: Update | None = None
    hidden_on: date | None = None
    lead_partner_change: LeadPartnerChange | None = None

    @property
    def status_changed(self) -> bool:
        update = self.update
        return (
            update is not None
            and update.new_status is not None
            and update.new_status != update.previous_status
        )

    @property
    def delivered(self) -> bool:
        return self.update is not None and self.update.new_status == CommitmentStatus.DELIVERED


@dataclass(frozen=True)
class IssueDetail:
    """Everything the issue page shows: the issue, its response and its history."""

    issue: Issue
    state: ResponseState
    days_awaiting: int | None
    commitments: list[CommitmentSummary]
    history: list[HistoryEvent]


def london_date(moment: datetime) -> date:
    """The date in England of a stored moment (stored in UTC, possibly without a zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


# Events of one day: raised first, then commitments made; updates and changes of
# lead partner follow in the order they happened, and deliveries come last.
def _utc(moment: datetime) -> datetime:
    """A stored moment as naive UTC, so moments from either database compare."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None)


_EVENT_ORDER = {"raised": 0, "committed": 1, "update": 2, "lead_partner_changed": 2, "delivered": 3}


def issue_history(issue: Issue) -> list[HistoryEvent]:
    """The issue's public history, oldest first: raised, each change of lead partner
    (with its reason), each commitment made, every update on them (hidden ones as a
    trace), and each delivery not already recorded by an update."""
    events = [HistoryEvent(on=issue.raised_on, kind="raised")]
    for change in issue.lead_partner_changes:
        events.append(
            HistoryEvent(
                on=london_date(change.changed_at),
                kind="lead_partner_changed",
                lead_partner_change=change,
            )
        )
    for commitment in issue.commitments:
        events.append(
            HistoryEvent(on=commitment.committed_on, kind="committed", commitment=commitment)
        )
        delivery_recorded = False
        for update in commitment.updates:
            events.append(
                HistoryEvent(
                    on=london_date(update.posted_at),
                    kind="update",
                    commitment=commitment,
                    update=update,
                    hidden_on=london_date(update.hidden_at) if update.hidden_at else None,
                )
            )
            delivery_recorded = delivery_recorded or update.new_status == CommitmentStatus.DELIVERED
        if commitment.delivered_on is not None and not delivery_recorded:
            events.append(
                HistoryEvent(on=commitment.delivered_on, kind="delivered", commitment=commitment)
            )

    def key(event: HistoryEvent) -> tuple[Any, ...]:
        posted = datetime.min
        if event.update is not None:
            posted = _utc(event.update.posted_at)
        elif event.lead_partner_change is not None:
            posted = _utc(event.lead_partner_change.changed_at)
        number = event.commitment.number if event.commitment else 0
        return (event.on, _EVENT_ORDER[event.kind], posted, number)

    return sorted(events, key=key)


def issue_detail(session: Session, number: int, today: date, threshold_days: int) -> IssueDetail:
    """The issue with public reference number ``number``, for its page.

    Always eight queries, however much it holds: the issue with its lead partner
    and the changes of lead partner (joined, as there are few), then its supporting
    partners, themes, areas, communities, engagements, commitments (with their
    partners) and those commitments' updates.
    Raises :class:`RecordNotFound` when there is no such issue.
    """
    commitments = selectinload(relationship(Issue.commitments))
    lead_changes = joinedload(relationship(Issue.lead_partner_changes))
    issue = (
        session.exec(
            select(Issue)
            .where(col(Issue.number) == number)
            .options(
                joinedload(relationship(Issue.lead_partner)),
                lead_changes.joinedload(relationship(LeadPartnerChange.previous_partner)),
                lead_changes.joinedload(relationship(LeadPartnerChange.new_partner)),
                selectinload(relationship(Issue.supporting_partners)),
                selectinload(relationship(Issue.themes)),
                selectinload(relationship(Issue.areas)),
                selectinload(relationship(Issue.communities)),
                selectinload(relationship(Issue.engagements)),
                commitments.joinedload(relationship(Commitment.partner)),
                commitments.selectinload(relationship(Commitment.updates)),
            )
        )
        .unique()
        .one_or_none()
    )
    if issue is None:
        reference = format_reference(Issue.REFERENCE_PREFIX, number)
        raise RecordNotFound(
            f"There is no issue with the reference {reference}. Check the reference, or "
            "find the issue in the list of issues residents raised."
        )
    ordered = sorted(issue.commitments, key=lambda c: (c.committed_on, c.number))
    return IssueDetail(
        issue=issue,
        state=issue_response_state(issue),
        days_awaiting=days_awaiting_response(issue, today),
        commitments=[
            CommitmentSummary(
                commitment=commitment,
                overdue=is_overdue(commitment, today),
                no_recent_update=no_recent_update(commitment, today, threshold_days),
            )
            for commitment in ordered
        ],
        history=issue_history(issue),
    )
