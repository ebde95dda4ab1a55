"""The report template to HTML, and HTML to a tagged, accessible PDF.

One template (``templates/reports/report.html``) makes both the HTML preview shown
in the browser and the PDF. WeasyPrint lays the PDF out as PDF/UA-1: tagged (the
structure tree gives the reading order, headings, lists and table header cells),
with the title, language and author from the HTML's head, and every font embedded.

The template refers to its stylesheet and fonts by their site addresses
(``/static/css/report.css``), so the stored HTML previews correctly when the site
serves it. For the PDF those addresses are resolved against the public site's
address and read straight from the ``static/`` folder by :class:`StaticOnlyFetcher`.

Records hold text and links that people typed, so WeasyPrint may read the
project's ``static/`` files and nothing else: not the network, not the rest of the
file system, whatever a record contains.

Two parts of WeasyPrint (and pydyf) are made quicker for long reports, each with the
same PDF, byte for byte: pydyf's list of page references is cached
(:func:`_cache_page_references`), and text layouts share their Pango context, fonts
and metrics (:mod:`tracker.reports.text_layouts`).
"""

from __future__ import annotations

import gc
import mimetypes
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf
import weasyprint
from flask import render_template
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tracker.addresses import public_base_url
from tracker.reports.charts import charts_for
from tracker.reports.content import ReportContent
from tracker.reports.text_layouts import share_text_layout_setup

#: The folder WeasyPrint may read from: our stylesheet and the vendored fonts.
STATIC_ROOT = Path(__file__).resolve().parent.parent.parent / "static"
#: The address the site serves ``static/`` at (Flask's default).
STATIC_PATH = "/static/"

TEMPLATE = "reports/report.html"

#: PDF/UA-1: a tagged PDF (structure tree, reading order, table headers) whose title
#: a reader shows in its title bar, with the document's language set.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class RefusedFetch(ValueError):
    """WeasyPrint asked for something outside ``static/``; it was not fetched."""


class StaticOnlyFetcher(URLFetcher):
    """Serves the files of one folder, published at one address; refuses everything else.

    ``static_url`` is the address the folder is served at (such as
    ``https://tracker.example.nhs.uk/static/``); a request for an address under it
    is answered from the folder on disk, without any network. Every address asked
    for is kept in :attr:`requested`, each refused one in :attr:`refused` and each
    file served in :attr:`served`, so a test (or a curious maintainer) can see
    exactly what a rendering tried to read. WeasyPrint treats a refusal as a
    missing resource: the report renders without it.
    """

    def __init__(self, static_url: str, root: Path = STATIC_ROOT) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.static_url = static_url
        self.root = root.resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []
        self.served: list[Path] = []
        self._lock = threading.Lock()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.file_for(url)
        with self._lock:
            self.requested.append(url)
            if path is None:
                self.refused.append(url)
            else:
                self.served.append(path)
        if path is None:
            raise RefusedFetch(f"Only files in {self.root} may be read, not {url[:200]!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def file_for(self, url: str) -> Path | None:
        """The file inside the folder that ``url`` names, or None.

        Only addresses under :attr:`static_url` (with no query or fragment) name a
        file; ``..`` and symbolic links that lead out of the folder name nothing.
        """
        if not url.startswith(self.static_url):
            return None
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            return None
        relative = unquote(url[len(self.static_url) :])
        if not relative or "\\" in relative or "\x00" in relative:
            return None
        try:
            path = (self.root / relative).resolve()
        except (OSError, ValueError):
            return None
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path


def static_url() -> str:
    """The address of the site's ``static/`` folder, which relative addresses resolve to."""
    return public_base_url() + STATIC_PATH


def render_report_html(content: ReportContent) -> str:
    """The report as one HTML document: the browser preview and the PDF's source."""
    charts = charts_for(content.by_status, content.by_partner, content.on_time_trend)
    return render_template(TEMPLATE, report=content, charts=charts)


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher | None = None) -> tuple[bytes, int]:
    """Lay ``html`` out as a tagged PDF/UA-1 document: the PDF and its number of pages.

    The stylesheet and fonts come from ``static/`` through ``fetcher`` (a new
    :class:`StaticOnlyFetcher` unless one is given); nothing else is read.
    """
    base = static_url()
    fetcher = fetcher or StaticOnlyFetcher(base)
    font_config = FontConfiguration()
    try:
        with cycle_collection_paused():
            document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render(
                font_config=font_config, **PDF_OPTIONS
            )
            pdf: bytes = document.write_pdf(**PDF_OPTIONS)
    finally:
        remove_font_files(font_config)
    return pdf, len(document.pages)


def remove_font_files(font_config: FontConfiguration) -> None:
    """Remove the temporary copies of the stylesheet's fonts a rendering made.

    WeasyPrint copies each ``@font-face`` font into a temporary folder of the
    font configuration's own, and removes the folder only when the configuration
    is freed. A laid-out document is full of reference cycles, so that happens at
    the garbage collector's next pass over them, which is paused while a PDF is
    made and which ``tracker report`` spares its exit. Once the PDF is written the
    copies are not read again, so they go straight away (and when WeasyPrint
    frees the configuration later, there is nothing left for it to remove).
    """
    folder = getattr(font_config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


#: How many renderings are under way, and whether the collector was on before the first.
_pause_lock = threading.Lock()
_renderings_under_way = 0
_collector_was_enabled = False


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a PDF is laid out and written.

    WeasyPrint makes hundreds of thousands of long-lived objects for a long report
    (boxes, styles, text layouts), and almost none of them form reference cycles,
    yet each of the collector's full passes walks every one of them again: for the
    110-page report of about 1,000 open commitments those passes took about a
    fifth of WeasyPrint's time and found a few thousand objects to free.
    Reference counting still frees everything else as usual, and the collector
    is switched back on (if it was on) when the last rendering under way in the
    process ends: threads may render at the same time.
    """
    global _renderings_under_way, _collector_was_enabled
    with _pause_lock:
        if _renderings_under_way == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _renderings_under_way += 1
    try:
        yield
    finally:
        with _pause_lock:
            _renderings_under_way -= 1
            if _renderings_under_way == 0 and _collector_was_enabled:
                gc.enable()


def _cache_page_references() -> None:
    """Make pydyf's list of page references a cached value instead of a new one each time.

    WeasyPrint reads ``PDF.page_references`` once for every element it tags, and
    pydyf builds the whole list afresh on each read, so tagging a long report took
    time proportional to pages times elements (about a second of a 150-page
    report). The cached list is rebuilt whenever a page has been added, so it is
    always the same value the property would have given.
    """
    if getattr(pydyf.PDF, "_page_references_cached", False):
        return
    build = pydyf.PDF.page_references.fget

    def page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
        count = len(pdf.pages["Kids"])
        cached = pdf.__dict__.get("_page_references")
        if cached is None or cached[0] != count:
            cached = (count, build(pdf))
            pdf.__dict__["_page_references"] = cached
        references: tuple[bytes, ...] = cached[1]
        return references

    pydyf.PDF.page_references = property(page_references)
    pydyf.PDF._page_references_cached = True


_cache_page_references()
share_text_layout_setup()
