"""Who is signed in: the session's contents, its timeouts, and the access check.

This is the one place that reads or writes the signed-in part of the session.
A session holds the user's id, when they signed in and when they were last seen
(seconds since the epoch). Before each request to the staff workspace the session
is checked against the idle and absolute timeouts (SESSION_IDLE_MINUTES,
SESSION_ABSOLUTE_HOURS) and against the account: a deactivated account, or one
whose sessions were all ended by a sign-out (see ``User.session_generation``), has
no current user.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from tracker import clock
from tracker.db import get_session
from tracker.models import User

USER_ID = "user_id"
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
SESSION_NONCE = "session_nonce"
GENERATION = "generation"

#: Why a session ended, shown on the sign-in page: set by :func:`load_current_user`.
ENDED_REASON = "session_ended"
IDLE = "idle"
EXPIRED = "expired"

View = TypeVar("View", bound=Callable[..., Any])


def begin_session(user: User) -> None:
    """Start a fresh session for ``user``.

    Everything from before sign-in is dropped and a random value added, so the
    signed cookie after sign-in shares nothing with the one before (session fixation).
    """
    session.clear()
    session.update(session_values(user))
    g.current_user = user


def session_values(user: User) -> dict[str, object]:
    """What a freshly signed-in session holds for ``user``."""
    now = clock.now().timestamp()
    return {
        USER_ID: user.id,
        SIGNED_IN_AT: now,
        LAST_SEEN_AT: now,
        SESSION_NONCE: secrets.token_urlsafe(16),
        GENERATION: user.session_generation,
    }


def end_session() -> None:
    session.clear()
    g.current_user = None


def _expired(signed_in_at: float, last_seen_at: float, now: datetime) -> str | None:
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if now - datetime.fromtimestamp(signed_in_at, UTC) >= absolute:
        return EXPIRED
    if now - datetime.fromtimestamp(last_seen_at, UTC) >= idle:
        return IDLE
    return None


def load_current_user() -> User | None:
    """The signed-in user for this request, ending the session if it has timed out.

    Runs before every request to the workspace; keeps the result on ``g``.
    """
    if "current_user" in g:
        user: User | None = g.current_user
        return user
    g.current_user = None
    user_id = session.get(USER_ID)
    if user_id is None:
        return None
    now = clock.now()
    try:
        signed_in_at = float(session[SIGNED_IN_AT])
        last_seen_at = float(session[LAST_SEEN_AT])
    except (KeyError, TypeError, ValueError):
        end_session()
        return None
    reason = _expired(signed_in_at, last_seen_at, now)
    if reason is not None:
        end_session()
        session[ENDED_REASON] = reason
        return None
    account = get_session().get(User, user_id)
    if (
        account is None
        or not account.is_active
        or session.get(GENERATION) != account.session_generation
    ):
        end_session()
        return None
    session[LAST_SEEN_AT] = now.timestamp()
    g.current_user = account
    return account


def current_user() -> User | None:
    """The signed-in user, or None."""
    return load_current_user()


def login_required(view: View) -> View:
    """Send anonymous people to the sign-in page, coming back here afterwards."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if load_current_user() is None:
            return redirect(url_for("manage.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def safe_next_url(target: str | None) -> str:
    """``target`` when it is a path on this site, else the workspace.

    Only a path is followed: no scheme, no host, and not ``//host`` or ``/\\host``,
    which browsers read as another site (an open redirect).
    """
    fallback = url_for("manage.workspace")
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(character in target for character in "\\\r\n\t") or any(
        ord(character) < 32 for character in target
    ):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
