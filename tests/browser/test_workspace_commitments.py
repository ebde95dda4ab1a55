"""A partner lead's commitments in a real browser: posting updates from the dashboard
with JavaScript on and off, moving a target date (and seeing it on the public page),
two people editing the same commitment, and axe-core on every state at desktop and
phone widths."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import col, select

from tests.browser.conftest import (
    DESKTOP,
    LiveServer,
    StaffAccount,
    browser_sign_in,
)
from tests.conftest import TODAY
from tracker.models import Commitment, Partner, Role, Update
from tracker.rules import CLOSED_STATUSES


def partner_slug(live_server: LiveServer) -> str:
    return live_server.samples["overdue_partner"]


@pytest.fixture
def lead(live_server: LiveServer, staff_account: Callable[..., StaffAccount]) -> StaffAccount:
    """A partner lead of a demo partner that has open (and Overdue) commitments."""
    return staff_account(Role.PARTNER, partner_slug(live_server), name="Priya Shah")


def not_yet_due(live_server: LiveServer, index: int) -> str:
    """The reference of one of the partner's open commitments that is not yet due.

    Each test takes its own, so tests never edit the same commitment; none of them
    is Overdue, so the public lists other tests check keep their Overdue ones.
    """
    with live_server.session() as session:
        references = [
            commitment.reference
            for commitment in session.exec(
                select(Commitment)
                .join(Partner, col(Partner.id) == col(Commitment.partner_id))
                .where(
                    col(Partner.slug) == partner_slug(live_server),
                    col(Commitment.status).not_in(CLOSED_STATUSES),
                    col(Commitment.target_date) >= TODAY + timedelta(days=7),
                )
                .order_by(col(Commitment.number).desc())
            ).all()
        ]
    assert len(references) > index, "the demo partner has too few open commitments"
    return references[index]


def stored(live_server: LiveServer, reference: str) -> Commitment:
    number = int(reference.split("-")[1])
    with live_server.session() as session:
        commitment = session.exec(select(Commitment).where(col(Commitment.number) == number)).one()
        session.expunge(commitment)
        return commitment


def narratives(live_server: LiveServer, reference: str) -> list[str]:
    number = int(reference.split("-")[1])
    with live_server.session() as session:
        return list(
            session.exec(
                select(Update.narrative)
                .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
                .where(col(Commitment.number) == number)
            ).all()
        )


def first_row_reference(page: Page) -> str:
    row_id = page.locator("li.app-workspace-row").first.get_attribute("id")
    assert row_id is not None
    return row_id.removeprefix("commitment-")


# --- Posting an update from the dashboard ------------------------------------------


def test_partner_lead_posts_an_update_from_the_dashboard_with_javascript(
    page: Page, live_server: LiveServer, lead: StaffAccount, assert_accessible
) -> None:
    browser_sign_in(page, live_server, lead)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your commitments")
    reference = first_row_reference(page)
    row = page.locator(f"#commitment-{reference}")
    expect(row.locator(".app-tags")).to_contain_text("Overdue")
    # The row's form is fetched when its details are first opened.
    expect(row.locator("form")).to_have_count(0)

    with page.expect_response(re.compile(r"/update-form\?")) as loaded:
        row.get_by_text(f"Post an update on {reference}").click()
    assert loaded.value.status == 200
    row.get_by_label("What has been done since the last update").fill(
        "We met the practice managers and agreed the evening rota."
    )
    row.get_by_label("Progress (optional)").fill("35")
    with page.expect_response(re.compile(r"/updates$")) as posted:
        row.get_by_role("button", name="Post update").click()

    assert posted.value.status == 200
    row = page.locator(f"#commitment-{reference}")
    message = row.locator(".app-workspace-message")
    expect(message).to_contain_text(f"Your update on {reference} was posted.")
    expect(message).to_be_focused()
    expect(page.locator("#workspace-status")).to_contain_text("was posted")
    expect(page).to_have_url(live_server("/manage"))
    expect(row.locator("details")).not_to_have_attribute("open", "")
    assert "We met the practice managers and agreed the evening rota." in narratives(
        live_server, reference
    )
    assert_accessible(page)


def test_partner_lead_posts_an_update_from_the_dashboard_without_javascript(
    page_without_js: Page, live_server: LiveServer, lead: StaffAccount
) -> None:
    page = page_without_js
    browser_sign_in(page, live_server, lead)
    reference = page.locator("li.app-workspace-row").nth(1).get_attribute("id")
    assert reference is not None
    reference = reference.removeprefix("commitment-")
    row = page.locator(f"#commitment-{reference}")

    # Without JavaScript the row's details lead to the commitment's own form.
    row.get_by_text(f"Post an update on {reference}").click()
    row.get_by_role("link", name=f"Post an update on the page for {reference}").click()
    expect(page).to_have_url(live_server(f"/manage/commitments/{reference}#post-an-update"))
    form = page.locator("form.app-update-form")
    form.get_by_label("What has been done since the last update").fill(
        "Posted without JavaScript: the survey has gone out."
    )
    form.get_by_label("Title of evidence link 1").fill("Survey")
    form.get_by_label("Address of evidence link 1").fill("https://www.example.nhs.uk/survey")
    form.get_by_role("button", name="Post update").click()

    expect(page).to_have_url(live_server(f"/manage/commitments/{reference}"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        f"Your update on {reference} was posted."
    )
    assert "Posted without JavaScript: the survey has gone out." in narratives(
        live_server, reference
    )


def test_a_mistake_without_javascript_is_shown_with_the_input_kept(
    page_without_js: Page, live_server: LiveServer, lead: StaffAccount
) -> None:
    page = page_without_js
    browser_sign_in(page, live_server, lead)
    reference = first_row_reference(page)
    row = page.locator(f"#commitment-{reference}")
    before = narratives(live_server, reference)

    row.get_by_text(f"Post an update on {reference}").click()
    row.get_by_role("link", name=f"Post an update on the page for {reference}").click()
    form = page.locator("form.app-update-form")
    form.get_by_label("Reason (shown to the public)").fill("Kept after the error")
    form.get_by_role("button", name="Post update").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter what has been done since the last update")
    expect(page.get_by_label("Reason (shown to the public)")).to_have_value("Kept after the error")
    assert narratives(live_server, reference) == before


def test_an_update_that_cannot_be_a_row_shows_the_whole_page(
    page: Page, live_server: LiveServer, lead: StaffAccount
) -> None:
    """htmx never swaps a whole page into a row: the form is sent again as a plain POST.

    Here the session has gone (its cookie cleared), so the form's token no longer
    matches and the answer is the "form had expired" page.
    """
    browser_sign_in(page, live_server, lead)
    reference = first_row_reference(page)
    row = page.locator(f"#commitment-{reference}")
    row.get_by_text(f"Post an update on {reference}").click()
    row.get_by_label("What has been done since the last update").fill("After my session ended.")
    before = narratives(live_server, reference)
    page.context.clear_cookies()

    row.get_by_role("button", name="Post update").click()

    expect(page).to_have_url(live_server(f"/manage/commitments/{reference}/updates"))
    expect(page.locator("main")).to_contain_text("This form had expired")
    assert page.locator("main").count() == 1
    assert page.locator("li.app-workspace-row").count() == 0
    assert narratives(live_server, reference) == before


# --- A new target date, on the public page --------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_target_date_change_with_its_reason_shows_on_the_public_page(
    request: pytest.FixtureRequest, live_server: LiveServer, lead: StaffAccount, javascript: bool
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "page_without_js")
    reference = not_yet_due(live_server, 0 if javascript else 2)
    before = stored(live_server, reference)
    new_target = before.target_date + timedelta(days=91)
    browser_sign_in(page, live_server, lead)
    page.goto(live_server(f"/manage/commitments/{reference}"))

    form = page.locator("form.app-update-form")
    form.get_by_label("What has been done since the last update").fill(
        "The contractor needs three more months."
    )
    form.get_by_label("Status").select_option(label="Delayed")
    dates = form.get_by_role("group", name="New target date")
    dates.get_by_label("Day").fill(str(new_target.day))
    dates.get_by_label("Month").fill(str(new_target.month))
    dates.get_by_label("Year").fill(str(new_target.year))
    form.get_by_label("Reason (shown to the public)").fill(
        "The contractor could not start until the new financial year."
    )
    form.get_by_role("button", name="Post update").click()

    expect(page).to_have_url(live_server(f"/manage/commitments/{reference}"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("was posted")
    expect(page.locator(".app-timeline")).to_contain_text("The contractor needs three more months.")

    page.goto(live_server(f"/we-will/{reference}"))
    changes = page.locator(".app-target-dates")
    expect(changes).to_contain_text(f"to {new_target.day} ")
    expect(changes).to_contain_text(
        "Why: The contractor could not start until the new financial year."
    )
    expect(page.locator(".app-timeline")).to_contain_text("to Delayed")
    after = stored(live_server, reference)
    assert after.target_date == new_target
    assert after.original_target_date == before.original_target_date
    assert after.status_reason == "The contractor could not start until the new financial year."


# --- Two people edit the same commitment -----------------------------------------------


def test_second_editor_is_told_what_changed_and_keeps_their_text(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    assert_accessible,
) -> None:
    reference = not_yet_due(live_server, 1)
    first_person = staff_account(Role.PARTNER, partner_slug(live_server), name="Ada Lovelace")
    second_person = staff_account(Role.PARTNER, partner_slug(live_server), name="Grace Hopper")
    other_context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport=DESKTOP
    )
    try:
        other = other_context.new_page()
        browser_sign_in(page, live_server, first_person)
        browser_sign_in(other, live_server, second_person)
        edit = live_server(f"/manage/commitments/{reference}/edit")
        page.goto(edit)
        other.goto(edit)

        page.get_by_label("Title").fill("Open evening appointments at every practice")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator(".nhsuk-notification-banner")).to_contain_text("were saved")

        other.get_by_label("Title").fill("Open Saturday morning appointments")
        other.get_by_label("Accountable role").fill("Head of Primary Care Contracts")
        other.get_by_role("button", name="Save changes").click()

        summary = other.locator(".app-conflict-summary")
        expect(summary).to_contain_text(
            re.compile(r"Ada Lovelace changed this commitment at .* while you were editing")
        )
        expect(summary).to_contain_text("Open evening appointments at every practice")
        expect(other.get_by_label("Title")).to_have_value("Open Saturday morning appointments")
        expect(other.get_by_label("Accountable role")).to_have_value(
            "Head of Primary Care Contracts"
        )
        assert stored(live_server, reference).title == "Open evening appointments at every practice"
        assert_accessible(other)

        # Having read the change, saving again is deliberate and goes through.
        other.get_by_role("button", name="Save changes").click()
        expect(other.locator(".nhsuk-notification-banner")).to_contain_text("were saved")
        assert stored(live_server, reference).title == "Open Saturday morning appointments"
    finally:
        other_context.close()


# --- Accessibility at desktop and phone widths -----------------------------------------


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_workspace_commitment_pages_are_accessible(
    width: str,
    page: Page,
    phone_page: Page,
    live_server: LiveServer,
    lead: StaffAccount,
    assert_accessible,
) -> None:
    screen = page if width == "desktop" else phone_page
    browser_sign_in(screen, live_server, lead)
    assert_accessible(screen)  # the dashboard

    reference = first_row_reference(screen)
    row = screen.locator(f"#commitment-{reference}")
    row.get_by_text(f"Post an update on {reference}").click()
    row.get_by_role("button", name="Post update").click()
    expect(row.locator(".nhsuk-error-summary")).to_contain_text("Enter what has been done")
    assert_accessible(screen)  # a row's error, swapped in by htmx

    screen.goto(live_server(f"/manage/commitments/{reference}"))
    assert_accessible(screen)  # the commitment page

    screen.get_by_role("button", name="Post update").click()
    expect(screen).to_have_title(re.compile(r"^Error: "))
    assert_accessible(screen)  # the commitment page with errors

    other = not_yet_due(live_server, 2 if width == "desktop" else 3)
    screen.goto(live_server(f"/manage/commitments/{other}"))
    version = screen.locator("form.app-update-form input[name=version]")
    stale = str(int(version.input_value()) - 1)
    version.evaluate("(input, value) => { input.value = value }", stale)
    screen.get_by_label("What has been done since the last update").fill("A stale update.")
    screen.get_by_role("button", name="Post update").click()
    expect(screen.locator(".app-conflict-summary")).to_be_visible()
    assert_accessible(screen)  # the conflict

    screen.goto(live_server(f"/manage/commitments/{other}/edit"))
    assert_accessible(screen)
