"""The public list of published board reports and their PDFs.

Reports are stored in the database, so every web server serves the same ones. A
draft is not public: its PDF address answers "not found" until it is published.
"""

from __future__ import annotations

from flask import make_response
from werkzeug.wrappers import Response

from tracker.db import get_session
from tracker.public import blueprint
from tracker.rendering import render
from tracker.reports import publishing


@blueprint.get("/reports")
def reports() -> Response:
    return render(
        "public/reports.html",
        reports=publishing.published_reports(get_session()),
        file_size=publishing.file_size,
    )


@blueprint.get("/reports/<int:report_id>.pdf")
def report_pdf(report_id: int) -> Response:
    session = get_session()
    report = publishing.published_report(session, report_id)
    response = make_response(publishing.get_document(session, report).pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{publishing.pdf_filename(report)}"'
    )
    return response
