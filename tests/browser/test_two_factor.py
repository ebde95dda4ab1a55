"""Journeys through two-step verification in Chromium, with and without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.browser.conftest import LiveServer, StaffAccount, browser_sign_in
from tracker.models import RecoveryCode, Role, User


def partner_slug(live_server: LiveServer) -> str:
    return live_server.samples["partner"].rsplit("/", 1)[1]


def stored_user(live_server: LiveServer, user_id: int) -> User:
    with live_server.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_partner_lead_sets_up_two_step_verification_and_signs_in_with_a_code(
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    page_fixture: str,
) -> None:
    page: Page = request.getfixturevalue(page_fixture)
    account = staff_account(Role.PARTNER, partner_slug(live_server))
    browser_sign_in(page, live_server, account)

    page.get_by_role("link", name="Your account").first.click()
    expect(page.get_by_text("Two-step verification is off")).to_be_visible()
    page.get_by_role("button", name="Set up two-step verification").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()

    # Type the setup key into an "app", as someone who cannot scan the QR code would.
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step verification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    stored = stored_user(live_server, account.user_id)
    # Stored encrypted (tests/integration/test_two_factor_secrets.py opens it again).
    assert stored.totp_secret is not None and secret not in stored.totp_secret
    with live_server.session() as session:
        rows = session.exec(
            select(RecoveryCode).where(RecoveryCode.user_id == account.user_id)
        ).all()
        assert len(rows) == 10 and not {row.code_hash for row in rows} & set(codes)

    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_text("Two-step verification is on")).to_be_visible()
    expect(page.locator("#recovery-codes-left")).to_contain_text("10 recovery codes left")

    sign_out(page)
    with_code = StaffAccount(account.email, account.password, account.user_id, secret)
    browser_sign_in(page, live_server, with_code)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/login" not in page.url


def test_a_wrong_code_is_refused_and_a_recovery_code_signs_in(
    page: Page, live_server: LiveServer, staff_account: Callable[..., StaffAccount]
) -> None:
    account = staff_account(Role.ENGAGEMENT)
    page.goto(live_server("/login"))
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the code your authenticator app shows now")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Security code")).to_be_focused()
    assert stored_user(live_server, account.user_id).failed_sign_in_count == 1


def test_admin_without_two_step_verification_must_set_it_up_first(
    page: Page, live_server: LiveServer, staff_account: Callable[..., StaffAccount]
) -> None:
    account = staff_account(Role.ADMIN, two_factor=False)
    browser_sign_in(page, live_server, account)

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    expect(page.get_by_text("Your role needs two-step verification")).to_be_visible()
    page.goto(live_server("/manage/account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")


# --- accessibility and how the pages look ---------------------------------------------------


@pytest.mark.parametrize("page_fixture", ["page", "phone_page"])
def test_two_factor_pages_have_no_wcag_violations(
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    assert_accessible: Callable[[Page], None],
    page_fixture: str,
) -> None:
    page: Page = request.getfixturevalue(page_fixture)
    account = staff_account(Role.PARTNER, partner_slug(live_server), two_factor=True)
    assert account.totp_secret is not None

    page.goto(live_server("/login"))
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="I cannot use my authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a recovery code")
    assert_accessible(page)

    page.goto(live_server("/login/code"))
    page.get_by_label("Security code").fill(pyotp.TOTP(account.totp_secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server("/manage") + "**")

    page.goto(live_server("/manage/account"))
    assert_accessible(page)

    page.goto(live_server("/manage/account/two-factor"))
    assert_accessible(page)
    page.get_by_role("button", name="Move to this phone").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server("/manage/account/password"))
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server("/manage/account/recovery-codes"))
    page.get_by_label("Your current password").fill(account.password)
    page.get_by_role("button", name="Get new recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    assert_accessible(page)
