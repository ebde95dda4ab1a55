"""Today's date in England, the date every derived state is judged against."""

from __future__ import annotations

from datetime import date, datetime
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
