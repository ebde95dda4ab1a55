"""Read models for "We will": partners' commitments, and one commitment with its history.

``/we-will`` lists commitments filtered by status (the five stored statuses and the
derived flags), partner, theme, area, community, how soon they are due, when they
were made or delivered and keywords, sorted and paged; :func:`list_commitments`
reads it in three queries whatever it shows.
``/we-will/WW-0107`` shows one commitment with every update, every earlier target date
and why it moved; :func:`commitment_detail` reads it in two queries however long its
history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.addresses import web_link_host
from tracker.clock import local_date
from tracker.errors import RecordNotFound
from tracker.models import Commitment, CommitmentStatus, Partner, Update, format_reference
from tracker.queries.filters import (
    COMMITMENT_STATUS_FILTERS,
    DateFilter,
    FilterOption,
    IssueFilterOptions,
    commitment_delivered_clause,
    commitment_issue_clause,
    commitment_made_clause,
    commitment_partner_clause,
    commitment_status_clause,
    date_range_phrase,
    filter_options,
    first_value,
    issue_area_clause,
    issue_community_clause,
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
from tracker.rules import (
    STATUSES_NEEDING_REASON,
    days_since_update,
    due_within_clause,
    is_overdue,
    last_activity_on,
    longest_silent_first,
    no_recent_update,
    status_reason_hidden,
    target_date_moved,
)
from tracker.search import MAX_QUERY_LENGTH, Matches, SearchQuery, commitment_matches, parse_query

# --- Sorting and the "due within" filter ----------------------------------------

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_TARGET_DATE = "target-date"
SORT_LAST_UPDATE = "last-update"

#: The values ``/we-will?sort=`` accepts, with the words shown for each. Without
#: ``sort`` a search is shown best match first and anything else newest first.
COMMITMENT_SORTS: dict[str, str] = {
    SORT_RELEVANCE: "Best match for your search",
    SORT_NEWEST: "Newest first",
    SORT_TARGET_DATE: "Soonest target date first",
    SORT_LAST_UPDATE: "Oldest update first",
}

#: How a list in each order is described under its heading.
SORT_DESCRIPTIONS: dict[str, str] = {
    SORT_RELEVANCE: "Best match for your search first.",
    SORT_NEWEST: "Most recently made first.",
    SORT_TARGET_DATE: "Soonest target date first.",
    SORT_LAST_UPDATE: "Oldest update first: the commitments silent longest are at the top.",
}

#: The choices the filter form offers for "due within N days"; any whole number of
#: days up to :data:`MAX_DUE_WITHIN_DAYS` works in the address.
DUE_WITHIN_CHOICES = (30, 60, 90)
MAX_DUE_WITHIN_DAYS = 3660

#: The date filters: when a commitment was made, and when it was delivered (only
#: Delivered commitments have a delivery date), with the words the form shows.
MADE_FROM = "made_from"
MADE_TO = "made_to"
DELIVERED_FROM = "delivered_from"
DELIVERED_TO = "delivered_to"
DATE_FILTER_LABELS = {
    MADE_FROM: "Made on or after",
    MADE_TO: "Made on or before",
    DELIVERED_FROM: "Delivered on or after",
    DELIVERED_TO: "Delivered on or before",
}

#: How much of a search the results heading repeats back.
_QUOTED_SEARCH_LENGTH = 60


# --- Reading the address ----------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFilters:
    """What ``/we-will`` is filtered and sorted by, read from its query string."""

    status: str | None = None
    partner: str | None = None
    theme: str | None = None
    area: str | None = None
    community: str | None = None
    #: Open commitments due today or within this many days.
    due: int | None = None
    #: Made between these dates (both included).
    made_from: DateFilter = DateFilter()
    made_to: DateFilter = DateFilter()
    #: Delivered between these dates (both included).
    delivered_from: DateFilter = DateFilter()
    delivered_to: DateFilter = DateFilter()
    #: What the person typed into the search box (only when it has words to search for).
    q: str | None = None
    #: The sort order asked for; ``None`` means the default (see :attr:`applied_sort`).
    sort: str | None = None
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def search(self) -> SearchQuery:
        """The words searched for."""
        return parse_query(self.q)

    @property
    def applied_sort(self) -> str:
        """The order the list is shown in: best match first only when searching."""
        searching = not self.search.is_empty
        if self.sort is None or (self.sort == SORT_RELEVANCE and not searching):
            return SORT_RELEVANCE if searching else SORT_NEWEST
        return self.sort

    def date_filters(self) -> list[tuple[str, DateFilter]]:
        """Each end of the date filters with its parameter name, in the form's order."""
        return [
            (MADE_FROM, self.made_from),
            (MADE_TO, self.made_to),
            (DELIVERED_FROM, self.delivered_from),
            (DELIVERED_TO, self.delivered_to),
        ]

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (page not included).

        A date is given as one ISO date (``made_from=2026-07-01``), whichever way it
        was typed; a date that was not real is left out, as it was not applied.
        """
        args = {
            "q": self.q,
            "status": self.status,
            "partner": self.partner,
            "theme": self.theme,
            "area": self.area,
            "community": self.community,
            "due": str(self.due) if self.due is not None else None,
            **{
                name: end.value.isoformat() if end.value is not None else None
                for name, end in self.date_filters()
            },
            "sort": self.sort,
        }
        return {name: value for name, value in args.items() if value is not None}


def parse_commitment_filters(args: Mapping[str, str]) -> CommitmentFilters:
    """Read the filters, the search, the sort order and the page from a query string.

    A repeated parameter uses its first value. Values we do not know (a status,
    a sort order, a number of days that is not a number, a date that is not real)
    are ignored, each with a plain-English notice; a date range whose start is after
    its end is swapped, with a notice. Partner, theme, area and community slugs are
    checked against the database by :func:`list_commitments`.
    """
    notices: list[str] = []
    status = first_value(args, "status")
    if status is not None and status not in COMMITMENT_STATUS_FILTERS:
        notices.append(
            "The status in the address was not recognised, "
            "so commitments of every status are shown."
        )
        status = None
    due = _parse_due(first_value(args, "due"), notices)
    made_from, made_to = parse_date_range(args, MADE_FROM, MADE_TO, DATE_FILTER_LABELS, notices)
    delivered_from, delivered_to = parse_date_range(
        args, DELIVERED_FROM, DELIVERED_TO, DATE_FILTER_LABELS, notices
    )
    q = first_value(args, "q")
    if q is not None:
        query = parse_query(q)
        if query.is_empty:
            notices.append(
                "Your search had no letters or numbers in it, so every commitment is shown."
            )
            q = None
        elif query.was_shortened:
            notices.append(
                f"Your search was longer than {MAX_QUERY_LENGTH} characters, "
                f"so only the first {MAX_QUERY_LENGTH} were used."
            )
            q = q[:MAX_QUERY_LENGTH]
    sort = first_value(args, "sort")
    if sort is not None and sort not in COMMITMENT_SORTS:
        notices.append("The sort order in the address was not recognised, so it was not used.")
        sort = None
    page = parse_page(args, notices)
    return CommitmentFilters(
        status=status,
        partner=first_value(args, "partner"),
        theme=first_value(args, "theme"),
        area=first_value(args, "area"),
        community=first_value(args, "community"),
        due=due,
        made_from=made_from,
        made_to=made_to,
        delivered_from=delivered_from,
        delivered_to=delivered_to,
        q=q,
        sort=sort,
        page=page,
        notices=tuple(notices),
    )


def _parse_due(raw: str | None, notices: list[str]) -> int | None:
    if raw is None:
        return None
    days = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 5 else 0
    if not 1 <= days <= MAX_DUE_WITHIN_DAYS:
        notices.append(
            "The due date range in the address was not recognised, "
            "so commitments due at any time are shown."
        )
        return None
    return days


# --- The list ("We will") ---------------------------------------------------------


@dataclass(slots=True)
class ListedCommitment:
    """A commitment as a list row shows it: its :data:`LISTED_COMMITMENT_COLUMNS` and
    its partner's name, read as a plain row. Making a full record of each row (with
    loaders for every column it leaves out) cost more than the rest of the list's
    reading."""

    number: int
    title: str
    partner_name: str
    status: CommitmentStatus
    committed_on: date
    target_date: date
    original_target_date: date
    last_update_on: date | None

    @property
    def reference(self) -> str:
        return format_reference(Commitment.REFERENCE_PREFIX, self.number)


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment as a list shows it, with its derived flags."""

    commitment: ListedCommitment
    overdue: bool
    no_recent_update: bool

    @property
    def target_date_moved(self) -> bool:
        """True when the target date is no longer the one first promised."""
        return target_date_moved(self.commitment)


@dataclass(frozen=True)
class CommitmentListing:
    """A page of commitments, the filters applied, and the choices for the filter form."""

    page: Page[CommitmentRow]
    #: The filters actually applied: an unknown partner, theme, area or community is dropped.
    filters: CommitmentFilters
    partners: list[FilterOption]
    themes: list[FilterOption]
    areas: list[FilterOption]
    communities: list[FilterOption]
    partner: FilterOption | None
    theme: FilterOption | None
    area: FilterOption | None
    community: FilterOption | None
    notices: tuple[str, ...]

    @property
    def due_choices(self) -> list[int]:
        """The "due within" choices for the form, including one typed into the address."""
        choices = set(DUE_WITHIN_CHOICES)
        if self.filters.due is not None:
            choices.add(self.filters.due)
        return sorted(choices)

    @property
    def date_filters(self) -> list[tuple[str, str, DateFilter]]:
        """Each end of the date filters for the form: its name, its label and its value."""
        return [(name, DATE_FILTER_LABELS[name], end) for name, end in self.filters.date_filters()]

    @property
    def dates_chosen(self) -> bool:
        """True when a date filter is applied, or one was typed that is not a real date."""
        return any(
            end.value is not None or end.error is not None for _, end in self.filters.date_filters()
        )

    @property
    def filter_words(self) -> list[str]:
        """The filters applied, in words, for the results heading."""
        words = []
        if self.filters.status:
            words.append(COMMITMENT_STATUS_FILTERS[self.filters.status].lower())
        if self.partner:
            words.append(f"by {self.partner.name}")
        if self.theme:
            words.append(f"about {self.theme.name}")
        if self.area:
            words.append(f"in {self.area.name}")
        if self.community:
            words.append(f"raised by {self.community.name}")
        if self.filters.due is not None:
            words.append(f"due in the next {_days(self.filters.due)}")
        for verb, first, last in (
            ("made", self.filters.made_from, self.filters.made_to),
            ("delivered", self.filters.delivered_from, self.filters.delivered_to),
        ):
            phrase = date_range_phrase(verb, first.value, last.value)
            if phrase is not None:
                words.append(phrase)
        if self.filters.q:
            words.append(f"matching {_quoted(self.filters.q)}")
        return words


def _quoted(text: str) -> str:
    # A long search is quoted back in part: the heading has to stay readable.
    if len(text) > _QUOTED_SEARCH_LENGTH:
        text = text[:_QUOTED_SEARCH_LENGTH].rstrip() + "…"
    return f"“{text}”"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count:,} days"


#: What a list row or a scorecard's short list shows of a commitment
#: (components/commitment_record.html, components/scorecard.html), and what its flags
#: are worked out from; the rest of its words stay in the database.
LISTED_COMMITMENT_COLUMNS: tuple[Any, ...] = (
    Commitment.number,
    Commitment.title,
    Commitment.partner_id,
    Commitment.status,
    Commitment.committed_on,
    Commitment.target_date,
    Commitment.original_target_date,
    Commitment.last_update_on,
)
_PARTNER_NAME: Any = Partner.name
#: A list row's columns, in the order of :class:`ListedCommitment`'s fields.
_LIST_ROW_COLUMNS: tuple[Any, ...] = (
    Commitment.number,
    Commitment.title,
    _PARTNER_NAME,
    Commitment.status,
    Commitment.committed_on,
    Commitment.target_date,
    Commitment.original_target_date,
    Commitment.last_update_on,
)


@dataclass(frozen=True)
class CommitmentSelection:
    """The commitments that a list's filters choose, in the list's order: what
    ``/we-will`` shows a page at a time and its downloads give whole."""

    #: The filters actually applied: an unknown partner, theme, area or community is dropped.
    filters: CommitmentFilters
    options: IssueFilterOptions
    partner: FilterOption | None
    theme: FilterOption | None
    area: FilterOption | None
    community: FilterOption | None
    notices: tuple[str, ...]
    conditions: tuple[ColumnElement[bool], ...]
    matches: Matches | None
    order: tuple[Any, ...]

    def matching(self, *columns: Any) -> sa.Select[Any]:
        """``columns`` of the chosen commitments (not yet in order)."""
        statement = sa.select(*columns).select_from(Commitment)
        if self.matches is not None:
            statement = self.matches.restrict(statement)
        return statement.where(*self.conditions)


def select_commitments(
    session: Session, filters: CommitmentFilters, today: date, threshold_days: int
) -> CommitmentSelection:
    """The commitments ``filters`` choose (one query: the filter form's options, which
    also resolve the slugs in the address).

    Partner, theme, area and community follow the clauses the scorecards count with,
    and the dates made and delivered those the board report counts a quarter's
    commitments with, so a figure there equals the total here. An unknown slug is
    ignored with a notice.
    """
    notices = list(filters.notices)
    options = filter_options(session)
    partner = _option(options.partners, filters.partner)
    theme = _option(options.themes, filters.theme)
    area = _option(options.areas, filters.area)
    community = _option(options.communities, filters.community)
    for slug, found, what in (
        (filters.partner, partner, "partner"),
        (filters.theme, theme, "theme"),
        (filters.area, area, "area"),
        (filters.community, community, "community"),
    ):
        if slug is not None and found is None:
            notices.append(
                f"The {what} in the address was not found, "
                f"so commitments of every {what} are shown."
            )
    filters = replace(
        filters,
        partner=partner.slug if partner else None,
        theme=theme.slug if theme else None,
        area=area.slug if area else None,
        community=community.slug if community else None,
    )

    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(commitment_status_clause(filters.status, today, threshold_days))
    if partner is not None:
        conditions.append(commitment_partner_clause(partner.id))
    if theme is not None:
        conditions.append(commitment_issue_clause(issue_theme_clause(theme.id)))
    if area is not None:
        conditions.append(commitment_issue_clause(issue_area_clause(area.id)))
    if community is not None:
        conditions.append(commitment_issue_clause(issue_community_clause(community.id)))
    if filters.due is not None:
        conditions.append(due_within_clause(today, filters.due))
    if filters.made_from.value or filters.made_to.value:
        conditions.append(commitment_made_clause(filters.made_from.value, filters.made_to.value))
    if filters.delivered_from.value or filters.delivered_to.value:
        conditions.append(
            commitment_delivered_clause(filters.delivered_from.value, filters.delivered_to.value)
        )
    matches = None if filters.search.is_empty else commitment_matches(session, filters.search)
    return CommitmentSelection(
        filters=filters,
        options=options,
        partner=partner,
        theme=theme,
        area=area,
        community=community,
        notices=tuple(notices),
        conditions=tuple(conditions),
        matches=matches,
        order=tuple(_order(filters.applied_sort, matches)),
    )


def list_commitments(
    session: Session, filters: CommitmentFilters, today: date, threshold_days: int
) -> CommitmentListing:
    """Commitments matching ``filters``, in the order asked for, one page at a time.

    Always two queries, however many rows are shown or stored: the partners, themes,
    areas and communities for the filter form (which also resolve the slugs in the
    address; :func:`select_commitments`), and the page with each commitment's partner
    and the total across every page (a window count); only a page number past the end
    costs two more. A search adds its matches and their rank to the page's query, not
    a query of its own.
    """
    chosen = select_commitments(session, filters, today, threshold_days)
    matching, order = chosen.matching, chosen.order

    def fetch(number: int) -> list[Any]:
        # The page is chosen on narrow rows (id, position, total), and only its own
        # rows are read in full, as on /you-said.
        page = (
            matching(
                col(Commitment.id).label("id"),
                sa.func.row_number().over(order_by=order).label("position"),
                total_column(matching, ranked=chosen.matches is not None),
            )
            .order_by(*order)
            .offset(row_offset(number))
            .limit(PAGE_SIZE)
            .subquery("page")
        )
        statement = (
            sa.select(*_LIST_ROW_COLUMNS, page.c.total)
            .select_from(Commitment)
            .join(page, page.c.id == col(Commitment.id))
            .join(Partner, col(Partner.id) == col(Commitment.partner_id))
            .order_by(page.c.position)
        )
        return list(session.execute(statement).all())

    filters = chosen.filters
    shown = rows_of_page(
        filters.page, fetch, lambda: session.execute(matching(sa.func.count())).scalar_one()
    )
    rows = []
    for row in shown.rows:
        listed = ListedCommitment(*row[: len(_LIST_ROW_COLUMNS)])
        rows.append(
            CommitmentRow(
                commitment=listed,
                overdue=is_overdue(listed, today),
                no_recent_update=no_recent_update(listed, today, threshold_days),
            )
        )
    options = chosen.options
    return CommitmentListing(
        page=Page(rows=rows, number=shown.number, total=shown.total, requested=filters.page),
        filters=filters,
        partners=options.partners,
        themes=options.themes,
        areas=options.areas,
        communities=options.communities,
        partner=chosen.partner,
        theme=chosen.theme,
        area=chosen.area,
        community=chosen.community,
        notices=chosen.notices,
    )


def _order(sort: str, matches: Matches | None) -> list[Any]:
    # The reference number breaks ties, so a page never shuffles between requests.
    if sort == SORT_TARGET_DATE:
        return [col(Commitment.target_date).asc(), col(Commitment.number).asc()]
    if sort == SORT_LAST_UPDATE:
        return longest_silent_first()
    newest = [col(Commitment.committed_on).desc(), col(Commitment.number).desc()]
    if sort == SORT_RELEVANCE and matches is not None:
        return [matches.relevance.desc(), *newest]
    return newest


def _option(options: list[FilterOption], slug: str | None) -> FilterOption | None:
    return next((option for option in options if option.slug == slug), None)


# --- One commitment ("We will" and "We did") --------------------------------------


@dataclass(frozen=True)
class TargetDateChange:
    """One move of a commitment's target date, from the update that made it."""

    changed_on: date
    previous_target_date: date
    new_target_date: date
    #: Why it moved; ``None`` when no reason was given or the update was hidden.
    reason: str | None
    #: True when the update that moved the date has been hidden (the move itself stays).
    reason_hidden: bool = False
    #: The update that moved it.
    update: Update | None = field(default=None, compare=False, repr=False)

    @property
    def days_moved(self) -> int:
        """Days later (negative: earlier) than the date it replaced."""
        return (self.new_target_date - self.previous_target_date).days


@dataclass(frozen=True)
class TargetDateHistory:
    """Every target date a commitment has had, and how far it has slipped."""

    original_target_date: date
    target_date: date
    #: Oldest first.
    changes: tuple[TargetDateChange, ...]

    @property
    def times_moved(self) -> int:
        """How many times the target date has been changed."""
        return len(self.changes)

    @property
    def days_slipped(self) -> int:
        """Days between the date first promised and the date now promised.

        Negative when the date has been brought forward; zero when it has moved and
        come back.
        """
        return (self.target_date - self.original_target_date).days


def target_date_history(commitment: Commitment, updates: Iterable[Update]) -> TargetDateHistory:
    """The target dates of ``commitment``, read from its updates that moved it.

    PRODUCT.md: a changed target date is never hidden. So a move made by an update
    that was later hidden still counts, and is shown without the update's reason.
    An update that records no previous date is taken to move the date in force
    before it. The slip is the current target date less the original one, as
    stored on the commitment.
    """
    changes = []
    in_force = commitment.original_target_date
    for update in sorted(updates, key=lambda update: update.posted_at):
        previous = update.previous_target_date or in_force
        if update.new_target_date is None or update.new_target_date == previous:
            continue
        changes.append(
            TargetDateChange(
                changed_on=local_date(update.posted_at),
                previous_target_date=previous,
                new_target_date=update.new_target_date,
                reason=None if update.is_hidden else update.reason,
                reason_hidden=update.is_hidden,
                update=update,
            )
        )
        in_force = update.new_target_date
    return TargetDateHistory(
        original_target_date=commitment.original_target_date,
        target_date=commitment.target_date,
        changes=tuple(changes),
    )


@dataclass(frozen=True)
class EvidenceLink:
    """A link an update gives as evidence. Only a web address is made clickable."""

    title: str
    url: str
    #: The web site's host name, shown beside the link; ``None`` when the address is
    #: not one we link to (:func:`tracker.addresses.web_address_problem`), so no link
    #: is made.
    host: str | None

    @property
    def is_web_link(self) -> bool:
        return self.host is not None


def evidence_link(link: Mapping[str, Any]) -> EvidenceLink:
    """An evidence link as stored (``{"title": ..., "url": ...}``), checked for display."""
    url = str(link.get("url") or "").strip()
    title = str(link.get("title") or "").strip() or url
    return EvidenceLink(title=title, url=url, host=web_link_host(url))


@dataclass(frozen=True)
class UpdateEntry:
    """An update as the commitment's timeline shows it."""

    update: Update
    posted_on: date
    #: When it was hidden; a hidden update shows only its trace, never its text.
    hidden_on: date | None
    #: ``(from, to)`` when the update changed the status; ``from`` may be unknown.
    status_change: tuple[CommitmentStatus | None, CommitmentStatus] | None
    target_date_change: TargetDateChange | None
    evidence: tuple[EvidenceLink, ...]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_on is not None


@dataclass(frozen=True)
class CommitmentDetail:
    """One commitment with everything its page shows."""

    commitment: Commitment
    overdue: bool
    no_recent_update: bool
    #: The date "No recent update" counts from: the latest update, or the commitment.
    last_activity_on: date
    days_since_update: int
    target_dates: TargetDateHistory
    #: Newest first.
    updates: list[UpdateEntry]
    #: True when the status needs a reason and the one given is in a hidden update
    #: (:func:`tracker.rules.status_reason_hidden`).
    status_reason_hidden: bool = False

    @property
    def status_reason(self) -> str | None:
        """The public reason, shown for Delayed and Not going ahead."""
        if self.commitment.status in STATUSES_NEEDING_REASON:
            return self.commitment.status_reason
        return None

    @property
    def latest_progress(self) -> int | None:
        """The progress the latest visible update reported, if any did."""
        return next(
            (
                entry.update.progress_percent
                for entry in self.updates
                if not entry.is_hidden and entry.update.progress_percent is not None
            ),
            None,
        )


def commitment_detail(
    session: Session, number: int, today: date, threshold_days: int
) -> CommitmentDetail:
    """The commitment numbered ``number``, its partner, issue and every update.

    Always two queries, however many updates it has: the commitment with its partner
    and issue, and its updates. Raises :class:`RecordNotFound` when there is no such
    commitment.
    """
    commitment = session.exec(
        select(Commitment)
        .where(col(Commitment.number) == number)
        .options(
            joinedload(relationship(Commitment.partner)),
            joinedload(relationship(Commitment.issue)),
            selectinload(relationship(Commitment.updates)),
        )
    ).one_or_none()
    if commitment is None:
        raise RecordNotFound(
            f"There is no commitment with the reference "
            f"{format_reference(Commitment.REFERENCE_PREFIX, number)}. Check the reference, "
            "or find the commitment in the list of commitments partners made."
        )
    history = target_date_history(commitment, commitment.updates)
    move_by_update = {id(change.update): change for change in history.changes}
    entries = [
        _update_entry(update, move_by_update.get(id(update))) for update in commitment.updates
    ]
    entries.sort(key=lambda entry: entry.update.posted_at, reverse=True)
    return CommitmentDetail(
        commitment=commitment,
        overdue=is_overdue(commitment, today),
        no_recent_update=no_recent_update(commitment, today, threshold_days),
        last_activity_on=last_activity_on(commitment),
        days_since_update=days_since_update(commitment, today),
        target_dates=history,
        updates=entries,
        status_reason_hidden=status_reason_hidden(commitment, commitment.updates),
    )


def _update_entry(update: Update, move: TargetDateChange | None) -> UpdateEntry:
    status_change = None
    if update.new_status is not None and update.new_status != update.previous_status:
        status_change = (update.previous_status, update.new_status)
    return UpdateEntry(
        update=update,
        posted_on=local_date(update.posted_at),
        hidden_on=local_date(update.hidden_at) if update.hidden_at is not None else None,
        status_change=status_change,
        target_date_change=move,
        evidence=tuple(evidence_link(link) for link in update.evidence_links or []),
    )
