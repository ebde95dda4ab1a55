"""The public history and the audit log are written together, so they cannot disagree.

Every change residents can see in a history (an update, a status change, a moved
target date, a hidden update, a new lead partner) is written in the same
transaction as its audit event, from the same values. These tests make each
change through the workspace and then read both records, and the public page.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from tests.factories import make_commitment, make_issue, make_partner, make_update
from tests.pages import get_page
from tests.workspace import make_signed_in, post_form
from tracker.models import (
    AuditEvent,
    CommitmentStatus,
    LeadPartnerChange,
    Role,
    Update,
)


def events(session, action: str, entity_id: int | None) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.action) == action, col(AuditEvent.entity_id) == entity_id)
            .order_by(col(AuditEvent.id))
        ).all()
    )


def test_an_update_with_a_new_status_and_target_date_is_the_same_in_both(client, session) -> None:
    partner = make_partner(session)
    issue = make_issue(session, lead_partner_id=partner.id)
    commitment = make_commitment(
        session,
        issue_id=issue.id,
        partner_id=partner.id,
        target_date=date(2026, 12, 1),
        original_target_date=date(2026, 12, 1),
        status=CommitmentStatus.IN_PROGRESS,
    )
    make_signed_in(client, session, Role.PARTNER, partner=partner)
    new_target = date(2027, 3, 31)

    response = post_form(
        client,
        f"/manage/commitments/{commitment.reference}/updates",
        {
            "narrative": "The contract needs a second tender.",
            "status": CommitmentStatus.DELAYED.value,
            "new_target_date-day": str(new_target.day),
            "new_target_date-month": str(new_target.month),
            "new_target_date-year": str(new_target.year),
            "reason": "No provider bid in the first tender.",
            "version": str(commitment.version),
        },
        token_from="/manage",
    )
    assert response.status_code == 302

    [update] = session.exec(select(Update).where(Update.commitment_id == commitment.id)).all()
    [event] = events(session, "commitment.update_posted", commitment.id)
    assert event.after is not None and event.before is not None
    assert event.after["update_id"] == update.id
    assert event.after["narrative"] == update.narrative
    assert event.after["new_status"] == update.new_status == CommitmentStatus.DELAYED
    assert event.before["status"] == update.previous_status == CommitmentStatus.IN_PROGRESS
    assert event.after["new_target_date"] == update.new_target_date.isoformat()  # type: ignore[union-attr]
    assert event.before["target_date"] == update.previous_target_date.isoformat()  # type: ignore[union-attr]
    assert event.after["reason"] == update.reason

    public = get_page(client, f"/we-will/{commitment.reference}").main.text
    assert "The contract needs a second tender." in public
    assert "No provider bid in the first tender." in public
    assert "31 March 2027" in public and "1 December 2026" in public


def test_a_hidden_update_and_a_new_lead_partner_are_the_same_in_both(client, session) -> None:
    first, second = (
        make_partner(session, name="First Trust"),
        make_partner(session, name="Second Council"),
    )
    issue = make_issue(session, lead_partner_id=first.id)
    commitment = make_commitment(session, issue_id=issue.id, partner_id=first.id)
    update = make_update(session, commitment_id=commitment.id, narrative="Named a resident.")
    make_signed_in(client, session, Role.ENGAGEMENT)

    hidden = post_form(
        client,
        f"/manage/updates/{update.id}/hide",
        {"reason": "It named a resident."},
    )
    moved = post_form(
        client,
        f"/manage/issues/{issue.reference}/lead-partner",
        {"lead_partner": str(second.id), "reason": "The council commissions this service."},
    )
    assert (hidden.status_code, moved.status_code) == (302, 302)

    session.refresh(update)
    [hide_event] = events(session, "update.hidden", update.id)
    assert hide_event.after is not None
    assert hide_event.after["hidden_reason"] == update.hidden_reason == "It named a resident."
    [change] = session.exec(
        select(LeadPartnerChange).where(LeadPartnerChange.issue_id == issue.id)
    ).all()
    [move_event] = events(session, "issue.lead_partner_changed", issue.id)
    assert move_event.after is not None and move_event.before is not None
    assert change.reason == move_event.after["reason"] == "The council commissions this service."
    assert (change.previous_partner_id, change.new_partner_id) == (first.id, second.id)

    commitment_page = get_page(client, f"/we-will/{commitment.reference}").main.text
    assert "It named a resident." in commitment_page
    assert "Named a resident." not in commitment_page.replace("It named a resident.", "")
    issue_page = get_page(client, f"/you-said/{issue.reference}").main.text
    assert "First Trust" in issue_page and "Second Council" in issue_page
    assert "The council commissions this service." in issue_page
