"""Staff accounts in a real browser: an engagement officer invites a partner lead, who
opens the emailed link (read from a real SMTP server on loopback), chooses a password
and signs in. With JavaScript on and off, checked with axe-core."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    StaffAccount,
    browser_sign_in,
)
from tests.mailbox import LoopbackSmtp
from tracker.models import AuditEvent, Role, User

#: The password the invited partner lead chooses.
CHOSEN_PASSWORD = "heron willow lantern autumn"


@contextmanager
def mail_to_loopback(live_server: LiveServer) -> Iterator[LoopbackSmtp]:
    """The live server's email goes to a real SMTP server on loopback, for one test."""
    names = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")
    saved = {name: live_server.app.config.get(name) for name in names}
    with LoopbackSmtp() as smtp:
        smtp.configure(live_server.app)
        try:
            yield smtp
        finally:
            live_server.app.config.update(saved)


@pytest.fixture
def smtp(live_server: LiveServer) -> Iterator[LoopbackSmtp]:
    with mail_to_loopback(live_server) as server:
        yield server


@dataclass(frozen=True)
class InvitedAccount:
    email: str
    name: str
    password: str
    user_id: int

    def as_staff_account(self) -> StaffAccount:
        return StaffAccount(email=self.email, password=self.password, user_id=self.user_id)


def invite_and_accept(
    inviter_page: Page,
    invitee_page: Page,
    live_server: LiveServer,
    smtp: LoopbackSmtp,
    *,
    partner_name: str,
    name: str = "Pat Partner-Lead",
    password: str = CHOSEN_PASSWORD,
) -> InvitedAccount:
    """Invite a partner lead of ``partner_name`` from ``inviter_page`` (signed in as the
    team), accept the emailed invitation in ``invitee_page`` and sign in there.

    Ends with ``invitee_page`` on the partner lead's workspace at /manage.
    """
    email = f"lead-{secrets.token_hex(4)}@example.nhs.uk"
    inviter_page.goto(live_server("/manage/users"))
    inviter_page.get_by_role("button", name="Invite a user").click()
    expect(inviter_page.get_by_role("heading", level=1)).to_have_text("Invite a user")
    inviter_page.get_by_label("Full name").fill(name)
    inviter_page.get_by_label("Work email address").fill(email)
    inviter_page.get_by_label("Partner lead", exact=True).check()
    inviter_page.get_by_label("Partner", exact=True).select_option(label=partner_name)
    inviter_page.get_by_role("button", name="Send invitation").click()
    expect(inviter_page.get_by_role("heading", level=1)).to_have_text(name)
    expect(inviter_page.get_by_text(f"Invitation sent to {email}.")).to_be_visible()

    link = live_server(smtp.link_path())
    [message] = [m for m in smtp.messages if m["To"] == email]
    assert live_server(smtp.link_path(message)) == link

    invitee_page.goto(link)
    expect(invitee_page.get_by_role("heading", level=1)).to_have_text("Create your password")
    invitee_page.get_by_label("New password", exact=True).fill(password)
    invitee_page.get_by_role("button", name="Save password").click()
    invitee_page.wait_for_url(live_server("/login"))
    expect(invitee_page.get_by_text("Your password is set. Sign in.")).to_be_visible()

    with live_server.session() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert user.id is not None
        account = InvitedAccount(email=email, name=name, password=password, user_id=user.id)
    browser_sign_in(invitee_page, live_server, account.as_staff_account())
    invitee_page.goto(live_server("/manage"))
    expect(invitee_page.locator(".tracker-workspace-bar")).to_contain_text(name)
    return account


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_engagement_officer_invites_a_partner_lead_who_signs_in(
    browser: Browser,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    smtp: LoopbackSmtp,
    assert_accessible: Callable[[Page], None],
    javascript: bool,
) -> None:
    officer = staff_account(Role.ENGAGEMENT, name="Erin Engagement")
    inviter_context = browser.new_context(viewport=DESKTOP, java_script_enabled=javascript)
    invitee_context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    try:
        inviter, invitee = inviter_context.new_page(), invitee_context.new_page()
        browser_sign_in(inviter, live_server, officer)
        partner = live_server.samples["overdue_partner_name"]

        account = invite_and_accept(inviter, invitee, live_server, smtp, partner_name=partner)

        expect(invitee.locator(".tracker-workspace-bar")).to_contain_text(partner)
        with live_server.session() as session:
            user = session.get(User, account.user_id)
            assert user is not None
            assert user.role is Role.PARTNER and user.partner is not None
            assert user.partner.name == partner
            assert user.last_signed_in_at is not None
            actions = session.exec(
                select(AuditEvent.action)
                .where(AuditEvent.entity_id == account.user_id)
                .order_by(AuditEvent.id)
            ).all()
        assert actions[:2] == ["user.invited", "password.set"]
        assert "sign_in.succeeded" in actions

        # The officer sees the new account as active, with its partner.
        inviter.goto(live_server(f"/manage/users?role=partner&partner={user.partner.slug}"))
        entry = inviter.locator(".app-record", has_text=account.email)
        expect(entry).to_contain_text("Active")
        if javascript:  # axe-core itself needs JavaScript
            assert_accessible(inviter)
    finally:
        inviter_context.close()
        invitee_context.close()


def test_user_pages_are_accessible_including_errors(
    page: Page,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    smtp: LoopbackSmtp,
    assert_accessible: Callable[[Page], None],
) -> None:
    admin = staff_account(Role.ADMIN, name="Ada Admin")
    colleague = staff_account(Role.ENGAGEMENT, name="Cleo Colleague")
    browser_sign_in(page, live_server, admin)

    page.goto(live_server("/manage/users"))
    assert_accessible(page)

    page.goto(live_server("/manage/users/invite"))
    assert_accessible(page)
    page.get_by_label("Partner lead", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_title(re.compile("^Error: Invite a user"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter their full name")
    assert_accessible(page)

    page.goto(live_server(f"/manage/users/{colleague.user_id}"))
    assert_accessible(page)
    page.get_by_label("Partner lead", exact=True).check()
    page.get_by_role("button", name="Save role and partner").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the partner")
    assert_accessible(page)

    page.get_by_role("button", name="Send a password reset link").click()
    expect(page.get_by_text("A password reset link was sent")).to_be_visible()
    assert_accessible(page)
    link = live_server(smtp.link_path())

    visitor = page.context.browser.new_context(viewport=PHONE)  # type: ignore[union-attr]
    try:
        reset = visitor.new_page()
        reset.goto(link)
        assert_accessible(reset)
        reset.get_by_label("New password", exact=True).fill("short")
        reset.get_by_role("button", name="Save password").click()
        expect(reset.locator(".nhsuk-error-summary")).to_contain_text("12 characters or more")
        assert_accessible(reset)
        reset.goto(live_server("/account/reset"))
        assert_accessible(reset)
        reset.get_by_role("button", name="Send me a link").click()
        expect(reset.locator(".nhsuk-error-summary")).to_contain_text("Enter your email address")
        assert_accessible(reset)
        reset.get_by_label("Email address").fill("nobody@example.nhs.uk")
        reset.get_by_role("button", name="Send me a link").click()
        expect(reset.get_by_role("heading", level=1)).to_have_text("Check your email")
        assert_accessible(reset)
        reset.goto(live_server("/account/accept/not-a-real-link"))
        expect(reset.get_by_role("heading", level=1)).to_contain_text("has expired")
        assert_accessible(reset)
    finally:
        visitor.close()
