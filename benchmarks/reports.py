"""How long a quarterly board report takes to make, how much memory, and where the time goes.

The whole system's report for the last complete quarter is made for the demo ICS
and for demo datasets grown until the report has about 250, 500 and 1,000 open
commitments (each one a section of the appendix). Each is made twice over:

- cold, as people and the scheduler meet it: ``tracker report`` run once in a new
  process, timed from start to exit (loading the application, gathering, the
  template, WeasyPrint and writing the file), with that process's CPU time and
  peak memory;
- warm, in one process of its own that makes it several times, the time split
  between gathering the figures from the database, filling the template, and
  WeasyPrint laying out and writing the tagged PDF.

A report's cost is WeasyPrint's, the same on either database, so these run on
throwaway SQLite files; gathering alone is then timed on the large dataset on each
database, to show the queries stay quick at 30,000 commitments.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import weasyprint

from benchmarks import BenchmarkDatabase, BenchmarkResult, ensure_large_dataset, measured_on
from tests import databases as test_databases
from tracker import clock, create_app, schema
from tracker.db import Database, get_database, make_engine
from tracker.demo import load_demo_data
from tracker.reports.content import gather_report_content
from tracker.reports.periods import last_complete_period
from tracker.reports.rendering import (
    StaticOnlyFetcher,
    html_to_pdf,
    render_report_html,
    static_url,
)

TITLE = "Board reports (PDF) for growing numbers of open commitments"
#: Each report is made this many times in its process; the median is shown.
REPEATS = 3
#: (label, demo scale): the demo ICS, then about 250, 500 and 1,000 open commitments.
CASES = [("Demo ICS", 1), ("About 250 open", 3), ("About 500 open", 6), ("About 1,000 open", 12)]
#: Budgets for the largest case: one report made cold by ``tracker report`` (issue 11),
#: the warm median (issue 6), peak memory and our own share of the warm time.
BUDGET_COLD_SECONDS = 12.0
BUDGET_SECONDS = 15.0
BUDGET_MEMORY_MB = 400.0
BUDGET_OWN_SHARE = 0.25
#: Time per open commitment may grow this much from the smallest grown case to the
#: largest before the growth stops counting as linear.
LINEAR_TOLERANCE = 1.3


@dataclass(frozen=True)
class ColdRun:
    """One ``tracker report`` in a new process: wall time, CPU time, peak memory."""

    seconds: float
    cpu_seconds: float
    peak_mb: float


@dataclass(frozen=True)
class Measurement:
    label: str
    open_commitments: int
    pages: int
    size_bytes: int
    gather: float
    template: float
    weasyprint: float
    untagged: float | None
    peak_mb: float
    cold: ColdRun | None = None

    @property
    def total(self) -> float:
        return self.gather + self.template + self.weasyprint

    @property
    def own_share(self) -> float:
        return (self.gather + self.template) / self.total


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_report(url: str, label: str, with_untagged: bool) -> Measurement:
    """Make the system report ``REPEATS`` times in this process; medians of each step.

    Runs in a process of its own (see :func:`_in_fresh_process`), so the peak
    memory is this report's alone.
    """
    app = create_app({"DATABASE_URL": url})
    timings: dict[str, list[float]] = {"gather": [], "template": [], "weasyprint": []}
    untagged: list[float] = []
    pages = size = open_commitments = 0
    with app.app_context(), get_database(app).sessionmaker() as session:
        today = clock.today()
        period = last_complete_period(today)
        for _ in range(REPEATS):
            started = time.perf_counter()
            content = gather_report_content(session, period, None, as_at=today)
            gathered = time.perf_counter()
            html = render_report_html(content)
            templated = time.perf_counter()
            pdf, pages = html_to_pdf(html)
            finished = time.perf_counter()
            timings["gather"].append(gathered - started)
            timings["template"].append(templated - gathered)
            timings["weasyprint"].append(finished - templated)
            size, open_commitments = len(pdf), content.open_commitment_count
            if with_untagged:
                # The same document without PDF/UA tagging, to show what tagging costs.
                base = static_url()
                started = time.perf_counter()
                weasyprint.HTML(
                    string=html, base_url=base, url_fetcher=StaticOnlyFetcher(base)
                ).write_pdf()
                untagged.append(time.perf_counter() - started)
    get_database(app).engine.dispose()
    return Measurement(
        label=label,
        open_commitments=open_commitments,
        pages=pages,
        size_bytes=size,
        gather=statistics.median(timings["gather"]),
        template=statistics.median(timings["template"]),
        weasyprint=statistics.median(timings["weasyprint"]),
        untagged=statistics.median(untagged) if untagged else None,
        peak_mb=_peak_mb(),
    )


def _in_fresh_process(url: str, label: str, with_untagged: bool) -> Measurement:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        measurement: Measurement = pool.apply(measure_report, (url, label, with_untagged))
    return measurement


#: ``tracker report`` as the console script runs it (``tracker.console:main``).
TRACKER_COMMAND = [
    sys.executable,
    "-c",
    "import sys; from tracker.console import main; sys.exit(main())",
]


def measure_cold_report(url: str, directory: Path) -> ColdRun:
    """Run ``tracker report`` once in a new process for the last complete quarter.

    The same command people and the scheduler's first report of a day meet: a
    fresh interpreter that loads the application, gathers, fills the template, lays
    out and writes the PDF. The CPU time and peak memory are the child's own.
    """
    period = last_complete_period(clock.today())
    out = directory / "cold-report.pdf"
    command = [*TRACKER_COMMAND, "report", "--period", period.name, "--out", str(out)]
    environment = {**os.environ, "DATABASE_URL": url, "TRACKER_ENV": "development"}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    exit_code = os.waitstatus_to_exitcode(status)
    if exit_code != 0:
        raise RuntimeError(f"tracker report failed with exit code {exit_code}")
    out.unlink()
    return ColdRun(
        seconds=elapsed,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
    )


def _demo_database(directory: Path, scale: int) -> str:
    url = test_databases.create_sqlite_database(directory)
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    database = Database(url)
    try:
        with database.session() as session:
            load_demo_data(session, scale=scale)
    finally:
        database.engine.dispose()
    return url


def _gathering_on_large_dataset(database: BenchmarkDatabase) -> tuple[float, int, int]:
    """Seconds and SQL statements to gather the system report on the large dataset."""
    ensure_large_dataset(database)
    app = create_app({"DATABASE_URL": database.url})
    engine = get_database(app).engine
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("")

    try:
        with app.app_context(), get_database(app).sessionmaker() as session:
            today = clock.today()
            period = last_complete_period(today)
            gather_report_content(session, period, None, as_at=today)  # warm-up
            sa.event.listen(engine, "before_cursor_execute", count)
            started = time.perf_counter()
            content = gather_report_content(session, period, None, as_at=today)
            elapsed = time.perf_counter() - started
            sa.event.remove(engine, "before_cursor_execute", count)
    finally:
        engine.dispose()
    return elapsed, len(statements), content.open_commitment_count


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def run(databases: list[BenchmarkDatabase]) -> BenchmarkResult:
    """Time the system report for each case, and gathering on the large dataset."""
    measurements = []
    with tempfile.TemporaryDirectory(prefix="tracker-bench-reports-") as directory:
        for label, scale in CASES:
            url = _demo_database(Path(directory), scale)
            is_largest = scale == CASES[-1][1]
            # Cold first, so the database file is no warmer than after loading it.
            cold = measure_cold_report(url, Path(directory))
            warm = _in_fresh_process(url, label, with_untagged=is_largest)
            measurement = replace(warm, cold=cold)
            measurements.append(measurement)
            print(
                f"   {label}: cold {cold.seconds:.1f} s, warm {measurement.total:.1f} s, "
                f"{measurement.pages} pages, {measurement.peak_mb:.0f} MB",
                flush=True,
            )
    largest = measurements[-1]
    missed = []
    if largest.cold is not None and largest.cold.seconds > BUDGET_COLD_SECONDS:
        missed.append(
            f"{largest.label}: cold {largest.cold.seconds:.1f} s "
            f"(budget {BUDGET_COLD_SECONDS:.0f} s)"
        )
    if largest.total > BUDGET_SECONDS:
        missed.append(f"{largest.label}: {largest.total:.1f} s (budget {BUDGET_SECONDS:.0f} s)")
    if largest.peak_mb > BUDGET_MEMORY_MB:
        missed.append(
            f"{largest.label}: {largest.peak_mb:.0f} MB (budget {BUDGET_MEMORY_MB:.0f} MB)"
        )
    if largest.own_share > BUDGET_OWN_SHARE:
        missed.append(f"{largest.label}: our own share {largest.own_share:.0%}")
    grown = [m for m in measurements[1:] if m.open_commitments]
    per_commitment = [m.total / m.open_commitments for m in grown]
    growth = per_commitment[-1] / per_commitment[0] if per_commitment else 1.0
    if growth > LINEAR_TOLERANCE:
        missed.append(f"time per open commitment grew {growth:.2f} times from the smallest case")

    lines = [
        f"## {TITLE}",
        "",
        measured_on(databases),
        "",
        "The whole system's report for the last complete quarter. Datasets are the demo "
        "ICS at growing scales, on SQLite.",
        "",
        "**Cold**: `tracker report --period … --out …` run once in a new process, as people "
        "and the scheduler make a report: from starting the interpreter to its exit, so "
        "loading the application, gathering, the template, WeasyPrint and writing the file. "
        "*CPU* is that process's user plus system time; a wall time well above it means "
        "the process waited (for the disk, or for the CPUs of a busy machine). "
        f"Budget for about 1,000 open commitments: under {BUDGET_COLD_SECONDS:.0f} s.",
        "",
        "| dataset | open commitments | pages | cold | CPU | peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        if m.cold is not None:
            lines.append(
                f"| {m.label} | {m.open_commitments:,} | {m.pages:,} | "
                f"{_seconds(m.cold.seconds)} | {_seconds(m.cold.cpu_seconds)} | "
                f"{m.cold.peak_mb:.0f} MB |"
            )
    lines += [
        "",
        "**Warm**: made through `tracker.reports` (gather, template, WeasyPrint) in a fresh "
        f"process for each dataset, {REPEATS} times; times are medians and the memory is the "
        "process's peak resident set. *Ours* is gathering plus templating as a share of the "
        "total. Budgets for about 1,000 open commitments: under "
        f"{BUDGET_SECONDS:.0f} s and {BUDGET_MEMORY_MB:.0f} MB, ours under "
        f"{BUDGET_OWN_SHARE:.0%}, and time per open commitment within {LINEAR_TOLERANCE}× of "
        "the smallest grown dataset's.",
        "",
        "| dataset | open commitments | pages | PDF size | gathering | templating "
        "| WeasyPrint | total | ours | per 100 open | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        per_hundred = f"{100 * m.total / m.open_commitments:.2f} s" if m.open_commitments else ""
        lines.append(
            f"| {m.label} | {m.open_commitments:,} | {m.pages:,} | "
            f"{m.size_bytes / 1024 / 1024:.1f} MB | {_seconds(m.gather)} | "
            f"{_seconds(m.template)} | {_seconds(m.weasyprint)} | {_seconds(m.total)} | "
            f"{m.own_share:.0%} | {per_hundred} | {m.peak_mb:.0f} MB |"
        )
    if largest.untagged is not None:
        tagging = largest.weasyprint / largest.untagged - 1
        lines += [
            "",
            f"For the largest report WeasyPrint took {_seconds(largest.untagged)} (median) to "
            "make the same document without PDF/UA tagging, so tagging "
            + (f"adds {tagging:.0%}" if tagging >= 0.01 else "made no measurable difference")
            + f". Time per 100 open commitments at the largest dataset was {growth:.2f} times "
            "that at the smallest grown one (1.00 is exactly linear).",
        ]
    lines += [
        "",
        "Gathering the whole system's report on the large dataset (scale 170), after a "
        "warm-up, with its SQL statements (fixed, whatever the volume):",
        "",
        "| database | open commitments | gathering | statements |",
        "|---|---:|---:|---:|",
    ]
    for database in databases:
        elapsed, statements, open_commitments = _gathering_on_large_dataset(database)
        print(f"   {database.label} gathering: {elapsed:.1f} s", flush=True)
        lines.append(
            f"| {database.label} | {open_commitments:,} | {_seconds(elapsed)} | {statements} |"
        )
    lines.append("")
    return BenchmarkResult("\n".join(lines), missed)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("Run the benchmarks with: python -m benchmarks --only reports")
