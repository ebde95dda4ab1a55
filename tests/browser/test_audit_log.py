"""The audit log in the browser: an admin filters it, and it passes axe."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, StaffAccount, browser_sign_in
from tracker.models import Role


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_an_admin_filters_the_audit_log(
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    assert_accessible: Callable[[Page], None],
    device: str,
) -> None:
    page: Page = request.getfixturevalue(device)
    admin = staff_account(Role.ADMIN, name="Ada Admin")
    browser_sign_in(page, live_server, admin)

    page.goto(live_server("/manage/audit"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert_accessible(page)

    page.get_by_label("Action", exact=True).select_option("sign_in.code_accepted")
    page.get_by_role("button", name="Show entries").click()
    expect(page).to_have_url(re.compile(r"/manage/audit\?.*action=sign_in\.code_accepted"))
    headings = page.locator(".app-audit-event h3")
    expect(headings.first).to_contain_text("sign_in.code_accepted")
    for text in headings.all_inner_texts():
        assert text.startswith("sign_in.code_accepted")
    expect(page.get_by_role("main")).to_contain_text("Ada Admin")
    assert_accessible(page)


def test_the_audit_log_filters_without_javascript(
    page_without_js: Page,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
) -> None:
    admin = staff_account(Role.ADMIN)
    browser_sign_in(page_without_js, live_server, admin)
    page_without_js.goto(live_server("/manage/audit"))
    page_without_js.get_by_label("Record", exact=True).fill("nothing-like-this")
    page_without_js.get_by_role("button", name="Show entries").click()
    expect(page_without_js.get_by_role("heading", name="0 entries")).to_be_visible()
    expect(page_without_js.get_by_label("Record", exact=True)).to_have_value("NOTHING-LIKE-THIS")
