"""``tracker report``: write one quarter's board report to a PDF file.

The report is made exactly as the workspace and the scheduler make it (the same
figures, template and PDF), but only written to the file: nothing is stored in
the database, so a report made here for a look or for a meeting pack leaves no
draft behind.
"""

from __future__ import annotations

import atexit
import gc
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import Session, col, select

from tracker import clock
from tracker.db import get_database
from tracker.models import Partner
from tracker.rendering import format_date
from tracker.reports.content import gather_report_content
from tracker.reports.periods import Period, PeriodError, parse_period, period_of
from tracker.reports.rendering import html_to_pdf, render_report_html


@click.command("report", help="Write a quarterly board report as a PDF.")
@click.option(
    "--period",
    "period_name",
    required=True,
    metavar="PERIOD",
    help='The financial quarter, like "2026/27 Q2" (Q1 is April to June).',
)
@click.option(
    "--partner",
    "partner_slug",
    metavar="SLUG",
    help="A partner's slug, for that partner's report; without it, the whole system's.",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The PDF file to write (replaced if it exists).",
)
@with_appcontext
def report_command(period_name: str, partner_slug: str | None, out_path: Path) -> None:
    today = clock.today()
    period = _period(period_name, today)
    _check_writable(out_path)
    with _collector_paused_for_the_report():
        with get_database().session() as session:
            partner = _partner(session, partner_slug)
            content = gather_report_content(session, period, partner, as_at=today)
            html = render_report_html(content)
        pdf, page_count = html_to_pdf(html)
    _write(out_path, pdf)
    pages = "1 page" if page_count == 1 else f"{page_count:,} pages"
    click.echo(f"Wrote {content.title} to {out_path}: {pages}, {_size(len(pdf))}.")
    atexit.register(_spare_the_collector_at_exit)


@contextmanager
def _collector_paused_for_the_report() -> Iterator[None]:
    """Pause the cyclic garbage collector for the whole report, and spare it the leftovers.

    The collector is paused while WeasyPrint works anyway
    (:func:`tracker.reports.rendering.cycle_collection_paused`); when it came back
    on, its first pass found the whole laid-out document among the young objects
    (it is full of reference cycles) and freed it, about 0.4 s for the report of
    about 1,000 open commitments, just before the process exits and the system
    frees that memory anyway. So the collector stays off from the first query to
    the PDF, and then everything made meanwhile is moved, without a pass, into the
    oldest generation (frozen and unfrozen at once). A one-off ``tracker report``
    then exits before any full pass; a longer-lived process (a test run invoking
    the command) frees the document at its next full pass, as for any other old
    garbage. When something else has frozen objects, they are left frozen, and
    the collector is simply switched back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def _spare_the_collector_at_exit() -> None:
    """Spare the process's exit every pass of the cyclic garbage collector.

    As a process exits, Python runs the collector over every object still alive
    and every cycle not yet freed: the application, its libraries and their
    caches, and the report's laid-out document (full of reference cycles, left
    for the collector while it was paused), well over a second after a long
    report, to free memory the system frees anyway. Freezing everything leaves it
    all out of the exit's pass. Nothing in it needs freeing first: the
    document's temporary copies of its fonts are removed as soon as the PDF is
    written (:func:`tracker.reports.rendering.remove_font_files`).
    """
    gc.freeze()


def _period(name: str, today: date) -> Period:
    try:
        period = parse_period(name)
    except PeriodError as error:
        raise click.BadParameter(error.message, param_hint="'--period'") from None
    if period.start > today:
        raise click.BadParameter(
            f"{period.name} has not started yet: it starts on {format_date(period.start)}. "
            f"The latest quarter with figures is {period_of(today).name}.",
            param_hint="'--period'",
        )
    return period


def _partner(session: Session, slug: str | None) -> Partner | None:
    if slug is None:
        return None
    partner = session.exec(select(Partner).where(col(Partner.slug) == slug.strip())).first()
    if partner is None:
        slugs = session.exec(select(Partner.slug).order_by(col(Partner.slug))).all()
        known = ", ".join(slugs) if slugs else "none yet"
        raise click.BadParameter(
            f"There is no partner with the slug {slug!r}. Partners' slugs: {known}.",
            param_hint="'--partner'",
        )
    return partner


def _check_writable(path: Path) -> None:
    """Refuse before the slow work when the PDF could not be written there."""
    folder = path.parent
    if not folder.is_dir():
        raise click.BadParameter(f"The folder {folder} does not exist.", param_hint="'--out'")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise click.BadParameter(
            f"{path} cannot be written: permission denied.", param_hint="'--out'"
        )


def _write(path: Path, pdf: bytes) -> None:
    """Write the whole file or nothing: a half-written PDF never replaces a good one."""
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".pdf.tmp", delete=False) as file:
            temporary = Path(file.name)
            file.write(pdf)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise click.ClickException(f"{path} could not be written: {error.strerror}.") from None


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size / 1024 / 1024:,.1f} MB"
