"""The database settings the application relies on."""

import pytest
import sqlalchemy as sa

from tests.factories import make_commitment, make_issue
from tracker.db import make_engine
from tracker.models import Commitment
from tracker.references import allocate_number


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()


def test_a_commitment_cannot_point_at_a_missing_issue(session):
    issue = make_issue(session)
    commitment = make_commitment(session, issue=issue)
    with pytest.raises(sa.exc.IntegrityError), session.begin_nested():
        session.execute(
            sa.update(Commitment).where(Commitment.id == commitment.id).values(issue_id=999999)
        )


def test_a_stale_edit_of_a_commitment_is_refused(session):
    """The version column makes a writer holding an old copy fail, not overwrite."""
    commitment = make_commitment(session, title="Original")
    assert commitment.version == 1
    # Someone else saves first (as another request would): the version moves on.
    session.execute(
        sa.update(Commitment)
        .where(Commitment.id == commitment.id)
        .values(title="Saved by someone else", version=Commitment.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    commitment.title = "Edit made on the old copy"
    with pytest.raises(sa.orm.exc.StaleDataError):
        session.flush()
    session.rollback()
    stored = session.execute(
        sa.select(Commitment.title, Commitment.version).where(Commitment.id == commitment.id)
    ).one()
    assert tuple(stored) == ("Saved by someone else", 2)


def test_reference_numbers_only_ever_go_up(session):
    first = allocate_number(session, "YS")
    second = allocate_number(session, "YS")
    assert second == first + 1
    issue = make_issue(session)
    session.delete(issue)
    session.flush()
    assert allocate_number(session, "YS") == issue.number + 1
