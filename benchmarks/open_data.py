"""How long the open data takes on the large dataset: every dataset downloaded whole,
a filtered list's download, and the API's pages.

Downloads stream, so each is read as a client reads it, a part at a time, and its
time is to the last byte. The memory figure is the most Python held at once while
the largest file (every update, as CSV) streamed (tracemalloc, in a run of its own,
as tracing slows everything down): it must stay flat however large the file.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

from flask import Flask

from benchmarks import BenchmarkDatabase, BenchmarkResult, ensure_large_dataset, measured_on
from tracker import create_app
from tracker.db import get_database
from tracker.open_data.schema import DATASETS

TITLE = "Open data on the large dataset"
API_REQUESTS = 15
#: A whole dataset downloaded within this many seconds.
BUDGET_DOWNLOAD_SECONDS = 60.0
#: The most Python may hold at once while a file streams.
BUDGET_STREAM_MB = 50.0

_LISTS = [
    ("Download: We will, Overdue (CSV)", "/we-will.csv?status=overdue"),
    ("Download: You said, searched (JSON)", "/you-said.json?q=appointments"),
]
_API = [
    ("API: commitments, Overdue, page 2", "/api/v1/commitments?status=overdue&page=2"),
    ("API: issues, searched", "/api/v1/issues?q=appointments"),
    ("API: one commitment", "/api/v1/commitments/WW-0107"),
    ("API: one issue", "/api/v1/issues/YS-0042"),
    ("API: figures of an area", "/api/v1/figures/areas/brackenford"),
]


def _stream(app: Flask, address: str) -> tuple[float, int]:
    """Seconds to the last byte of ``address``, read a part at a time, and its size."""
    client = app.test_client()
    started = time.perf_counter()
    response = client.get(address, buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"{address} answered {response.status_code}")
    size = sum(len(part) for part in response.response)
    response.close()
    return time.perf_counter() - started, size


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} KB"


def _peak_mb(app: Flask, address: str) -> float:
    tracemalloc.start()
    try:
        _stream(app, address)
        return tracemalloc.get_traced_memory()[1] / 1_000_000
    finally:
        tracemalloc.stop()


def run(databases: list[BenchmarkDatabase]) -> BenchmarkResult:
    """Time every dataset's download, two list downloads and the API's pages."""
    lines = [
        f"## {TITLE}",
        "",
        measured_on(databases),
        "",
        "Each download is read once, a part at a time as it streams, through the app in "
        "the benchmark's own process with the page cache off; its time is to the last "
        f"byte. API pages: median of {API_REQUESTS} requests after a warm-up. Budgets: "
        f"a whole dataset within {BUDGET_DOWNLOAD_SECONDS:.0f} s, and at most "
        f"{BUDGET_STREAM_MB:.0f} MB held while every update streams as CSV.",
        "",
    ]
    missed: list[str] = []
    for database in databases:
        ensure_large_dataset(database)
        app = create_app({"DATABASE_URL": database.url, "PAGE_CACHE_DISABLED": True})
        lines += [
            f"### {database.label}",
            "",
            "| what | time | size |",
            "|---|---:|---:|",
        ]
        downloads = [
            (f"Download: {dataset.title} ({kind.upper()})", f"/data/{name}.{kind}")
            for name, dataset in DATASETS.items()
            for kind in ("csv", "json")
        ]
        for label, address in [*downloads, *_LISTS]:
            seconds, size = _stream(app, address)
            print(f"   {database.label} {label}: {seconds:.1f} s", flush=True)
            lines.append(f"| {label} (`{address}`) | {seconds:.2f} s | {_size(size)} |")
            if seconds > BUDGET_DOWNLOAD_SECONDS:
                missed.append(f"{database.label} {label}: {seconds:.0f} s")
        client = app.test_client()
        for label, address in _API:
            client.get(address)
            timings = []
            for _ in range(API_REQUESTS):
                started = time.perf_counter()
                response = client.get(address)
                timings.append((time.perf_counter() - started) * 1000)
            median = statistics.median(timings)
            lines.append(
                f"| {label} (`{address}`) | {median:.0f} ms | {_size(len(response.data))} |"
            )
        peak = _peak_mb(app, "/data/updates.csv")
        lines += [
            "",
            f"Most Python held at once while every update streamed as CSV: {peak:.1f} MB.",
            "",
        ]
        if peak > BUDGET_STREAM_MB:
            missed.append(f"{database.label} streaming every update: {peak:.0f} MB")
        get_database(app).engine.dispose()
    return BenchmarkResult("\n".join(lines), missed)
