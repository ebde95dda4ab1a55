"""``make loadtest``: the public pages measured from outside, as residents meet them.

The site is served as the README runs it (gunicorn, 4 sync workers, on PostgreSQL
with the large dataset and Redis), and wrk asks for each public page for a few
seconds at 16 connections on loopback:

- warm: the page cache on, the same page again and again (repeat views);
- cold: a second server with the page cache off (every view rendered);
- mixed: the page types in turn with the page cache on, while a commitment update is
  posted once a second through the app's own service, so the data version moves on
  as it does when partners are at work.

Each server also answers a trivial 24 KB page (``tracker/loadtest.py``, only there
because ``LOADTEST_ROUTE`` is on), measured just before each page: a page's rate as a
share of the trivial page's rate says what the page costs whatever the machine (and
whatever else it was doing at the time), and is the figure to compare between runs.
wrk sends ``Accept-Encoding: gzip`` as browsers do.

The figures are printed and written to the ``loadtest`` section of
docs/benchmarks.md, one block per ``--label`` (``before`` and ``after`` a change),
with the date, the machine, its load average and the command. ``--only`` measures
one part (``warm``, ``cold`` or ``mixed``) and only prints it; ``--breakdown`` also
notes how each request of the mixed run was answered (``breakdown.py``) and prints a
summary: pages served from the cache or rendered, renders of the same page at the
same data version, and the time each kind took inside the app.
"""

from __future__ import annotations

import bisect
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from benchmarks import (
    LARGE_SCALE,
    PROJECT_ROOT,
    RESULTS_FILE,
    BenchmarkDatabase,
    machine_description,
    write_section,
)

HERE = Path(__file__).resolve().parent
#: The Redis database the load test uses unless REDIS_URL says otherwise (the
#: tests use 13 and 15).
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
DEFAULT_DATABASE_NAME = "tracker_loadtest"
DEFAULT_SECONDS = 10
#: The parts of a whole run, in the order they are measured.
PARTS = ("warm", "mixed", "cold")
CONNECTIONS = 16
WRK_THREADS = 2
WORKERS = 4
TRIVIAL_PATH = "/loadtest/trivial"
#: What a browser sends; cached pages are stored gzipped and sent as they are.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}
_WRK_LINE = re.compile(r"^LOADTEST (\{.*\})$", re.MULTILINE)


@dataclass(frozen=True)
class Measurement:
    """What wrk saw in one run against one address."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failed: int

    @classmethod
    def from_wrk(cls, output: str) -> Measurement:
        found = _WRK_LINE.search(output)
        if found is None:
            raise LoadTestError(f"wrk printed no figures:\n{output}")
        figures = json.loads(found.group(1))
        seconds = figures["duration_us"] / 1e6
        return cls(
            requests_per_second=figures["requests"] / seconds,
            p50_ms=figures["p50_us"] / 1000,
            p99_ms=figures["p99_us"] / 1000,
            failed=figures["status_errors"] + figures["socket_errors"],
        )


@dataclass(frozen=True)
class Paired:
    """A page measured right after the trivial page on the same server.

    Other work on the machine comes and goes within a run; the trivial page measured
    just before a page had the same machine to itself as the page did.
    """

    page: Measurement
    trivial: Measurement

    @property
    def share(self) -> float:
        if not self.trivial.requests_per_second:
            return 0.0
        return self.page.requests_per_second / self.trivial.requests_per_second


@dataclass
class ServerRun:
    """Every page measured on one server, each beside the trivial page."""

    pages: dict[str, Paired] = field(default_factory=dict)

    @property
    def trivial_rates(self) -> list[float]:
        return [paired.trivial.requests_per_second for paired in self.pages.values()]


class LoadTestError(RuntimeError):
    """The load test cannot run: the message says what to do."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    seconds: int
    label: str
    #: A checkout of other code to serve (for "before" figures), or None for this one.
    source: Path | None
    command: str
    #: The parts to measure: "warm", "cold", "mixed".
    parts: tuple[str, ...] = PARTS
    #: Note how each request of the mixed run was answered (see breakdown.py).
    breakdown: bool = False


def default_database_url() -> str:
    """A database named tracker_loadtest on the tests' PostgreSQL server."""
    from tests.databases import postgres_server_url

    return (
        make_url(postgres_server_url())
        .set(database=DEFAULT_DATABASE_NAME)
        .render_as_string(hide_password=False)
    )


# --- The database -------------------------------------------------------------------


def prepare_database(url: str) -> None:
    """Create, migrate and fill the database at scale 170, unless it already is."""
    from tracker import schema
    from tracker.db import make_engine
    from tracker.demo.sizing import demo_size

    url_parts = make_url(url)
    if url_parts.get_backend_name() != "postgresql":
        raise LoadTestError(f"The load test runs on PostgreSQL, not {url_parts.drivername}.")
    size = demo_size(LARGE_SCALE)
    counts = _record_counts(url)
    if counts is not None and counts != (size.issues, size.commitments):
        print(
            f"{url_parts.database} holds {counts[0]} issues and {counts[1]} commitments, "
            f"not scale {LARGE_SCALE}'s {size.issues} and {size.commitments}: making it again."
        )
        _drop_database(url)
        counts = None
    if counts is None:
        _create_database(url)
    engine = make_engine(url)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    if counts is None or counts == (0, 0):
        print(f"Loading the demo at scale {LARGE_SCALE} into {url_parts.database} (minutes)...")
        _tracker("demo-data", "--scale", str(LARGE_SCALE), database_url=url)
    _vacuum(url)


def _vacuum(url: str) -> None:
    """``VACUUM ANALYZE``, as autovacuum would have done on a server in service.

    A freshly loaded database has no planner statistics and no visibility map until
    autovacuum has been round (and some servers run with it off), so without this the
    plans and index-only scans measured would not be those a live site gets.
    """
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _record_counts(url: str) -> tuple[int, int] | None:
    """Issues and commitments in the database, (0, 0) before migration, None if absent."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            if "issue" not in tables:
                return (0, 0)
            issues = connection.execute(sa.text("SELECT count(*) FROM issue")).scalar_one()
            commitments = connection.execute(
                sa.text("SELECT count(*) FROM commitment")
            ).scalar_one()
            return (int(issues), int(commitments))
    except sa.exc.OperationalError as error:
        if "does not exist" in str(error):
            return None
        raise LoadTestError(f"PostgreSQL cannot be reached at {url}: {error}") from None
    finally:
        engine.dispose()


def _server_engine(url: str) -> sa.Engine:
    return sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _create_database(url: str) -> None:
    engine = _server_engine(url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{make_url(url).database}"'))
    engine.dispose()


def _drop_database(url: str) -> None:
    engine = _server_engine(url)
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def _tracker(*arguments: str, database_url: str) -> None:
    environment = {**os.environ, "TRACKER_ENV": "development", "DATABASE_URL": database_url}
    subprocess.run([_venv_bin("tracker"), *arguments], check=True, env=environment)


def _venv_bin(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise LoadTestError(f"{path} is missing: run make install.")
    return str(path)


# --- The pages ----------------------------------------------------------------------


def public_pages(url: str) -> dict[str, str]:
    """One address of each public page type, named, from the records in the database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:

            def first(sql: str) -> str:
                value = connection.execute(sa.text(sql)).scalar()
                if value is None:
                    raise LoadTestError(f"The database has nothing for: {sql}")
                return str(value)

            issue = int(first("SELECT min(number) FROM issue"))
            commitment = int(first("SELECT min(number) FROM commitment"))
            engagement = int(first("SELECT min(number) FROM engagement"))
            partner = first("SELECT slug FROM partner ORDER BY id LIMIT 1")
            area = first("SELECT slug FROM area ORDER BY id LIMIT 1")
            theme = first("SELECT slug FROM theme ORDER BY id LIMIT 1")
            community = first("SELECT slug FROM community ORDER BY id LIMIT 1")
    finally:
        engine.dispose()
    return {
        "home": "/",
        "issues": "/you-said",
        "issues searched": "/you-said?q=appointments",
        "an issue": f"/you-said/YS-{issue:04d}",
        "commitments": "/we-will",
        "commitments overdue": "/we-will?status=overdue",
        "a commitment": f"/we-will/WW-{commitment:04d}",
        "partners": "/partners",
        "a partner": f"/partners/{partner}",
        "an area": f"/areas/{area}",
        "a theme": f"/themes/{theme}",
        "a community": f"/communities/{community}",
        "engagements": "/engagements",
        "an engagement": f"/engagements/EN-{engagement:04d}",
    }


# --- The servers --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def gunicorn(
    settings: Settings, log_dir: Path, *, page_cache: bool, breakdown: Path | None = None
) -> Iterator[str]:
    """gunicorn as the README runs it; yields its base address. With ``breakdown``,
    each request is noted in that file (see breakdown.py)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "TOTP_ENCRYPTION_KEY": "bG9hZHRlc3QtdG90cC1lbmNyeXB0aW9uLWtleS0zMmI=",
        "PUBLIC_BASE_URL": base,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "LOADTEST_ROUTE": "1",
        "PAGE_CACHE_DISABLED": "0" if page_cache else "1",
    }
    command = [_venv_bin("gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    config = None
    if settings.source is not None:
        environment["PYTHONPATH"] = str(settings.source)
        environment["LOADTEST_OLDER_CODE"] = "1"
        command += ["--chdir", str(settings.source)]
        config = HERE / "older_code.py"
    if breakdown is not None:
        environment["LOADTEST_BREAKDOWN_FILE"] = str(breakdown)
        config = HERE / "breakdown.py"
    if config is not None:
        command += ["--config", str(config)]
    command.append("tracker:create_app()")
    log = (log_dir / f"gunicorn-{'warm' if page_cache else 'cold'}.log").open("w")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(base, server, log.name)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_until_serving(base: str, server: subprocess.Popen[bytes], log_name: str) -> None:
    # Each worker builds the app on its own; on a busy machine that takes a while.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LoadTestError(f"gunicorn stopped:\n{_tail(log_name)}")
        try:
            if fetch(base + TRIVIAL_PATH) == 200:
                return
            raise LoadTestError(f"{TRIVIAL_PATH} did not answer 200:\n{_tail(log_name)}")
        except OSError:
            time.sleep(0.5)
    raise LoadTestError(f"gunicorn did not answer within 5 minutes:\n{_tail(log_name)}")


def _tail(log_name: str, lines: int = 30) -> str:
    return "\n".join(Path(log_name).read_text(errors="replace").splitlines()[-lines:])


def fetch(address: str) -> int:
    """GET ``address`` as a browser would; its status."""
    request = urllib.request.Request(address, headers=BROWSER_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status: int = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status


def wrk(address: str, seconds: int, rotation: list[str] | None = None) -> Measurement:
    """wrk at 16 connections for ``seconds``; with ``rotation``, those paths in turn."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in BROWSER_HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    script = "rotation.lua" if rotation else "report.lua"
    command += ["-s", str(HERE / script), address]
    if rotation:
        command += ["--", *rotation]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return Measurement.from_wrk(done.stdout)


def paired(base: str, path: str, seconds: int, rotation: list[str] | None = None) -> Paired:
    """The trivial page for half the time, then ``path`` (or ``rotation``)."""
    trivial = wrk(base + TRIVIAL_PATH, max(1, (seconds + 1) // 2))
    return Paired(page=wrk(base + path, seconds, rotation), trivial=trivial)


def measure_server(base: str, pages: dict[str, str], seconds: int, *, warm: bool) -> ServerRun:
    run = ServerRun()
    kind = "warm" if warm else "cold"
    fetch(base + TRIVIAL_PATH)
    for name, path in pages.items():
        status = fetch(base + path)  # fills the page cache (and warms the worker)
        if status != 200:
            raise LoadTestError(f"{path} answered {status}")
        run.pages[name] = measured = paired(base, path, seconds)
        print(
            f"  {kind} {name}: {measured.page.requests_per_second:,.1f} req/s, "
            f"{share(measured.share)} of trivial",
            flush=True,
        )
    return run


# --- The writes during the mixed run -----------------------------------------------


@dataclass
class Writes:
    posted: int = 0
    failed: list[str] = field(default_factory=list)


@contextmanager
def an_update_a_second(settings: Settings) -> Iterator[Writes]:
    """Post a commitment update once a second, through the app's own service."""
    from sqlmodel import col, select

    from tracker import create_app
    from tracker.clock import today
    from tracker.db import get_database
    from tracker.manage.commitments import UpdateInput, post_update
    from tracker.models import Commitment, CommitmentStatus, Role, User

    app = create_app({"DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url})
    factory = get_database(app).sessionmaker
    with app.app_context(), factory() as session:
        admin = session.exec(select(User).where(col(User.role) == Role.ADMIN)).first()
        if admin is None:
            raise LoadTestError("The database has no admin account to post updates as.")
        admin_id = admin.id
        commitment_ids = list(
            session.exec(
                select(Commitment.id)
                .where(col(Commitment.status) == CommitmentStatus.IN_PROGRESS)
                .order_by(col(Commitment.id))
                .limit(500)
            )
        )
    writes = Writes()
    stop = threading.Event()

    def post() -> None:
        with app.app_context():
            while not stop.wait(1.0):
                with factory() as session:
                    actor = session.get(User, admin_id)
                    commitment = session.get(Commitment, random.choice(commitment_ids))
                    assert actor is not None and commitment is not None
                    try:
                        post_update(
                            session,
                            actor=actor,
                            commitment=commitment,
                            change=UpdateInput(narrative="Met the clinic leads to agree dates."),
                            seen_version=commitment.version,
                            today=today(),
                        )
                        writes.posted += 1
                    except Exception as error:  # noqa: BLE001 - reported, not fatal
                        writes.failed.append(repr(error))

    writer = threading.Thread(target=post, name="loadtest-writes", daemon=True)
    writer.start()
    try:
        yield writes
    finally:
        stop.set()
        writer.join(timeout=30)
        get_database(app).engine.dispose()


# --- The whole run ------------------------------------------------------------------


@dataclass
class Results:
    pages: dict[str, str]
    load_average: float
    machine: str
    warm: ServerRun | None = None
    cold: ServerRun | None = None
    mixed: Paired | None = None
    writes: Writes | None = None
    #: How each request of the mixed run was answered (``--breakdown``).
    breakdown: list[dict[str, Any]] | None = None


def run(settings: Settings) -> Results:
    if shutil.which("wrk") is None:
        raise LoadTestError(
            "wrk is not installed: on Debian, sudo apt-get install wrk (make loadtest "
            "installs it when run as root)."
        )
    _check_redis(settings.redis_url)
    prepare_database(settings.database_url)
    pages = public_pages(settings.database_url)
    load_average = os.getloadavg()[0]
    machine = machine_description([BenchmarkDatabase(settings.database_url)])
    results = Results(pages, load_average, machine)
    with tempfile.TemporaryDirectory(prefix="tracker-loadtest-") as directory:
        log_dir = Path(directory)
        notes = log_dir / "breakdown.jsonl" if settings.breakdown else None
        if "warm" in settings.parts or "mixed" in settings.parts:
            with gunicorn(settings, log_dir, page_cache=True, breakdown=notes) as base:
                if "warm" in settings.parts:
                    print("Page cache on (warm):", flush=True)
                    results.warm = measure_server(base, pages, settings.seconds, warm=True)
                if "mixed" in settings.parts:
                    measure_mixed(base, pages, settings, results, notes)
        if "cold" in settings.parts:
            print("Page cache off (cold):", flush=True)
            with gunicorn(settings, log_dir, page_cache=False) as base:
                results.cold = measure_server(base, pages, settings.seconds, warm=False)
    return results


def measure_mixed(
    base: str, pages: dict[str, str], settings: Settings, results: Results, notes: Path | None
) -> None:
    """Every page in turn for three measurements' time, an update posted each second."""
    print("Mixed: every page in turn, an update posted each second:", flush=True)
    for path in pages.values():
        fetch(base + path)
    if notes is not None:
        notes.write_text("")  # only the mixed run's own requests
    with an_update_a_second(settings) as writes:
        mixed = paired(base, "/", settings.seconds * 3, rotation=list(pages.values()))
    page = mixed.page
    print(
        f"  mixed: {share(mixed.share)} of trivial, {writes.posted} updates, "
        f"p50 {page.p50_ms:,.1f} ms, p99 {page.p99_ms:,.1f} ms, {page.failed} failed",
        flush=True,
    )
    results.mixed, results.writes = mixed, writes
    if notes is not None:
        lines = notes.read_text().splitlines()
        results.breakdown = [json.loads(line) for line in lines if line.strip()]


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise LoadTestError(f"Redis cannot be reached at {url} (REDIS_URL): {error}") from None


# --- The report ---------------------------------------------------------------------


def share(value: float) -> str:
    """``52.3%``, or ``0.27%`` for the small shares of slow pages."""
    return f"{value:.1%}" if value >= 0.01 else f"{value:.2%}"


def _row(measured: Paired) -> list[str]:
    measurement = measured.page
    return [
        f"{measurement.requests_per_second:,.1f}",
        share(measured.share),
        f"{measurement.p50_ms:,.1f}",
        f"{measurement.p99_ms:,.1f}",
        str(measurement.failed),
    ]


def mixed_line(results: Results, seconds: int) -> str:
    """The mixed run in one sentence."""
    assert results.mixed is not None and results.writes is not None
    mixed = results.mixed.page
    failed_writes = f", {len(results.writes.failed)} failed" if results.writes.failed else ""
    return (
        f"Mixed (the {len(results.pages)} pages in turn, page cache on, "
        f"{results.writes.posted} updates posted{failed_writes} in {seconds * 3} s): "
        f"{mixed.requests_per_second:,.1f} req/s, "
        f"{share(results.mixed.share)} of the trivial page's "
        f"{results.mixed.trivial.requests_per_second:,.0f} req/s just before; "
        f"p50 {mixed.p50_ms:,.1f} ms, "
        f"p99 {mixed.p99_ms:,.1f} ms, {mixed.failed} failed."
    )


def _percentile(values: Sequence[float], percent: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * percent // 100)]


def _answered(note: dict[str, Any]) -> str:
    if note["status"] == 304:
        return "304 not modified"
    if note.get("after_response"):
        # No visitor waited for it: the app rendered the page after sending a copy.
        return "rendered after a response (nobody waiting)"
    if note["rendered"]:
        return "rendered with older figures" if note["older_figures"] else "rendered"
    return "from the cache" if note["etag"] else "a copy kept a moment or an older copy (no ETag)"


def summarise(notes: list[dict[str, Any]]) -> str:
    """How the mixed run's requests were answered, and what the slow ones had in common."""
    if not notes:
        return "No requests were noted."
    lines = [
        f"{len(notes)} requests and renders (time inside the app; wrk's latency adds the queue):",
        "| answered | requests | p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    kinds: dict[str, list[dict[str, Any]]] = {}
    for note in notes:
        kinds.setdefault(_answered(note), []).append(note)
    for kind, noted in sorted(kinds.items(), key=lambda item: -len(item[1])):
        times = [note["ms"] for note in noted]
        cpu = [note["cpu_ms"] for note in noted]
        lines.append(
            f"| {kind} | {len(noted)} | {_percentile(times, 50):,.1f} "
            f"| {_percentile(times, 99):,.1f} | {max(times):,.1f} "
            f"| {_percentile(cpu, 50):,.1f} | {_percentile(cpu, 99):,.1f} |"
        )
    errors = [note for note in notes if note["status"] >= 400]
    if errors:
        statuses = sorted({note["status"] for note in errors})
        lines.append(f"\n{len(errors)} answered with an error ({statuses}).")
    renders: dict[tuple[str, Any], int] = {}
    for note in notes:
        if note["rendered"]:
            page = (note["path"], note["version"])
            renders[page] = renders.get(page, 0) + 1
    repeated = {page: count for page, count in renders.items() if count > 1}
    lines.append(
        f"\nRenders: {sum(renders.values())} of {len(renders)} (page, data version) pairs; "
        f"{len(repeated)} pairs rendered more than once "
        f"({sum(repeated.values()) - len(repeated)} renders that a lock would have saved; "
        f"at most {max(renders.values(), default=0)} of one page)."
    )
    busy = [note for note in notes if note["refresh_anywhere"]]
    here = [note for note in notes if note["refresh_here"]]
    if busy:
        lines.append(
            f"While figures were being computed (anywhere): {len(busy)} requests "
            f"({len(busy) / len(notes):.0%}), p99 {_percentile([n['ms'] for n in busy], 99):,.1f}"
            f" ms; otherwise p99 "
            f"{_percentile([n['ms'] for n in notes if not n['refresh_anywhere']], 99):,.1f} ms."
        )
    if here:
        lines.append(
            f"In the worker computing them: {len(here)} requests, p99 "
            f"{_percentile([n['ms'] for n in here], 99):,.1f} ms."
        )
    starts = sorted(note["at"] for note in notes)
    ends = sorted(note["at"] + note["ms"] / 1000 for note in notes)
    concurrent = [
        bisect.bisect_right(starts, note["at"]) - bisect.bisect_right(ends, note["at"])
        for note in notes
        if note["rendered"]
    ]
    if concurrent:
        lines.append(
            f"Requests in the app when a render began: median {_percentile(concurrent, 50)}, "
            f"p99 {_percentile(concurrent, 99)} (of {WORKERS} workers)."
        )
    return "\n".join(lines)


def markdown(results: Results, settings: Settings) -> str:
    header = (
        "| page | address | warm req/s | warm % of trivial | warm p50 ms | warm p99 ms "
        "| warm failed | cold req/s | cold % of trivial | cold p50 ms | cold p99 ms "
        "| cold failed |\n|" + "---|" * 12
    )
    assert results.warm is not None and results.cold is not None
    lines = [header]
    for name, path in results.pages.items():
        cells = [
            name,
            f"`{path}`",
            *_row(results.warm.pages[name]),
            *_row(results.cold.pages[name]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    for kind, server in (("warm", results.warm), ("cold", results.cold)):
        rates = server.trivial_rates
        lines.append(
            f"\nTrivial page on the {kind} server: {min(rates):,.0f} to {max(rates):,.0f} "
            f"req/s (median {statistics.median(rates):,.0f}); each page's share is of the "
            "trivial page measured just before it."
        )
    lines.append("\n" + mixed_line(results, settings.seconds))
    code = f"commit {_commit(settings.source)}" if settings.source else "this checkout"
    intro = (
        f"Measured on {date.today().isoformat()} with `{settings.command}`, on {code}, "
        f"{results.machine}, load average {results.load_average:.1f} at the start; "
        f"{settings.seconds} s per measurement, wrk at {CONNECTIONS} connections "
        f'({WRK_THREADS} threads), gunicorn with {WORKERS} sync workers. "Failed" counts '
        "responses of 400 and above and socket errors."
    )
    return f"{intro}\n\n" + "\n".join(lines)


SECTION_INTRO = """## Load test (`make loadtest`)

The public pages served by gunicorn as the README runs it, on PostgreSQL at demo
scale 170 with Redis, measured with wrk at 16 connections on loopback: warm (page
cache on, repeat views), cold (page cache off), and mixed (every page type in turn
with the page cache on while a commitment update is posted each second). Each
figure sits beside a trivial 24 KB page served by the same app, measured just
before it; the share of the trivial page's rate is the figure to compare, as the
machine's speed and load change between runs and within one. Targets: warm >= 50%
for every page; mixed >= 25% with p99 <= 150 ms."""


def write_results(label: str, block: str, results_file: Path = RESULTS_FILE) -> None:
    """Put ``block`` under ``label`` in the loadtest section, keeping other labels."""
    text = results_file.read_text() if results_file.exists() else ""
    start, end = "<!-- bench:loadtest -->", "<!-- /bench:loadtest -->"
    existing = text.split(start, 1)[1].split(end, 1)[0] if start in text and end in text else ""
    blocks = dict(
        re.findall(r"<!-- loadtest:([\w-]+) -->\n(.*?)\n<!-- /loadtest:\1 -->", existing, re.S)
    )
    blocks[label] = f"### {label.capitalize()}\n\n{block.strip()}"
    ordered = sorted(blocks, key=lambda name: (name != "before", name != "after", name))
    parts = [SECTION_INTRO] + [
        f"<!-- loadtest:{name} -->\n{blocks[name]}\n<!-- /loadtest:{name} -->" for name in ordered
    ]
    write_section("loadtest", "\n\n".join(parts), results_file)


def _commit(source: Path) -> str:
    """The commit checked out in ``source``, for the record of what was measured."""
    done = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or str(source)


def relative_to_project(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
