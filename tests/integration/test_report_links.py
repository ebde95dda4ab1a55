"""A board report's figures link to the public lists that reproduce them.

PRODUCT.md: every figure in a report can be traced to the records behind it. For
the demo ICS, each figure in a report that links to ``/we-will`` or ``/you-said``
is followed with the test client, and the list's total (its results heading) must
be the number printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from tests.conftest import TODAY
from tests.pages import get_page
from tracker.demo import DemoSummary
from tracker.models import Commitment, Partner
from tracker.queries.pagination import PAGE_SIZE
from tracker.reports.content import ReportContent, gather_report_content
from tracker.reports.periods import Period, parse_period

Q2 = parse_period("2026/27 Q2")  # 1 July to 30 September 2026: over by TODAY
Q3 = parse_period("2026/27 Q3")  # 1 October to 31 December 2026: TODAY is within it
LISTS = ("/we-will", "/you-said")


@dataclass(frozen=True)
class LinkedFigure:
    """A number the report prints, where it is printed, and the address it links to."""

    where: str
    value: int
    url: str

    @property
    def address(self) -> str:
        """The link without the public site's base, for the test client."""
        parts = urlsplit(self.url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _number(value: int | str) -> int | None:
    if isinstance(value, int):
        return value
    digits = value.replace(",", "")
    return int(digits) if digits.isdigit() else None


def linked_figures(content: ReportContent) -> list[LinkedFigure]:
    """Every figure in ``content`` that links to a public list, with the number printed."""
    found: list[tuple[str, int | str, str | None]] = []
    for table in ("position", "activity"):
        found += [
            (f"{table}: {figure.label}", figure.value, figure.url)
            for figure in getattr(content, table)
        ]
    found += [
        (f"by status: {count.status.label}", count.count, count.url) for count in content.by_status
    ]
    found += [(f"by partner: {row.name}", row.total, row.url) for row in content.by_partner]
    for row in content.scorecard:
        for column in (
            "issues",
            "awaiting",
            "commitments",
            "delivered",
            "overdue",
            "no_recent_update",
            "on_time",
        ):
            count = getattr(row, column)
            found.append((f"scorecard: {row.name}: {column}", count.value, count.url))
    for section in ("overdue", "no_recent_update", "appendix"):
        found += [
            (f"{section}: {group.name}", len(group.rows), group.url)
            for group in getattr(content, section)
        ]
    found.append(("awaiting a response", content.awaiting_total.value, content.awaiting_total.url))

    linked = []
    for where, value, url in found:
        number = _number(value)
        if url is None or urlsplit(url).path not in LISTS:
            continue
        # A share ("67%") never links to a list: a list has a total, not a share.
        assert number is not None, f"{where} prints {value!r} but links to the list {url}"
        linked.append(LinkedFigure(where, number, url))
    return linked


def list_total(client: FlaskClient, figure: LinkedFigure) -> int:
    return get_page(client, figure.address).results_total()


def all_references(client: FlaskClient, address: str) -> set[str]:
    """The references on every page of a list."""
    first = get_page(client, address)
    pages = max(1, math.ceil(first.results_total() / PAGE_SIZE))
    found = first.references()
    for number in range(2, pages + 1):
        found += get_page(client, f"{address}&page={number}").references()
    return set(found)


def gather(app: Flask, session: Session, period: Period, partner: Partner | None) -> ReportContent:
    with app.app_context():
        return gather_report_content(session, period, partner, as_at=TODAY)


@pytest.fixture
def demo(session: Session, demo_data: DemoSummary) -> Session:
    return session


def busiest_partner(session: Session) -> Partner:
    """The partner that made the most commitments, so its report has most to check."""
    partner_id = session.execute(
        sa.select(col(Commitment.partner_id))
        .group_by(col(Commitment.partner_id))
        .order_by(sa.func.count().desc(), col(Commitment.partner_id))
        .limit(1)
    ).scalar_one()
    return session.exec(select(Partner).where(col(Partner.id) == partner_id)).one()


def assert_each_list_total_is_the_figure(client: FlaskClient, content: ReportContent) -> None:
    figures = linked_figures(content)
    wrong = [
        f"{figure.where}: prints {figure.value}, {figure.address} lists {total}"
        for figure in figures
        if (total := list_total(client, figure)) != figure.value
    ]
    assert wrong == []


def activity(content: ReportContent, label: str) -> tuple[int, dict[str, list[str]], str]:
    (figure,) = [figure for figure in content.activity if figure.label == label]
    assert figure.url is not None
    parts = urlsplit(figure.url)
    value = _number(figure.value)
    assert value is not None
    return value, parse_qs(parts.query), parts.path


# --- The whole system --------------------------------------------------------------


@pytest.mark.parametrize("period", [Q2, Q3], ids=lambda period: period.name)
def test_every_linked_figure_in_the_system_report_is_the_total_of_its_list(
    app: Flask, client: FlaskClient, demo: Session, period: Period
) -> None:
    content = gather(app, demo, period, None)

    figures = linked_figures(content)
    assert_each_list_total_is_the_figure(client, content)
    # Every headline figure but the share delivered on time is checked, and the
    # quarter's commitments made and delivered among them.
    checked = {figure.where for figure in figures}
    assert {f"position: {figure.label}" for figure in content.position} - checked == {
        "position: Delivered on time"
    }
    assert {
        "activity: Issues raised",
        "activity: Commitments made",
        "activity: Commitments delivered",
    } <= checked


def test_the_quarters_commitments_made_and_delivered_link_to_their_dates(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    content = gather(app, demo, Q2, None)

    made, made_query, made_path = activity(content, "Commitments made")
    delivered, delivered_query, delivered_path = activity(content, "Commitments delivered")

    assert made_path == delivered_path == "/we-will"
    assert made_query == {"made_from": ["2026-07-01"], "made_to": ["2026-09-30"]}
    assert delivered_query == {"delivered_from": ["2026-07-01"], "delivered_to": ["2026-09-30"]}
    # The demo ICS has some of each, so the totals compared above are not just zeros.
    assert made > 0 and delivered > 0
    # The lists hold the very commitments the report's own sections name.
    assert all_references(client, "/we-will?made_from=2026-07-01&made_to=2026-09-30") == {
        line.reference for line in content.new_commitments
    }
    assert all_references(client, "/we-will?delivered_from=2026-07-01&delivered_to=2026-09-30") == {
        line.reference for line in content.delivered
    }


def test_a_quarter_in_progress_links_to_the_days_so_far(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    content = gather(app, demo, Q3, None)

    _, made_query, _ = activity(content, "Commitments made")
    _, delivered_query, _ = activity(content, "Commitments delivered")

    assert made_query == {"made_from": ["2026-10-01"], "made_to": [TODAY.isoformat()]}
    assert delivered_query == {
        "delivered_from": ["2026-10-01"],
        "delivered_to": [TODAY.isoformat()],
    }


# --- One partner --------------------------------------------------------------------


def test_every_linked_figure_in_a_partners_report_is_the_total_of_its_list(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    partner = busiest_partner(demo)
    content = gather(app, demo, Q2, partner)

    assert_each_list_total_is_the_figure(client, content)
    made, made_query, _ = activity(content, "Commitments made")
    _, delivered_query, _ = activity(content, "Commitments delivered")
    assert made_query == {
        "made_from": ["2026-07-01"],
        "made_to": ["2026-09-30"],
        "partner": [partner.slug],
    }
    assert delivered_query == {
        "delivered_from": ["2026-07-01"],
        "delivered_to": ["2026-09-30"],
        "partner": [partner.slug],
    }
    assert made > 0
