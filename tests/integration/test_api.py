"""The read-only JSON API: its OpenAPI document holds for every answer (schemathesis),
its lists and figures are the pages' own, and it answers as an open API should."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import TODAY
from tests.factories import make_commitment, make_partner, make_update
from tests.pages import get_page
from tracker.models import CommitmentStatus

# --- The document holds for every answer -----------------------------------------------


def test_every_answer_keeps_to_the_openapi_document(app, demo_data):
    """Schemathesis makes requests from the document for every address (on the demo
    data): no server errors, every status and content type documented, every body
    valid against its schema. Each operation in turn, so a failure names it."""
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_the_document(case: schemathesis.Case) -> None:
            case.call_and_validate()

        keeps_to_the_document()


def test_the_document_is_openapi_3_1_with_every_address(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["license"]["name"] == "Open Government Licence v3.0"
    assert {
        "/issues",
        "/issues/{reference}",
        "/commitments",
        "/commitments/{reference}",
        "/partners",
        "/partners/{slug}",
        "/themes",
        "/areas",
        "/communities",
        "/figures",
        "/figures/partners/{slug}",
        "/figures/areas/{slug}",
    } <= set(document["paths"])


# --- The pages' own lists and figures --------------------------------------------------


def test_a_list_is_the_same_list_as_its_page(client, demo_data):
    page = get_page(client, "/we-will?sort=target-date&page=2")
    answer = client.get("/api/v1/commitments?sort=target-date&page=2").get_json()
    assert answer["total"] == page.results_total()
    shown = [a.text for a in page.main.find_all("p") if "app-record__reference" in a.classes]
    assert [record["reference"] for record in answer["data"]] == shown
    dates = [record["target_date"] for record in answer["data"]]
    assert dates == sorted(dates)
    assert answer["links"]["prev"].endswith("/api/v1/commitments?sort=target-date&page=1")
    assert answer["links"]["next"].endswith("/api/v1/commitments?sort=target-date&page=3")


def test_a_page_past_the_end_gives_the_last_with_a_notice(client, demo_data):
    answer = client.get("/api/v1/issues?state=awaiting&page=100000").get_json()
    assert answer["page"] == answer["pages"]
    assert answer["notices"] == ["There is no page 100,000, so the last page is given."]
    assert answer["links"]["next"] is None


def test_a_scorecards_figures_are_the_pages_figures(client, demo_data):
    partner_slug = client.get("/api/v1/partners").get_json()[0]["slug"]
    answer = client.get(f"/api/v1/figures/partners/{partner_slug}").get_json()
    page = get_page(client, f"/partners/{partner_slug}")
    by_key = {figure["key"]: figure for figure in answer["figures"]}
    assert by_key["overdue"]["as_shown"] in page.main.text
    assert by_key["commitments_made"]["list_url"].endswith(f"/we-will?partner={partner_slug}")
    address = urlsplit(by_key["overdue"]["list_url"])
    listed = get_page(client, f"{address.path}?{address.query}")
    assert listed.results_total() == by_key["overdue"]["value"]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_a_commitment_gives_its_history_without_hidden_words(client, session):
    commitment = make_commitment(session, target_date=TODAY + timedelta(days=90))
    make_update(
        session,
        commitment=commitment,
        posted_at=at(TODAY - timedelta(days=9)),
        narrative="Contact Mrs Smith on 07700 900123.",
        previous_target_date=TODAY + timedelta(days=60),
        new_target_date=TODAY + timedelta(days=90),
        reason="Mrs Smith's flat needs work first.",
        hidden_at=at(TODAY - timedelta(days=8)),
        hidden_reason="It named a member of the public.",
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(TODAY - timedelta(days=2)),
        narrative="Work started.",
        previous_status=CommitmentStatus.NOT_STARTED,
        new_status=CommitmentStatus.IN_PROGRESS,
    )
    commitment.original_target_date = TODAY + timedelta(days=60)
    session.commit()

    response = client.get(f"/api/v1/commitments/{commitment.reference}")
    assert response.status_code == 200
    assert "Smith" not in response.get_data(as_text=True)
    answer = response.get_json()
    latest, hidden = answer["updates"]
    assert latest["body"] == "Work started." and latest["new_status"] == "in_progress"
    assert hidden["hidden"] is True and hidden["body"] is None
    assert hidden["hidden_reason"] == "It named a member of the public."
    (move,) = answer["target_date_moves"]
    assert move["new_target_date"] == (TODAY + timedelta(days=90)).isoformat()
    assert move["reason"] is None


# --- An open API ---------------------------------------------------------------------


def test_an_etag_is_answered_304_until_the_data_changes(client, session):
    partner = make_partner(session, slug="vale", name="Vale")
    session.commit()
    first = client.get("/api/v1/partners/vale")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/partners/vale", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""

    partner.name = "Vale Council"
    session.commit()
    changed = client.get("/api/v1/partners/vale", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["name"] == "Vale Council"
    assert changed.headers["ETag"] != etag


def test_any_site_may_read_it(client):
    response = client.get("/api/v1/themes", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/themes",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    ("address", "status", "words"),
    [
        ("/api/v1/issues/YS-99999999", 404, "no issue with the reference YS-99999999"),
        ("/api/v1/commitments/not-a-reference", 404, ""),
        ("/api/v1/partners/nobody", 404, "no partner with the slug nobody"),
        ("/api/v1/figures/themes/nothing", 404, "no theme with the slug nothing"),
        ("/api/v1/secrets", 404, "openapi.json"),
        ("/api/v1/issues?q=%00", 400, ""),
    ],
)
def test_errors_are_json(client, address, status, words):
    response = client.get(address)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert words in response.get_json()["error"]


def test_writing_is_refused(client):
    response = client.post("/api/v1/issues")
    assert response.status_code in (400, 405)
    assert response.mimetype == "application/json"


def test_the_docs_page_lists_every_address(client):
    document = client.get("/api/v1/openapi.json").get_json()
    page = get_page(client, "/api/v1/docs")
    for path in document["paths"]:
        assert f"GET {path}" in page.main.text
