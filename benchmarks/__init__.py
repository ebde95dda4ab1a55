"""Benchmarks against the large generated dataset: ``make bench`` (``python -m benchmarks``).

Each module in this package (other than ``__main__``) is one benchmark. It has a
``TITLE`` and a ``run(databases)`` function that measures on each database and
returns a :class:`BenchmarkResult`: a Markdown section for ``docs/benchmarks.md``
and any budgets it missed. The runner rewrites that benchmark's section of the file,
between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``, and leaves the rest.

Speed is measured here, against realistic volumes, and not by timed unit tests.
"""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from tracker.db import Database
from tracker.demo import database_is_empty, load_demo_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = PROJECT_ROOT / "docs" / "benchmarks.md"
#: The scale of the large dataset: about 10,000 issues, 30,000 commitments and
#: 150,000 updates across 40 partners.
LARGE_SCALE = 170


@dataclass(frozen=True)
class BenchmarkDatabase:
    """A migrated database a benchmark may write to and throw away."""

    url: str

    @property
    def kind(self) -> str:
        return sa.engine.make_url(self.url).get_backend_name()

    @property
    def label(self) -> str:
        return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(self.kind, self.kind)


@dataclass
class BenchmarkResult:
    """What a benchmark found: its section of the results file, and any missed budget."""

    markdown: str
    missed_budgets: list[str] = field(default_factory=list)
    #: False when no database could be measured: the results file is then left alone.
    measured: bool = True


def ensure_large_dataset(database: BenchmarkDatabase) -> None:
    """Load the scale-170 demo into ``database`` unless something is already there.

    Benchmarks of pages and queries call this first, so each can run on its own
    with ``--only``.
    """
    tracker_database = Database(database.url)
    try:
        with tracker_database.session() as session:
            if database_is_empty(session):
                load_demo_data(session, scale=LARGE_SCALE)
    finally:
        tracker_database.engine.dispose()


def machine_description(databases: list[BenchmarkDatabase]) -> str:
    """One line saying where and with what the figures were measured."""
    parts = [
        f"{platform.system()} {platform.machine()}",
        f"{os.cpu_count()} CPUs ({_cpu_model()})",
        f"{_memory_gb():.0f} GB memory" if _memory_gb() else "",
        f"Python {platform.python_version()}",
    ]
    for database in databases:
        parts.append(f"{database.label} {_server_version(database)}")
    return ", ".join(part for part in parts if part)


def measured_on(databases: list[BenchmarkDatabase]) -> str:
    """The standard first line of every section: when, where, and how to repeat it."""
    # Other work on the machine slows every figure down, so say how busy it was.
    load = (
        f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") else ""
    )
    return (
        f"Measured on {date.today().isoformat()} with `make bench`, on "
        f"{machine_description(databases)}{load}."
    )


def write_section(name: str, markdown: str, results_file: Path = RESULTS_FILE) -> None:
    """Replace the section between this benchmark's markers, or add it at the end."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    section = f"{start}\n{markdown.strip()}\n{end}"
    text = results_file.read_text() if results_file.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = f"{before}{section}{after}"
    else:
        text = f"{text.rstrip()}\n\n{section}\n" if text.strip() else f"{section}\n"
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results_file.write_text(text)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _server_version(database: BenchmarkDatabase) -> str:
    if database.kind == "sqlite":
        return sqlite3.sqlite_version
    engine = sa.create_engine(database.url)
    try:
        with engine.connect() as connection:
            version = str(connection.execute(sa.text("SHOW server_version")).scalar())
    finally:
        engine.dispose()
    return version.split(" ")[0]
