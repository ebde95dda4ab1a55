"""Helpers for tests of the staff workspace: signed-in clients and CSRF-carrying posts.

Sign-in itself is tested through the form in tests/integration/test_sign_in.py;
other workspace tests start from a session exactly as a completed sign-in leaves
it (:func:`tracker.manage.auth.session_values`), so they test their own page.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlmodel import Session

from tests.factories import make_partner, make_user
from tests.pages import get_page
from tracker.manage import auth
from tracker.models import Partner, Role, User


def sign_in_as(client: FlaskClient, user: User) -> User:
    """Make ``client`` signed in as ``user``, as the sign-in form would after every step.

    The session counts as having passed two-step verification, whether or not the
    account has it, so an admin or engagement account made by a factory can use the
    workspace without setting it up (tests/integration/test_two_factor.py tests that).
    """
    with client.application.test_request_context():
        values = auth.session_values(user, second_factor_done=True)
    with client.session_transaction() as flask_session:
        flask_session.clear()
        flask_session.update(values)
    return user


def make_signed_in(
    client: FlaskClient, session: Session, role: Role, partner: Partner | None = None, **fields: Any
) -> User:
    """A new account of ``role`` (a partner lead gets ``partner``, or a new one), signed in."""
    if role is Role.PARTNER and partner is None:
        partner = make_partner(session)
    user = make_user(
        session,
        role=role,
        partner_id=partner.id if role is Role.PARTNER and partner else None,
        **fields,
    )
    return sign_in_as(client, user)


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """A CSRF token for ``client``'s session, read from the form on ``url``."""
    page = get_page(client, url)
    return next(
        element.attrs["value"]
        for element in page.find_all("input")
        if element.attrs.get("name") == "csrf_token"
    )


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    token_from: str | None = None,
    **kwargs: Any,
):
    """POST ``data`` to ``url`` with a valid CSRF token (read from ``token_from``, or ``url``)."""
    return client.post(
        url, data={"csrf_token": csrf_token(client, token_from or url), **data}, **kwargs
    )
