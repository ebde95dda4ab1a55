"""Moderation: hiding an update from the public pages, with a public trace of why."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import escape
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from tracker import audit, clock, data_version
from tracker.errors import RecordNotFound, TrackerError
from tracker.manage.commitments.update_rules import RESTATED_FIELDS, restate_from_visible_updates
from tracker.manage.problems import InvalidInput
from tracker.manage.records.common import (
    REASON_MAX,
    check_text,
    ensure_team,
)
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Report,
    ReportDocument,
    ReportStatus,
    Update,
    User,
)
from tracker.queries.pagination import relationship
from tracker.reports.appendix import NARRATIVE_LIMIT
from tracker.rules import STATUSES_NEEDING_REASON


class AlreadyHidden(TrackerError):
    """An update that is already hidden cannot be hidden again."""

    status_code = 409


class HidingConflict(TrackerError):
    """The commitment was changed (an update posted) while the update was being hidden."""

    status_code = 409


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
    (``appendix._latest_update``)."""
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
    ensure_team(actor)
    if update.hidden_at is not None:
        raise AlreadyHidden(
            "This update was already hidden, so nothing was changed. An update can only "
            "be hidden once."
        )
    problems: dict[str, str] = {}
    reason = reason.strip()
    check_text(problems, "reason", reason, "Reason", REASON_MAX)
    if problems:
        raise InvalidInput(problems)
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
