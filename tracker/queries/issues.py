"""Read models for "You said": issues residents raised, filtered, searched and paged,
and one issue with everything that happened to it.

The filter clauses (:func:`tracker.queries.filters.issue_theme_clause` and its
neighbours) are the one definition of what "issues about this theme" means, shared
with every figure that counts issues.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.clock import local_date
from tracker.errors import RecordNotFound
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Issue,
    LeadPartnerChange,
    Partner,
    Update,
    format_reference,
)
from tracker.queries.filters import (
    HAS_RESPONSE,
    ISSUE_STATE_FILTERS,
    DateFilter,
    FilterOption,
    IssueFilterOptions,
    filter_options,
    first_value,
    issue_area_clause,
    issue_community_clause,
    issue_partner_clause,
    issue_raised_clause,
    issue_state_clause,
    issue_theme_clause,
    parse_date_range,
)
from tracker.queries.pagination import (
    PAGE_SIZE,
    Page,
    parse_page,
    relationship,
    row_offset,
    rows_of_page,
    total_column,
)
from tracker.rendering import format_date
from tracker.rules import (
    ResponseState,
    days_awaiting_response,
    days_since_raised,
    has_commitment_clause,
    has_open_commitment_clause,
    is_overdue,
    issue_response_state,
    no_recent_update,
    response_state_clause,
    response_state_of,
    target_date_moved,
)
from tracker.search import MAX_QUERY_LENGTH, Matches, SearchQuery, issue_matches, parse_query

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


# --- Issues ("You said") --------------------------------------------------------


@dataclass(frozen=True)
class IssueRow:
    """An issue as a list shows it, with its derived response state."""

    issue: Issue | ListedIssue
    state: ResponseState
    days_awaiting: int | None
    #: The lead partner's name; ``None`` while no partner leads.
    lead_partner_name: str | None


@dataclass(slots=True)
class ListedIssue:
    """An issue as ``/you-said`` lists it: its :data:`_LISTED_ISSUE_COLUMNS`, read as a
    plain row. Making a full record of each row (with loaders for every column it
    leaves out) cost more than the rest of the list's reading."""

    number: int
    title: str
    raised_on: date
    people_count: int | None

    @property
    def reference(self) -> str:
        return format_reference(Issue.REFERENCE_PREFIX, self.number)


def issue_rows(issues: list[Issue], today: date) -> list[IssueRow]:
    """Issues (with their commitments loaded) as list rows with their response state."""
    return [
        IssueRow(
            issue=issue,
            state=issue_response_state(issue),
            days_awaiting=days_awaiting_response(issue, today),
            lead_partner_name=issue.lead_partner.name if issue.lead_partner else None,
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


def _order_by(sort: str, matches: Matches | None) -> list[Any]:
    newest = [col(Issue.raised_on).desc(), col(Issue.number).desc()]
    if sort == RELEVANCE and matches is not None:
        return [matches.relevance.desc(), *newest]
    if sort == WAITING_LONGEST:
        awaiting = response_state_clause(ResponseState.AWAITING_RESPONSE)
        # Awaiting issues first, the earliest raised (longest waiting) at the top;
        # the issues that have a response follow, newest first.
        # One test of the state per issue: the awaiting issues' dates, then none.
        return [
            sa.nulls_last(sa.case((awaiting, col(Issue.raised_on)), else_=None).asc()),
            *newest,
        ]
    if sort == MOST_PEOPLE:
        return [sa.nulls_last(col(Issue.people_count).desc()), *newest]
    return newest


#: What a list row shows of an issue (components/issue_records.html); the rest of
#: its words are left in the database.
_LISTED_ISSUE_COLUMNS: tuple[Any, ...] = (
    Issue.number,
    Issue.title,
    Issue.raised_on,
    Issue.people_count,
)


_PARTNER_NAME: Any = Partner.name


def _issue_rows_statement(page: sa.Subquery) -> Any:
    """The issues of ``page`` (ids in order, with the total) as list rows: the columns a
    row shows, the lead partner's name, and the two facts the response state rests on."""
    return (
        sa.select(
            *_LISTED_ISSUE_COLUMNS,
            _PARTNER_NAME.label("lead_partner_name"),
            page.c.total,
            has_commitment_clause().label("has_commitment"),
            has_open_commitment_clause().label("has_open_commitment"),
        )
        .select_from(Issue)
        .join(page, page.c.id == col(Issue.id))
        .outerjoin(Partner, col(Partner.id) == col(Issue.lead_partner_id))
        .order_by(page.c.position)
    )


def _listed_issue(row: Any, today: date) -> IssueRow:
    issue = ListedIssue(*row[: len(_LISTED_ISSUE_COLUMNS)])
    state = response_state_of(
        has_commitment=row.has_commitment, has_open_commitment=row.has_open_commitment
    )
    days_awaiting = None if row.has_commitment else days_since_raised(issue, today)
    return IssueRow(
        issue=issue,
        state=state,
        days_awaiting=days_awaiting,
        lead_partner_name=row.lead_partner_name,
    )


@dataclass(frozen=True)
class IssueSelection:
    """The issues that a list's filters choose, in the list's order: what
    ``/you-said`` shows a page at a time and its downloads give whole."""

    #: The filters actually applied: an unknown theme, area, partner or community is dropped.
    filters: IssueFilters
    options: IssueFilterOptions
    theme: FilterOption | None
    area: FilterOption | None
    partner: FilterOption | None
    community: FilterOption | None
    notices: tuple[str, ...]
    conditions: tuple[ColumnElement[bool], ...]
    matches: Matches | None
    order: tuple[Any, ...]

    def matching(self, *columns: Any) -> sa.Select[Any]:
        """``columns`` of the chosen issues (not yet in order)."""
        statement = sa.select(*columns).select_from(Issue)
        if self.matches is not None:
            statement = self.matches.restrict(statement)
        return statement.where(*self.conditions)


def select_issues(session: Session, filters: IssueFilters) -> IssueSelection:
    """The issues ``filters`` choose (one query: the filter form's options, which also
    turn the address's slugs into records; an unknown one is ignored with a notice)."""
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
    matches = issue_matches(session, filters.search) if filters.search is not None else None
    return IssueSelection(
        filters=filters,
        options=options,
        theme=theme,
        area=area,
        partner=partner,
        community=community,
        notices=tuple(notices),
        conditions=tuple(conditions),
        matches=matches,
        order=tuple(_order_by(filters.effective_sort, matches)),
    )


def list_issues(session: Session, filters: IssueFilters, today: date) -> IssueListing:
    """Issues matching ``filters``, in the order asked for, one page at a time.

    Always two queries, however many issues there are: the filter form's lists
    (which also turn the address's slugs into records; :func:`select_issues`), and the
    page of issues with their lead partner, their response state and the total
    across every page (a window count). Only a page number past the end costs two
    more: the total on its own, then the last page.
    """
    chosen = select_issues(session, filters)
    matching, order, filters = chosen.matching, chosen.order, chosen.filters

    def fetch(number: int) -> list[Any]:
        # The page is chosen on narrow rows (id, position, total), and only its own
        # rows are read in full: sorting and counting every matching issue with all
        # its words would cost far more than the page shows.
        page = (
            matching(
                col(Issue.id).label("id"),
                sa.func.row_number().over(order_by=order).label("position"),
                total_column(matching, ranked=chosen.matches is not None),
            )
            .order_by(*order)
            .offset(row_offset(number))
            .limit(PAGE_SIZE)
            .subquery("page")
        )
        return list(session.execute(_issue_rows_statement(page)).all())

    found = rows_of_page(
        filters.page, fetch, lambda: session.execute(matching(sa.func.count())).scalar_one()
    )
    return IssueListing(
        page=Page(
            rows=[_listed_issue(row, today) for row in found.rows],
            number=found.number,
            total=found.total,
            requested=filters.page,
        ),
        filters=filters,
        options=chosen.options,
        theme=chosen.theme,
        area=chosen.area,
        partner=chosen.partner,
        community=chosen.community,
        notices=chosen.notices,
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
        """True when the target date is no longer the one first promised."""
        return target_date_moved(self.commitment)


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
                on=local_date(change.changed_at),
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
                    on=local_date(update.posted_at),
                    kind="update",
                    commitment=commitment,
                    update=update,
                    hidden_on=local_date(update.hidden_at) if update.hidden_at else None,
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
