"""How long the large demo dataset takes to load, and how much memory it needs.

``load_demo_data(scale=170)`` is timed from the start of the load to the end of
its commit, on an empty, migrated database. Each load runs in a fresh process so
its peak memory is its own.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import sqlalchemy as sa

from benchmarks import LARGE_SCALE, BenchmarkDatabase, BenchmarkResult, measured_on
from tracker.db import Database
from tracker.demo import DemoDataError, load_demo_data
from tracker.models import metadata

TITLE = f"Loading the demo data at scale {LARGE_SCALE}"
#: A developer waits for this, and `make bench` runs it once per database.
BUDGET_SECONDS = 120


def measure_load(url: str, scale: int) -> dict[str, Any]:
    """Load the demo into ``url`` and report time, rows and memory (run in a child process)."""
    rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    database = Database(url)
    try:
        started = time.perf_counter()
        with database.session() as session:
            summary = load_demo_data(session, scale=scale)
        seconds = time.perf_counter() - started
        with database.engine.connect() as connection:
            rows = sum(
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in metadata.sorted_tables
            )
    except DemoDataError as error:
        return {"error": error.message}
    finally:
        database.engine.dispose()
    # ru_maxrss is in kilobytes on Linux.
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "rows": rows,
        "summary": summary,
        "peak_mb": peak_kb / 1024,
        "growth_mb": (peak_kb - rss_before_kb) / 1024,
    }


def run(databases: list[BenchmarkDatabase]) -> BenchmarkResult:
    """Time the scale-170 load on each database."""
    lines = [
        f"## {TITLE}",
        "",
        measured_on(databases),
        "",
        f"`load_demo_data(scale={LARGE_SCALE})` into an empty, migrated database, "
        "timed to the end of its commit. Budget: under 2 minutes per database.",
        "",
        "| database | wall time | rows written | rows per second | peak memory (RSS) "
        "| memory used by the load |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    missed: list[str] = []
    summary = None
    context = multiprocessing.get_context("spawn")
    for database in databases:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            figures = pool.submit(measure_load, database.url, LARGE_SCALE).result()
        if "error" in figures:
            print(f"   {database.label}: not measured. {figures['error']}", flush=True)
            lines.append(f"| {database.label} | not measured: {figures['error']} | | | | |")
            continue
        summary = figures["summary"]
        seconds = figures["seconds"]
        print(f"   {database.label}: {seconds:.1f} s for {figures['rows']:,} rows", flush=True)
        lines.append(
            f"| {database.label} | {seconds:.1f} s | {figures['rows']:,} "
            f"| {figures['rows'] / seconds:,.0f} | {figures['peak_mb']:,.0f} MB "
            f"| {figures['growth_mb']:,.0f} MB |"
        )
        if seconds > BUDGET_SECONDS:
            missed.append(f"{database.label} took {seconds:.0f} s (budget {BUDGET_SECONDS} s)")
    if summary is not None:
        lines += [
            "",
            f"Records: {summary.partners:,} partners, {summary.areas:,} areas, "
            f"{summary.themes:,} themes, {summary.communities:,} communities, "
            f"{summary.engagements:,} engagements, {summary.issues:,} issues, "
            f"{summary.commitments:,} commitments and {summary.updates:,} updates; "
            "the rest of the rows written link issues to themes, areas, communities, "
            "engagements and supporting partners.",
        ]
    return BenchmarkResult("\n".join(lines), missed, measured=summary is not None)
