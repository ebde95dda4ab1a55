"""The data version: a counter that every write to the public record advances.

Public pages are cached under the data version they were rendered at (see
tracker/public/cache.py). Any session that commits a change to a public table
advances the version in the same transaction, so the very next view after a write
misses the cache, whichever process served it.

Changes are noticed both for ORM flushes and for bulk statements executed through
the session (imports and the demo data), so no write path has to remember to call
anything.

A redaction (hiding an update) needs more than a new version: pages rendered before
it are never served again, but still hold the hidden words until they expire. A
service that redacts calls :func:`note_redaction`; once its transaction commits,
:data:`records_redacted` is sent, and the page cache (which lives above this module,
in ``tracker/public``) forgets every page it holds.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlmodel import col

from tracker.models import DataVersion, utcnow

#: Tables whose changes do not alter any public page. Every other table is public,
#: so a table added later invalidates the cache until it is listed here.
PRIVATE_TABLES = frozenset(
    {
        "account_token",
        "audit_event",
        "data_version",
        "digest_delivery",
        "email_outbox",
        "escalation",
        "job_run",
        "recovery_code",
        "reference_counter",
        "report_request",
        "sign_in_failure",
        "user_account",
    }
)

_CHANGED = "tracker.public_data_changed"
_REDACTED = "tracker.public_words_redacted"

_signals = Namespace()
#: Sent, with the session as sender, once a transaction that took words off the
#: public record (a hidden update) has committed: any copy of a page rendered
#: before it must go. Never sent for a transaction that was rolled back.
records_redacted = _signals.signal("records-redacted")


def current_version(session: Session) -> int:
    """The data version as this session's transaction sees it."""
    version = session.execute(
        sa.select(col(DataVersion.version)).where(col(DataVersion.id) == 1)
    ).scalar()
    return int(version or 0)


def _table_name(instance: Any) -> str | None:
    table = getattr(type(instance), "__table__", None)
    return getattr(table, "name", None)


def _note_flush(session: Session, _flush_context: Any) -> None:
    # In after_flush, new/dirty/deleted still list what this flush wrote.
    for instance in chain(session.new, session.dirty, session.deleted):
        if _table_name(instance) not in PRIVATE_TABLES:
            session.info[_CHANGED] = True
            return


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in PRIVATE_TABLES:
            state.session.info[_CHANGED] = True


def _advance_before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        session.execute(
            sa.update(DataVersion)
            .where(col(DataVersion.id) == 1)
            .values(version=col(DataVersion.version) + 1, changed_at=utcnow())
        )


def note_redaction(session: Session) -> None:
    """Have :data:`records_redacted` sent once ``session``'s transaction commits.

    Sent after the commit, not now: a copy of a page dropped before the hiding is
    committed could be rendered again, with the words, from what is still stored.
    """
    session.info[_REDACTED] = True


def _announce_after_commit(session: Session) -> None:
    if session.info.pop(_REDACTED, False):
        records_redacted.send(session)


def _forget_after_rollback(session: Session, previous_transaction: Any) -> None:
    # Only the session's outermost transaction: undoing a savepoint keeps what came before.
    if previous_transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_REDACTED, None)


def watch(factory: sessionmaker[Any]) -> None:
    """Make every session from ``factory`` advance the data version when it commits a
    change, and announce a committed redaction (:func:`note_redaction`)."""
    event.listen(factory, "after_flush", _note_flush)
    event.listen(factory, "do_orm_execute", _note_statement)
    event.listen(factory, "before_commit", _advance_before_commit)
    event.listen(factory, "after_commit", _announce_after_commit)
    event.listen(factory, "after_soft_rollback", _forget_after_rollback)
