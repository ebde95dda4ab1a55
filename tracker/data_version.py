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

Reading the version from the database costs a round trip on every view of a cached
page. With ``REDIS_URL`` set, :class:`PublishedVersion` keeps a copy in Redis: each
commit that advanced the version publishes what it committed, only ever moving the
copy forward (two commits finishing in the other order cannot take it back), and
readers take it from there. The database stays the source of truth: the copy lapses
a few seconds after it last moved, so a write that was never published (a process
that stopped between its commit and publishing, or one run without ``REDIS_URL``)
shows within that time, and while Redis cannot be reached the version is read from
the database as before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import Any

import redis
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
        "figure_snapshot",
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
_ADVANCED_TO = "tracker.data_version_advanced_to"
_PUBLISHER = "tracker.data_version_publisher"

logger = logging.getLogger(__name__)

_signals = Namespace()
#: Sent, with the session as sender, once a transaction that took words off the
#: public record (a hidden update) has committed: any copy of a page rendered
#: before it must go. ``stamp`` is the data version that transaction committed
#: (pages rendered at it or later no longer hold the words), or None if it is not
#: known. Never sent for a transaction that was rolled back.
records_redacted = _signals.signal("records-redacted")


@dataclass(frozen=True)
class VersionStamp:
    """A data version and when the write that made it was committed (UTC)."""

    version: int
    changed_at: datetime


#: The stamp of a database nothing has been written to yet.
NO_WRITES_YET = VersionStamp(0, datetime(2000, 1, 1, tzinfo=UTC))


def current_version(session: Session) -> int:
    """The data version as this session's transaction sees it."""
    return current_stamp(session).version


def current_stamp(session: Session) -> VersionStamp:
    """The data version and when it last moved, as this session's transaction sees them."""
    row = session.execute(
        sa.select(col(DataVersion.version), col(DataVersion.changed_at)).where(
            col(DataVersion.id) == 1
        )
    ).first()
    if row is None:
        return NO_WRITES_YET
    return VersionStamp(int(row[0] or 0), _in_utc(row[1]))


def _in_utc(moment: datetime) -> datetime:
    # Stored in UTC; SQLite hands it back without its time zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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
        advanced = session.execute(
            sa.update(DataVersion)
            .where(col(DataVersion.id) == 1)
            .values(version=col(DataVersion.version) + 1, changed_at=utcnow())
            .returning(col(DataVersion.version), col(DataVersion.changed_at))
        ).first()
        if advanced is not None:
            session.info[_ADVANCED_TO] = VersionStamp(int(advanced[0]), _in_utc(advanced[1]))


def note_redaction(session: Session) -> None:
    """Have :data:`records_redacted` sent once ``session``'s transaction commits.

    Sent after the commit, not now: a copy of a page dropped before the hiding is
    committed could be rendered again, with the words, from what is still stored.
    """
    session.info[_REDACTED] = True


def _announce_after_commit(session: Session) -> None:
    advanced = session.info.pop(_ADVANCED_TO, None)
    publisher = session.info.get(_PUBLISHER)
    if advanced is not None and isinstance(publisher, PublishedVersion):
        publisher.publish(advanced)
    if session.info.pop(_REDACTED, False):
        records_redacted.send(session, stamp=advanced)


def _forget_after_rollback(session: Session, previous_transaction: Any) -> None:
    # Only the session's outermost transaction: undoing a savepoint keeps what came before.
    if previous_transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_REDACTED, None)
        session.info.pop(_ADVANCED_TO, None)


def watch(factory: sessionmaker[Any]) -> None:
    """Make every session from ``factory`` advance the data version when it commits a
    change, and announce a committed redaction (:func:`note_redaction`)."""
    event.listen(factory, "after_flush", _note_flush)
    event.listen(factory, "do_orm_execute", _note_statement)
    event.listen(factory, "before_commit", _advance_before_commit)
    event.listen(factory, "after_commit", _announce_after_commit)
    event.listen(factory, "after_soft_rollback", _forget_after_rollback)


# Sets the copy ("<version> <changed_at>") only if it moves forward, so a commit that
# publishes late cannot take it back; the copy lapses PX milliseconds after it moved.
_PUBLISH_IF_NEWER = """
local current = redis.call('GET', KEYS[1])
local version = -1
if current then
    version = tonumber(string.match(current, '^(%d+)'))
end
if tonumber(ARGV[1]) > version then
    redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
    return 1
end
return 0
"""


class PublishedVersion:
    """The data version kept in Redis, so a view of a cached page needs no database.

    Every Redis error is logged and answered from the database instead; after one,
    Redis is left alone for :attr:`RETRY_AFTER_SECONDS`, so a Redis that stopped
    answering slows no more than one request in that time.
    """

    #: How long a published version is trusted without a newer commit. A write that
    #: was committed but never published shows on the pages within this time.
    LAPSE_SECONDS = 5.0
    #: How long to read from the database alone after Redis failed.
    RETRY_AFTER_SECONDS = 5.0
    #: Redis on the same network answers in well under a millisecond.
    TIMEOUT_SECONDS = 0.5

    def __init__(self, redis_url: str, key: str) -> None:
        self.key = key
        self._redis = redis.Redis.from_url(
            redis_url,
            socket_timeout=self.TIMEOUT_SECONDS,
            socket_connect_timeout=self.TIMEOUT_SECONDS,
        )
        self._publish_if_newer = self._redis.register_script(_PUBLISH_IF_NEWER)
        self._resting_until = 0.0

    def watch(self, factory: sessionmaker[Any]) -> None:
        """Have every session from ``factory`` publish the version its commits reach."""
        info = dict(factory.kw.get("info") or {})
        info[_PUBLISHER] = self
        factory.configure(info=info)

    def publish(self, stamp: VersionStamp) -> None:
        """Move the copy in Redis forward to ``stamp``; never back."""
        if self._resting():
            return
        try:
            self._publish_if_newer(
                keys=[self.key],
                args=[
                    stamp.version,
                    stamp.changed_at.timestamp(),
                    int(self.LAPSE_SECONDS * 1000),
                ],
            )
        except redis.RedisError as error:
            self._rest(error)

    def latest(self, read_database: Callable[[], VersionStamp]) -> VersionStamp:
        """The version in Redis, or else the database's (``read_database``), published."""
        if not self._resting():
            try:
                published = self._redis.get(self.key)
            except redis.RedisError as error:
                self._rest(error)
            else:
                if published is not None:
                    # "<version> <changed_at as seconds since 1970>", as published.
                    version, changed_at = published.split()
                    return VersionStamp(
                        int(version), datetime.fromtimestamp(float(changed_at), UTC)
                    )
        stamp = read_database()
        self.publish(stamp)
        return stamp

    def _resting(self) -> bool:
        return time.monotonic() < self._resting_until

    def _rest(self, error: redis.RedisError) -> None:
        logger.warning(
            "Redis did not answer (%s); reading the data version from the database.", error
        )
        self._resting_until = time.monotonic() + self.RETRY_AFTER_SECONDS
