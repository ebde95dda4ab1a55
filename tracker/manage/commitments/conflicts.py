"""What changed while someone was editing a commitment, read from the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.errors import RecordNotFound
from tracker.manage.commitments.update_rules import (
    FIELD_LABELS,
    STATUS_BY_CODE,
)
from tracker.models import (
    AuditEvent,
    Commitment,
    Update,
    User,
)
from tracker.rendering import format_date


@dataclass(frozen=True)
class ChangeMade:
    """One change someone else made: a field's value before and after, or an update."""

    label: str
    before: str | None
    after: str

    @property
    def text(self) -> str:
        if self.before is None:
            return f"{self.label}: {self.after}"
        return f"{self.label}: {self.before} → {self.after}"


@dataclass(frozen=True)
class Conflict:
    """Who changed a commitment since a form was rendered, when, and what they changed."""

    changed_by: str
    changed_at: datetime
    changes: list[ChangeMade]
    #: The version to carry in the form, so a deliberate second save goes through.
    current_version: int


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if name in ("status", "previous_status", "new_status"):
        status = STATUS_BY_CODE.get(str(value))
        return status.label if status is not None else str(value)
    if name in ("target_date", "previous_target_date", "new_target_date") and isinstance(
        value, str
    ):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    text = str(value)
    return text if len(text) <= 300 else text[:300].rstrip() + "…"


#: Shown in place of the words of an update hidden since it was posted: the audit
#: log keeps them, but a hidden update's words are never shown again (PRODUCT.md).
HIDDEN_UPDATE_WORDS = "An update (since hidden)"


def _status_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[ChangeMade]:
    if before.get("status") == after.get("status"):
        return []
    return [
        ChangeMade(
            "Status", _shown("status", before.get("status")), _shown("status", after.get("status"))
        )
    ]


def _changes_in(event: AuditEvent, hidden_update_ids: set[int]) -> list[ChangeMade]:
    before = event.before or {}
    after = event.after or {}
    if event.action == "update.hidden":
        return [
            ChangeMade("Update hidden", None, _shown("hidden_reason", after.get("hidden_reason"))),
            *_status_change(before, after),
        ]
    if event.action == "commitment.update_posted":
        words = (
            HIDDEN_UPDATE_WORDS
            if after.get("update_id") in hidden_update_ids
            else _shown("narrative", after.get("narrative"))
        )
        changes = [ChangeMade("Update posted", None, words), *_status_change(before, after)]
        if before.get("target_date") != after.get("target_date"):
            changes.append(
                ChangeMade(
                    "Target date",
                    _shown("target_date", before.get("target_date")),
                    _shown("target_date", after.get("target_date")),
                )
            )
        return changes
    return [
        ChangeMade(
            FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            _shown(name, before.get(name)),
            _shown(name, value),
        )
        for name, value in after.items()
        if name not in ("version", "updated_at")
    ]


def conflict_since(session: Session, commitment_id: int, seen_version: int) -> Conflict:
    """What happened to the commitment after ``seen_version``, read from the audit log.

    Every write in :mod:`~tracker.manage.commitments.writes`, and the hiding of an update
    (:func:`tracker.manage.records.hide_update`), records the version it left the
    commitment at, so the events after the one the person saw are exactly the
    changes they missed. An update hidden since is shown as
    :data:`HIDDEN_UPDATE_WORDS`, never in its own words.
    """
    commitment = session.get(Commitment, commitment_id, populate_existing=True)
    if commitment is None:
        raise RecordNotFound("This commitment no longer exists.")
    its_updates = select(Update.id).where(col(Update.commitment_id) == commitment_id)
    rows = session.exec(
        select(AuditEvent, User.name)
        .join(User, col(User.id) == col(AuditEvent.user_id), isouter=True)
        .where(
            sa.or_(
                sa.and_(
                    col(AuditEvent.entity_type) == "commitment",
                    col(AuditEvent.entity_id) == commitment_id,
                ),
                sa.and_(
                    col(AuditEvent.action) == "update.hidden",
                    col(AuditEvent.entity_type) == "update",
                    col(AuditEvent.entity_id).in_(its_updates),
                ),
            )
        )
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))
    ).all()
    hidden_update_ids = {
        update_id
        for update_id in session.exec(its_updates.where(col(Update.hidden_at).is_not(None))).all()
        if update_id is not None
    }
    missed = [
        (event, name)
        for event, name in rows
        if isinstance((event.after or {}).get("version"), int)
        and (event.after or {})["version"] > seen_version
    ]
    changes = [
        change for event, _name in missed for change in _changes_in(event, hidden_update_ids)
    ]
    if missed:
        latest, name = missed[-1]
        return Conflict(
            changed_by=name or "Someone",
            changed_at=latest.occurred_at,
            changes=changes,
            current_version=commitment.version,
        )
    return Conflict(
        changed_by="Someone",
        changed_at=commitment.updated_at,
        changes=[],
        current_version=commitment.version,
    )
