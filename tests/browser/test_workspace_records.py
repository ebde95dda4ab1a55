"""The engagement team's pages in a real browser: recording an issue heard at an
engagement (and a commitment on it) until residents see it on the public site, with
JavaScript on and off; and axe-core on every page type, on a desktop and a phone."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from tests.browser.conftest import LiveServer, StaffAccount, browser_sign_in
from tracker.models import Engagement, Issue, Partner, Role, Theme, Update


def newest_engagement(live_server: LiveServer) -> Engagement:
    with live_server.session() as session:
        return session.exec(
            select(Engagement).order_by(
                col(Engagement.started_on).desc(), col(Engagement.number).desc()
            )
        ).first()


def stored_issue(live_server: LiveServer, title: str) -> tuple[Issue, list[str], list[int]]:
    """The issue called ``title``, its theme names and the ids of its engagements."""
    with live_server.session() as session:
        issue = session.exec(select(Issue).where(Issue.title == title)).one()
        return (
            issue,
            [theme.name for theme in issue.themes],
            [engagement.id for engagement in issue.engagements],
        )


def commitment_titles(live_server: LiveServer, issue_id: int) -> list[str]:
    with live_server.session() as session:
        issue = session.get(Issue, issue_id)
        return [commitment.title for commitment in issue.commitments]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_an_engagement_officer_records_an_issue_heard_at_an_engagement_and_residents_see_it(
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    javascript: bool,
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "page_without_js")
    engagement = newest_engagement(live_server)
    with live_server.session() as session:
        partner = session.exec(select(Partner).order_by(col(Partner.name))).first()
        theme = session.exec(select(Theme).order_by(col(Theme.name))).first()
        partner_name, theme_name = partner.name, theme.name
    title = f"Buses stop before the evening clinic closes {secrets.token_hex(3)}"
    browser_sign_in(page, live_server, staff_account(Role.ENGAGEMENT))

    # From the workspace, to the engagement where residents said it.
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Engagements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagements")
    page.get_by_role("link", name=engagement.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(engagement.title)
    page.get_by_role("button", name="Record an issue heard here").click()

    # The form starts from the engagement; a first try without a title is refused.
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an issue")
    expect(page.get_by_role("checkbox", name=f"({engagement.reference},")).to_be_checked()
    page.get_by_label("What residents said").fill(
        "Residents said the last bus leaves before the evening clinic ends."
    )
    page.get_by_role("button", name="Record issue").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter a title for the issue")
    expect(page.get_by_label("What residents said")).to_have_value(
        "Residents said the last bus leaves before the evening clinic ends."
    )
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Quotes").fill("I had to walk home in the dark\nThe last bus is at six")
    page.get_by_label(theme_name, exact=True).check()
    page.get_by_label("Lead partner").select_option(label=partner_name)
    page.get_by_role("button", name="Record issue").click()

    expect(page.get_by_text(re.compile(r"Issue YS-\d{4} recorded\."))).to_be_visible()
    issue, themes, engagement_ids = stored_issue(live_server, title)
    assert page.url.endswith(f"/manage/issues/{issue.reference}")
    assert issue.quotes == ["I had to walk home in the dark", "The last bus is at six"]
    assert themes == [theme_name]
    assert engagement_ids == [engagement.id]
    assert issue.lead_partner_id == partner.id

    # And the partner's promise about it.
    commitment_title = f"Run a later bus on clinic evenings {secrets.token_hex(3)}"
    page.get_by_role("button", name="Make a commitment").click()
    page.locator('[name="title"]').fill(commitment_title)
    page.locator('[name="description"]').fill("Add a 9pm bus on clinic evenings.")
    page.locator('[name="success_measure"]').fill("Patients can get home by bus.")
    page.locator('[name="accountable_role"]').fill("Head of Transport")
    page.locator('[name="target_date-day"]').fill("31")
    page.locator('[name="target_date-month"]').fill("3")
    page.locator('[name="target_date-year"]').fill("2027")
    page.get_by_role("button", name="Make commitment").click()
    expect(page.get_by_text(commitment_title).first).to_be_visible()
    assert commitment_titles(live_server, issue.id) == [commitment_title]

    # Residents see it on the public site.
    page.goto(live_server(f"/you-said/{issue.reference}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    main = page.get_by_role("main")
    expect(main).to_contain_text("“I had to walk home in the dark”")
    expect(main.get_by_role("link", name=engagement.title).first).to_be_visible()
    expect(main).to_contain_text(partner_name)
    expect(main).to_contain_text(commitment_title)


def test_searching_the_issues_narrows_the_list_as_you_type(
    page: Page, live_server: LiveServer, staff_account: Callable[..., StaffAccount]
) -> None:
    with live_server.session() as session:
        issue = session.exec(select(Issue).order_by(col(Issue.number).desc())).first()
    browser_sign_in(page, live_server, staff_account(Role.ENGAGEMENT))
    page.goto(live_server("/manage/issues"))
    heading = page.locator("#results-heading")
    expect(heading).not_to_have_text(re.compile(r"^1 issue\b"))

    page.get_by_label("Search issues").press_sequentially(issue.reference.lower(), delay=20)

    expect(heading).to_have_text(re.compile(rf"^1 issue matching “{issue.reference.lower()}”"))
    expect(page.locator("#results").get_by_role("link", name=issue.title)).to_be_visible()
    assert page.url.endswith(f"/manage/issues?q={issue.reference.lower()}")


def page_addresses(live_server: LiveServer) -> dict[str, str]:
    with live_server.session() as session:
        issue = session.exec(select(Issue).order_by(col(Issue.number))).first()
        update = session.exec(
            select(Update).where(col(Update.hidden_at).is_(None)).order_by(col(Update.id))
        ).first()
        partner = session.exec(select(Partner).order_by(col(Partner.slug))).first()
    engagement = newest_engagement(live_server)
    return {
        "engagements": "/manage/engagements",
        "engagement": f"/manage/engagements/{engagement.reference}",
        "new engagement": "/manage/engagements/new",
        "change engagement": f"/manage/engagements/{engagement.reference}/edit",
        "issues": "/manage/issues",
        "issue": f"/manage/issues/{issue.reference}",
        "new issue": f"/manage/issues/new?engagement={engagement.reference}",
        "change issue": f"/manage/issues/{issue.reference}/edit",
        "lead partner": f"/manage/issues/{issue.reference}/lead-partner",
        "hide update": f"/manage/updates/{update.id}/hide",
        "reference data": "/manage/reference-data",
        "partners": "/manage/reference-data/partners",
        "new area": "/manage/reference-data/areas/new",
        "change partner": f"/manage/reference-data/partners/{partner.slug}/edit",
    }


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_page_type_passes_axe(
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    staff_account: Callable[..., StaffAccount],
    assert_accessible: Callable[[Page], None],
    device: str,
) -> None:
    page: Page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    browser_sign_in(page, live_server, staff_account(Role.ENGAGEMENT))
    for name, address in page_addresses(live_server).items():
        page.goto(live_server(address))
        expect(page.get_by_role("heading", level=1), name).to_be_visible()
        assert_accessible(page)

    # And a form showing its errors.
    page.goto(live_server("/manage/engagements/new"))
    page.get_by_label("Link to the public write-up").fill("javascript:alert(1)")
    page.get_by_role("button", name="Record engagement").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "must be a web address starting with https://"
    )
    assert_accessible(page)
