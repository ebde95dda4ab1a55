"""The audit log as admins read it: filters from the address, and one page of events.

Events are written by :func:`tracker.audit.record` alongside every write; this
module only reads them. Filters: who did it, the action, the kind of record,
one record (by its public reference, such as ``WW-0107``, or its number), and a
date range (dates in England).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.clock import LONDON
from tracker.converters import database_id
from tracker.models import AuditEvent, Commitment, Engagement, Issue, User
from tracker.queries.filters import first_value
from tracker.queries.pagination import PAGE_SIZE, Page, page_number, parse_page, row_offset

#: Public references name records of these kinds; other records are found by number.
#: Prefix: (the record's model, its audit entity type).
REFERENCE_KINDS: dict[str, tuple[Any, str]] = {
    "EN": (Engagement, "engagement"),
    "YS": (Issue, "issue"),
    "WW": (Commitment, "commitment"),
}


@dataclass(frozen=True)
class AuditFilters:
    user_id: int | None = None
    action: str | None = None
    entity_type: str | None = None
    record: str | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (not the page)."""
        args = {
            "user": str(self.user_id) if self.user_id is not None else None,
            "action": self.action,
            "entity": self.entity_type,
            "record": self.record,
            "from": self.occurred_from.isoformat() if self.occurred_from else None,
            "to": self.occurred_to.isoformat() if self.occurred_to else None,
        }
        return {name: value for name, value in args.items() if value}

    @property
    def is_filtered(self) -> bool:
        return bool(self.query_args())


def _parse_date(args: Mapping[str, str], name: str, label: str, notices: list[str]) -> date | None:
    raw = first_value(args, name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        notices.append(f"The {label} date was not recognised, so it was ignored.")
        return None


def parse_audit_filters(args: Mapping[str, str]) -> AuditFilters:
    """Read the filters; anything unreadable is ignored with a notice, never an error."""
    notices: list[str] = []
    user_id: int | None = None
    raw_user = first_value(args, "user")
    if raw_user is not None:
        user_id = database_id(raw_user)
        if user_id is None:
            notices.append("The person in the address was not recognised, so it was ignored.")
    record = first_value(args, "record")
    if record is not None:
        record = record.upper()[:20]
    occurred_from = _parse_date(args, "from", "from", notices)
    occurred_to = _parse_date(args, "to", "to", notices)
    if occurred_from and occurred_to and occurred_from > occurred_to:
        notices.append("The from date was after the to date, so they were swapped.")
        occurred_from, occurred_to = occurred_to, occurred_from
    return AuditFilters(
        user_id=user_id,
        action=(first_value(args, "action") or None),
        entity_type=(first_value(args, "entity") or None),
        record=record,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        page=parse_page(args, notices),
        notices=tuple(notices),
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def _record_clause(session: Session, record: str) -> sa.ColumnElement[bool]:
    """Events about the record named ``record``: ``WW-0107``, ``YS-42`` or a bare number."""
    prefix, _, number = record.partition("-")
    kind = REFERENCE_KINDS.get(prefix)
    if kind is not None and number.isdigit():
        model, entity_type = kind
        # A number past any id cannot be a record's, and would not fit the query.
        record_number = database_id(number)
        record_id = None
        if record_number is not None:
            record_id = session.execute(
                sa.select(model.id).where(model.number == record_number)
            ).scalar_one_or_none()
        return sa.and_(
            col(AuditEvent.entity_type) == entity_type,
            col(AuditEvent.entity_id) == (record_id if record_id is not None else -1),
        )
    record_id = database_id(record)
    if record_id is not None:
        return col(AuditEvent.entity_id) == record_id
    return sa.false()


def _clauses(session: Session, filters: AuditFilters) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = []
    if filters.user_id is not None:
        clauses.append(col(AuditEvent.user_id) == filters.user_id)
    if filters.action:
        clauses.append(col(AuditEvent.action) == filters.action)
    if filters.entity_type:
        clauses.append(col(AuditEvent.entity_type) == filters.entity_type)
    if filters.record:
        clauses.append(_record_clause(session, filters.record))
    if filters.occurred_from:
        clauses.append(col(AuditEvent.occurred_at) >= _start_of(filters.occurred_from))
    if filters.occurred_to:
        clauses.append(
            col(AuditEvent.occurred_at) < _start_of(filters.occurred_to + timedelta(days=1))
        )
    return clauses


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    #: Who did it: a person's name, or None for the command line and scheduled jobs.
    actor_name: str | None
    #: (field, before, after) for every field the event names.
    changes: list[tuple[str, Any, Any]]


def changes_of(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    before = event.before or {}
    after = event.after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [(name, before.get(name), after.get(name)) for name in names]


def list_events(session: Session, filters: AuditFilters) -> Page[AuditRow]:
    """One page of events, newest first, with the total across every page.

    The total is counted on its own first: a window count over the page query would
    make the database read every matching event (before and after included) before
    applying the limit.
    """
    clauses = _clauses(session, filters)
    total = session.execute(
        select(sa.func.count()).select_from(AuditEvent).where(*clauses)
    ).scalar_one()
    number = page_number(filters.page, total)
    rows: list[Any] = []
    if total:
        rows = list(
            session.execute(
                select(AuditEvent, User.name)
                .outerjoin(User, col(User.id) == col(AuditEvent.user_id))
                .where(*clauses)
                .order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
                .offset(row_offset(number))
                .limit(PAGE_SIZE)
            ).all()
        )
    return Page(
        rows=[AuditRow(row.AuditEvent, row.name, changes_of(row.AuditEvent)) for row in rows],
        number=number,
        total=total,
        requested=filters.page,
        size=PAGE_SIZE,
    )


@dataclass(frozen=True)
class AuditChoices:
    """What the filter form offers: everyone who has done something, and every action."""

    people: list[tuple[int, str]]
    actions: list[str]
    entity_types: list[str]


def filter_choices(session: Session) -> AuditChoices:
    people = session.execute(select(User.id, User.name, User.email).order_by(col(User.name))).all()
    actions = session.execute(
        select(AuditEvent.action).distinct().order_by(col(AuditEvent.action))
    ).scalars()
    entity_types = session.execute(
        select(AuditEvent.entity_type).distinct().order_by(col(AuditEvent.entity_type))
    ).scalars()
    return AuditChoices(
        people=[(row.id, f"{row.name} ({row.email})") for row in people],
        actions=list(actions),
        entity_types=list(entity_types),
    )
