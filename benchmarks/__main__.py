"""Run the benchmarks and write their figures to docs/benchmarks.md.

    python -m benchmarks                     # every benchmark, SQLite and PostgreSQL
    python -m benchmarks --only demo_data    # one benchmark
    python -m benchmarks --db-url URL        # a database of your own (repeatable)

Without ``--db-url`` each run gets a throwaway SQLite file in a temporary directory
and, if the server at ``TEST_DATABASE_URL`` can be reached, a throwaway PostgreSQL
database; both are removed afterwards. A database given with ``--db-url`` is
migrated, should be empty, and is left holding what the benchmarks wrote.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import benchmarks
from benchmarks import BenchmarkDatabase, write_section
from tests import databases as test_databases
from tracker import schema
from tracker.config import normalise_database_url
from tracker.db import make_engine

#: Runs first: it loads the large dataset that the other benchmarks read.
FIRST = "demo_data"
#: Not benchmarks of this kind: the load test serves the site, run by `make loadtest`.
SEPARATE = frozenset({"loadtest"})


def benchmark_modules() -> dict[str, ModuleType]:
    """Every benchmark in the package, by name, the dataset loader first."""
    names = sorted(
        module.name
        for module in pkgutil.iter_modules(benchmarks.__path__)
        if not module.name.startswith("_") and module.name not in SEPARATE
    )
    names.sort(key=lambda name: name != FIRST)
    return {name: importlib.import_module(f"benchmarks.{name}") for name in names}


@contextmanager
def throwaway_databases() -> Iterator[list[BenchmarkDatabase]]:
    """A temporary SQLite database and, when the server is reachable, a PostgreSQL one."""
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as directory:
        urls = [test_databases.create_sqlite_database(Path(directory))]
        postgres_url = None
        if test_databases.postgres_available():
            postgres_url = test_databases.create_postgres_database()
            urls.append(postgres_url)
        else:
            print("PostgreSQL is not reachable: measuring on SQLite only.", file=sys.stderr)
        try:
            yield [BenchmarkDatabase(url) for url in urls]
        finally:
            if postgres_url:
                test_databases.drop_postgres_database(postgres_url)


@contextmanager
def given_databases(urls: list[str]) -> Iterator[list[BenchmarkDatabase]]:
    yield [BenchmarkDatabase(normalise_database_url(url)) for url in urls]


def migrate(database: BenchmarkDatabase) -> None:
    engine = make_engine(database.url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    modules = benchmark_modules()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--only", action="append", choices=sorted(modules), help="run only this benchmark"
    )
    parser.add_argument(
        "--db-url",
        action="append",
        metavar="URL",
        help="measure on this (empty) database instead of throwaway ones; repeatable",
    )
    options = parser.parse_args(argv)
    chosen = {name: module for name, module in modules.items() if name in (options.only or modules)}

    missed: list[str] = []
    context = given_databases(options.db_url) if options.db_url else throwaway_databases()
    with context as targets:
        for database in targets:
            migrate(database)
        for name, module in chosen.items():
            print(f"== {name}: {module.TITLE}", flush=True)
            started = time.perf_counter()
            result = module.run(targets)
            if result.measured:
                write_section(name, result.markdown)
            else:
                print("   nothing measured: its section of the results is unchanged")
            missed.extend(f"{name}: {budget}" for budget in result.missed_budgets)
            print(f"   done in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"Results written to {benchmarks.RESULTS_FILE.relative_to(benchmarks.PROJECT_ROOT)}")
    for budget in missed:
        print(f"OVER BUDGET: {budget}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
