"""Every committed write to the public record advances the data version; nothing else does."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from tests.factories import make_commitment, make_issue, make_partner
from tracker.data_version import (
    VersionStamp,
    current_version,
    note_redaction,
    records_redacted,
)
from tracker.models import AuditEvent, Issue, Theme


def test_committing_a_new_issue_advances_the_version(session: Session) -> None:
    before = current_version(session)
    make_issue(session)
    session.commit()

    assert current_version(session) == before + 1


def test_editing_a_commitment_advances_the_version(session: Session) -> None:
    commitment = make_commitment(session)
    session.commit()
    before = current_version(session)

    commitment.title = "A clearer title"
    session.add(commitment)
    session.commit()

    assert current_version(session) == before + 1


def test_a_bulk_statement_through_the_session_advances_the_version(session: Session) -> None:
    before = current_version(session)
    session.execute(sa.insert(Theme), [{"slug": "housing", "name": "Housing", "description": ""}])
    session.commit()

    assert current_version(session) == before + 1


def test_a_rolled_back_write_leaves_the_version_alone(session: Session) -> None:
    before = current_version(session)
    make_partner(session)
    session.rollback()
    session.commit()

    assert current_version(session) == before


def test_an_audit_record_alone_is_not_a_public_change(session: Session) -> None:
    before = current_version(session)
    session.add(AuditEvent(action="sign-in", entity_type="user", entity_id=1))
    session.commit()

    assert current_version(session) == before


def test_reading_does_not_advance_the_version(session: Session) -> None:
    make_issue(session)
    session.commit()
    before = current_version(session)

    session.execute(sa.select(Issue)).all()
    session.commit()

    assert current_version(session) == before


def test_a_committed_redaction_is_announced_with_the_version_it_committed(
    session: Session,
) -> None:
    announced: list[VersionStamp | None] = []

    def receive(_session: Session, stamp: VersionStamp | None = None, **_extra: object) -> None:
        announced.append(stamp)

    records_redacted.connect(receive)
    try:
        make_issue(session)
        note_redaction(session)
        session.commit()
    finally:
        records_redacted.disconnect(receive)

    assert len(announced) == 1
    assert announced[0] is not None
    assert announced[0].version == current_version(session)
