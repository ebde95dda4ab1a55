"""Every slice's figures, computed once per data version and shared by every process.

Counting the figures takes seconds on a large system (medians over tens of thousands
of commitments), and every partner update advances the data version. So the
figures of the whole system and of every slice are computed in one pass
(:func:`~tracker.figures.every_slice.every_slice_figures`) and stored as a
*snapshot*, keyed by (data version, today's date, the no-recent-update threshold):
in Redis when ``REDIS_URL`` is set, otherwise in the ``figure_snapshot`` table.
:func:`page_figures` gives a page the snapshot of the version it sees:

- only one process computes a snapshot at a time (a Redis ``SET NX`` lock, or the
  claim row of the table, whose unique key stops a second claim);
- when an older snapshot exists, the request that wins the claim starts the
  computation in a background thread (:func:`wait_for_refreshes` waits for it) and is
  answered from the older snapshot, so no resident waits for a refresh;
- meanwhile the others show the latest older snapshot of the same day, if there is
  one, and mark the page as showing older figures (``g.uses_stale_figures``) so the
  page cache does not keep it; with none, they wait for it (or compute it themselves
  if the computation is taking too long);
- while writes keep coming, a snapshot younger than ``FIGURES_REFRESH_SECONDS`` is
  shown rather than computing again, so a steady stream of updates costs at most
  one computation in that time;
- a hidden update (:data:`tracker.data_version.records_redacted`) drops every
  snapshot, so the figures from before it are never shown again;
- each process keeps the last snapshot it read in its own memory, under its key: a
  snapshot never changes once stored, so the pages of one data version read it from
  the store and decode it once, not on every request.

Tests arrange records without committing them, which a snapshot keyed on the
committed version cannot see: with ``FIGURE_SNAPSHOTS_DISABLED`` each page counts its
own figures in its own session.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import redis
import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from sqlmodel import Session

from tracker.data_version import current_version, records_redacted
from tracker.db import get_database
from tracker.figures.every_slice import FigureSet, every_slice_figures
from tracker.models import FigureSnapshot, utcnow
from tracker.redis_locks import RELEASE_IF_HELD

logger = logging.getLogger(__name__)

_STORE = "tracker.figure_snapshots"
_REFRESHES = "tracker.figure_refreshes"
#: Where each app keeps the last snapshot it read from its store.
_LAST_READ = "tracker.figure_snapshot_last_read"
#: A computation not finished in this time is taken to have died, and is taken over.
CLAIM_SECONDS = 60
#: How often a process waiting for a snapshot (with no older one to show) looks again.
WAIT_STEP_SECONDS = 0.05
#: How long a snapshot is kept in Redis: a day, as a snapshot is for one day only.
REDIS_TTL_SECONDS = 26 * 60 * 60


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot's figures depend on."""

    data_version: int
    today: date
    threshold_days: int


@dataclass(frozen=True)
class Snapshot:
    key: SnapshotKey
    computed_at: datetime
    figures: FigureSet


class SnapshotStore(Protocol):
    def get(self, key: SnapshotKey) -> Snapshot | None: ...

    def latest(self, today: date, threshold_days: int) -> Snapshot | None:
        """The snapshot of the highest data version for the day and threshold."""

    def claim(self, key: SnapshotKey) -> str | None:
        """A token if this process may compute ``key`` now, or None if another is."""

    def put(self, key: SnapshotKey, token: str, figures: FigureSet) -> None:
        """Store the figures computed under the claim ``token`` and release it; a claim
        dropped meanwhile (by :meth:`forget_all`) stores nothing."""

    def release(self, key: SnapshotKey, token: str) -> None: ...

    def forget_all(self) -> None: ...


def _dump(figures: FigureSet, computed_at: datetime) -> str:
    return json.dumps({"computed_at": computed_at.isoformat(), "figures": figures.to_json()})


def _load(key: SnapshotKey, text: str | bytes) -> Snapshot:
    data = json.loads(text)
    return Snapshot(
        key, datetime.fromisoformat(data["computed_at"]), FigureSet.from_json(data["figures"])
    )


# --- In the database ------------------------------------------------------------------


class DatabaseStore:
    """Snapshots in the ``figure_snapshot`` table, each written in its own transaction.

    A row is inserted when its computation is claimed, so the table's unique key on
    (data version, day, threshold) lets one process claim it; ``figures`` is filled in
    when done. Rows of older versions are deleted once a newer one is stored.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.table = FigureSnapshot.__table__  # type: ignore[attr-defined]

    def _where(self, key: SnapshotKey) -> list[Any]:
        t = self.table.c
        return [
            t.data_version == key.data_version,
            t.as_of == key.today,
            t.no_recent_update_days == key.threshold_days,
        ]

    def get(self, key: SnapshotKey) -> Snapshot | None:
        t = self.table.c
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(t.computed_at, t.figures).where(*self._where(key), t.figures.is_not(None))
            ).first()
        return None if row is None else _load(key, row.figures)

    def latest(self, today: date, threshold_days: int) -> Snapshot | None:
        t = self.table.c
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(t.data_version, t.figures)
                .where(
                    t.as_of == today,
                    t.no_recent_update_days == threshold_days,
                    t.figures.is_not(None),
                )
                .order_by(t.data_version.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        return _load(SnapshotKey(row.data_version, today, threshold_days), row.figures)

    def claim(self, key: SnapshotKey) -> str | None:
        t = self.table.c
        token = secrets.token_hex(8)
        now = utcnow()
        given_up = now - timedelta(seconds=CLAIM_SECONDS)
        with self.engine.begin() as connection:
            # A computation that stopped without finishing (its process died) is retried.
            connection.execute(
                self.table.delete().where(t.figures.is_(None), t.claimed_at < given_up)
            )
        try:
            with self.engine.begin() as connection:
                busy = connection.execute(
                    sa.select(t.id).where(
                        t.as_of == key.today,
                        t.no_recent_update_days == key.threshold_days,
                        t.figures.is_(None),
                    )
                ).first()
                if busy is not None:
                    return None
                connection.execute(
                    self.table.insert().values(
                        data_version=key.data_version,
                        as_of=key.today,
                        no_recent_update_days=key.threshold_days,
                        claimed_at=now,
                        figures=None,
                        computed_at=None,
                    )
                )
        except sa.exc.IntegrityError:
            return None  # Another process claimed (or finished) this very snapshot.
        return token

    def put(self, key: SnapshotKey, token: str, figures: FigureSet) -> None:
        t = self.table.c
        computed_at = utcnow()
        with self.engine.begin() as connection:
            stored = connection.execute(
                self.table.update()
                .where(*self._where(key), t.figures.is_(None))
                .values(figures=_dump(figures, computed_at), computed_at=computed_at)
            ).rowcount
            if stored:
                # Older snapshots are no longer shown to anyone.
                connection.execute(
                    self.table.delete().where(
                        t.figures.is_not(None),
                        sa.or_(t.as_of != key.today, t.data_version < key.data_version),
                        t.no_recent_update_days == key.threshold_days,
                    )
                )

    def release(self, key: SnapshotKey, token: str) -> None:
        t = self.table.c
        with self.engine.begin() as connection:
            connection.execute(self.table.delete().where(*self._where(key), t.figures.is_(None)))

    def forget_all(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(self.table.delete())


# --- In Redis -------------------------------------------------------------------------

# Stores the snapshot only while this process still holds the lock (a redaction drops
# it), moves "latest" forward only, and releases the lock.
_PUT_IF_CLAIMED = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
    return 0
end
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
local latest = redis.call('GET', KEYS[3])
if (not latest) or tonumber(string.match(latest, '^(%d+)')) <= tonumber(ARGV[2]) then
    redis.call('SET', KEYS[3], ARGV[2] .. ' ' .. ARGV[3], 'EX', ARGV[4])
end
redis.call('DEL', KEYS[1])
return 1
"""


class RedisStore:
    """Snapshots in Redis: one key per snapshot, the latest of each day beside them, and
    one lock per day and threshold, so one process computes at a time."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        self.prefix = prefix
        self.redis = redis.Redis.from_url(redis_url)
        self._put = self.redis.register_script(_PUT_IF_CLAIMED)
        self._release = self.redis.register_script(RELEASE_IF_HELD)

    def _day(self, today: date, threshold_days: int) -> str:
        return f"{self.prefix}{today.isoformat()}:{threshold_days}"

    def _keys(self, key: SnapshotKey) -> tuple[str, str, str]:
        day = self._day(key.today, key.threshold_days)
        return f"{day}:lock", f"{day}:v{key.data_version}", f"{day}:latest"

    def get(self, key: SnapshotKey) -> Snapshot | None:
        found = self.redis.get(self._keys(key)[1])
        return None if found is None else _load(key, found)

    def latest(self, today: date, threshold_days: int) -> Snapshot | None:
        found: bytes | None = self.redis.get(f"{self._day(today, threshold_days)}:latest")  # type: ignore[assignment]
        if found is None:
            return None
        version, text = found.split(b" ", 1)
        return _load(SnapshotKey(int(version), today, threshold_days), text)

    def claim(self, key: SnapshotKey) -> str | None:
        token = secrets.token_hex(8)
        taken = self.redis.set(self._keys(key)[0], token, nx=True, ex=CLAIM_SECONDS)
        return token if taken else None

    def put(self, key: SnapshotKey, token: str, figures: FigureSet) -> None:
        lock, snapshot, latest = self._keys(key)
        self._put(
            keys=[lock, snapshot, latest],
            args=[token, key.data_version, _dump(figures, utcnow()), REDIS_TTL_SECONDS],
        )

    def release(self, key: SnapshotKey, token: str) -> None:
        self._release(keys=[self._keys(key)[0]], args=[token])

    def forget_all(self) -> None:
        names = list(self.redis.scan_iter(match=f"{self.prefix}*", count=500))
        if names:
            self.redis.delete(*names)


# --- What pages read -------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Give ``app`` its snapshot store, and drop every snapshot after a redaction."""
    redis_url = app.config.get("REDIS_URL")
    prefix = app.config.get("FIGURES_KEY_PREFIX") or "tracker:figures:"
    store: SnapshotStore = (
        RedisStore(redis_url, prefix) if redis_url else DatabaseStore(get_database(app).engine)
    )
    app.extensions[_STORE] = store
    app.extensions[_REFRESHES] = set()
    # One receiver for every app; it empties the store of the app that redacted.
    records_redacted.connect(_forget_every_snapshot)


def _forget_every_snapshot(_session: Any, **_extra: Any) -> None:
    if not has_app_context() or _STORE not in current_app.extensions:
        logger.warning("A redaction was committed outside an app context; figures stay.")
        return
    if current_app.config.get("FIGURE_SNAPSHOTS_DISABLED"):
        return  # Nothing is stored.
    current_app.extensions.pop(_LAST_READ, None)
    _store().forget_all()


def _store() -> SnapshotStore:
    store: SnapshotStore = current_app.extensions[_STORE]
    return store


def page_figures(session: Session, today: date, threshold_days: int) -> FigureSet:
    """Every slice's figures for a page: from the snapshot of the data version
    ``session`` sees, or an older one while that is being computed (see the module's
    docstring)."""
    if current_app.config.get("FIGURE_SNAPSHOTS_DISABLED"):
        return every_slice_figures(session, today, threshold_days)
    store = _store()
    key = SnapshotKey(current_version(session), today, threshold_days)
    last_read: Snapshot | None = current_app.extensions.get(_LAST_READ)
    if last_read is not None and last_read.key == key:
        return last_read.figures
    found = store.get(key)
    if found is not None:
        current_app.extensions[_LAST_READ] = found
        return found.figures
    latest = store.latest(today, threshold_days)
    if latest is not None and latest.key.data_version >= key.data_version:
        return latest.figures  # Computed after this request began: newer, not older.
    refresh = timedelta(seconds=current_app.config["FIGURES_REFRESH_SECONDS"])
    if latest is not None and utcnow() - latest.computed_at < refresh:
        return _stale(latest)
    token = store.claim(key)
    if token is not None and latest is None:
        return _compute(store, key, token)
    if token is not None:
        _start_refresh(current_app._get_current_object(), store, key, token)  # type: ignore[attr-defined]
    if latest is not None:
        return _stale(latest)
    return _wait_for(store, key)


def _stale(snapshot: Snapshot) -> FigureSet:
    # The page shows figures from before the latest write: not one to keep.
    g.uses_stale_figures = True
    return snapshot.figures


def _compute(store: SnapshotStore, key: SnapshotKey, token: str) -> FigureSet:
    """Compute the snapshot in a transaction of its own, store it and release the claim."""
    try:
        figures = compute_snapshot(key.today, key.threshold_days)
    except BaseException:
        store.release(key, token)
        raise
    store.put(key, token, figures)
    return figures


def _start_refresh(app: Flask, store: SnapshotStore, key: SnapshotKey, token: str) -> None:
    """Compute the snapshot ``key`` in a daemon thread of this process, under ``token``."""
    refreshes: set[threading.Thread] = app.extensions[_REFRESHES]

    def refresh() -> None:
        try:
            with app.app_context():
                _compute(store, key, token)
        except Exception:
            # _compute released the claim, so the next request tries again.
            logger.exception("Refreshing the figures for %s failed.", key)
        finally:
            refreshes.discard(threading.current_thread())

    thread = threading.Thread(target=refresh, name=f"figures-v{key.data_version}", daemon=True)
    refreshes.add(thread)
    thread.start()


def wait_for_refreshes(app: Flask, timeout: float = CLAIM_SECONDS) -> None:
    """Wait until every refresh this process started in the background has finished
    (tests use it, so no refresh outlives the test that started it)."""
    give_up_at = time.monotonic() + timeout
    for thread in list(app.extensions.get(_REFRESHES, ())):
        thread.join(max(0.0, give_up_at - time.monotonic()))
        if thread.is_alive():
            raise TimeoutError(f"The figures refresh {thread.name} is still running.")


def compute_snapshot(today: date, threshold_days: int) -> FigureSet:
    """Every slice's figures from what is committed now, in a session of its own."""
    with get_database().sessionmaker() as session:
        if session.get_bind().dialect.name == "postgresql":
            # The medians sort a row per record and slice: in memory, not on disk.
            session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        figures = every_slice_figures(session, today, threshold_days)
        session.rollback()
    return figures


def _wait_for(store: SnapshotStore, key: SnapshotKey) -> FigureSet:
    """The snapshot another process is computing, once done; or else computed here."""
    give_up_at = time.monotonic() + CLAIM_SECONDS
    while time.monotonic() < give_up_at:
        time.sleep(WAIT_STEP_SECONDS)
        found = store.get(key)
        if found is not None:
            return found.figures
        token = store.claim(key)
        if token is not None:
            return _compute(store, key, token)
    logger.warning("Figures for data version %s took too long; counting them here.", key)
    return compute_snapshot(key.today, key.threshold_days)
