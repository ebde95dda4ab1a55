"""Generating stored board reports: gather the figures, render them, keep the PDF.

A generated report starts as a draft :class:`~tracker.models.Report` with its
:class:`~tracker.models.ReportDocument` (the HTML preview and the PDF), and the
audit event that says who asked for it. Callers commit: the scheduler, the
workspace queue and ``tracker report`` each decide what else belongs in the same
transaction.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from tracker import audit, clock
from tracker.models import Partner, Report, ReportDocument, ReportStatus, User
from tracker.reports.content import gather_report_content, report_title
from tracker.reports.periods import Period
from tracker.reports.rendering import html_to_pdf, render_report_html

__all__ = ["generate_report", "report_title"]


def generate_report(
    session: Session,
    period: Period,
    partner: Partner | None,
    *,
    as_at: date,
    created_by: User | None = None,
    scheduled_key: str | None = None,
) -> Report:
    """Gather, render and store a draft Report with its ReportDocument (html, pdf).

    Audits ``report.generated``; flushes but does not commit (the caller commits).
    """
    content = gather_report_content(session, period, partner, as_at=as_at)
    html = render_report_html(content)
    pdf, page_count = html_to_pdf(html)
    report = Report(
        period=period.name,
        period_start=period.start,
        period_end=period.end,
        partner_id=partner.id if partner is not None else None,
        title=report_title(period, partner),
        status=ReportStatus.DRAFT,
        as_at=as_at,
        generated_at=clock.now(),
        created_by_id=created_by.id if created_by is not None else None,
        size_bytes=len(pdf),
        page_count=page_count,
        scheduled_key=scheduled_key,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    session.add(ReportDocument(report_id=report.id, html=html, pdf=pdf))
    audit.record(
        session,
        actor=created_by,
        action="report.generated",
        entity_type="report",
        entity_id=report.id,
        after=audit.snapshot(
            report, ("period", "partner_id", "title", "as_at", "page_count", "size_bytes")
        ),
    )
    session.flush()
    return report
