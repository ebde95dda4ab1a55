"""Who is signed in: the session's contents, its timeouts, and the access check.

This is the one place that reads or writes the signed-in part of the session.
A session holds the user's id, when they signed in and when they were last seen
(seconds since the epoch), and whether the second factor was passed. Before each
request to the staff workspace the session is checked against the idle and absolute
timeouts (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS) and against the account: a
deactivated account, one whose sessions were all ended by a sign-out (see
``User.session_generation``), or one with two-step verification whose session never
passed it, has no current user.

Signing in with two-step verification takes two requests. After the right password
the session holds only a *pending* marker (the account's id and when the password
was accepted), never ``USER_ID``; the code page (``/login/code``) turns it into a
signed-in session. A pending marker lasts :data:`PENDING_MINUTES`.

The session never holds a second-factor secret: the cookie is signed, not encrypted,
so the secret being set up waits on the account instead (tracker/manage/two_factor.py).
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
from tracker.manage import two_factor
from tracker.models import User

USER_ID = "user_id"
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
SESSION_NONCE = "session_nonce"
GENERATION = "generation"
#: True once this session has passed two-step verification (or set it up).
SECOND_FACTOR_DONE = "second_factor_done"

PENDING_USER_ID = "pending_user_id"
PENDING_SINCE = "pending_since"
PENDING_GENERATION = "pending_generation"
PENDING_NEXT = "pending_next"
#: How long the code step waits after the right password before starting again.
PENDING_MINUTES = 5

#: Why a session ended, shown on the sign-in page: set by :func:`load_current_user`
#: and :func:`pending_user`.
ENDED_REASON = "session_ended"
IDLE = "idle"
EXPIRED = "expired"
CODE_EXPIRED = "code_expired"

View = TypeVar("View", bound=Callable[..., Any])


def begin_session(user: User, *, second_factor_done: bool = False) -> None:
    """Start a fresh session for ``user``.

    Everything from before sign-in is dropped and a random value added, so the
    signed cookie after sign-in shares nothing with the one before (session fixation).
    ``second_factor_done`` says the person has just typed a right code (or set up
    two-step verification); without it an account with two-step verification gets
    no session at all, and a role that requires it must set it up first.
    """
    session.clear()
    session.update(session_values(user, second_factor_done=second_factor_done))
    g.current_user = user


def session_values(user: User, *, second_factor_done: bool = False) -> dict[str, object]:
    """What a freshly signed-in session holds for ``user``."""
    now = clock.now().timestamp()
    return {
        USER_ID: user.id,
        SIGNED_IN_AT: now,
        LAST_SEEN_AT: now,
        SESSION_NONCE: secrets.token_urlsafe(16),
        GENERATION: user.session_generation,
        SECOND_FACTOR_DONE: second_factor_done,
    }


def second_factor_done() -> bool:
    return bool(session.get(SECOND_FACTOR_DONE))


def mark_second_factor_done() -> None:
    """This session has just set up two-step verification: it counts as passed."""
    session[SECOND_FACTOR_DONE] = True


def must_set_up_second_factor(user: User) -> bool:
    """True when ``user`` may use only the set-up page until two-step verification is on."""
    return not second_factor_done() and two_factor.setup_required(
        user, current_app.config["TRACKER_ENV"]
    )


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
    if account.totp_secret is not None and not second_factor_done():
        # Two-step verification was turned on after this session began (perhaps in
        # another browser): a session that never passed it does not count.
        end_session()
        return None
    session[LAST_SEEN_AT] = now.timestamp()
    g.current_user = account
    return account


# --- the code step of signing in ------------------------------------------------------


def begin_pending(user: User, next_url: str) -> None:
    """Remember that ``user`` typed the right password and now owes a code.

    The session is emptied first, like :func:`begin_session`, but gets no ``USER_ID``:
    until the code is right nobody is signed in.
    """
    session.clear()
    session.update(
        {
            PENDING_USER_ID: user.id,
            PENDING_SINCE: clock.now().timestamp(),
            PENDING_GENERATION: user.session_generation,
            PENDING_NEXT: next_url,
        }
    )


def pending_user() -> User | None:
    """The account waiting for its code, or None (with the reason kept if it expired)."""
    user_id = session.get(PENDING_USER_ID)
    if user_id is None:
        return None
    try:
        since = datetime.fromtimestamp(float(session[PENDING_SINCE]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        end_pending()
        return None
    if clock.now() - since >= timedelta(minutes=PENDING_MINUTES):
        end_pending()
        session[ENDED_REASON] = CODE_EXPIRED
        return None
    account = get_session().get(User, user_id)
    if (
        account is None
        or not account.is_active
        or session.get(PENDING_GENERATION) != account.session_generation
    ):
        end_pending()
        return None
    return account


def pending_next_url() -> str:
    return str(session.get(PENDING_NEXT) or "")


def end_pending() -> None:
    for key in (PENDING_USER_ID, PENDING_SINCE, PENDING_GENERATION, PENDING_NEXT):
        session.pop(key, None)


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
