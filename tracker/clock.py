"""Today's date in England, the date every derived state is judged against, and a
stored moment as a date in England.

Stored moments need no mending: every ``datetime`` column is a
:class:`~tracker.models.UTCDateTime`, read back as an aware UTC datetime on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Today in Europe/London, or the app's ``FIXED_TODAY`` setting when tests set one."""
    if has_app_context():
        fixed: date | None = current_app.config.get("FIXED_TODAY")
        if fixed is not None:
            return fixed
    return datetime.now(LONDON).date()


def now() -> datetime:
    """The current moment in UTC, or the app's ``FIXED_NOW`` setting when tests set one.

    Sign-in lockouts and session timeouts are judged against this, so tests can
    move the clock instead of sleeping.
    """
    if has_app_context():
        fixed: datetime | None = current_app.config.get("FIXED_NOW")
        if fixed is not None:
            return fixed
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    """The date in England of a moment: an update posted at 23:30 UTC on 30 June is
    shown as posted on 1 July during British Summer Time.

    A naive moment is taken to be UTC, as every stored one is (never the server's own
    zone, which ``astimezone`` would assume).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()
