"""Today's date in England, the date every derived state is judged against, and the
stored moments read back as what they are."""

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


def aware(moment: datetime) -> datetime:
    """A stored moment as an aware datetime: every one is stored in UTC, and SQLite
    hands them back naive."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_date(moment: datetime) -> date:
    """The date in England of a stored moment."""
    return aware(moment).astimezone(LONDON).date()
