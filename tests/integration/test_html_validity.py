"""Every page type renders as valid HTML, checked by the Nu HTML Checker."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from tests.conftest import TODAY
from tests.html_validator import check_html, describe
from tracker.demo import load_demo_data

PAGES = [
    "/",
    "/accessibility",
    "/privacy",
    "/you-said",
    "/you-said?state=awaiting",
    "/we-will",
    "/we-will?status=overdue",
    "/we-will?status=bogus&page=-1",
    "/no-such-page",
]


def test_public_pages_are_valid_html(app: Flask, session: Session, client: FlaskClient) -> None:
    app.config["FIXED_TODAY"] = TODAY
    load_demo_data(session, today=TODAY)
    session.commit()

    pages = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), f"{path} answered {response.status_code}"
        assert response.mimetype == "text/html"
        pages[path] = response.get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
