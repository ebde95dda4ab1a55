"""The audit log: one append-only event for every write, by anyone.

Every service that writes calls :func:`record` in the same transaction as the
write, so the log and the records cannot disagree: if the write is rolled back,
so is its event. ``before`` and ``after`` hold the changed fields as JSON
(:func:`snapshot`); they never hold a password, a token or a one-time secret.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from tracker import clock
from tracker.models import AuditEvent, User


def json_value(value: Any) -> Any:
    """``value`` as JSON can hold it: dates as ISO text, enums as their codes."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return value


def snapshot(record: SQLModel, fields: Iterable[str]) -> dict[str, Any]:
    """The named ``fields`` of ``record``, ready for an event's ``before`` or ``after``."""
    return {name: json_value(getattr(record, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose values differ, from two snapshots of the same fields."""
    names = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in names}, {name: after[name] for name in names}


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add the event for one write to ``session``; the caller's commit stores both.

    ``actor`` is the signed-in person, or None for the command line and scheduled
    jobs. ``action`` reads like ``commitment.update_posted``; ``entity_type`` is the
    table's noun (``commitment``, ``issue``, ``user``...).
    """
    event = AuditEvent(
        occurred_at=clock.now(),
        user_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=json_value(before) if before is not None else None,
        after=json_value(after) if after is not None else None,
    )
    session.add(event)
    return event
