"""Fixtures shared by every test: the app on a real database, rolled back per test.

The suite runs once per database engine: ``pytest --db=sqlite`` (the default) or
``pytest --db=postgresql``. Each run migrates one template database, copies it for
every database a test needs, and drops them all at the end.

The app and its engine are built once per run and shared by every test. Each test
gets one connection with a transaction that is rolled back afterwards (every session
the app opens joins it through a savepoint), so tests cannot see each other's
records; whatever a test changed in the app's settings is put back, and the app's
caches are emptied. A test that must change the app itself (add a route, say) is
marked ``own_app`` and gets an app of its own.

A test that asks for the ``demo_data`` fixture runs on a second database holding the
demo ICS as of ``TODAY``, loaded once per run; it too is rolled back after each test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine
from sqlmodel import Session

from tests import databases, html_validator
from tracker import create_app, schema
from tracker.db import Database, get_database, make_engine
from tracker.demo import DemoSummary, load_demo_data
from tracker.manage.passwords import HashCost
from tracker.reports import store as report_store

#: The fixed "today" that rule tests and factories use unless a test says otherwise.
TODAY = date(2026, 11, 24)

#: argon2id at its lowest cost: the rules do not depend on it, and every sign-in in a
#: test would otherwise spend a real hash's time and memory. Production's strong
#: defaults are tested in tests/unit/test_passwords.py.
CHEAP_HASHES = HashCost(time_cost=1, memory_cost=8, parallelism=1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database engine to run the suite on",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--db')}"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the HTML checker in the background if any collected test uses it.

    It takes several seconds to start, so it warms up while the first tests run,
    and then serves every test that checks pages.
    """
    modules = {getattr(item, "module", None) for item in session.items}
    if any(getattr(module, "check_html", None) is html_validator.check_html for module in modules):
        html_validator.checker.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    html_validator.checker.stop()


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.config.getoption("--db")
    return kind


@pytest.fixture(scope="session")
def new_database_url(
    db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., str]]:
    """A factory of throwaway databases of this run's kind, dropped at the end.

    ``new_database_url()`` makes an empty database; ``new_database_url(template=url)``
    makes a copy of the database at ``url``, which no one may be connected to.
    """
    created: list[str] = []

    def make(template: str | None = None) -> str:
        if db_kind == "sqlite":
            folder = tmp_path_factory.mktemp("db")
            url = (
                databases.copy_sqlite_database(template, folder)
                if template
                else databases.create_sqlite_database(folder)
            )
        else:
            url = databases.create_postgres_database(template=template)
        created.append(url)
        return url

    yield make
    if db_kind == "postgresql":
        # Each drop waits for a checkpoint; dropped together, they share one. A run
        # makes a few dozen; sixteen connections at once leave room for other clients.
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(databases.drop_postgres_database, created))


@pytest.fixture(scope="session")
def migrated_template(new_database_url: Callable[..., str]) -> str:
    """An empty database migrated to the latest revision, once per run, to copy from."""
    url = new_database_url()
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def new_migrated_database_url(
    new_database_url: Callable[..., str], migrated_template: str
) -> Callable[[], str]:
    """A factory of new databases at the latest revision, for apps whose commits are real.

    Copying the migrated template is much quicker than running the migrations again.
    """
    return lambda: new_database_url(template=migrated_template)


@pytest.fixture(scope="session")
def database_url(new_migrated_database_url: Callable[[], str]) -> str:
    """The run's main database, at the latest revision."""
    return new_migrated_database_url()


def make_test_app(database_url: str, **settings: Any) -> Flask:
    """The app on ``database_url``, with ``settings`` on top of the test defaults.

    The public page cache and the figure snapshots are off by default: tests
    arrange records without committing them, which a cache keyed on the
    (committed) data version cannot see. Their own tests switch them on, and the
    browser's live server switches the page cache on. Passwords are hashed at the
    lowest cost (:data:`CHEAP_HASHES`).
    """
    defaults = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "PAGE_CACHE_DISABLED": True,
        "FIGURE_SNAPSHOTS_DISABLED": True,
        "PASSWORD_HASH_COST": CHEAP_HASHES,
    }
    return create_app({**defaults, **settings})


@pytest.fixture(scope="session")
def session_app(database_url: str) -> Iterator[Flask]:
    """The app every test uses, built once per run.

    Derived states are judged on the fixed ``TODAY``, so tests say exactly which
    commitment is Overdue or has had no recent update.
    """
    app = make_test_app(database_url, FIXED_TODAY=TODAY)
    yield app
    get_database(app).engine.dispose()


# --- The demo ICS -------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_template(
    new_migrated_database_url: Callable[[], str],
) -> tuple[str, DemoSummary]:
    """A database holding the demo ICS as of ``TODAY``, loaded once per run, to copy from."""
    url = new_migrated_database_url()
    # Loaded through the app's own sessions, so the data version moves as in real use.
    app = make_test_app(url, FIXED_TODAY=TODAY)
    with app.app_context(), get_database(app).session() as session:
        summary = load_demo_data(session, today=TODAY)
    get_database(app).engine.dispose()
    return url, summary


@pytest.fixture(scope="session")
def new_demo_database_url(
    new_database_url: Callable[..., str], demo_template: tuple[str, DemoSummary]
) -> Callable[[], str]:
    """A factory of new databases holding the demo ICS, for apps whose commits are real."""
    return lambda: new_database_url(template=demo_template[0])


@pytest.fixture(scope="session")
def session_demo_app(new_demo_database_url: Callable[[], str]) -> Iterator[Flask]:
    """The app on the run's demo database, built once; tests reach it through ``app``."""
    app = make_test_app(new_demo_database_url(), FIXED_TODAY=TODAY)
    yield app
    get_database(app).engine.dispose()


@pytest.fixture
def demo_data(demo_template: tuple[str, DemoSummary]) -> DemoSummary:
    """The demo ICS as of ``TODAY``: asking for it puts the test's ``app``, ``session``
    and ``client`` on the demo database (see :func:`app`). Returns what was loaded."""
    return demo_template[1]


# --- Per test -----------------------------------------------------------------------


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Join every session ``app`` opens to one transaction, rolled back at the end.

    The app's settings and extension state are put back as they were, and every
    cache it holds is emptied, so the next test finds the app as it was built.
    """
    settings = app.config.copy()
    extensions = dict(app.extensions)
    database: Database = get_database(app)
    connection = database.engine.connect()
    transaction = connection.begin()
    database.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        transaction.rollback()
        connection.close()
        database.sessionmaker.configure(
            bind=database.engine, join_transaction_mode="conservative_savepoint"
        )
        app.config.clear()
        app.config.update(settings)
        app.extensions.clear()
        app.extensions.update(extensions)
        # Pages cached during the test were rendered from records that were rolled back.
        for store in app.extensions.get("cache", {}).values():
            store.clear()


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app, with every session joined to one transaction rolled back afterwards.

    The run's shared app; the demo app when the test asks for ``demo_data``; a new
    app on the main database when the test is marked ``own_app``.
    """
    if request.node.get_closest_marker("own_app"):
        database_url: str = request.getfixturevalue("database_url")
        own = make_test_app(database_url, FIXED_TODAY=TODAY)
        with rolled_back(own):
            yield own
        get_database(own).engine.dispose()
        return
    name = "session_demo_app" if "demo_data" in request.fixturenames else "session_app"
    shared: Flask = request.getfixturevalue(name)
    with rolled_back(shared):
        yield shared


@pytest.fixture
def engine(app: Flask) -> Engine:
    return get_database(app).engine


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session in the test's transaction, for arranging records and checking them."""
    with get_database(app).sessionmaker() as session:
        yield session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


#: What :func:`stand_in_pdf` writes instead of a laid-out report.
STAND_IN_PDF = b"%PDF-1.7\n% A stand-in for a board report: the test does not read it.\n%%EOF\n"


@pytest.fixture
def stand_in_pdf(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Board reports are stored with a one-page stand-in instead of WeasyPrint's PDF.

    Laying a report out takes seconds. Tests of scheduling and queues check which
    reports were made, for whom and when, not what they print, so they use this;
    tests that read the PDF (test_report_pdf.py, test_report_command.py) keep the
    real one. Only the PDF-writing step is replaced: the report's figures are
    gathered and its HTML rendered and stored as usual.
    """

    def html_to_pdf(html: str, fetcher: Any = None) -> tuple[bytes, int]:
        return STAND_IN_PDF, 1

    monkeypatch.setattr(report_store, "html_to_pdf", html_to_pdf)
    return STAND_IN_PDF


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
