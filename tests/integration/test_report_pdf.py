"""Board reports as PDFs: the figures printed, the references listed, the links, the tags.

The demo ICS is copied once into a database of this module's own, and the system
report and one partner's report are generated once (WeasyPrint takes seconds);
every test reads those PDFs back with pypdf and checks what is printed against
counts made here with plain SQL, independently of the report's own queries.
"""

from __future__ import annotations

import gc
import io
import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import weasyprint
import weasyprint.text.fonts
from flask import Flask
from pypdf import PdfReader
from sqlmodel import Session, select
from weasyprint.text.line_break import Layout

from tests.conftest import TODAY, make_test_app
from tests.factories import make_commitment, make_issue, make_partner, make_update
from tests.html_validator import check_html
from tracker.db import get_database
from tracker.models import AuditEvent, Partner, Report, ReportDocument, ReportStatus
from tracker.reports import text_layouts
from tracker.reports.content import gather_report_content
from tracker.reports.periods import Period, PeriodError, parse_period
from tracker.reports.rendering import (
    STATIC_ROOT,
    StaticOnlyFetcher,
    cycle_collection_paused,
    html_to_pdf,
    render_report_html,
    static_url,
)
from tracker.reports.store import generate_report

PERIOD = parse_period("2026/27 Q2")
BASE = "http://localhost:5000"
CLOSED = ("delivered", "not_going_ahead")


@dataclass
class GeneratedReport:
    report: Report
    pdf: bytes
    html: str
    reader: PdfReader
    text: str
    partner: Partner | None

    @property
    def uris(self) -> list[str]:
        return _uris(self.reader)


def _uris(reader: PdfReader) -> list[str]:
    found = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                found.append(str(action["/URI"]))
    return found


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def demo_app(new_demo_database_url: Callable[[], str]) -> Iterator[Flask]:
    """The app on a copy of the demo database of this module's own (reports are committed)."""
    app = make_test_app(new_demo_database_url(), FIXED_TODAY=TODAY)
    yield app
    get_database(app).engine.dispose()


@pytest.fixture
def demo_session(demo_app: Flask) -> Iterator[Session]:
    with demo_app.app_context(), get_database(demo_app).sessionmaker() as session:
        yield session


def _generate(app: Flask, partner_slug: str | None) -> GeneratedReport:
    with app.app_context(), get_database(app).session() as session:
        partner = None
        if partner_slug:
            partner = session.exec(select(Partner).where(Partner.slug == partner_slug)).one()
        report = generate_report(session, PERIOD, partner, as_at=TODAY)
        document = session.get(ReportDocument, report.id)
        assert document is not None
        reader = PdfReader(io.BytesIO(document.pdf))
        return GeneratedReport(report, document.pdf, document.html, reader, _text(reader), partner)


def _count(session: Session, sql: str, **params: Any) -> int:
    return int(session.execute(sa.text(sql), params).scalar_one())


@pytest.fixture(scope="module")
def busiest_partner(demo_app: Flask) -> str:
    """The partner with the most Overdue commitments (counted with plain SQL)."""
    with demo_app.app_context(), get_database(demo_app).sessionmaker() as session:
        return str(
            session.execute(
                sa.text(
                    "SELECT p.slug FROM partner p JOIN commitment c ON c.partner_id = p.id "
                    "WHERE c.target_date < :today AND c.status NOT IN ('delivered', "
                    "'not_going_ahead') GROUP BY p.slug ORDER BY count(*) DESC, p.slug LIMIT 1"
                ),
                {"today": TODAY},
            ).scalar_one()
        )


@pytest.fixture(scope="module")
def system_report(demo_app: Flask) -> GeneratedReport:
    return _generate(demo_app, None)


@pytest.fixture(scope="module")
def partner_report(demo_app: Flask, busiest_partner: str) -> GeneratedReport:
    return _generate(demo_app, busiest_partner)


def _printed(text: str, label: str) -> tuple[int, int]:
    """The figure and its earlier value on the headline table's row for ``label``."""
    match = re.search(rf"^{re.escape(label)}\s+([\d,]+)\s+([\d,]+)\s", text, re.MULTILINE)
    assert match, f"no headline row for {label!r}"
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def _scope(partner: Partner | None, column: str = "c.partner_id") -> str:
    return f" AND {column} = {int(partner.id)}" if partner is not None and partner.id else ""


def _issue_scope(partner: Partner | None) -> str:
    if partner is None:
        return ""
    return (
        f" AND (i.lead_partner_id = {int(partner.id or 0)} OR EXISTS (SELECT 1 FROM "
        f"issue_supporting_partner s WHERE s.issue_id = i.id AND s.partner_id = "
        f"{int(partner.id or 0)}))"
    )


def _independent_figures(session: Session, partner: Partner | None) -> dict[str, int]:
    scope = _scope(partner)
    cutoff = TODAY - timedelta(days=90)
    open_ = "c.status NOT IN ('delivered', 'not_going_ahead')"
    return {
        "Overdue": _count(
            session,
            f"SELECT count(*) FROM commitment c WHERE c.target_date < :today AND {open_}{scope}",
            today=TODAY,
        ),
        "No recent update": _count(
            session,
            f"SELECT count(*) FROM commitment c WHERE {open_} AND "
            f"coalesce(c.last_update_on, c.committed_on) <= :cutoff{scope}",
            cutoff=cutoff,
        ),
        "Open commitments": _count(
            session, f"SELECT count(*) FROM commitment c WHERE {open_}{scope}"
        ),
        "Commitments made": _count(
            session, f"SELECT count(*) FROM commitment c WHERE 1 = 1{scope}"
        ),
        "Issues awaiting a response": _count(
            session,
            "SELECT count(*) FROM issue i WHERE NOT EXISTS (SELECT 1 FROM commitment c "
            f"WHERE c.issue_id = i.id){_issue_scope(partner)}",
        ),
        "Issues raised in the quarter": _count(
            session,
            "SELECT count(*) FROM issue i WHERE i.raised_on BETWEEN :first AND :last"
            f"{_issue_scope(partner)}",
            first=PERIOD.start,
            last=PERIOD.end,
        ),
    }


def _open_references(session: Session, partner: Partner | None) -> set[str]:
    numbers = session.execute(
        sa.text(
            "SELECT c.number FROM commitment c WHERE c.status NOT IN "
            f"('delivered', 'not_going_ahead'){_scope(partner)}"
        )
    ).scalars()
    return {f"WW-{number:04d}" for number in numbers}


def _appendix(text: str) -> str:
    return text[text.rindex("Appendix: every open commitment") :]


# --- The whole system's report -------------------------------------------------------


@pytest.mark.parametrize("which", ["system_report", "partner_report"])
def test_headline_figures_equal_counts_made_from_the_database(
    which: str, request: pytest.FixtureRequest, demo_session: Session
) -> None:
    generated: GeneratedReport = request.getfixturevalue(which)
    expected = _independent_figures(demo_session, generated.partner)
    for label in (
        "Overdue",
        "No recent update",
        "Open commitments",
        "Commitments made",
        "Issues awaiting a response",
    ):
        assert _printed(generated.text, label)[0] == expected[label], label
    # The quarter's table comes second: its "Issues raised" row is the later one.
    rows = re.findall(r"^Issues raised\s+([\d,]+)\s+([\d,]+)\s", generated.text, re.MULTILINE)
    assert int(rows[-1][0]) == expected["Issues raised in the quarter"]
    assert expected["Overdue"] > 0  # the demo data has something to show


def test_the_system_report_is_a_tagged_pdf_with_title_language_and_author(
    system_report: GeneratedReport,
) -> None:
    root = system_report.reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    metadata = system_report.reader.metadata
    assert metadata is not None
    assert metadata.title == "Board report 2026/27 Q2: whole system – Riverside and Vale ICS"
    assert metadata.author == "Riverside and Vale ICS"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_every_font_is_embedded(system_report: GeneratedReport) -> None:
    fonts = []
    for page in system_report.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            fonts.append(descriptor)
    assert fonts
    assert all(
        any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        for descriptor in fonts
    )
    assert {str(descriptor["/FontName"]).split("+")[1] for descriptor in fonts} >= {
        "Source-Sans-3-Bold",
        "Source-Sans-3-Semi-Bold",
    }


def test_table_headers_are_tagged_as_header_cells(system_report: GeneratedReport) -> None:
    struct_types: set[str] = set()

    def walk(element: Any, depth: int = 0) -> None:
        element = element.get_object()
        if isinstance(element, dict):
            if "/S" in element:
                struct_types.add(str(element["/S"]))
            kids = element.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") and depth < 60:
                        walk(kid, depth + 1)

    walk(system_report.reader.trailer["/Root"]["/StructTreeRoot"])
    assert {"/Table", "/TH", "/TD", "/H1", "/H2", "/Figure", "/Link"} <= struct_types


def test_the_appendix_lists_every_open_commitment_and_no_closed_one(
    system_report: GeneratedReport, demo_session: Session
) -> None:
    appendix = _appendix(system_report.text)
    open_references = _open_references(demo_session, None)
    listed = set(re.findall(r"WW-\d{4}", appendix))
    assert open_references and listed == open_references


def test_every_reference_links_to_its_public_page(
    system_report: GeneratedReport, demo_session: Session
) -> None:
    uris = set(system_report.uris)
    evidence = {
        link["url"]
        for links in demo_session.execute(
            sa.text("SELECT evidence_links FROM commitment_update")
        ).scalars()
        for link in (json.loads(links) if isinstance(links, str) else links)
    }
    # Links go to the public site, or to the evidence a partner linked to an update.
    assert all(uri.startswith(BASE + "/") or uri in evidence for uri in uris)
    for reference in _open_references(demo_session, None):
        assert f"{BASE}/we-will/{reference}" in uris
    issues = set(re.findall(r"YS-\d{4}", system_report.text))
    assert issues and {f"{BASE}/you-said/{reference}" for reference in issues} <= uris


def test_headline_figures_link_to_the_lists_that_show_them(system_report: GeneratedReport) -> None:
    uris = set(system_report.uris)
    assert {
        f"{BASE}/we-will?status=overdue",
        f"{BASE}/we-will?status=no-recent-update",
        f"{BASE}/we-will?status=open",
        f"{BASE}/you-said?state=awaiting",
        f"{BASE}/you-said?raised_from={PERIOD.start}&raised_to={PERIOD.end}",
    } <= uris


def test_the_report_is_stored_as_a_draft_with_its_audit_event(
    system_report: GeneratedReport, demo_session: Session
) -> None:
    report = demo_session.get(Report, system_report.report.id)
    assert report is not None
    assert (report.period, report.period_start, report.period_end) == (
        "2026/27 Q2",
        date(2026, 7, 1),
        date(2026, 9, 30),
    )
    assert report.status is ReportStatus.DRAFT and report.partner_id is None
    assert report.title == "Board report 2026/27 Q2: whole system"
    assert report.as_at == TODAY
    assert report.page_count == len(system_report.reader.pages) > 5
    assert report.size_bytes == len(system_report.pdf)
    assert system_report.pdf.startswith(b"%PDF-")
    event = demo_session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "report.generated", AuditEvent.entity_id == report.id
        )
    ).one()
    assert event.entity_type == "report" and event.user_id is None


def test_the_html_preview_is_the_same_document(system_report: GeneratedReport) -> None:
    html = system_report.html
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert '<link rel="stylesheet" href="/static/css/report.css">' in html
    assert 'role="img"' in html and "<title id=" in html
    assert "Appendix: every open commitment" in html


def test_the_html_preview_is_valid_html(system_report: GeneratedReport) -> None:
    assert check_html({"report": system_report.html})["report"] == []


# --- One partner's report ------------------------------------------------------------


def test_a_partner_report_lists_only_that_partners_open_commitments(
    partner_report: GeneratedReport, demo_session: Session
) -> None:
    assert partner_report.partner is not None
    appendix = _appendix(partner_report.text)
    expected = _open_references(demo_session, partner_report.partner)
    assert set(re.findall(r"WW-\d{4}", appendix)) == expected
    assert partner_report.report.partner_id == partner_report.partner.id
    assert partner_report.partner.name in partner_report.report.title


def test_a_partner_reports_figures_link_to_that_partners_lists(
    partner_report: GeneratedReport,
) -> None:
    assert partner_report.partner is not None
    slug = partner_report.partner.slug
    uris = set(partner_report.uris)
    assert f"{BASE}/we-will?status=overdue&partner={slug}" in uris
    assert f"{BASE}/you-said?state=awaiting&partner={slug}" in uris
    assert f"{BASE}/partners/{slug}" in uris


def test_links_start_with_the_public_base_url_when_it_is_set(demo_app: Flask) -> None:
    development_address = demo_app.config["PUBLIC_BASE_URL"]
    demo_app.config["PUBLIC_BASE_URL"] = "https://tracker.example.nhs.uk"
    try:
        with demo_app.app_context(), get_database(demo_app).sessionmaker() as session:
            content = gather_report_content(session, PERIOD, None, as_at=TODAY)
            html = render_report_html(content)
    finally:
        demo_app.config["PUBLIC_BASE_URL"] = development_address
    assert 'href="https://tracker.example.nhs.uk/we-will?status=overdue"' in html
    assert "localhost" not in html


def test_a_quarter_that_has_not_started_is_refused(demo_session: Session) -> None:
    with pytest.raises(PeriodError, match="has not started"):
        generate_report(demo_session, Period(2027, 1), None, as_at=TODAY)


# --- Rendering nothing but our own files ---------------------------------------------

PASSWD = "/etc/passwd"


def test_hostile_links_and_markup_in_records_are_never_fetched(
    app: Flask, session: Session
) -> None:
    partner = make_partner(session, name="Hostile Test Trust", slug="hostile-test")
    issue = make_issue(session, lead_partner=partner, raised_on=date(2026, 8, 3))
    commitment = make_commitment(
        session,
        issue=issue,
        partner=partner,
        committed_on=date(2026, 8, 4),
        title='We will <img src="file:///etc/passwd"> fix it',
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=datetime(2026, 9, 1, 10, tzinfo=UTC),
        narrative=(
            'See <img src="file:///etc/passwd"> and <link rel="stylesheet" '
            'href="https://example.com/x.css"> and https://example.com/x.png'
        ),
        evidence_links=[
            {"title": "A picture", "url": "https://example.com/x.png"},
            {"title": "Secrets", "url": "file:///etc/passwd"},
        ],
    )
    commitment.last_update_on = date(2026, 9, 1)
    session.flush()

    with app.app_context():
        content = gather_report_content(session, PERIOD, partner, as_at=TODAY)
        html = render_report_html(content)
        fetcher = StaticOnlyFetcher(static_url())
        pdf, _ = html_to_pdf(html, fetcher)

    assert fetcher.requested, "the stylesheet and fonts are fetched"
    assert all(url.startswith(f"{BASE}/static/") for url in fetcher.requested)
    assert fetcher.refused == []
    assert all(path.is_relative_to(STATIC_ROOT) for path in fetcher.served)
    # The markup is printed as the text it is; the file it names is not in the PDF.
    text = _text(PdfReader(io.BytesIO(pdf)))
    assert '<img src="file:///etc/passwd">' in text.replace("\n", " ")
    assert "root:x:0:0" not in text and b"root:x:0:0" not in pdf
    uris = _uris(PdfReader(io.BytesIO(pdf)))
    assert "https://example.com/x.png" in uris  # an evidence link, not fetched
    assert not any(uri.startswith("file:") for uri in uris)


def test_the_fetcher_refuses_everything_outside_static() -> None:
    fetcher = StaticOnlyFetcher(f"{BASE}/static/")
    for url in (
        "file:///etc/passwd",
        f"file://{STATIC_ROOT}/css/report.css",
        "https://example.com/x.png",
        f"{BASE}/static/../../../etc/passwd",
        f"{BASE}/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE}/we-will",
        f"{BASE}/static/css/",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8
    served = fetcher.fetch(f"{BASE}/static/css/report.css")
    assert b"@font-face" in served.read()
    assert fetcher.served == [STATIC_ROOT / "css" / "report.css"]


def test_markup_that_reached_weasyprint_still_could_not_fetch_anything() -> None:
    html = (
        '<html lang="en-GB"><head><title>t</title>'
        '<link rel="stylesheet" href="https://example.com/x.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<img src="file:///etc/passwd" alt="x"><img src="https://example.com/x.png" alt="y">'
        '<img src="/static/../../etc/passwd" alt="z">'
        '<a rel="attachment" href="file:///etc/passwd">attached</a>'
        "<p style=\"background: url('file:///etc/passwd')\">text</p></body></html>"
    )
    fetcher = StaticOnlyFetcher(f"{BASE}/static/")
    pdf = weasyprint.HTML(string=html, base_url=f"{BASE}/static/", url_fetcher=fetcher).write_pdf()
    assert fetcher.served == []
    assert set(fetcher.refused) == set(fetcher.requested)
    assert any("passwd" in url for url in fetcher.refused)
    assert b"root:x:0:0" not in pdf


def test_the_garbage_collector_is_paused_while_a_pdf_is_made_and_back_on_afterwards(
    demo_app: Flask,
) -> None:
    seen_during: list[bool] = []

    class WatchingFetcher(StaticOnlyFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            seen_during.append(gc.isenabled())
            return super().fetch(url, headers)

    html = (
        '<html lang="en-GB"><head><title>t</title>'
        '<link rel="stylesheet" href="/static/css/report.css"></head>'
        "<body><p>Text</p></body></html>"
    )
    assert gc.isenabled()
    with demo_app.test_request_context():
        pdf, pages = html_to_pdf(html, WatchingFetcher(static_url()))
    assert pdf.startswith(b"%PDF") and pages == 1
    assert seen_during and not any(seen_during)
    assert gc.isenabled()


def test_the_garbage_collector_comes_back_on_only_when_the_last_rendering_ends() -> None:
    first_inside = threading.Event()
    second_done = threading.Event()
    states: dict[str, bool] = {}

    def first() -> None:
        with cycle_collection_paused():
            first_inside.set()
            second_done.wait(timeout=10)
            states["first, after the second ended"] = gc.isenabled()

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(timeout=10)
    with cycle_collection_paused():
        states["second"] = gc.isenabled()
    second_done.set()
    thread.join(timeout=10)
    assert states == {"second": False, "first, after the second ended": False}
    assert gc.isenabled()


def test_a_failed_rendering_still_turns_the_garbage_collector_back_on() -> None:
    with pytest.raises(RuntimeError), cycle_collection_paused():
        raise RuntimeError("WeasyPrint failed")
    assert gc.isenabled()


#: Text with what makes a text layout differ: a language, a link (underlined, so its
#: metrics are read), bold, italic, tabular figures and an SVG chart's text.
SHARED_SETUP_HTML = (
    '<html lang="en-GB"><head><title>t</title>'
    '<link rel="stylesheet" href="/static/css/report.css"></head><body>'
    '<h2>Headline figures</h2><p>Residents said <a href="https://example.org/a">this</a>, '
    '<strong>and this</strong>, <em>in their words</em>; <span lang="cy">Dywedoch chi</span>.</p>'
    "<table><tr><th>Open</th><td>1,234</td></tr></table>"
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
    '<text x="0" y="20" font-family="Source Sans 3" font-weight="bold">12 overdue</text></svg>'
    "</body></html>"
)


def test_text_layouts_share_their_setup_on_the_weasyprint_it_was_copied_from() -> None:
    assert text_layouts.weasyprint_setup_is_the_copied_one()
    assert Layout.setup is text_layouts.shared_setup


def test_the_shared_text_layout_setup_makes_the_same_pdf_byte_for_byte(
    demo_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo_app.test_request_context():
        shared, pages = html_to_pdf(SHARED_SETUP_HTML)
        monkeypatch.setattr(Layout, "setup", Layout._tracker_stock_setup)
        stock, _ = html_to_pdf(SHARED_SETUP_HTML)
    assert pages == 1
    assert shared == stock


def test_the_temporary_copies_of_the_fonts_are_removed_once_the_pdf_is_written(
    demo_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folders: list[Path] = []

    def mkdtemp(prefix: str | None = None) -> str:
        folders.append(Path(tempfile.mkdtemp(prefix=prefix, dir=tmp_path)))
        return str(folders[-1])

    monkeypatch.setattr(weasyprint.text.fonts, "mkdtemp", mkdtemp)
    with demo_app.test_request_context():
        html_to_pdf(SHARED_SETUP_HTML)
    # The stylesheet's fonts were copied into a folder, which is gone once the PDF is made
    # (not only when the collector frees the document, which may be much later).
    assert folders
    assert not any(folder.exists() for folder in folders)
