"""Open data: /data's datasets and field dictionary, and every list downloaded as it is
filtered, as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner, make_theme, make_update
from tests.pages import get_page
from tracker.models import CommitmentStatus, User
from tracker.open_data.schema import DATASETS, CommitmentRecord, IssueRecord, field_dictionary
from tracker.queries.pagination import PAGE_SIZE


def csv_rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "CSV files start with a byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(text[1:])))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def vale(session):
    return make_partner(session, name="Vale District Council", slug="vale-council")


def test_a_filtered_list_downloads_every_page_in_the_lists_order(client, session, vale):
    other = make_partner(session, name="Riverside Hospitals", slug="riverside")
    ours = [
        make_commitment(session, partner=vale, committed_on=TODAY - timedelta(days=n))
        for n in range(PAGE_SIZE + 3)
    ]
    make_commitment(session, partner=other)
    session.commit()

    page = get_page(client, "/we-will?partner=vale-council")
    (link,) = [a for a in page.main.find_all("a") if a.text == "CSV (for spreadsheets)"]
    assert link.attrs["href"] == "/we-will.csv?partner=vale-council"

    response = client.get(link.attrs["href"])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    # Newest first, as the page lists them; every page, not only the first.
    assert [row["reference"] for row in rows] == [c.reference for c in ours]
    assert list(rows[0]) == list(CommitmentRecord.model_fields)
    assert rows[0]["partner_slug"] == "vale-council"
    assert rows[0]["status"] == "not_started"
    assert rows[0]["overdue"] == "false"


def test_the_json_download_holds_the_same_records_and_says_what_it_is(client, session, vale):
    overdue = make_commitment(
        session, partner=vale, target_date=TODAY - timedelta(days=3), title="Late one"
    )
    make_commitment(session, partner=vale, target_date=TODAY + timedelta(days=30))
    session.commit()

    response = client.get("/we-will.json?status=overdue&partner=vale-council")
    assert response.status_code == 200
    document = json.loads(response.get_data(as_text=True))
    assert document["licence"]["name"] == "Open Government Licence v3.0"
    assert document["source"].endswith("/we-will?status=overdue&partner=vale-council")
    assert [record["reference"] for record in document["commitments"]] == [overdue.reference]
    record = document["commitments"][0]
    assert record["overdue"] is True
    assert record["target_date"] == (TODAY - timedelta(days=3)).isoformat()
    assert CommitmentRecord.model_validate(record).title == "Late one"


def test_issue_downloads_carry_themes_and_the_response_state(client, session, vale):
    parking = make_theme(session, name="Parking", slug="parking")
    buses = make_theme(session, name="Buses", slug="buses")
    answered = make_issue(session, lead_partner=vale, themes=[parking, buses], quotes=["a; b"])
    make_commitment(session, issue=answered, partner=vale)
    waiting = make_issue(session, lead_partner=None, themes=[parking])
    make_issue(session, lead_partner=vale)  # not about parking
    session.commit()

    rows = {row["reference"]: row for row in csv_rows(client.get("/you-said.csv?theme=parking"))}
    assert set(rows) == {answered.reference, waiting.reference}
    assert rows[answered.reference]["themes"] == "Buses; Parking"
    assert rows[answered.reference]["quotes"] == "a; b"
    assert rows[answered.reference]["response"] == "responded"
    assert rows[answered.reference]["lead_partner"] == "Vale District Council"
    assert rows[waiting.reference]["response"] == "awaiting"
    assert rows[waiting.reference]["lead_partner"] == ""
    assert rows[waiting.reference]["days_awaiting_response"] == "30"

    document = json.loads(client.get("/you-said.json?theme=parking").get_data(as_text=True))
    by_reference = {record["reference"]: record for record in document["issues"]}
    assert by_reference[answered.reference]["themes"] == ["Buses", "Parking"]
    assert IssueRecord.model_validate(by_reference[waiting.reference]).lead_partner is None


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_start_like_formulas_are_neutralised(client, session, vale, start):
    title = f'{start}HYPERLINK("https://evil.example","click")'
    commitment = make_commitment(session, partner=vale, title=title)
    session.commit()

    (row,) = csv_rows(client.get("/we-will.csv?partner=vale-council"))
    assert row["title"] == "'" + title
    # JSON is for programs, not spreadsheets: the words are kept as they are.
    document = json.loads(client.get("/we-will.json?partner=vale-council").get_data(as_text=True))
    assert document["commitments"][0]["title"] == title
    assert document["commitments"][0]["reference"] == commitment.reference


def test_a_hidden_updates_words_never_leave_through_the_updates_dataset(client, session):
    commitment = make_commitment(session)
    make_update(
        session,
        commitment=commitment,
        posted_at=at(TODAY - timedelta(days=9)),
        narrative="Contact Mrs Smith on 07700 900123 for details.",
        reason="Mrs Smith asked us to wait.",
        evidence_links=[{"title": "Her letter", "url": "https://example.org/smith"}],
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
    session.commit()

    for kind in ("csv", "json"):
        text = client.get(f"/data/updates.{kind}").get_data(as_text=True)
        assert "Smith" not in text and "07700" not in text
        assert "It named a member of the public." in text
    rows = csv_rows(client.get("/data/updates.csv"))
    hidden, shown = [row for row in rows if row["commitment_reference"] == commitment.reference]
    assert hidden["hidden"] == "true" and hidden["body"] == "" and hidden["evidence_urls"] == ""
    assert hidden["hidden_on"] == (TODAY - timedelta(days=8)).isoformat()
    assert shown["body"] == "Work started."
    assert (shown["previous_status"], shown["new_status"]) == ("not_started", "in_progress")


def test_no_staff_names_or_emails_in_any_dataset(client, session):
    author = session.merge(User(email="lead@vale.example", name="Priya Author", role="partner"))
    make_update(session, author=author, narrative="Posted by a lead.")
    session.commit()
    for name in DATASETS:
        for kind in ("csv", "json"):
            text = client.get(f"/data/{name}.{kind}").get_data(as_text=True)
            assert "lead@vale.example" not in text and "Priya Author" not in text


def test_the_data_page_describes_every_field_of_every_dataset(client):
    page = get_page(client, "/data")
    assert "Open Government Licence v3.0" in page.main.text
    tables = page.main.find_all("table", cls="app-data-fields")
    assert len(tables) == len(DATASETS)
    links = {a.attrs.get("href") for a in page.main.find_all("a")}
    for (name, dataset), table in zip(DATASETS.items(), tables, strict=True):
        assert page.main.find(id=name).text == dataset.title
        listed = [
            cell.find("code").text
            for cell in table.find_all("th")
            if cell.attrs.get("scope") == "row"
        ]
        assert listed == list(dataset.model.model_fields)
        assert {f"/data/{name}.csv", f"/data/{name}.json"} <= links
    commitments = tables[list(DATASETS).index("commitments")].text
    for status in CommitmentStatus:
        assert status.value in commitments


def test_the_dictionary_reads_types_and_allowed_values_from_the_schema():
    fields = {entry.name: entry for entry in field_dictionary(CommitmentRecord)}
    assert fields["status"].allowed == tuple(status.value for status in CommitmentStatus)
    assert fields["target_date"].type == "date (YYYY-MM-DD)"
    assert fields["delivered_on"].optional and not fields["target_date"].optional
    assert fields["overdue"].type == "true or false"
    assert all(entry.meaning for entry in fields.values())


@pytest.mark.parametrize(
    "address", ["/data/secrets.csv", "/data/issues.xml", "/we-will.xlsx", "/you-said.csv/x"]
)
def test_unknown_datasets_and_formats_are_not_found(client, address):
    assert client.get(address).status_code == 404


def test_every_dataset_downloads_from_the_demo_data(client, demo_data):
    for name, dataset in DATASETS.items():
        rows = csv_rows(client.get(f"/data/{name}.csv"))
        assert rows, name
        assert list(rows[0]) == list(dataset.model.model_fields)
        records = json.loads(client.get(f"/data/{name}.json").get_data(as_text=True))[name]
        assert len(records) == len(rows)
        for record in records[:50]:
            dataset.model.model_validate(record)


def test_a_status_reason_is_published_only_for_a_status_that_needs_one(client, session, vale):
    delayed = make_commitment(
        session, partner=vale, status=CommitmentStatus.DELAYED, status_reason="Staff shortages."
    )
    moved_on = make_commitment(
        session,
        partner=vale,
        status=CommitmentStatus.IN_PROGRESS,
        status_reason="An old reason from when it was delayed.",
    )
    session.commit()
    rows = {
        row["reference"]: row for row in csv_rows(client.get("/we-will.csv?partner=vale-council"))
    }
    assert rows[delayed.reference]["status_reason"] == "Staff shortages."
    assert rows[moved_on.reference]["status_reason"] == ""


def test_the_figures_dataset_holds_every_scorecards_figures(client, demo_data):
    rows = csv_rows(client.get("/data/figures.csv"))
    system = rows[0]
    assert (system["slice"], system["slug"]) == ("system", "")
    partners = client.get("/api/v1/partners").get_json()
    assert len([row for row in rows if row["slice"] == "partner"]) == len(partners)
    slug = partners[0]["slug"]
    (row,) = [row for row in rows if row["slice"] == "partner" and row["slug"] == slug]
    figures = client.get(f"/api/v1/figures/partners/{slug}").get_json()["figures"]
    for figure in figures:
        shown = "" if figure["value"] is None else str(figure["value"])
        assert row[figure["key"]] == shown, figure["key"]


def test_an_engagement_lists_the_issues_heard_there(client, demo_data):
    (record,) = [
        record
        for record in json.loads(client.get("/data/engagements.json").get_data(as_text=True))[
            "engagements"
        ]
        if record["reference"] == "EN-0003"
    ]
    page = get_page(client, "/engagements/EN-0003")
    for reference in record["issues"]:
        assert reference in page.main.text
    assert record["title"] in page.main.text
