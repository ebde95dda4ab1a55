"""The engagement team's records: engagements, issues, changes of lead partner,
moderation of updates, and the reference data (partners, areas, themes, communities).

Reads for the workspace's pages come first; the writes follow. Every write:

- refuses anyone outside the engagement team (admins included) before anything else;
- checks the record's rules, raising :class:`InvalidRecord` with a message for each
  field at fault, before anything is written;
- writes the record and its audit event (:mod:`tracker.audit`) in one transaction,
  and commits.

The rules live here, not in the forms, so every way in (the workspace, the command
line, an import) keeps them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from markupsafe import escape
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel, col, select

from tracker import audit, clock, data_version
from tracker.errors import RecordNotFound, TrackerError
from tracker.manage.commitments import RESTATED_FIELDS, restate_from_visible_updates
from tracker.manage.permissions import Forbidden, is_team
from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Engagement,
    EngagementKind,
    Issue,
    LeadPartnerChange,
    Partner,
    PartnerKind,
    Report,
    ReportDocument,
    ReportStatus,
    Role,
    Theme,
    Update,
    User,
)
from tracker.public.issues import (
    LAST_PAGE_TRIED,
    IssueRow,
    issue_partner_clause,
    issue_rows,
    reference_number,
)
from tracker.public.queries import PAGE_SIZE, Page, page_number, relationship, row_offset
from tracker.references import allocate_number
from tracker.rendering import format_date
from tracker.reports.content import NARRATIVE_LIMIT
from tracker.rules import STATUSES_NEEDING_REASON, ResponseState, response_state_clause
from tracker.search import issue_relevance, parse_query

# --- Limits -------------------------------------------------------------------------

#: Titles and names fit the database's columns.
TITLE_MAX = 200
NAME_MAX = 200
#: Long text: an issue's or engagement's summary.
SUMMARY_MAX = 5000
#: A description of a partner, theme or community.
DESCRIPTION_MAX = 2000
#: One quote: short, so it stays a quote rather than a transcript.
QUOTE_MAX = 500
#: All of an issue's quotes together, as typed (one a line).
QUOTES_MAX = 5000
#: A public reason: for a change of lead partner, or for hiding an update.
REASON_MAX = 1000
URL_MAX = 500
#: More people than live in any ICS: a typing slip, not a count.
COUNT_MAX = 10_000_000

SLUG_MAX = 80
# Room for a "-99" suffix when two records share a name's slug.
_SLUG_BASE_MAX = SLUG_MAX - 6

_HOSTNAME = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")

ModelT = TypeVar("ModelT", bound=SQLModel)
ReferencedT = TypeVar("ReferencedT", Engagement, Issue)


class InvalidRecord(TrackerError):
    """Fields that break a rule; ``problems`` maps each field's name to what to fix."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


class AlreadyHidden(TrackerError):
    """An update that is already hidden cannot be hidden again."""

    status_code = 409


class HidingConflict(TrackerError):
    """The commitment was changed (an update posted) while the update was being hidden."""

    status_code = 409


def _ensure_team(actor: User) -> None:
    if not is_team(actor):
        raise Forbidden("Only the engagement team can change these records.")


# --- Shared rules -------------------------------------------------------------------


def web_address_problem(url: str, label: str) -> str | None:
    """Why ``url`` is not a web address we will link to, or ``None`` when it is.

    Only http and https addresses with a real host name are accepted, so a stored
    address can never run script (``javascript:``) or point at a local file.
    """
    example = f"{label} must be a web address starting with https:// or http://"
    if len(url) > URL_MAX:
        return f"{label} must be {URL_MAX} characters or fewer"
    if any(character.isspace() for character in url):
        return f"{example}, with no spaces"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading the port checks it is a number in range
    except ValueError:
        return f"{example}, like https://www.example.org/report"
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not _HOSTNAME.fullmatch(host):
        return f"{example}, like https://www.example.org/report"
    return None


def slug_of(name: str, fallback: str) -> str:
    """The address form of ``name``: ``Carers & families`` becomes ``carers-and-families``."""
    text = unicodedata.normalize("NFKD", name.replace("&", " and "))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    slug = slug[:_SLUG_BASE_MAX].strip("-")
    return slug or fallback


def unique_slug(session: Session, model: Any, name: str, fallback: str) -> str:
    """A slug for a new record of ``model`` that no record has: ``name``'s, or with -2, -3..."""
    base = slug_of(name, fallback)
    taken = set(
        session.exec(
            select(model.slug).where(
                sa.or_(col(model.slug) == base, col(model.slug).startswith(base + "-"))
            )
        ).all()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _text_problem(value: str, label: str, maximum: int, required: bool = True) -> str | None:
    if required and not value.strip():
        return f"Enter {label[0].lower() + label[1:]}"
    if len(value) > maximum:
        return f"{label} must be {maximum:,} characters or fewer"
    return None


def _check_text(
    problems: dict[str, str],
    name: str,
    value: str,
    label: str,
    maximum: int,
    required: bool = True,
) -> None:
    problem = _text_problem(value, label, maximum, required)
    if problem is not None:
        problems.setdefault(name, problem)


def _check_count(problems: dict[str, str], name: str, value: int | None, label: str) -> None:
    if value is not None and not 0 <= value <= COUNT_MAX:
        problems.setdefault(name, f"{label} must be a whole number from 0 to {COUNT_MAX:,}")


def _records(
    session: Session,
    model: type[ModelT],
    ids: Iterable[int],
    problems: dict[str, str],
    name: str,
    message: str,
) -> list[ModelT]:
    """The records of ``model`` with ``ids``, or a problem when any no longer exists."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = list(session.exec(select(model).where(col(model.id).in_(wanted))).all())  # type: ignore[attr-defined]
    if len(found) != len(wanted):
        problems.setdefault(name, message)
    by_id = {record.id: record for record in found}  # type: ignore[attr-defined]
    return [by_id[record_id] for record_id in wanted if record_id in by_id]


def _record(
    session: Session,
    model: type[ModelT],
    record_id: int | None,
    problems: dict[str, str],
    name: str,
    message: str,
) -> ModelT | None:
    if record_id is None:
        return None
    found = session.get(model, record_id)
    if found is None:
        problems.setdefault(name, message)
    return found


def _ids(records: Iterable[Any]) -> list[int]:
    return sorted(record.id for record in records)


def _record_created(
    session: Session, actor: User, action: str, entity_type: str, record: Any, after: dict[str, Any]
) -> None:
    """Give the new ``record`` its id, audit it as ``action`` with ``after``, and commit."""
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=record.id,
        after=after,
    )
    session.commit()


def _record_changes(
    session: Session,
    actor: User,
    action: str,
    entity_type: str,
    record: Any,
    before: dict[str, Any],
    after: dict[str, Any],
) -> bool:
    """Audit the fields that differ between the snapshots ``before`` and ``after`` as
    ``action``, and commit. When none differ, write nothing and return False."""
    changed_before, changed_after = audit.changed(before, after)
    if not changed_after:
        # Nothing to record: leave the stored record exactly as it was.
        session.rollback()
        return False
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=record.id,
        before=changed_before,
        after=changed_after,
    )
    session.commit()
    return True


# --- Choices for the forms ----------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A record as a form offers it: its id and the words shown."""

    id: int
    label: str


@dataclass(frozen=True)
class RecordChoices:
    """Everything the engagement and issue forms offer, each list in the order shown."""

    partners: list[Choice]
    areas: list[Choice]
    themes: list[Choice]
    communities: list[Choice]
    engagements: list[Choice]


def area_labels(areas: Sequence[Area]) -> dict[int, str]:
    """Each area's name, after its parent's for an area within another ("Vale: Northgate")."""
    names = {area.id: area.name for area in areas}
    labels: dict[int, str] = {}
    for area in areas:
        assert area.id is not None
        parent = names.get(area.parent_id) if area.parent_id is not None else None
        labels[area.id] = f"{parent}: {area.name}" if parent else area.name
    return labels


def partner_choices(session: Session) -> list[Choice]:
    """Every partner, by name."""
    partners = session.exec(select(Partner).order_by(col(Partner.name))).all()
    return [Choice(partner.id, partner.name) for partner in partners if partner.id is not None]


def area_choices(session: Session) -> list[Choice]:
    """Every area, labelled with its parent's name, in order of those labels."""
    labels = area_labels(session.exec(select(Area)).all())
    return sorted(
        (Choice(area_id, label) for area_id, label in labels.items()),
        key=lambda choice: choice.label.lower(),
    )


def record_choices(session: Session, *, engagements: bool = True) -> RecordChoices:
    """The partners, areas, themes, communities and (unless not wanted) engagements,
    most recent first, that the engagement and issue forms offer."""
    themes = session.exec(select(Theme).order_by(col(Theme.name))).all()
    communities = session.exec(select(Community).order_by(col(Community.name))).all()
    heard_at = (
        session.exec(
            select(Engagement).order_by(
                col(Engagement.started_on).desc(), col(Engagement.number).desc()
            )
        ).all()
        if engagements
        else []
    )
    return RecordChoices(
        partners=partner_choices(session),
        areas=area_choices(session),
        themes=[Choice(theme.id, theme.name) for theme in themes if theme.id is not None],
        communities=[Choice(c.id, c.name) for c in communities if c.id is not None],
        engagements=[
            Choice(e.id, f"{e.title} ({e.reference}, {format_date(e.started_on)})")
            for e in heard_at
            if e.id is not None
        ],
    )


# --- Finding records by their address -----------------------------------------------


def _find_by_reference(
    session: Session, model: type[ReferencedT], noun: str, reference: str, *options: Any
) -> ReferencedT:
    """The ``model`` record with public reference ``reference``, loaded with ``options``;
    :class:`RecordNotFound` when the reference is malformed or nothing has it."""
    number = reference_number(reference, model.REFERENCE_PREFIX)
    found = None
    if number is not None:
        found = session.exec(
            select(model).where(col(model.number) == number).options(*options)
        ).one_or_none()
    if found is None:
        raise RecordNotFound(f"There is no {noun} with the reference {reference}.")
    return found


def find_engagement(session: Session, reference: str) -> Engagement:
    """The engagement with public reference ``reference`` (``EN-0003``), with its links."""
    return _find_by_reference(
        session,
        Engagement,
        "engagement",
        reference,
        joinedload(relationship(Engagement.area)),
        joinedload(relationship(Engagement.organising_partner)),
        selectinload(relationship(Engagement.communities)),
    )


def find_issue(session: Session, reference: str) -> Issue:
    """The issue with public reference ``reference`` (``YS-0042``), with its links."""
    return _find_by_reference(
        session,
        Issue,
        "issue",
        reference,
        joinedload(relationship(Issue.lead_partner)),
        selectinload(relationship(Issue.supporting_partners)),
        selectinload(relationship(Issue.themes)),
        selectinload(relationship(Issue.areas)),
        selectinload(relationship(Issue.communities)),
        selectinload(relationship(Issue.engagements)),
    )


def find_update(session: Session, update_id: int) -> Update:
    """The update numbered ``update_id``, with its commitment and that commitment's issue
    and partner."""
    update = session.exec(
        select(Update)
        .where(col(Update.id) == update_id)
        .options(
            joinedload(relationship(Update.commitment)).joinedload(relationship(Commitment.issue)),
            joinedload(relationship(Update.commitment)).joinedload(
                relationship(Commitment.partner)
            ),
            joinedload(relationship(Update.author)),
        )
    ).one_or_none()
    if update is None:
        raise RecordNotFound(f"There is no update numbered {update_id}.")
    return update


# --- The workspace's list of issues -------------------------------------------------


@dataclass(frozen=True)
class IssueSearch:
    """What the workspace's list of issues was searched for, read from the address."""

    #: The search box's text as typed, for the form.
    q: str = ""
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query_args(self) -> dict[str, str]:
        return {"q": self.q} if self.q else {}


def workspace_issues(
    session: Session, user: User, search: IssueSearch, today: date
) -> Page[IssueRow]:
    """The issues ``user`` may respond to, awaiting a response first, one page at a time.

    The team sees every issue; a partner lead sees the issues their partner leads or
    supports. Issues still awaiting a response come first, the longest waiting at
    the top; the rest follow, the most recently raised first. The search finds a
    reference (``YS-0042``, ``ys42``) or words from the issue or its commitments.
    """
    conditions: list[Any] = []
    if not is_team(user):
        if user.role is not Role.PARTNER or user.partner_id is None:
            conditions.append(sa.false())
        else:
            conditions.append(issue_partner_clause(user.partner_id))
    relevance = None
    number = reference_number(search.q, Issue.REFERENCE_PREFIX) if search.q else None
    if number is not None:
        conditions.append(col(Issue.number) == number)
    elif search.q:
        query = parse_query(search.q)
        if query.is_empty:
            conditions.append(sa.false())
        else:
            relevance = issue_relevance(session, query)

    def matching(*columns: Any) -> sa.Select[Any]:
        statement = sa.select(*columns).select_from(Issue)
        if relevance is not None:
            statement = statement.join(relevance, relevance.c.issue_id == col(Issue.id))
        return statement.where(*conditions)

    awaiting = response_state_clause(ResponseState.AWAITING_RESPONSE)

    def fetch(page: int) -> list[Any]:
        statement = (
            matching(Issue, sa.func.count().over().label("total"))
            .options(
                joinedload(relationship(Issue.lead_partner)),
                selectinload(relationship(Issue.commitments)),
            )
            .order_by(
                sa.case((awaiting, 0), else_=1),
                sa.case((awaiting, col(Issue.raised_on)), else_=None).asc(),
                col(Issue.raised_on).desc(),
                col(Issue.number).desc(),
            )
            .offset(row_offset(page))
            .limit(PAGE_SIZE)
        )
        return list(session.execute(statement).all())

    wanted = min(search.page, LAST_PAGE_TRIED)
    rows = fetch(wanted)
    if rows:
        total = rows[0].total
    elif wanted > 1:
        total = session.execute(matching(sa.func.count())).scalar_one()
        wanted = page_number(wanted, total)
        rows = fetch(wanted) if total else []
    else:
        total = 0
    return Page(
        rows=issue_rows([row.Issue for row in rows], today),
        number=wanted,
        total=total,
        requested=search.page,
    )


# --- Engagements ---------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementDetails:
    """What the engagement form collects."""

    title: str
    kind: EngagementKind
    started_on: date
    summary: str = ""
    ended_on: date | None = None
    area_id: int | None = None
    organising_partner_id: int | None = None
    community_ids: tuple[int, ...] = ()
    participant_count: int | None = None
    write_up_url: str | None = None


_ENGAGEMENT_FIELDS = (
    "title",
    "kind",
    "summary",
    "started_on",
    "ended_on",
    "area_id",
    "organising_partner_id",
    "participant_count",
    "write_up_url",
)


def _engagement_snapshot(engagement: Engagement) -> dict[str, Any]:
    return {
        **audit.snapshot(engagement, _ENGAGEMENT_FIELDS),
        "community_ids": _ids(engagement.communities),
    }


@dataclass(frozen=True)
class _EngagementLinks:
    area: Area | None
    organiser: Partner | None
    communities: list[Community]


def _checked_engagement(session: Session, details: EngagementDetails) -> _EngagementLinks:
    """The records ``details`` link to, once every rule is met; else :class:`InvalidRecord`."""
    problems: dict[str, str] = {}
    _check_text(problems, "title", details.title, "Title", TITLE_MAX)
    _check_text(problems, "summary", details.summary, "Summary", SUMMARY_MAX, required=False)
    if details.ended_on is not None and details.ended_on < details.started_on:
        problems["ended_on"] = "The end date must be the same as or after the start date"
    _check_count(problems, "participant_count", details.participant_count, "Participants")
    if details.write_up_url:
        problem = web_address_problem(details.write_up_url, "The write-up's address")
        if problem:
            problems["write_up_url"] = problem
    area = _record(session, Area, details.area_id, problems, "area", "Choose an area from the list")
    organiser = _record(
        session,
        Partner,
        details.organising_partner_id,
        problems,
        "organising_partner",
        "Choose a partner from the list",
    )
    communities = _records(
        session,
        Community,
        details.community_ids,
        problems,
        "communities",
        "Choose communities from the list",
    )
    if problems:
        raise InvalidRecord(problems)
    return _EngagementLinks(area=area, organiser=organiser, communities=communities)


def _assign_engagement(
    engagement: Engagement, details: EngagementDetails, links: _EngagementLinks
) -> None:
    engagement.title = details.title
    engagement.kind = details.kind
    engagement.summary = details.summary
    engagement.started_on = details.started_on
    engagement.ended_on = details.ended_on
    engagement.area_id = links.area.id if links.area else None
    engagement.organising_partner_id = links.organiser.id if links.organiser else None
    engagement.communities = links.communities
    engagement.participant_count = details.participant_count
    engagement.write_up_url = details.write_up_url or None
    engagement.updated_at = clock.now()


def create_engagement(session: Session, actor: User, details: EngagementDetails) -> Engagement:
    """Record a new engagement with the next ``EN-`` reference; audited as
    ``engagement.created``."""
    _ensure_team(actor)
    links = _checked_engagement(session, details)
    engagement = Engagement(
        number=allocate_number(session, Engagement.REFERENCE_PREFIX),
        title=details.title,
        kind=details.kind,
        started_on=details.started_on,
    )
    session.add(engagement)
    _assign_engagement(engagement, details, links)
    engagement.created_at = engagement.updated_at
    _record_created(
        session,
        actor,
        "engagement.created",
        "engagement",
        engagement,
        {"reference": engagement.reference, **_engagement_snapshot(engagement)},
    )
    return engagement


def change_engagement(
    session: Session, actor: User, engagement: Engagement, details: EngagementDetails
) -> bool:
    """Change an engagement's details; audited as ``engagement.changed`` with the fields
    that changed. Returns False, writing nothing, when nothing changed."""
    _ensure_team(actor)
    before = _engagement_snapshot(engagement)
    _assign_engagement(engagement, details, _checked_engagement(session, details))
    return _record_changes(
        session,
        actor,
        "engagement.changed",
        "engagement",
        engagement,
        before,
        _engagement_snapshot(engagement),
    )


# --- Issues ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueDetails:
    """What the issue form collects (the lead partner is set apart: see
    :func:`create_issue` and :func:`change_lead_partner`)."""

    title: str
    summary: str
    raised_on: date
    quotes: tuple[str, ...] = ()
    people_count: int | None = None
    theme_ids: tuple[int, ...] = ()
    area_ids: tuple[int, ...] = ()
    community_ids: tuple[int, ...] = ()
    engagement_ids: tuple[int, ...] = ()
    supporting_partner_ids: tuple[int, ...] = ()


_ISSUE_FIELDS = ("title", "summary", "quotes", "raised_on", "people_count", "lead_partner_id")


def _issue_snapshot(issue: Issue) -> dict[str, Any]:
    return {
        **audit.snapshot(issue, _ISSUE_FIELDS),
        "theme_ids": _ids(issue.themes),
        "area_ids": _ids(issue.areas),
        "community_ids": _ids(issue.communities),
        "engagement_ids": _ids(issue.engagements),
        "supporting_partner_ids": _ids(issue.supporting_partners),
    }


def quotes_from_text(text: str) -> tuple[str, ...]:
    """The quotes typed one a line, without blank lines or surrounding spaces."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class _IssueLinks:
    themes: list[Theme]
    areas: list[Area]
    communities: list[Community]
    engagements: list[Engagement]
    supporters: list[Partner]


def _checked_issue(
    session: Session,
    details: IssueDetails,
    lead_partner_id: int | None,
    problems: dict[str, str],
) -> _IssueLinks:
    """The records ``details`` link to, once every rule is met; else :class:`InvalidRecord`
    with these problems and any already in ``problems``."""
    _check_text(problems, "title", details.title, "Title", TITLE_MAX)
    _check_text(problems, "summary", details.summary, "Summary", SUMMARY_MAX)
    for number, quote in enumerate(details.quotes, start=1):
        if len(quote) > QUOTE_MAX:
            problems["quotes"] = (
                f"Quote {number} is {len(quote):,} characters long: each quote must be "
                f"{QUOTE_MAX} characters or fewer"
            )
            break
    if details.raised_on > clock.today():
        problems["raised_on"] = "The date raised must be today or in the past"
    _check_count(problems, "people_count", details.people_count, "Number of people")
    if lead_partner_id is not None and lead_partner_id in details.supporting_partner_ids:
        problems["supporting_partners"] = (
            "The lead partner cannot also be a supporting partner: untick it, or choose "
            "another lead partner"
        )
    chosen = "Choose {} from the list"
    links = _IssueLinks(
        themes=_records(
            session, Theme, details.theme_ids, problems, "themes", chosen.format("themes")
        ),
        areas=_records(session, Area, details.area_ids, problems, "areas", chosen.format("areas")),
        communities=_records(
            session,
            Community,
            details.community_ids,
            problems,
            "communities",
            chosen.format("communities"),
        ),
        engagements=_records(
            session,
            Engagement,
            details.engagement_ids,
            problems,
            "engagements",
            chosen.format("engagements"),
        ),
        supporters=_records(
            session,
            Partner,
            details.supporting_partner_ids,
            problems,
            "supporting_partners",
            chosen.format("partners"),
        ),
    )
    if problems:
        raise InvalidRecord(problems)
    return links


def _assign_issue(issue: Issue, details: IssueDetails, links: _IssueLinks) -> None:
    issue.title = details.title
    issue.summary = details.summary
    issue.quotes = list(details.quotes)
    issue.raised_on = details.raised_on
    issue.people_count = details.people_count
    issue.themes = links.themes
    issue.areas = links.areas
    issue.communities = links.communities
    issue.engagements = links.engagements
    issue.supporting_partners = links.supporters
    issue.updated_at = clock.now()


def create_issue(
    session: Session, actor: User, details: IssueDetails, lead_partner_id: int | None
) -> Issue:
    """Record a new issue with its lead partner (``None``: not yet assigned) and the
    next ``YS-`` reference; audited as ``issue.created``.

    This is the only time the lead partner is set without a trace in the public
    history: later changes go through :func:`change_lead_partner`.
    """
    _ensure_team(actor)
    problems: dict[str, str] = {}
    lead = _record(
        session,
        Partner,
        lead_partner_id,
        problems,
        "lead_partner",
        "Choose a partner from the list",
    )
    links = _checked_issue(session, details, lead_partner_id, problems)
    issue = Issue(
        number=allocate_number(session, Issue.REFERENCE_PREFIX),
        title=details.title,
        summary=details.summary,
        raised_on=details.raised_on,
        lead_partner_id=lead.id if lead else None,
    )
    session.add(issue)
    _assign_issue(issue, details, links)
    issue.created_at = issue.updated_at
    _record_created(
        session,
        actor,
        "issue.created",
        "issue",
        issue,
        {"reference": issue.reference, **_issue_snapshot(issue)},
    )
    return issue


def change_issue(session: Session, actor: User, issue: Issue, details: IssueDetails) -> bool:
    """Change an issue's details, but never its lead partner; audited as
    ``issue.changed``. Returns False, writing nothing, when nothing changed."""
    _ensure_team(actor)
    before = _issue_snapshot(issue)
    links = _checked_issue(session, details, issue.lead_partner_id, {})
    _assign_issue(issue, details, links)
    return _record_changes(
        session, actor, "issue.changed", "issue", issue, before, _issue_snapshot(issue)
    )


def change_lead_partner(
    session: Session, actor: User, issue: Issue, new_partner_id: int | None, reason: str
) -> LeadPartnerChange:
    """Give the issue a new lead partner, with a public reason.

    PRODUCT.md: a reassigned owner appears in the public history, dated. So the
    change is kept as a :class:`LeadPartnerChange` (shown on the issue's page) as
    well as in the audit log (``issue.lead_partner_changed``). A partner that
    supported the issue and now leads it stops being a supporting partner.
    """
    _ensure_team(actor)
    problems: dict[str, str] = {}
    reason = reason.strip()
    _check_text(problems, "reason", reason, "Reason", REASON_MAX)
    new_partner = None
    if new_partner_id is None:
        problems["lead_partner"] = "Choose the new lead partner"
    else:
        new_partner = _record(
            session,
            Partner,
            new_partner_id,
            problems,
            "lead_partner",
            "Choose a partner from the list",
        )
    if new_partner is not None and new_partner.id == issue.lead_partner_id:
        problems["lead_partner"] = (
            f"{new_partner.name} already leads this issue: choose a different partner"
        )
    if problems:
        raise InvalidRecord(problems)
    assert new_partner is not None
    before = {
        "lead_partner_id": issue.lead_partner_id,
        "supporting_partner_ids": _ids(issue.supporting_partners),
    }
    assert issue.id is not None
    change = LeadPartnerChange(
        issue_id=issue.id,
        changed_at=clock.now(),
        previous_partner_id=issue.lead_partner_id,
        new_partner_id=new_partner.id,
        reason=reason,
        changed_by_id=actor.id,
    )
    session.add(change)
    issue.lead_partner_id = new_partner.id
    issue.lead_partner = new_partner
    issue.supporting_partners = [
        partner for partner in issue.supporting_partners if partner.id != new_partner.id
    ]
    issue.updated_at = change.changed_at
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="issue.lead_partner_changed",
        entity_type="issue",
        entity_id=issue.id,
        before=before,
        after={
            "lead_partner_id": new_partner.id,
            "supporting_partner_ids": _ids(issue.supporting_partners),
            "reason": reason,
        },
    )
    session.commit()
    return change


# --- Moderation ---------------------------------------------------------------------


@dataclass(frozen=True)
class HiddenUpdate:
    """An update just hidden, and what hiding it did to its commitment's status."""

    update: Update
    status_before: CommitmentStatus
    status_after: CommitmentStatus
    #: True when the commitment kept a status that needs a reason (Delayed, Not
    #: going ahead) but lost its reason, which only the hidden update gave.
    reason_lost: bool
    #: Reports, published and draft, whose stored document quotes the update.
    quoted_in: tuple[Report, ...] = ()

    @property
    def status_undone(self) -> bool:
        """True when the hidden update had set the status the commitment showed."""
        return self.status_after is not self.status_before


def _quoted_words(update: Update) -> list[str]:
    """The update's words as a stored report document would hold them: escaped, as
    Jinja writes them, and a long narrative only as far as the report quotes it
    (``content._latest_update``)."""
    narrative = update.narrative.strip()
    if len(narrative) > NARRATIVE_LIMIT:
        narrative = narrative[:NARRATIVE_LIMIT].rsplit(" ", 1)[0].rstrip(" ,.;:")
    words = [narrative, (update.reason or "").strip()]
    for link in update.evidence_links or []:
        if isinstance(link, dict):
            words += [str(link.get("title") or "")[:300], str(link.get("url") or "")]
    return sorted({str(escape(word)) for word in words if word.strip()})


def reports_quoting(session: Session, update: Update) -> list[Report]:
    """The reports, published ones first, whose stored document quotes ``update``.

    A published report is never changed (``reports.publishing``), so hiding an update
    cannot take its words out of one: the team must publish a correction, and
    generate a draft again before publishing it.
    """
    words = _quoted_words(update)
    if not words:
        return []
    html = col(ReportDocument.html)
    return list(
        session.exec(
            select(Report)
            .join(ReportDocument, col(ReportDocument.report_id) == col(Report.id))
            .where(sa.or_(*(html.contains(word, autoescape=True) for word in words)))
            .options(joinedload(relationship(Report.partner)))
            .order_by(
                col(Report.status) != ReportStatus.PUBLISHED,
                col(Report.period_start),
                col(Report.id),
            )
        ).all()
    )


def hide_update(session: Session, actor: User, update: Update, reason: str) -> HiddenUpdate:
    """Hide an update from the public pages, keeping a public trace of when and why.

    PRODUCT.md: an update is never silently edited; a hidden one leaves a trace with
    the reason. Its words stay stored (the audit log's ``update.hidden`` event
    records only the hiding), and nothing of them is left on the commitment: what
    the update wrote there (status, status reason, delivery date, date of last
    update) is worked out again from the updates still shown, by
    :func:`~tracker.manage.commitments.restate_from_visible_updates`. Hiding cannot
    be undone here, and an update already hidden cannot be hidden again
    (:class:`AlreadyHidden`).

    Hiding is a redaction: once it is committed, every copy of a page rendered with
    the update's words is dropped (``data_version.records_redacted``). Stored board
    reports are not changed; those that quote the update are returned
    (:func:`reports_quoting`) so the team can correct them.

    When the commitment changed since it was loaded (a partner lead posted an update
    at the same moment), nothing is hidden: :class:`HidingConflict`.
    """
    _ensure_team(actor)
    if update.hidden_at is not None:
        raise AlreadyHidden(
            "This update was already hidden, so nothing was changed. An update can only "
            "be hidden once."
        )
    problems: dict[str, str] = {}
    reason = reason.strip()
    _check_text(problems, "reason", reason, "Reason", REASON_MAX)
    if problems:
        raise InvalidRecord(problems)
    commitment = update.commitment
    restated = (*RESTATED_FIELDS, "version")
    before = audit.snapshot(commitment, restated)
    update.hidden_at = clock.now()
    update.hidden_reason = reason
    update.hidden_by_id = actor.id
    status_before, had_reason = commitment.status, commitment.status_reason is not None
    restate_from_visible_updates(commitment, commitment.updates)
    # Always a change to the commitment, so its version moves on and a partner lead
    # whose form predates the hiding is told of it (commitments.conflict_since).
    commitment.updated_at = clock.now()
    try:
        session.flush()
    except StaleDataError:
        # The versioned UPDATE matched no row: an update was posted in between, so
        # what was restated above is out of date.
        session.rollback()
        raise HidingConflict(
            "The commitment changed while you were hiding this update: nothing was "
            "hidden. Look at it again and hide the update if you still need to."
        ) from None
    audit.record(
        session,
        actor=actor,
        action="update.hidden",
        entity_type="update",
        entity_id=update.id,
        before={"hidden_at": None, "hidden_reason": None, **before},
        after={
            "hidden_at": update.hidden_at,
            "hidden_reason": reason,
            "commitment": commitment.reference,
            "commitment_id": commitment.id,
            **audit.snapshot(commitment, restated),
        },
    )
    data_version.note_redaction(session)
    session.commit()
    return HiddenUpdate(
        quoted_in=tuple(reports_quoting(session, update)),
        update=update,
        status_before=status_before,
        status_after=commitment.status,
        reason_lost=(
            commitment.status is status_before
            and had_reason
            and commitment.status_reason is None
            and commitment.status in STATUSES_NEEDING_REASON
        ),
    )


# --- Reference data: partners, areas, themes and communities ------------------------


@dataclass(frozen=True)
class ReferenceKind:
    """One kind of reference data, as its workspace pages and public pages name it."""

    model: type[Any]
    #: The audit log's ``entity_type``, and the slug of a nameless record.
    noun: str
    plural: str
    #: The record's fields that the form edits (besides the name).
    fields: tuple[str, ...]
    #: True when no two records of the kind may share a name.
    unique_name: bool = True

    @property
    def key(self) -> str:
        """The address's word: ``partners``, ``areas``, ``themes`` or ``communities``."""
        return self.plural

    @property
    def public_endpoint(self) -> str:
        """The public page's endpoint, which takes the slug: ``public.partner``."""
        return f"public.{self.noun}"

    @property
    def title(self) -> str:
        return self.plural.capitalize()

    @property
    def one(self) -> str:
        """The noun with its article: "a partner", "an area"."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"


REFERENCE_KINDS: dict[str, ReferenceKind] = {
    kind.key: kind
    for kind in (
        ReferenceKind(Partner, "partner", "partners", ("kind", "description", "website")),
        # Two boroughs may each have a neighbourhood called "Town Centre", so an
        # area's name need only differ from the other areas within the same parent.
        ReferenceKind(Area, "area", "areas", ("parent_id",), unique_name=False),
        ReferenceKind(Theme, "theme", "themes", ("description",)),
        ReferenceKind(Community, "community", "communities", ("description",)),
    )
}


def reference_kind(key: str) -> ReferenceKind:
    """The kind named in an address; an unknown kind is a page that does not exist."""
    kind = REFERENCE_KINDS.get(key)
    if kind is None:
        raise RecordNotFound(
            "There is no such kind of record. The workspace keeps partners, areas, "
            "themes and communities."
        )
    return kind


@dataclass(frozen=True)
class ReferenceDetails:
    """What a reference data form collects; fields a kind does not have are ignored."""

    name: str
    kind: PartnerKind | None = None
    description: str = ""
    website: str | None = None
    parent_id: int | None = None


def reference_counts(session: Session) -> dict[str, int]:
    """How many records of each kind there are, by the kind's key."""
    return {
        key: session.exec(select(sa.func.count()).select_from(kind.model)).one()
        for key, kind in REFERENCE_KINDS.items()
    }


def reference_records(session: Session, kind: ReferenceKind) -> list[Any]:
    """Every record of the kind, by name; areas by their names after their parents'."""
    listed = list(
        session.exec(select(kind.model).order_by(sa.func.lower(col(kind.model.name)))).all()
    )
    if kind.model is Area:
        labels = area_labels(listed)
        listed.sort(key=lambda area: labels[area.id].lower())
    return listed


def find_reference_record(session: Session, kind: ReferenceKind, slug: str) -> Any:
    record = session.exec(select(kind.model).where(col(kind.model.slug) == slug)).one_or_none()
    if record is None:
        raise RecordNotFound(f"There is no {kind.noun} at the address “{slug}”.")
    return record


def _reference_snapshot(kind: ReferenceKind, record: Any) -> dict[str, Any]:
    return audit.snapshot(record, ("name", *kind.fields))


def _name_taken(
    session: Session, kind: ReferenceKind, record_id: int | None, parent_id: int | None, name: str
) -> bool:
    """True when another record of the kind (for areas: within the same parent) has ``name``."""
    model = kind.model
    statement = select(col(model.id)).where(sa.func.lower(col(model.name)) == name.lower())
    if record_id is not None:
        statement = statement.where(col(model.id) != record_id)
    if not kind.unique_name:
        same_parent = (
            col(model.parent_id).is_(None)
            if parent_id is None
            else col(model.parent_id) == parent_id
        )
        statement = statement.where(same_parent)
    return session.exec(statement).first() is not None


def _within_itself(session: Session, area: Area, parent_id: int) -> bool:
    """True when ``area`` would be within itself if it were within ``parent_id``."""
    if area.id is None:
        return False
    parents = dict(session.exec(select(col(Area.id), col(Area.parent_id))).all())
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == area.id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _apply_reference(
    session: Session, kind: ReferenceKind, record: Any, details: ReferenceDetails
) -> None:
    """Check ``details`` against the kind's rules, then copy them onto ``record``."""
    problems: dict[str, str] = {}
    name = details.name.strip()
    _check_text(problems, "name", name, "Name", NAME_MAX)
    parent_id = None
    parent = None
    if "parent_id" in kind.fields:
        parent = _record(
            session, Area, details.parent_id, problems, "parent", "Choose an area from the list"
        )
        if parent is not None and parent.id == record.id:
            problems["parent"] = "An area cannot be within itself: choose another parent area"
        elif (
            parent is not None
            and parent.id is not None
            and _within_itself(session, record, parent.id)
        ):
            problems["parent"] = (
                f"{record.name} cannot be within {parent.name}, because {parent.name} "
                f"is within {record.name}"
            )
        parent_id = parent.id if parent is not None else None
    if "kind" in kind.fields and details.kind is None:
        problems["kind"] = "Choose the kind of partner"
    if "description" in kind.fields:
        _check_text(
            problems,
            "description",
            details.description,
            "Description",
            DESCRIPTION_MAX,
            required=False,
        )
    if "website" in kind.fields and details.website:
        problem = web_address_problem(details.website, "Website")
        if problem:
            problems["website"] = problem
    if "name" not in problems and _name_taken(session, kind, record.id, parent_id, name):
        where = ""
        if not kind.unique_name:
            where = (
                f" within {parent.name}" if parent is not None else " that is not within another"
            )
        problems["name"] = f"There is already {kind.one} called {name}{where}"
    if problems:
        raise InvalidRecord(problems)
    record.name = name
    if "parent_id" in kind.fields:
        record.parent_id = parent_id
    if "kind" in kind.fields:
        record.kind = details.kind
    if "description" in kind.fields:
        record.description = details.description
    if "website" in kind.fields:
        record.website = details.website or None
    if hasattr(record, "updated_at"):
        record.updated_at = clock.now()


def create_reference_record(
    session: Session, actor: User, kind: ReferenceKind, details: ReferenceDetails
) -> Any:
    """Add a partner, area, theme or community; audited as ``<noun>.created``.

    Its slug (the public address, ``/partners/<slug>``) is made from the name,
    with -2, -3... when another record has it, and never changes afterwards:
    addresses are printed in board papers.
    """
    _ensure_team(actor)
    record = kind.model(name="", slug="")
    if kind.model is Partner:
        record.kind = details.kind or PartnerKind.OTHER
    _apply_reference(session, kind, record, details)
    record.slug = unique_slug(session, kind.model, record.name, kind.noun)
    if hasattr(record, "created_at"):
        record.created_at = record.updated_at
    session.add(record)
    _record_created(
        session,
        actor,
        f"{kind.noun}.created",
        kind.noun,
        record,
        {"slug": record.slug, **_reference_snapshot(kind, record)},
    )
    return record


def change_reference_record(
    session: Session, actor: User, kind: ReferenceKind, record: Any, details: ReferenceDetails
) -> bool:
    """Change a partner, area, theme or community, but never its slug; audited as
    ``<noun>.changed``. Returns False, writing nothing, when nothing changed."""
    _ensure_team(actor)
    before = _reference_snapshot(kind, record)
    _apply_reference(session, kind, record, details)
    return _record_changes(
        session,
        actor,
        f"{kind.noun}.changed",
        kind.noun,
        record,
        before,
        _reference_snapshot(kind, record),
    )
