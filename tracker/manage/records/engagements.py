"""Engagements: where residents were heard, recorded by the engagement team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session

from tracker import audit, clock
from tracker.manage.problems import InvalidInput
from tracker.manage.records.common import (
    SUMMARY_MAX,
    TITLE_MAX,
    check_count,
    check_text,
    commit_changes,
    commit_created,
    ensure_team,
    find_by_reference,
    ids_of,
    record_with_id,
    records_with_ids,
    web_address_problem,
)
from tracker.models import (
    Area,
    Community,
    Engagement,
    EngagementKind,
    Partner,
    User,
)
from tracker.queries.pagination import relationship
from tracker.references import allocate_number


def find_engagement(session: Session, reference: str) -> Engagement:
    """The engagement with public reference ``reference`` (``EN-0003``), with its links."""
    return find_by_reference(
        session,
        Engagement,
        "engagement",
        reference,
        joinedload(relationship(Engagement.area)),
        joinedload(relationship(Engagement.organising_partner)),
        selectinload(relationship(Engagement.communities)),
    )


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
        "community_ids": ids_of(engagement.communities),
    }


@dataclass(frozen=True)
class _EngagementLinks:
    area: Area | None
    organiser: Partner | None
    communities: list[Community]


def _checked_engagement(session: Session, details: EngagementDetails) -> _EngagementLinks:
    """The records ``details`` link to, once every rule is met; else :class:`InvalidInput`."""
    problems: dict[str, str] = {}
    check_text(problems, "title", details.title, "Title", TITLE_MAX)
    check_text(problems, "summary", details.summary, "Summary", SUMMARY_MAX, required=False)
    if details.ended_on is not None and details.ended_on < details.started_on:
        problems["ended_on"] = "The end date must be the same as or after the start date"
    check_count(problems, "participant_count", details.participant_count, "Participants")
    if details.write_up_url:
        problem = web_address_problem(details.write_up_url, "The write-up's address")
        if problem:
            problems["write_up_url"] = problem
    area = record_with_id(
        session, Area, details.area_id, problems, "area", "Choose an area from the list"
    )
    organiser = record_with_id(
        session,
        Partner,
        details.organising_partner_id,
        problems,
        "organising_partner",
        "Choose a partner from the list",
    )
    communities = records_with_ids(
        session,
        Community,
        details.community_ids,
        problems,
        "communities",
        "Choose communities from the list",
    )
    if problems:
        raise InvalidInput(problems)
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
    ensure_team(actor)
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
    commit_created(
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
    ensure_team(actor)
    before = _engagement_snapshot(engagement)
    _assign_engagement(engagement, details, _checked_engagement(session, details))
    return commit_changes(
        session,
        actor,
        "engagement.changed",
        "engagement",
        engagement,
        before,
        _engagement_snapshot(engagement),
    )
