"""Board reports in the workspace (check, preview, publish, correct), the public list
at /reports with its PDFs, and the admins' run log of the scheduled jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, select

from tests.factories import make_partner
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import make_signed_in, post_form
from tracker.data_version import current_version
from tracker.models import (
    AuditEvent,
    JobOutcome,
    JobRun,
    Partner,
    Report,
    ReportDocument,
    ReportRequest,
    ReportRequestState,
    ReportStatus,
    Role,
)
from tracker.reports.periods import parse_period

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n% a stand-in for a generated report\n%%EOF\n"


@pytest.fixture(autouse=True)
def fixed_clock(app: Flask) -> None:
    app.config["FIXED_NOW"] = NOW


def make_report(
    session: Session,
    period: str = "2026/27 Q2",
    partner: Partner | None = None,
    status: ReportStatus = ReportStatus.DRAFT,
    published_at: datetime | None = None,
    **fields,
) -> Report:
    """A stored report with a small stand-in document (generating real ones is tested
    where it matters: tests/integration/test_report_requests.py and the browser)."""
    quarter = parse_period(period)
    scope = "whole system" if partner is None else partner.name
    report = Report(
        period=period,
        period_start=quarter.start,
        period_end=quarter.end,
        partner_id=partner.id if partner else None,
        title=f"Board report {period}: {scope}",
        status=status,
        as_at=quarter.end,
        generated_at=NOW - timedelta(days=2),
        size_bytes=245_000,
        page_count=12,
        published_at=published_at
        or (NOW - timedelta(days=1) if status is ReportStatus.PUBLISHED else None),
        **fields,
    )
    session.add(report)
    session.flush()
    session.add(
        ReportDocument(
            report_id=report.id,
            html=f"<!DOCTYPE html><html lang='en-GB'><title>{report.title}</title>"
            "<h1>Report preview</h1></html>",
            pdf=PDF,
        )
    )
    session.flush()
    return report


def publish(client, report: Report, **data):
    url = f"/manage/reports/{report.id}"
    return post_form(client, f"{url}/publish", data, token_from=url)


def reload(session: Session, report: Report) -> Report:
    session.expire_all()
    fresh = session.get(Report, report.id)
    assert fresh is not None
    return fresh


# --- the workspace list -----------------------------------------------------------------------


def test_the_team_sees_drafts_and_published_reports(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    partner = make_partner(session, name="Vale Hospitals")
    draft = make_report(session, partner=partner)
    published = make_report(session, period="2026/27 Q1", status=ReportStatus.PUBLISHED)
    session.add(ReportRequest(period="2026/27 Q3", state=ReportRequestState.RUNNING))
    session.flush()

    page = get_page(client, "/manage/reports")

    assert page.title.startswith("Board reports")
    text = page.main.text
    assert draft.title in text and published.title in text
    assert "2026/27 Q2 · Vale Hospitals · 12 pages · 245 KB" in text
    headings = [text for _level, text in page.headings]
    assert headings[:5] == ["Board reports", "Generate a report", "Being generated"] + [
        "2026/27 Q3: whole system",
        "Drafts",
    ]
    links = {a.attrs["href"] for a in page.main.find_all("a")}
    assert f"/manage/reports/{draft.id}" in links
    assert f"/manage/reports/{published.id}" in links


def test_partner_leads_cannot_see_board_reports_in_the_workspace(client, session):
    make_signed_in(client, session, Role.PARTNER)
    report = make_report(session)
    for url in ("/manage/reports", f"/manage/reports/{report.id}", "/manage/jobs"):
        assert client.get(url).status_code == 403


# --- one report: details, preview, PDF --------------------------------------------------------


def test_a_drafts_page_shows_its_details_preview_and_the_publish_form(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    report = make_report(session)

    page = get_page(client, f"/manage/reports/{report.id}")

    assert page.title.startswith(report.title)
    text = page.main.text
    assert "Draft" in text and "12 pages, 245 KB" in text
    [frame] = page.main.find_all("iframe")
    assert frame.attrs["src"] == f"/manage/reports/{report.id}/preview"
    assert frame.attrs["title"] == f"Preview of {report.title}"
    assert "Important: a published report cannot be changed" in text
    assert [b.text for b in page.main.find_all("button")] == ["Publish report"]
    assert not page.main.find_all("textarea")  # nothing to correct yet


def test_the_preview_is_the_stored_html_and_cannot_run_scripts(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    report = make_report(session)

    response = client.get(f"/manage/reports/{report.id}/preview")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<h1>Report preview</h1>" in response.get_data(as_text=True)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "frame-ancestors 'self'" in policy


def test_the_team_can_download_a_drafts_pdf(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    partner = make_partner(session, slug="vale-hospitals")
    report = make_report(session, partner=partner)

    response = client.get(f"/manage/reports/{report.id}/pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == PDF
    assert response.headers["Content-Disposition"] == (
        'inline; filename="ysww-2026-27-q2-vale-hospitals.pdf"'
    )


def test_a_report_that_does_not_exist_is_not_found(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    for url in ("/manage/reports/999", "/manage/reports/999/preview", "/manage/reports/999/pdf"):
        assert client.get(url).status_code == 404


# --- publishing -------------------------------------------------------------------------------


def test_publishing_a_draft_makes_it_public_at_once(client, session):
    officer = make_signed_in(client, session, Role.ENGAGEMENT)
    report = make_report(session)
    session.commit()
    version = current_version(session)

    response = publish(client, report)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/manage/reports/{report.id}"
    report = reload(session, report)
    assert report.status is ReportStatus.PUBLISHED
    assert report.published_by_id == officer.id
    assert report.published_at is not None
    assert current_version(session) > version  # public pages show it on the next view
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.published")).one()
    assert (event.user_id, event.entity_type, event.entity_id) == (officer.id, "report", report.id)
    assert event.before["status"] == "draft" and event.after["status"] == "published"

    page = get_page(client, f"/manage/reports/{report.id}")
    assert "is published on the public reports page" in page.main.text
    assert "Publish report" not in [button.text for button in page.main.find_all("button")]
    public = get_page(client, "/reports")
    assert report.title in public.main.text


def test_a_published_report_cannot_be_published_again_or_changed(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    report = make_report(session, status=ReportStatus.PUBLISHED)
    session.commit()
    before = (report.published_at, report.published_by_id, report.correction_note)

    response = publish(client, report, correction_note="Sneaky change")

    assert response.status_code == 409
    assert "already published" in RenderedPage(response.get_data(as_text=True)).main.text
    report = reload(session, report)
    assert (report.published_at, report.published_by_id, report.correction_note) == before
    assert (
        session.exec(select(AuditEvent).where(AuditEvent.action == "report.published")).all() == []
    )


def test_a_second_report_for_a_published_quarter_must_say_what_it_corrects(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    first = make_report(session, status=ReportStatus.PUBLISHED)
    make_report(session, period="2026/27 Q1", status=ReportStatus.PUBLISHED)  # another quarter
    correction = make_report(session)
    session.commit()

    page = get_page(client, f"/manage/reports/{correction.id}")
    [corrects] = [s for s in page.main.find_all("select") if s.attrs["name"] == "corrects"]
    assert [o.attrs["value"] for o in corrects.find_all("option")] == [str(first.id)]
    assert [b.text for b in page.main.find_all("button")] == ["Publish correction"]

    no_note = publish(client, correction, corrects=str(first.id), correction_note="   ")
    assert no_note.status_code == 400
    problem = RenderedPage(no_note.get_data(as_text=True))
    assert problem.title.startswith("Error: ")
    assert "Say what this correction changes" in problem.main.text

    too_long = publish(client, correction, corrects=str(first.id), correction_note="x" * 1001)
    assert too_long.status_code == 400
    assert "1000 characters or fewer" in too_long.get_data(as_text=True)

    not_chosen = publish(client, correction, corrects="", correction_note="Fixed figures")
    assert not_chosen.status_code == 400
    assert "Choose the published report this one corrects" in not_chosen.get_data(as_text=True)
    # The note typed is kept for the person to correct the form.
    assert "Fixed figures" in not_chosen.get_data(as_text=True)
    assert reload(session, correction).status is ReportStatus.DRAFT

    note = "The figures for <b>Riverside</b> were counted twice."
    done = publish(client, correction, corrects=str(first.id), correction_note=note)

    assert done.status_code == 303
    correction = reload(session, correction)
    assert correction.status is ReportStatus.PUBLISHED
    assert (correction.replaces_id, correction.correction_note) == (first.id, note)
    assert reload(session, first).status is ReportStatus.PUBLISHED  # kept, unchanged


def test_only_a_current_published_report_of_the_same_quarter_and_scope_can_be_corrected(
    client, session
):
    make_signed_in(client, session, Role.ENGAGEMENT)
    partner = make_partner(session)
    other_scope = make_report(session, partner=partner, status=ReportStatus.PUBLISHED)
    draft = make_report(session)
    session.commit()

    response = publish(client, draft, corrects=str(other_scope.id), correction_note="Oops")

    # Nothing of this quarter and scope is published, so there is nothing to correct:
    # the draft is simply published.
    assert response.status_code == 303
    assert reload(session, draft).replaces_id is None


# --- the public list --------------------------------------------------------------------------


def test_the_public_list_shows_published_reports_newest_first_with_their_corrections(
    client, session
):
    partner = make_partner(session, name="Vale Hospitals", slug="vale-hospitals")
    older = make_report(
        session,
        period="2026/27 Q1",
        status=ReportStatus.PUBLISHED,
        published_at=NOW - timedelta(days=90),
    )
    first = make_report(
        session,
        partner=partner,
        status=ReportStatus.PUBLISHED,
        published_at=NOW - timedelta(days=5),
    )
    correction = make_report(
        session,
        partner=partner,
        status=ReportStatus.PUBLISHED,
        published_at=NOW - timedelta(days=1),
        replaces_id=first.id,
        correction_note="Two commitments were counted <twice>.",
    )
    draft = make_report(session, period="2026/27 Q3")

    page = get_page(client, "/reports")

    assert page.title.startswith("Board reports")
    items = page.main.find_all("li", cls="app-record")
    assert [item.attrs["id"] for item in items] == [
        f"report-{correction.id}",
        f"report-{first.id}",
        f"report-{older.id}",
    ]
    assert draft.title not in page.main.text
    newest = items[0].text
    assert "2026/27 Q2" in newest and "Vale Hospitals" in newest
    assert "245 KB, 12 pages" in newest
    assert "This corrects the report published at" in newest
    assert "What changed: Two commitments were counted <twice>." in newest  # as text
    assert "Replaced by a corrected report" in items[1].text
    [download] = [a for a in items[0].find_all("a") if a.text.startswith("Download the PDF")]
    assert download.attrs["href"] == f"/reports/{correction.id}.pdf"
    assert download.text == f"Download the PDF of {correction.title}"
    html = client.get("/reports").get_data(as_text=True)
    assert "<twice>" not in html  # escaped


def test_a_published_pdf_downloads_and_a_drafts_is_not_found(client, session):
    partner = make_partner(session, slug="vale-hospitals")
    published = make_report(session, status=ReportStatus.PUBLISHED)
    corrected = make_report(
        session, partner=partner, status=ReportStatus.PUBLISHED, replaces_id=None
    )
    draft = make_report(session, period="2026/27 Q3")

    response = client.get(f"/reports/{published.id}.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == PDF
    assert response.headers["Content-Disposition"] == (
        'inline; filename="ysww-2026-27-q2-system.pdf"'
    )
    assert (
        'filename="ysww-2026-27-q2-vale-hospitals.pdf"'
        in client.get(f"/reports/{corrected.id}.pdf").headers["Content-Disposition"]
    )
    assert client.get(f"/reports/{draft.id}.pdf").status_code == 404
    assert client.get("/reports/999.pdf").status_code == 404


def test_an_empty_public_list_says_so(client, session):
    page = get_page(client, "/reports")
    assert "No board reports have been published yet" in page.main.text


def test_the_cached_public_list_shows_a_report_as_soon_as_it_is_published(app, client, session):
    app.config["PAGE_CACHE_DISABLED"] = False
    officer = make_signed_in(client, session, Role.ENGAGEMENT)
    report = make_report(session)
    session.commit()
    assert report.title not in get_page(client, "/reports").main.text

    publish(client, report)

    assert officer.id and report.title in get_page(client, "/reports").main.text


# --- the run log ------------------------------------------------------------------------------


def test_admins_see_the_run_log_newest_first_with_errors(client, session):
    make_signed_in(client, session, Role.ADMIN)
    session.add(
        JobRun(
            job="weekly_digests",
            run_key="2026-W47",
            started_at=NOW - timedelta(days=8),
            finished_at=NOW - timedelta(days=8) + timedelta(seconds=4),
            outcome=JobOutcome.SUCCEEDED,
            summary="Sent 4 digests for 2026-W47.",
            host="sched-1:42",
        )
    )
    session.add(
        JobRun(
            job="quarterly_drafts",
            run_key="2026/27 Q2",
            started_at=NOW - timedelta(days=1),
            outcome=JobOutcome.FAILED,
            error="Email to officer@ics.example: the mail server refused it",
        )
    )
    session.add(
        ReportRequest(period="2026/27 Q2", state=ReportRequestState.FAILED, error="Out of paper")
    )
    session.flush()

    page = get_page(client, "/manage/jobs")

    assert page.title.startswith("Scheduled jobs")
    rows = [row.text for row in page.main.find_all("tr")]
    assert "Quarterly draft board reports" in rows[1] and "Failed" in rows[1]
    assert "the mail server refused it" in rows[1]
    assert "Weekly digests" in rows[2] and "Sent 4 digests" in rows[2]
    assert any("Out of paper" in row for row in rows)


def test_the_engagement_team_cannot_see_the_run_log(client, session):
    make_signed_in(client, session, Role.ENGAGEMENT)
    assert client.get("/manage/jobs").status_code == 403


def test_report_pages_are_valid_html(client, session):
    make_signed_in(client, session, Role.ADMIN)
    first = make_report(session, status=ReportStatus.PUBLISHED)
    correction = make_report(session)
    session.add(JobRun(job="weekly_digests", run_key="2026-W48", started_at=NOW))
    session.add(ReportRequest(period="2026/27 Q2"))
    session.flush()
    pages = {
        "list": client.get("/manage/reports").get_data(as_text=True),
        "draft": client.get(f"/manage/reports/{correction.id}").get_data(as_text=True),
        "published": client.get(f"/manage/reports/{first.id}").get_data(as_text=True),
        "errors": publish(client, correction, corrects="", correction_note="").get_data(
            as_text=True
        ),
        "jobs": client.get("/manage/jobs").get_data(as_text=True),
        "public": client.get("/reports").get_data(as_text=True),
    }

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
    assert session.execute(sa.select(sa.func.count()).select_from(Report)).scalar() == 2
