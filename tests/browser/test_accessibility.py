"""axe-core finds no WCAG 2.2 A or AA violations on any public page type."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer

#: Every public page type, unfiltered and filtered. Names in braces are demo records
#: chosen by the live server (see ``_samples`` in conftest.py).
PAGE_TYPES = [
    "/",
    "/you-said",
    "/you-said?state=awaiting&sort=waiting-longest",
    "/you-said?q=appointments",
    "{issue}",
    "/we-will",
    "/we-will?status=overdue&partner={overdue_partner}",
    "/we-will?q=phone&sort=target-date",
    "{moved_commitment}",
    "/partners",
    "{partner}",
    "{theme}",
    "{area}",
    "{community}",
    "/engagements",
    "{engagement}",
    "/accessibility",
    "/privacy",
    "/no-such-page",
    "/we-will?status=bogus&page=-1",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_page_has_no_wcag_violations(
    page: Page, live_server: LiveServer, assert_accessible: Callable[[Page], None], path: str
) -> None:
    page.goto(live_server(path.format(**live_server.samples)))
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/we-will", "{moved_commitment}", "{partner}"])
def test_page_has_no_wcag_violations_on_a_phone(
    phone_page: Page, live_server: LiveServer, assert_accessible: Callable[[Page], None], path: str
) -> None:
    phone_page.goto(live_server(path.format(**live_server.samples)))
    assert_accessible(phone_page)
