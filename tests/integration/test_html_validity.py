"""Every page type renders as valid HTML, checked by the Nu HTML Checker."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.html_validator import check_html, describe
from tracker.demo import DemoSummary

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


def test_public_pages_are_valid_html(client: FlaskClient, demo_data: DemoSummary) -> None:
    pages = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), f"{path} answered {response.status_code}"
        assert response.mimetype == "text/html"
        pages[path] = response.get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
