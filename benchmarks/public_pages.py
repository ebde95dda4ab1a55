"""How fast the public pages render against the large dataset, and what they cost.

Each page type is requested through the app in this process (no network in the
way), first with the page cache off, so every request renders the page and runs
its queries, and then with the cache on, as a repeat view is served. Figures are
the median and 95th percentile of repeated requests after one warm-up request,
and the number of SQL statements one uncached request runs.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, col, select

from benchmarks import BenchmarkDatabase, BenchmarkResult, ensure_large_dataset, measured_on
from tracker import clock, create_app
from tracker.db import get_database
from tracker.models import Area, Commitment, Community, Engagement, Issue, Partner, Theme
from tracker.rules import overdue_clause

TITLE = "Public pages on the large dataset"
REQUESTS = 15
#: A page a resident waits for: the slowest 5% of uncached views within a second.
BUDGET_P95_MS = 1000.0


def _page_addresses(session: Session, today: Any) -> list[tuple[str, str]]:
    """(label, address) for every public page type, on records of the large dataset."""

    def first(model: Any, order: Any) -> Any:
        return session.exec(select(model).order_by(order)).first()

    partner = first(Partner, col(Partner.slug))
    overdue = session.exec(
        select(Commitment).where(overdue_clause(today)).order_by(col(Commitment.number))
    ).first()
    issue = session.exec(select(Issue).order_by(col(Issue.number).desc())).first()
    commitment = session.exec(
        select(Commitment)
        .where(col(Commitment.target_date) != col(Commitment.original_target_date))
        .order_by(col(Commitment.number).desc())
    ).first()
    engagement = first(Engagement, col(Engagement.number))
    theme, area, community = (
        first(Theme, col(Theme.slug)),
        first(Area, col(Area.slug)),
        first(Community, col(Community.slug)),
    )
    overdue_partner = overdue.partner.slug if overdue else partner.slug
    return [
        ("Home", "/"),
        ("You said", "/you-said"),
        ("You said, searched", "/you-said?q=appointments"),
        (
            "You said, filtered and sorted",
            f"/you-said?theme={theme.slug}&state=awaiting&sort=waiting-longest",
        ),
        ("You said, page 400", "/you-said?page=400"),
        ("Issue page", f"/you-said/{issue.reference}"),
        ("We will", "/we-will"),
        ("We will, one partner's Overdue", f"/we-will?status=overdue&partner={overdue_partner}"),
        ("We will, searched", "/we-will?q=phone"),
        ("We will, most silent first", "/we-will?sort=last-update"),
        ("Commitment page", f"/we-will/{commitment.reference}"),
        ("Partners", "/partners"),
        ("Partner scorecard", f"/partners/{partner.slug}"),
        ("Theme page", f"/themes/{theme.slug}"),
        ("Area page", f"/areas/{area.slug}"),
        ("Community page", f"/communities/{community.slug}"),
        ("Engagements", "/engagements"),
        ("Engagement page", f"/engagements/{engagement.reference}"),
    ]


def _time_requests(app: Flask, address: str) -> tuple[list[float], int]:
    client = app.test_client()
    response = client.get(address)  # warm-up: templates compiled, connections open
    if response.status_code != 200:
        raise RuntimeError(f"{address} answered {response.status_code}")
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("")

    engine = get_database(app).engine
    sa.event.listen(engine, "before_cursor_execute", count)
    client.get(address)
    sa.event.remove(engine, "before_cursor_execute", count)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(address)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(statements)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def run(databases: list[BenchmarkDatabase]) -> BenchmarkResult:
    """Time every public page type, uncached and cached, on each database."""
    lines = [
        f"## {TITLE}",
        "",
        measured_on(databases),
        "",
        f"Each page is requested {REQUESTS} times after a warm-up, through the app in "
        "the benchmark's own process. *Uncached* renders the page every time (the cost of "
        "the first view after a write); *cached* is a repeat view, served from the page "
        "cache after reading the data version. Queries: SQL statements in one uncached "
        f"view. Budget: 95th percentile of uncached views under {BUDGET_P95_MS:.0f} ms.",
        "",
    ]
    missed: list[str] = []
    for database in databases:
        ensure_large_dataset(database)
        uncached = create_app({"DATABASE_URL": database.url, "PAGE_CACHE_DISABLED": True})
        cached = create_app({"DATABASE_URL": database.url, "PAGE_CACHE_DISABLED": False})
        with uncached.app_context(), get_database(uncached).sessionmaker() as session:
            pages = _page_addresses(session, clock.today())
        lines += [
            f"### {database.label}",
            "",
            "| page | uncached median | uncached p95 | cached median | queries |",
            "|---|---:|---:|---:|---:|",
        ]
        for label, address in pages:
            timings, queries = _time_requests(uncached, address)
            cached_timings, _ = _time_requests(cached, address)
            median, p95 = statistics.median(timings), _p95(timings)
            print(f"   {database.label} {label}: {median:.0f} ms ({queries} queries)", flush=True)
            lines.append(
                f"| {label} (`{address}`) | {median:.0f} ms | {p95:.0f} ms "
                f"| {statistics.median(cached_timings):.1f} ms | {queries} |"
            )
            if p95 > BUDGET_P95_MS:
                missed.append(f"{database.label} {label}: p95 {p95:.0f} ms")
        lines.append("")
        for app in (uncached, cached):
            get_database(app).engine.dispose()
    return BenchmarkResult("\n".join(lines), missed)
