"""The staff journeys end to end: from an invitation to an update residents can read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, StaffAccount, browser_sign_in
from tests.browser.test_workspace_accounts import invite_and_accept, mail_to_loopback
from tracker.models import Role


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_invited_partner_lead_posts_an_update_that_residents_then_see(
    browser: Browser,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    javascript: bool,
) -> None:
    officer = staff_account(Role.ENGAGEMENT, name="Erin Engagement")
    team_context = browser.new_context(viewport=DESKTOP, java_script_enabled=javascript)
    lead_context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    resident_context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    narrative = f"Evening clinics started at three practices ({'with' if javascript else 'no'} JS)."
    try:
        team, lead = team_context.new_page(), lead_context.new_page()
        browser_sign_in(team, live_server, officer)
        with mail_to_loopback(live_server) as smtp:
            invite_and_accept(
                team,
                lead,
                live_server,
                smtp,
                partner_name=live_server.samples["overdue_partner_name"],
                name="Priya Partner-Lead",
            )

        expect(lead.get_by_role("heading", level=1)).to_contain_text("Your commitments")
        row = lead.locator("li.app-workspace-row").first
        reference = (row.get_attribute("id") or "").removeprefix("commitment-")
        assert reference.startswith("WW-")
        row.get_by_text(f"Post an update on {reference}").click()
        if not javascript:
            # The row's details lead to the form on the commitment's own page.
            row.get_by_role("link", name=f"Post an update on the page for {reference}").click()
        form = lead.locator("form.app-update-form")
        form.get_by_label("What has been done since the last update").fill(narrative)
        form.get_by_role("button", name="Post update").click()
        expect(lead.locator("main")).to_contain_text(f"Your update on {reference} was posted.")

        resident = resident_context.new_page()
        resident.goto(live_server(f"/we-will/{reference}"))
        expect(resident.get_by_role("heading", level=1)).to_be_visible()
        expect(resident.locator("main")).to_contain_text(narrative)
    finally:
        team_context.close()
        lead_context.close()
        resident_context.close()
