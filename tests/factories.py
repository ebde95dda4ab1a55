"""Factories for records: each makes a valid record with sensible defaults.

Pass only what a test cares about; everything else is filled in. Each factory
adds the record to the session and flushes, so it has an id.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from tests.conftest import TODAY
from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Engagement,
    EngagementKind,
    Issue,
    Partner,
    PartnerKind,
    Role,
    Theme,
    Update,
    User,
)
from tracker.references import allocate_number

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def _save(session: Session, record: Any) -> Any:
    session.add(record)
    session.flush()
    return record


def make_partner(session: Session, **fields: Any) -> Partner:
    n = _next()
    defaults: dict[str, Any] = {
        "slug": f"partner-{n}",
        "name": f"Partner organisation {n}",
        "kind": PartnerKind.NHS_TRUST,
    }
    return _save(session, Partner(**{**defaults, **fields}))


def make_area(session: Session, **fields: Any) -> Area:
    n = _next()
    return _save(session, Area(**{"slug": f"area-{n}", "name": f"Area {n}", **fields}))


def make_theme(session: Session, **fields: Any) -> Theme:
    n = _next()
    return _save(session, Theme(**{"slug": f"theme-{n}", "name": f"Theme {n}", **fields}))


def make_community(session: Session, **fields: Any) -> Community:
    n = _next()
    return _save(
        session, Community(**{"slug": f"community-{n}", "name": f"Community {n}", **fields})
    )


def make_engagement(session: Session, **fields: Any) -> Engagement:
    defaults: dict[str, Any] = {
        "number": allocate_number(session, Engagement.REFERENCE_PREFIX),
        "title": "Community conversation",
        "kind": EngagementKind.COMMUNITY_CONVERSATION,
        "started_on": TODAY - timedelta(days=60),
    }
    return _save(session, Engagement(**{**defaults, **fields}))


def make_issue(session: Session, **fields: Any) -> Issue:
    defaults: dict[str, Any] = {
        "number": allocate_number(session, Issue.REFERENCE_PREFIX),
        "title": "Hard to get a GP appointment",
        "summary": "People told us they ring at 8am and cannot get through.",
        "raised_on": TODAY - timedelta(days=30),
    }
    if "lead_partner" not in fields and "lead_partner_id" not in fields:
        defaults["lead_partner"] = make_partner(session)
    return _save(session, Issue(**{**defaults, **fields}))


def make_commitment(session: Session, **fields: Any) -> Commitment:
    target_date: date = fields.pop("target_date", TODAY + timedelta(days=60))
    defaults: dict[str, Any] = {
        "number": allocate_number(session, Commitment.REFERENCE_PREFIX),
        "title": "We will open more appointments",
        "description": "Add evening appointments at three practices.",
        "success_measure": "Waiting times for a routine appointment fall below two weeks.",
        "accountable_role": "Director of Primary Care",
        "committed_on": TODAY - timedelta(days=20),
        "original_target_date": fields.pop("original_target_date", target_date),
        "target_date": target_date,
        "status": CommitmentStatus.NOT_STARTED,
    }
    if "issue" not in fields and "issue_id" not in fields:
        defaults["issue"] = make_issue(session)
    if "partner" not in fields and "partner_id" not in fields:
        issue = fields.get("issue") or defaults.get("issue")
        defaults["partner"] = issue.lead_partner if issue else make_partner(session)
    return _save(session, Commitment(**{**defaults, **fields}))


def make_update(session: Session, **fields: Any) -> Update:
    defaults: dict[str, Any] = {"narrative": "We met the practices and agreed a plan."}
    if "commitment" not in fields and "commitment_id" not in fields:
        defaults["commitment"] = make_commitment(session)
    return _save(session, Update(**{**defaults, **fields}))


def make_user(session: Session, **fields: Any) -> User:
    n = _next()
    defaults: dict[str, Any] = {
        "email": f"user{n}@example.nhs.uk",
        "name": f"Staff member {n}",
        "role": Role.ENGAGEMENT,
    }
    return _save(session, User(**{**defaults, **fields}))
