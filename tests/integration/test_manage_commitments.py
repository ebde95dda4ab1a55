"""The partner lead's dashboard, posting updates, making and editing commitments.

Through the test client on a real database: what each person sees, what is stored
(records and audit events), what is refused, and what a second editor is told when
someone saved first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, func, select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner, make_update, make_user
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, counting_selects, get_page
from tests.workspace import csrf_token, make_signed_in, sign_in_as
from tracker.manage import commitments
from tracker.models import (
    AuditEvent,
    Commitment,
    CommitmentStatus,
    IssueSupportingPartnerLink,
    Role,
    Update,
)

NOW = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    app.config["FIXED_NOW"] = NOW


@pytest.fixture
def own(session):
    return make_partner(session, name="Riverside Community Health", slug="riverside-health")


@pytest.fixture
def other(session):
    return make_partner(session, name="Vale District Council", slug="vale-council")


@pytest.fixture
def commitment(session, own):
    issue = make_issue(session, title="Hard to get a GP appointment", lead_partner=own)
    return make_commitment(
        session,
        issue=issue,
        partner=own,
        title="Open more evening appointments",
        status=CommitmentStatus.IN_PROGRESS,
        target_date=TODAY + timedelta(days=60),
        last_update_on=TODAY - timedelta(days=10),
    )


@pytest.fixture
def others_commitment(session, other):
    issue = make_issue(session, title="Buses stop before visiting ends", lead_partner=other)
    return make_commitment(session, issue=issue, partner=other, title="Run a later bus")


@pytest.fixture
def lead(client, session, own):
    return make_signed_in(client, session, Role.PARTNER, partner=own, name="Priya Shah")


def page_url(commitment: Commitment) -> str:
    return f"/manage/commitments/{commitment.reference}"


def updates_url(commitment: Commitment) -> str:
    return f"/manage/commitments/{commitment.reference}/updates"


def edit_url(commitment: Commitment) -> str:
    return f"/manage/commitments/{commitment.reference}/edit"


def update_data(commitment: Commitment, **fields: Any) -> dict[str, Any]:
    """A valid update form for ``commitment`` as rendered now, with ``fields`` changed."""
    data: dict[str, Any] = {
        "version": str(commitment.version),
        "return_to": "/manage",
        "narrative": "We opened two evening clinics.",
        "status": "",
        "progress_percent": "",
        "new_target_date-day": "",
        "new_target_date-month": "",
        "new_target_date-year": "",
        "reason": "",
    }
    for number in (1, 2, 3):
        data[f"evidence_{number}_title"] = ""
        data[f"evidence_{number}_url"] = ""
    data.update(fields)
    return data


def date_fields(name: str, day: date | tuple[str, str, str]) -> dict[str, str]:
    parts = (str(day.day), str(day.month), str(day.year)) if isinstance(day, date) else day
    return {f"{name}-day": parts[0], f"{name}-month": parts[1], f"{name}-year": parts[2]}


def post_update(client, commitment: Commitment, headers: dict[str, str] | None = None, **fields):
    data = update_data(commitment, **fields)
    data["csrf_token"] = csrf_token(client, "/manage")
    return client.post(updates_url(commitment), data=data, headers=headers or {})


def stored_counts(session) -> tuple[int, int, int]:
    """Updates, audit events and commitments stored: a refused request changes none."""
    session.expire_all()
    return (
        session.exec(select(func.count()).select_from(Update)).one(),
        session.exec(select(func.count()).select_from(AuditEvent)).one(),
        session.exec(select(func.count()).select_from(Commitment)).one(),
    )


def events(session, action: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == action).order_by(col(AuditEvent.id))
        ).all()
    )


def parse(response) -> RenderedPage:
    return RenderedPage(response.get_data(as_text=True))


def error_summary(page: RenderedPage) -> list[str]:
    summaries = page.find_all(cls="nhsuk-error-summary")
    return [item.text for summary in summaries for item in summary.find_all("li")]


def inline_errors(page: RenderedPage) -> list[str]:
    return [element.text for element in page.find_all(cls="nhsuk-error-message")]


def field_value(page: RenderedPage, element_id: str) -> str:
    element = page.find(id=element_id)
    if element.tag == "textarea":
        return "".join(child for child in element.children if isinstance(child, str)).strip()
    if element.tag == "select":
        chosen = [option for option in element.find_all("option") if "selected" in option.attrs]
        return chosen[0].attrs.get("value", "") if chosen else ""
    return element.attrs.get("value", "")


def dashboard_references(page: RenderedPage) -> list[str]:
    return [
        row.attrs["id"].removeprefix("commitment-")
        for row in page.main.find_all("li", cls="app-workspace-row")
    ]


# --- The dashboard ---------------------------------------------------------------


def test_signing_in_is_needed_for_the_dashboard(client):
    response = client.get("/manage")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_partner_lead_sees_own_open_commitments_most_urgent_first(
    client, session, own, other, lead
):
    issue = make_issue(session, lead_partner=own)

    def made(**fields):
        return make_commitment(session, issue=issue, partner=own, **fields)

    later = made(title="Later", target_date=TODAY + timedelta(days=200), last_update_on=TODAY)
    soon = made(title="Due soon", target_date=TODAY + timedelta(days=20), last_update_on=TODAY)
    silent = made(
        title="Silent",
        target_date=TODAY + timedelta(days=100),
        committed_on=TODAY - timedelta(days=200),
        last_update_on=TODAY - timedelta(days=120),
    )
    overdue = made(title="Overdue", target_date=TODAY - timedelta(days=3), last_update_on=TODAY)
    delivered = made(
        title="Delivered",
        status=CommitmentStatus.DELIVERED,
        delivered_on=TODAY,
        last_update_on=TODAY,
    )
    make_commitment(session, partner=other, title="Someone else's")

    page = get_page(client, "/manage")

    assert dashboard_references(page) == [
        overdue.reference,
        silent.reference,
        soon.reference,
        later.reference,
    ]
    assert [heading.text for heading in page.main.find_all("h2")] == [
        "Overdue",
        "No recent update",
        "Due in the next 30 days",
        "Other open commitments",
    ]
    row = page.find(id=f"commitment-{overdue.reference}")
    assert "Overdue" in row.find(cls="app-tags").text
    assert issue.reference in row.text and issue.title in row.text
    assert "24 November 2026" in row.text  # the last update
    details = row.find("details")
    assert "open" not in details.attrs
    assert (
        details.find(cls="app-update-form-loader")
        .attrs["data-hx-get"]
        .startswith(update_form_url(overdue))
    )
    assert "Open (4)" in page.main.text and "Delivered or not going ahead (1)" in page.main.text

    finished = get_page(client, "/manage?show=finished")
    assert dashboard_references(finished) == [delivered.reference]


def test_the_dashboard_rules_and_its_sql_order_agree(session, own):
    issue = make_issue(session, lead_partner=own)
    cases = [
        dict(target_date=TODAY - timedelta(days=1)),
        dict(target_date=TODAY, last_update_on=TODAY),
        dict(target_date=TODAY + timedelta(days=30), last_update_on=TODAY),
        dict(target_date=TODAY + timedelta(days=31), last_update_on=TODAY),
        dict(target_date=TODAY + timedelta(days=31), committed_on=TODAY - timedelta(days=90)),
        dict(target_date=TODAY - timedelta(days=5), status=CommitmentStatus.DELIVERED),
    ]
    made = [make_commitment(session, issue=issue, partner=own, **case) for case in cases]
    rows = session.exec(
        select(Commitment.id, commitments.urgency_clause(TODAY, 90)).where(
            col(Commitment.id).in_([commitment.id for commitment in made])
        )
    ).all()
    in_sql = dict(rows)
    for commitment in made:
        assert in_sql[commitment.id] == commitments.urgency_of(commitment, TODAY, 90)


def test_team_sees_every_partner_and_can_filter_by_partner(
    client, session, commitment, others_commitment
):
    make_signed_in(client, session, Role.ENGAGEMENT)

    everyone = get_page(client, "/manage")
    filtered = get_page(client, f"/manage?partner={others_commitment.partner.slug}")
    unknown = get_page(client, "/manage?partner=no-such-partner")

    assert {commitment.reference, others_commitment.reference} <= set(
        dashboard_references(everyone)
    )
    assert dashboard_references(filtered) == [others_commitment.reference]
    partner_select = filtered.find("select", id="partner")
    assert field_value(filtered, "partner") == others_commitment.partner.slug
    assert len(partner_select.find_all("option")) >= 3
    assert "The partner in the address was not found" in unknown.main.text
    assert commitment.reference in dashboard_references(unknown)


def test_the_dashboard_pages_through_many_commitments(client, session, own, lead):
    issue = make_issue(session, lead_partner=own)
    for day in range(25):
        make_commitment(session, issue=issue, partner=own, target_date=TODAY + timedelta(days=day))

    first = get_page(client, "/manage")
    second = get_page(client, "/manage?page=2")

    assert len(dashboard_references(first)) == 20
    assert len(dashboard_references(second)) == 5
    assert not set(dashboard_references(first)) & set(dashboard_references(second))
    assert first.find(cls="nhsuk-pagination")


def test_the_dashboard_costs_the_same_queries_however_many_commitments(
    client, session, engine, own, lead
):
    issue = make_issue(session, lead_partner=own)
    make_commitment(session, issue=issue, partner=own)
    with counting_selects(engine) as few:
        get_page(client, "/manage")
    for _ in range(12):
        make_commitment(session, issue=make_issue(session, lead_partner=own), partner=own)
    with counting_selects(engine) as many:
        get_page(client, "/manage")

    assert len(many) == len(few)


def update_form_url(commitment: Commitment) -> str:
    return f"/manage/commitments/{commitment.reference}/update-form"


def load_update_form(client, commitment: Commitment, return_to: str = "/manage"):
    """The row's form, as htmx fetches it when the row's details are first opened."""
    return client.get(
        f"{update_form_url(commitment)}?return_to={return_to}",
        headers={"HX-Request": "true", "HX-Current-URL": "/manage"},
    )


def test_each_row_loads_its_form_when_opened_and_links_to_its_page(client, session, own, lead):
    issue = make_issue(session, lead_partner=own)
    first = make_commitment(session, issue=issue, partner=own)
    second = make_commitment(session, issue=issue, partner=own)

    page = get_page(client, "/manage?show=open")

    # No row carries a form until it is opened: the page stays small.
    assert page.find_all("form", cls="app-update-form") == []
    for commitment in (first, second):
        row = page.find(id=f"commitment-{commitment.reference}")
        loader = row.find("details").find(cls="app-update-form-loader")
        assert loader.attrs["data-hx-get"] == (
            f"{update_form_url(commitment)}?return_to=/manage?show%3Dopen"
        )
        assert loader.attrs["data-hx-trigger"] == "toggle once from:closest details"
        # Without JavaScript, the details hold the way to the commitment's own form.
        link = loader.find("a")
        assert link.attrs["href"] == f"{page_url(commitment)}#post-an-update"
        assert f"Post an update on the page for {commitment.reference}" in link.text


def test_an_opened_rows_form_posts_into_its_row_with_its_own_ids(client, session, own, lead):
    issue = make_issue(session, lead_partner=own)
    first = make_commitment(session, issue=issue, partner=own)
    second = make_commitment(session, issue=issue, partner=own)

    answers = [load_update_form(client, commitment) for commitment in (first, second)]

    ids = []
    for commitment, response in zip((first, second), answers, strict=True):
        assert response.status_code == 200
        assert response.headers["X-Commitment-Row"] == commitment.reference
        html = response.get_data(as_text=True)
        assert "<html" not in html and "<h1" not in html
        fragment = parse(response)
        form = fragment.find("form")
        assert form.attrs["data-hx-post"] == updates_url(commitment)
        assert form.attrs["data-hx-target"] == f"#commitment-{commitment.reference}"
        assert field_value(fragment, f"{commitment.reference}-version") == str(commitment.version)
        assert field_value(fragment, f"{commitment.reference}-return_to") == "/manage"
        assert any(
            element.attrs.get("name") == "csrf_token" for element in fragment.find_all("input")
        )
        ids += [element.attrs["id"] for element in fragment.root.iter() if "id" in element.attrs]
    assert len(ids) == len(set(ids))


def test_the_update_forms_address_without_htmx_goes_to_the_commitments_page(
    client, commitment, lead
):
    response = client.get(update_form_url(commitment))

    assert response.status_code == 302
    assert response.headers["Location"] == page_url(commitment)


def test_partner_lead_cannot_load_another_partners_update_form(client, others_commitment, lead):
    assert load_update_form(client, others_commitment).status_code == 403
    assert client.get(update_form_url(others_commitment)).status_code == 403


def test_signing_in_is_needed_to_load_an_update_form(client, commitment):
    response = load_update_form(client, commitment)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- One commitment's page -------------------------------------------------------


def test_commitment_page_shows_details_form_and_history(client, session, commitment, lead):
    make_update(
        session,
        commitment=commitment,
        narrative="We agreed the rota with three practices.",
        posted_at=NOW - timedelta(days=10),
    )

    page = get_page(client, page_url(commitment))

    assert commitment.title in page.find("h1").text
    assert page.title.startswith(f"Commitment {commitment.reference}")
    assert commitment.issue.reference in page.main.text
    assert commitment.accountable_role in page.main.text
    edit_link = [a for a in page.main.find_all("a") if a.attrs.get("href") == edit_url(commitment)]
    assert edit_link
    form = page.main.find("form", cls="app-update-form")
    assert form.attrs["action"] == updates_url(commitment)
    assert "data-hx-post" not in form.attrs
    assert "We agreed the rota with three practices." in page.main.find(cls="app-timeline").text


@pytest.mark.parametrize("reference", ["WW-9999", "not-a-reference", "YS-0001"])
def test_unknown_or_malformed_commitment_is_not_found(client, session, lead, reference):
    assert client.get(f"/manage/commitments/{reference}").status_code == 404


def test_partner_lead_cannot_open_another_partners_commitment(client, others_commitment, lead):
    assert client.get(page_url(others_commitment)).status_code == 403
    assert client.get(edit_url(others_commitment)).status_code == 403


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ENGAGEMENT])
def test_the_team_opens_any_partners_commitment(client, session, others_commitment, role):
    make_signed_in(client, session, role)
    assert client.get(page_url(others_commitment)).status_code == 200
    assert client.get(edit_url(others_commitment)).status_code == 200


# --- Posting an update -----------------------------------------------------------


def test_posting_an_update_stores_it_with_its_audit_event(client, session, commitment, lead):
    version = commitment.version
    response = post_update(
        client,
        commitment,
        narrative="We opened two evening clinics.",
        progress_percent="40",
        evidence_1_title="Clinic timetable",
        evidence_1_url="https://www.example.nhs.uk/clinics",
        evidence_2_url="https://www.example.nhs.uk/minutes",
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage"
    dashboard = get_page(client, "/manage")
    assert f"Your update on {commitment.reference} was posted." in dashboard.main.text

    session.expire_all()
    update = session.exec(select(Update).where(col(Update.commitment_id) == commitment.id)).one()
    assert update.narrative == "We opened two evening clinics."
    assert update.previous_status is CommitmentStatus.IN_PROGRESS
    assert update.new_status is CommitmentStatus.IN_PROGRESS
    assert update.progress_percent == 40
    assert update.previous_target_date is None and update.new_target_date is None
    assert update.evidence_links == [
        {"title": "Clinic timetable", "url": "https://www.example.nhs.uk/clinics"},
        {
            "title": "https://www.example.nhs.uk/minutes",
            "url": "https://www.example.nhs.uk/minutes",
        },
    ]
    assert update.author_id == lead.id
    stored = session.get(Commitment, commitment.id)
    assert stored.last_update_on == TODAY
    assert stored.version == version + 1
    [event] = events(session, "commitment.update_posted")
    assert event.user_id == lead.id
    assert event.entity_id == commitment.id
    assert event.before == {
        "status": "in_progress",
        "target_date": commitment.target_date.isoformat(),
        "version": version,
    }
    assert event.after["update_id"] == update.id
    assert event.after["narrative"] == "We opened two evening clinics."
    assert event.after["progress_percent"] == 40
    assert event.after["version"] == version + 1


def test_an_update_from_the_commitment_page_returns_there(client, session, commitment, lead):
    response = post_update(client, commitment, return_to=page_url(commitment))
    assert response.status_code == 302
    assert response.headers["Location"] == page_url(commitment)
    page = get_page(client, page_url(commitment))
    assert "was posted" in page.main.find(cls="nhsuk-notification-banner").text


def test_return_to_another_site_is_not_followed(client, session, commitment, lead):
    response = post_update(client, commitment, return_to="https://evil.example/")
    assert response.headers["Location"] == "/manage"


def test_a_status_and_target_date_change_show_on_the_public_page(client, session, commitment, lead):
    old_target = commitment.target_date
    new_target = TODAY + timedelta(days=150)
    response = post_update(
        client,
        commitment,
        narrative="The new clinic rooms are not ready.",
        status="delayed",
        reason="The building work overran by three months.",
        **date_fields("new_target_date", new_target),
    )
    assert response.status_code == 302

    public = get_page(client, f"/we-will/{commitment.reference}")
    timeline = public.main.find(cls="app-timeline").text
    assert "The new clinic rooms are not ready." in timeline
    assert "Status changed from In progress to Delayed." in timeline
    assert "Reason: The building work overran by three months." in timeline
    changes = public.main.find(cls="app-target-dates").text
    assert "moved from 23 January 2027 to 23 April 2027 (90 days later)" in changes
    assert "Why: The building work overran by three months." in changes
    assert "Why it is delayed: The building work overran by three months." in public.main.text

    session.expire_all()
    stored = session.get(Commitment, commitment.id)
    assert stored.status is CommitmentStatus.DELAYED
    assert stored.target_date == new_target
    assert stored.original_target_date == old_target
    assert stored.status_reason == "The building work overran by three months."
    update = session.exec(select(Update).where(col(Update.commitment_id) == commitment.id)).one()
    assert (update.previous_target_date, update.new_target_date) == (old_target, new_target)


def test_delivered_sets_the_delivery_date_and_reopening_clears_it(
    client, session, commitment, lead
):
    assert post_update(client, commitment, status="delivered").status_code == 302
    session.expire_all()
    stored = session.get(Commitment, commitment.id)
    assert (stored.status, stored.delivered_on) == (CommitmentStatus.DELIVERED, TODAY)

    assert post_update(client, stored, status="in_progress").status_code == 302
    session.expire_all()
    stored = session.get(Commitment, commitment.id)
    assert (stored.status, stored.delivered_on) == (CommitmentStatus.IN_PROGRESS, None)


def test_the_team_posts_on_any_partners_commitment(client, session, others_commitment):
    make_signed_in(client, session, Role.ENGAGEMENT)
    assert post_update(client, others_commitment).status_code == 302
    assert len(events(session, "commitment.update_posted")) == 1


def test_partner_lead_cannot_post_on_another_partners_commitment(
    client, session, others_commitment, lead
):
    before = stored_counts(session)
    version = others_commitment.version

    response = post_update(client, others_commitment)

    assert response.status_code == 403
    assert stored_counts(session) == before
    assert session.get(Commitment, others_commitment.id).version == version


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"narrative": ""}, "narrative", "Enter what has been done since the last update"),
        ({"narrative": "   "}, "narrative", "Enter what has been done since the last update"),
        ({"narrative": "x" * 5001}, "narrative", "Update must be 5,000 characters or fewer"),
        ({"reason": "x" * 2001}, "reason", "Reason must be 2,000 characters or fewer"),
        ({"progress_percent": "101"}, "progress_percent", "Progress must be a whole number"),
        ({"progress_percent": "forty"}, "progress_percent", "Progress must be a whole number"),
        ({"progress_percent": "-5"}, "progress_percent", "Progress must be a whole number"),
        (
            {**date_fields("new_target_date", ("31", "2", "2027")), "reason": "Moved"},
            "new_target_date-day",
            "New target date must be a real date",
        ),
        (
            {**date_fields("new_target_date", ("", "3", "2027")), "reason": "Moved"},
            "new_target_date-day",
            "New target date must include a day",
        ),
        (
            {**date_fields("new_target_date", TODAY - timedelta(days=1)), "reason": "Moved"},
            "new_target_date-day",
            "New target date must be today or in the future",
        ),
        (
            date_fields("new_target_date", TODAY + timedelta(days=90)),
            "reason",
            "Enter the reason the target date is changing",
        ),
        (
            {"status": "delayed", **date_fields("new_target_date", TODAY + timedelta(days=90))},
            "reason",
            "Enter the reason it is delayed",
        ),
        (
            {"status": "delayed", "reason": "Builders late"},
            "new_target_date-day",
            "Enter the new target date for a delayed commitment",
        ),
        ({"status": "not_going_ahead"}, "reason", "Enter the reason it is not going ahead"),
        ({"status": "finished"}, "status", "Select a status from the list"),
        (
            {"evidence_1_url": "javascript:alert(1)"},
            "evidence_1_url",
            "Enter a web address that starts with https:// or http://",
        ),
        (
            {"evidence_1_url": "ftp://files.example.org/report.pdf"},
            "evidence_1_url",
            "Enter a web address that starts with https:// or http://",
        ),
        (
            {"evidence_2_url": "www.example.org/report"},
            "evidence_2_url",
            "Enter a web address that starts with https:// or http://",
        ),
        (
            {"evidence_3_url": "https://example.org/" + "a" * 500},
            "evidence_3_url",
            "Evidence link address must be 500 characters or fewer",
        ),
        (
            {"evidence_1_title": "t" * 201, "evidence_1_url": "https://example.org/"},
            "evidence_1_title",
            "Title of evidence link 1 must be 200 characters or fewer",
        ),
        (
            {"evidence_1_title": "Minutes"},
            "evidence_1_url",
            "Enter the address of evidence link 1",
        ),
    ],
)
def test_bad_updates_are_refused_with_the_input_kept(
    client, session, commitment, lead, fields, field_id, message
):
    before = stored_counts(session)
    version = commitment.version
    narrative = fields.get("narrative", "We opened two evening clinics.")

    response = post_update(client, commitment, **fields)

    assert response.status_code == 400
    page = parse(response)
    assert page.title.startswith("Error: ")
    assert any(message in item for item in error_summary(page)), error_summary(page)
    assert any(message in text for text in inline_errors(page))
    links = [a.attrs["href"] for a in page.find(cls="nhsuk-error-summary").find_all("a")]
    assert f"#{commitment.reference}-{field_id}" in links
    assert page.find(id=f"{commitment.reference}-{field_id}")
    assert field_value(page, f"{commitment.reference}-narrative") == narrative.strip()
    for name, value in fields.items():
        element_id = f"{commitment.reference}-{name}"
        if value and name != "status":
            assert field_value(page, element_id) == value.strip()
    assert stored_counts(session) == before
    assert session.get(Commitment, commitment.id).version == version


def test_html_in_an_update_is_stored_as_typed_and_shown_as_text(client, session, commitment, lead):
    narrative = '<script>alert("x")</script> <b>Clinics</b> & more'
    reason = "<img src=x onerror=alert(1)>"
    response = post_update(
        client,
        commitment,
        narrative=narrative,
        reason=reason,
        evidence_1_title="<i>Report</i>",
        evidence_1_url="https://example.org/report?a=1&b=<2>",
        **date_fields("new_target_date", TODAY + timedelta(days=90)),
    )
    assert response.status_code == 302

    session.expire_all()
    update = session.exec(select(Update).where(col(Update.commitment_id) == commitment.id)).one()
    assert update.narrative == narrative
    assert update.reason == reason
    assert update.evidence_links[0]["title"] == "<i>Report</i>"
    for url in (page_url(commitment), f"/we-will/{commitment.reference}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<i>Report" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or (
            "&lt;script&gt;" in html
        )
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_html_in_a_refused_update_is_kept_as_text(client, session, commitment, lead):
    response = post_update(
        client, commitment, narrative="<script>alert(1)</script>", reason="x" * 2001
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- With htmx: only the row -----------------------------------------------------

HTMX = {"HX-Request": "true", "HX-Target": "commitment-row", "HX-Current-URL": "/manage"}


def test_an_update_through_htmx_returns_only_that_row(client, session, own, commitment, lead):
    neighbour = make_commitment(session, issue=commitment.issue, partner=own, title="Neighbour")

    response = post_update(client, commitment, headers=HTMX, narrative="Posted through htmx.")

    assert response.status_code == 200
    assert response.headers["X-Commitment-Row"] == commitment.reference
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<h1" not in html and "nhsuk-header" not in html
    fragment = parse(response)
    rows = fragment.find_all("li", cls="app-workspace-row")
    assert [row.attrs["id"] for row in rows] == [f"commitment-{commitment.reference}"]
    assert neighbour.reference not in html
    message = fragment.find(cls="app-workspace-message")
    assert f"Your update on {commitment.reference} was posted." in message.text
    assert "autofocus" in message.attrs
    status = fragment.find(id="workspace-status")
    assert status.attrs["data-hx-swap-oob"] == "innerHTML"
    assert "was posted" in status.text
    # The row's form is folded away; opened again, it carries the new version.
    assert fragment.find_all("form", cls="app-update-form") == []
    assert "open" not in rows[0].find("details").attrs
    session.expire_all()
    stored = session.get(Commitment, commitment.id)
    fresh = parse(load_update_form(client, stored))
    assert field_value(fresh, f"{commitment.reference}-version") == str(stored.version)
    assert field_value(fresh, f"{commitment.reference}-narrative") == ""
    assert "24 November 2026" in rows[0].find(cls="app-workspace-row__details").text
    assert session.exec(select(func.count()).select_from(Update)).one() == 1


def test_a_refused_update_through_htmx_returns_the_row_with_what_to_fix(
    client, session, commitment, lead
):
    before = stored_counts(session)

    response = post_update(client, commitment, headers=HTMX, narrative="", reason="Because")

    assert response.status_code == 400
    assert response.headers["X-Commitment-Row"] == commitment.reference
    assert "<html" not in response.get_data(as_text=True)
    fragment = parse(response)
    row = fragment.find("li", id=f"commitment-{commitment.reference}")
    assert "open" in row.find("details").attrs
    assert "Enter what has been done since the last update" in error_summary(fragment)
    assert "autofocus" in fragment.find(cls="app-form-summaries").attrs
    assert field_value(fragment, f"{commitment.reference}-reason") == "Because"
    assert stored_counts(session) == before


def test_a_conflict_through_htmx_returns_the_row_with_what_changed(
    app, client, session, commitment, lead
):
    seen_version = commitment.version
    posted_elsewhere(app, session, lead, commitment, narrative="Posted in another tab.")

    response = post_update(
        client, commitment, headers=HTMX, version=str(seen_version), narrative="Mine."
    )

    assert response.status_code == 409
    assert response.headers["X-Commitment-Row"] == commitment.reference
    fragment = parse(response)
    row = fragment.find("li", id=f"commitment-{commitment.reference}")
    assert "open" in row.find("details").attrs
    summary = row.find(cls="app-conflict-summary")
    assert "Priya Shah changed this commitment" in summary.text
    assert "Update posted: Posted in another tab." in summary.text
    assert field_value(fragment, f"{commitment.reference}-narrative") == "Mine."
    session.expire_all()
    assert session.exec(select(Update.narrative)).all() == ["Posted in another tab."]


# --- Someone else saved first ----------------------------------------------------


def posted_elsewhere(app, session, actor, commitment: Commitment, **change: Any) -> None:
    """An update posted by someone else (another browser) on the commitment as it is now."""
    with app.app_context():
        commitments.post_update(
            session,
            actor=actor,
            commitment=commitment,
            change=commitments.UpdateInput(**change),
            seen_version=commitment.version,
            today=TODAY,
        )


def test_an_update_on_a_commitment_that_changed_meanwhile_is_refused(
    app, client, session, commitment, lead
):
    seen_version = commitment.version
    colleague = make_user(
        session, role=Role.PARTNER, partner_id=commitment.partner_id, name="Sam Okafor"
    )
    posted_elsewhere(
        app,
        session,
        colleague,
        commitment,
        narrative="Sam's update.",
        new_status=CommitmentStatus.DELAYED,
        new_target_date=TODAY + timedelta(days=100),
        reason="Staff shortage.",
    )
    before = stored_counts(session)

    response = post_update(
        client,
        commitment,
        version=str(seen_version),
        narrative="My own update.",
        progress_percent="50",
    )

    assert response.status_code == 409
    page = parse(response)
    summary = page.find(cls="app-conflict-summary")
    assert (
        "Sam Okafor changed this commitment at 2:30pm on 24 November 2026 while you were editing"
        in summary.text
    )
    changes = [item.text for item in summary.find_all("li")]
    assert "Update posted: Sam's update." in changes
    assert "Status: In progress → Delayed" in changes
    assert "Target date: 23 January 2027 → 4 March 2027" in changes
    assert field_value(page, f"{commitment.reference}-narrative") == "My own update."
    assert field_value(page, f"{commitment.reference}-progress_percent") == "50"
    session.expire_all()
    current = session.get(Commitment, commitment.id).version
    assert field_value(page, f"{commitment.reference}-version") == str(current)
    assert stored_counts(session) == before

    # Posting again, having seen the change, goes through.
    again = post_update(client, commitment, version=str(current), narrative="My own update.")
    assert again.status_code == 302
    session.expire_all()
    narratives = session.exec(select(Update.narrative).order_by(col(Update.id))).all()
    assert narratives == ["Sam's update.", "My own update."]


def test_a_save_that_loses_a_race_is_refused(session, commitment, own):
    """Between reading the commitment and writing it, another save commits."""
    lead = make_user(session, role=Role.PARTNER, partner_id=own.id)
    seen_version = commitment.version
    before = session.exec(select(func.count()).select_from(Update)).one()
    session.connection().execute(
        sa.update(Commitment.__table__)  # type: ignore[attr-defined]
        .where(Commitment.__table__.c.id == commitment.id)  # type: ignore[attr-defined]
        .values(version=seen_version + 1)
    )

    with pytest.raises(commitments.CommitmentChanged):
        commitments.post_update(
            session,
            actor=lead,
            commitment=commitment,
            change=commitments.UpdateInput(narrative="Too late."),
            seen_version=seen_version,
            today=TODAY,
        )
    assert session.exec(select(func.count()).select_from(Update)).one() == before


def test_second_editor_gets_a_conflict_and_keeps_their_text(app, client, session, commitment, own):
    first_person = make_user(session, role=Role.PARTNER, partner_id=own.id, name="Ada Lovelace")
    second_person = make_user(session, role=Role.PARTNER, partner_id=own.id, name="Grace Hopper")
    first = app.test_client()
    second = client
    sign_in_as(first, first_person)
    sign_in_as(second, second_person)
    first_form = get_page(first, edit_url(commitment))
    second_form = get_page(second, edit_url(commitment))
    version = field_value(first_form, "commitment-version")
    assert field_value(second_form, "commitment-version") == version
    original_title = commitment.title

    def form_data(page: RenderedPage, **fields: str) -> dict[str, str]:
        data = {
            name: field_value(page, f"commitment-{name}")
            for name in (
                "csrf_token",
                "version",
                "title",
                "description",
                "success_measure",
                "accountable_role",
            )
        }
        data.update(fields)
        return data

    saved = first.post(
        edit_url(commitment),
        data=form_data(first_form, title="Open evening and weekend appointments"),
    )
    assert saved.status_code == 302

    refused = second.post(
        edit_url(commitment),
        data=form_data(
            second_form,
            title="Open Saturday appointments",
            accountable_role="Head of Primary Care",
        ),
    )

    assert refused.status_code == 409
    page = parse(refused)
    assert page.title.startswith("Error: ")
    summary = page.find(cls="app-conflict-summary")
    assert "Ada Lovelace changed this commitment at 2:30pm on 24 November 2026" in summary.text
    assert f"Title: {original_title} → Open evening and weekend appointments" in [
        item.text for item in summary.find_all("li")
    ]
    assert field_value(page, "commitment-title") == "Open Saturday appointments"
    assert field_value(page, "commitment-accountable_role") == "Head of Primary Care"
    session.expire_all()
    stored = session.get(Commitment, commitment.id)
    assert stored.title == "Open evening and weekend appointments"
    assert stored.accountable_role == "Director of Primary Care"
    assert field_value(page, "commitment-version") == str(stored.version)
    assert len(events(session, "commitment.edited")) == 1

    # Saving again, deliberately, replaces the first edit.
    again = second.post(
        edit_url(commitment),
        data=form_data(page, csrf_token=field_value(page, "commitment-csrf_token")),
    )
    assert again.status_code == 302
    session.expire_all()
    assert session.get(Commitment, commitment.id).title == "Open Saturday appointments"


# --- Editing the words ------------------------------------------------------------


def edit_data(client, commitment: Commitment, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_token(client, "/manage"),
        "version": str(commitment.version),
        "title": commitment.title,
        "description": commitment.description,
        "success_measure": commitment.success_measure,
        "accountable_role": commitment.accountable_role,
    }
    data.update(fields)
    return data


def test_editing_saves_the_words_and_audits_only_what_changed(client, session, commitment, lead):
    old_title = commitment.title
    status, target = commitment.status, commitment.target_date
    response = client.post(
        edit_url(commitment),
        data=edit_data(
            client, commitment, title="Open weekend appointments", description="<b>Sat</b>"
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == page_url(commitment)
    page = get_page(client, page_url(commitment))
    assert "Your changes to" in page.main.text
    assert "&lt;b&gt;Sat&lt;/b&gt;" in client.get(page_url(commitment)).get_data(as_text=True)
    session.expire_all()
    stored = session.get(Commitment, commitment.id)
    assert (stored.title, stored.description) == ("Open weekend appointments", "<b>Sat</b>")
    assert (stored.status, stored.target_date) == (status, target)
    [event] = events(session, "commitment.edited")
    assert event.user_id == lead.id
    assert event.before == {
        "title": old_title,
        "description": "Add evening appointments at three practices.",
        "version": 1,
    }
    assert event.after == {
        "title": "Open weekend appointments",
        "description": "<b>Sat</b>",
        "version": 2,
    }


def test_saving_unchanged_words_writes_nothing(client, session, commitment, lead):
    before = stored_counts(session)
    response = client.post(edit_url(commitment), data=edit_data(client, commitment))
    assert response.status_code == 302
    assert stored_counts(session) == before


def test_edit_form_offers_no_status_or_target_date(client, session, commitment, lead):
    page = get_page(client, edit_url(commitment))
    names = {element.attrs.get("name") for element in page.main.find_all("input")}
    names |= {element.attrs.get("name") for element in page.main.find_all("textarea")}
    assert names == {
        "csrf_token",
        "version",
        "title",
        "description",
        "success_measure",
        "accountable_role",
    }
    assert field_value(page, "commitment-title") == commitment.title


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the commitment"),
        ({"title": "t" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"description": " "}, "description", "Enter what will be done"),
        ({"description": "d" * 5001}, "description", "What will be done must be 5,000 characters"),
        ({"success_measure": ""}, "success_measure", "Enter how you will know it worked"),
        ({"accountable_role": "r" * 201}, "accountable_role", "Accountable role must be 200"),
    ],
)
def test_bad_edits_are_refused_with_the_input_kept(
    client, session, commitment, lead, fields, field, message
):
    before = stored_counts(session)
    typed = {"title": "<script>x</script> New title", **fields}

    response = client.post(edit_url(commitment), data=edit_data(client, commitment, **typed))

    assert response.status_code == 400
    page = parse(response)
    assert page.title.startswith("Error: ")
    assert any(message in item for item in error_summary(page))
    assert any(message in text for text in inline_errors(page))
    assert f"#commitment-{field}" in [
        a.attrs["href"] for a in page.find(cls="nhsuk-error-summary").find_all("a")
    ]
    for name, value in typed.items():
        assert field_value(page, f"commitment-{name}") == value.strip()
    assert "<script>x</script>" not in response.get_data(as_text=True)
    assert stored_counts(session) == before
    session.expire_all()
    assert session.get(Commitment, commitment.id).title == "Open more evening appointments"


def test_partner_lead_cannot_edit_another_partners_commitment(
    client, session, others_commitment, lead
):
    before = stored_counts(session)
    response = client.post(
        edit_url(others_commitment), data=edit_data(client, others_commitment, title="Mine now")
    )
    assert response.status_code == 403
    assert stored_counts(session) == before
    session.expire_all()
    assert session.get(Commitment, others_commitment.id).title == "Run a later bus"


# --- Making a commitment ----------------------------------------------------------


def new_url(issue) -> str:
    return f"/manage/issues/{issue.reference}/commitments/new"


def new_data(client, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_token(client, "/manage"),
        "title": "Run a later bus to the hospital",
        "description": "Add a bus leaving the hospital at 9pm.",
        "success_measure": "Visitors can stay until visiting ends.",
        "accountable_role": "Head of Transport Planning",
        **date_fields("target_date", TODAY + timedelta(days=120)),
    }
    data.update(fields)
    return data


def test_partner_lead_makes_a_commitment_on_their_partners_issue(client, session, own, lead):
    issue = make_issue(session, lead_partner=own)
    page = get_page(client, new_url(issue))
    assert not page.main.find_all("select")
    assert own.name in page.main.text

    response = client.post(new_url(issue), data=new_data(client))

    assert response.status_code == 302
    session.expire_all()
    made = session.exec(select(Commitment).where(col(Commitment.issue_id) == issue.id)).one()
    assert response.headers["Location"] == page_url(made)
    assert made.partner_id == own.id
    assert made.status is CommitmentStatus.NOT_STARTED
    assert made.committed_on == TODAY
    assert made.original_target_date == made.target_date == TODAY + timedelta(days=120)
    assert made.reference.startswith("WW-")
    [event] = events(session, "commitment.created")
    assert event.entity_id == made.id and event.user_id == lead.id
    assert event.after["title"] == "Run a later bus to the hospital"
    assert event.after["partner_id"] == own.id
    follow = get_page(client, page_url(made))
    assert f"Commitment {made.reference} was made." in follow.main.text
    assert made.title in get_page(client, f"/you-said/{issue.reference}").main.text


def test_partner_lead_makes_a_commitment_on_an_issue_their_partner_supports(
    client, session, own, other, lead
):
    issue = make_issue(session, lead_partner=other)
    session.add(IssueSupportingPartnerLink(issue_id=issue.id, partner_id=own.id))
    session.flush()

    response = client.post(new_url(issue), data=new_data(client, partner=str(other.id)))

    assert response.status_code == 302
    session.expire_all()
    made = session.exec(select(Commitment).where(col(Commitment.issue_id) == issue.id)).one()
    assert made.partner_id == own.id  # always their own partner, whatever was posted


def test_partner_lead_cannot_commit_on_an_issue_of_others(client, session, other, lead):
    issue = make_issue(session, lead_partner=other)
    before = stored_counts(session)

    assert client.get(new_url(issue)).status_code == 403
    assert client.post(new_url(issue), data=new_data(client)).status_code == 403
    assert stored_counts(session) == before


def test_the_team_chooses_the_partner(client, session, own, other):
    make_signed_in(client, session, Role.ADMIN)
    issue = make_issue(session, lead_partner=own)
    page = get_page(client, new_url(issue))
    assert field_value(page, "commitment-partner") == str(own.id)

    response = client.post(new_url(issue), data=new_data(client, partner=str(other.id)))

    assert response.status_code == 302
    session.expire_all()
    made = session.exec(select(Commitment).where(col(Commitment.issue_id) == issue.id)).one()
    assert made.partner_id == other.id


def test_unknown_issue_is_not_found(client, session, lead):
    assert client.get("/manage/issues/YS-9999/commitments/new").status_code == 404
    assert client.get("/manage/issues/WW-0001/commitments/new").status_code == 404


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the commitment"),
        ({"title": "t" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"accountable_role": ""}, "accountable_role", "Enter the job title"),
        (date_fields("target_date", ("", "", "")), "target_date-day", "Enter the target date"),
        (
            date_fields("target_date", ("31", "2", "2027")),
            "target_date-day",
            "Target date must be a real date",
        ),
        (
            date_fields("target_date", ("1", "", "")),
            "target_date-day",
            "Target date must include a month and year",
        ),
        (
            date_fields("target_date", TODAY - timedelta(days=1)),
            "target_date-day",
            "Target date must be today or in the future",
        ),
        ({"partner": ""}, "partner", "Select the partner making this commitment"),
        ({"partner": "999999"}, "partner", "Select the partner making this commitment"),
    ],
)
def test_bad_new_commitments_are_refused_with_the_input_kept(
    client, session, own, fields, field_id, message
):
    make_signed_in(client, session, Role.ENGAGEMENT)
    issue = make_issue(session, lead_partner=own)
    before = stored_counts(session)
    data = new_data(
        client, **{"partner": str(own.id), "description": "<script>alert(1)</script>", **fields}
    )

    response = client.post(new_url(issue), data=data)

    assert response.status_code == 400
    page = parse(response)
    assert page.title.startswith("Error: ")
    assert any(message in item for item in error_summary(page)), error_summary(page)
    assert any(message in text for text in inline_errors(page))
    assert f"#commitment-{field_id}" in [
        a.attrs["href"] for a in page.find(cls="nhsuk-error-summary").find_all("a")
    ]
    assert field_value(page, "commitment-description") == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    for name in ("target_date-day", "target_date-month", "target_date-year"):
        assert field_value(page, f"commitment-{name}") == data[name]
    assert stored_counts(session) == before


def test_a_partner_lead_at_a_past_date_gets_a_clear_error(client, session, own, lead):
    issue = make_issue(session, lead_partner=own)
    before = stored_counts(session)
    response = client.post(
        new_url(issue), data=new_data(client, **date_fields("target_date", date(2026, 1, 1)))
    )
    assert response.status_code == 400
    assert "Target date must be today or in the future" in " ".join(error_summary(parse(response)))
    assert stored_counts(session) == before


# --- Valid HTML -------------------------------------------------------------------


def test_workspace_commitment_pages_are_valid_html(
    app, client, session, own, commitment, others_commitment
):
    lead = make_signed_in(client, session, Role.PARTNER, partner=own)
    make_update(session, commitment=commitment, posted_at=NOW - timedelta(days=3))
    pages = {
        "dashboard": client.get("/manage").get_data(as_text=True),
        "finished": client.get("/manage?show=finished").get_data(as_text=True),
        "commitment": client.get(page_url(commitment)).get_data(as_text=True),
        "edit": client.get(edit_url(commitment)).get_data(as_text=True),
        "new": client.get(new_url(commitment.issue)).get_data(as_text=True),
        "update error": post_update(
            client, commitment, narrative="", **date_fields("new_target_date", ("31", "2", "2027"))
        ).get_data(as_text=True),
        "edit error": client.post(
            edit_url(commitment), data=edit_data(client, commitment, title="")
        ).get_data(as_text=True),
        "new error": client.post(
            new_url(commitment.issue), data=new_data(client, title="")
        ).get_data(as_text=True),
    }
    posted_elsewhere(app, session, lead, commitment, narrative="Meanwhile.")
    pages["update conflict"] = post_update(client, commitment, version="1").get_data(as_text=True)
    make_signed_in(client, session, Role.ENGAGEMENT)
    pages["team dashboard"] = client.get("/manage").get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)


# --- Every route, every role ------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [
        (Role.ADMIN, "own", True),
        (Role.ADMIN, "other", True),
        (Role.ENGAGEMENT, "own", True),
        (Role.ENGAGEMENT, "other", True),
        (Role.PARTNER, "own", True),
        (Role.PARTNER, "other", False),
    ],
)
def test_every_route_for_every_role(
    client, session, own, commitment, others_commitment, role, scope, allowed
):
    make_signed_in(client, session, role, partner=own)
    target = commitment if scope == "own" else others_commitment
    expected_get = 200 if allowed else 403
    expected_post = 302 if allowed else 403

    assert client.get("/manage").status_code == 200
    for url in (page_url(target), edit_url(target), new_url(target.issue)):
        assert client.get(url).status_code == expected_get, url

    before = stored_counts(session)
    responses = [post_update(client, target, narrative=f"By {role.value}")]
    session.refresh(target)  # the update moved its version on
    responses += [
        client.post(edit_url(target), data=edit_data(client, target, title=f"By {role.value}")),
        client.post(new_url(target.issue), data=new_data(client, partner=str(target.partner_id))),
    ]

    assert [response.status_code for response in responses] == [expected_post] * 3
    updates, audit_events, commitment_count = stored_counts(session)
    if allowed:
        assert (updates, audit_events, commitment_count) == (
            before[0] + 1,
            before[1] + 3,
            before[2] + 1,
        )
        assert session.get(Commitment, target.id).title == f"By {role.value}"
    else:
        assert (updates, audit_events, commitment_count) == before
        assert session.get(Commitment, target.id).title == "Run a later bus"
