"""Run the load test: ``make loadtest`` (``python -m benchmarks.loadtest``).

    python -m benchmarks.loadtest                         # this checkout, as "after"
    python -m benchmarks.loadtest --seconds 5             # shorter measurements
    python -m benchmarks.loadtest --source DIR --label before   # another checkout
    python -m benchmarks.loadtest --only mixed --breakdown --no-write   # one part

The database is LOADTEST_DATABASE_URL (default: tracker_loadtest on the
TEST_DATABASE_URL server), created and loaded at scale 170 when missing and reused
otherwise; Redis is REDIS_URL (default redis://127.0.0.1:6379/11). With the default
10 seconds per measurement the whole run takes about 8 minutes.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from benchmarks import RESULTS_FILE
from benchmarks.loadtest import (
    DEFAULT_REDIS_URL,
    DEFAULT_SECONDS,
    PARTS,
    LoadTestError,
    Settings,
    default_database_url,
    markdown,
    mixed_line,
    relative_to_project,
    run,
    summarise,
    write_results,
)
from tracker.config import normalise_database_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__)
    parser.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("LOADTEST_SECONDS", DEFAULT_SECONDS)),
        help="length of each measurement (LOADTEST_SECONDS; default %(default)s)",
    )
    parser.add_argument(
        "--label", default="after", help="the block of results to replace (default: after)"
    )
    parser.add_argument(
        "--source", type=Path, help="serve the checkout in this directory instead of this one"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the figures without writing them"
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="measure only this part (again for more than one); needs --no-write",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="note how each request of the mixed run was answered, and summarise it",
    )
    options = parser.parse_args(argv)
    if options.seconds < 1:
        parser.error("--seconds must be 1 or more")
    if options.only and not options.no_write:
        parser.error(
            "--only measures part of a run: add --no-write (the results file keeps whole runs)"
        )
    settings = Settings(
        database_url=normalise_database_url(
            os.environ.get("LOADTEST_DATABASE_URL") or default_database_url()
        ),
        redis_url=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
        seconds=options.seconds,
        label=options.label,
        source=options.source.resolve() if options.source else None,
        command="make loadtest"
        if argv is None and len(sys.argv) == 1
        else "python -m benchmarks.loadtest " + shlex.join(sys.argv[1:] if argv is None else argv),
        parts=tuple(part for part in PARTS if part in (options.only or PARTS)),
        breakdown=options.breakdown,
    )
    try:
        results = run(settings)
    except LoadTestError as error:
        print(f"make loadtest: {error}", file=sys.stderr)
        return 1
    print(f"\nLoad average at the start: {results.load_average:.1f}")
    if results.breakdown is not None:
        print("\n" + summarise(results.breakdown))
    if options.only:
        if results.mixed is not None:
            print("\n" + mixed_line(results, settings.seconds))
        return 0
    block = markdown(results, settings)
    print()
    print(block)
    if not options.no_write:
        write_results(settings.label, block)
        print(f"\nWritten to {relative_to_project(RESULTS_FILE)} ({settings.label}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
