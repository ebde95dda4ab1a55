"""Fixtures shared by every test: the app on a real database, rolled back per test.

The suite runs once per database engine: ``pytest --db=sqlite`` (the default) or
``pytest --db=postgresql``. Each run makes its own throwaway database, applies the
migrations to it, and drops it at the end. Every test runs inside a transaction
that is rolled back afterwards, so tests cannot see each other's records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine
from sqlmodel import Session

from tests import databases
from tracker import create_app, schema
from tracker.db import Database, get_database, make_engine

#: The fixed "today" that rule tests and factories use unless a test says otherwise.
TODAY = date(2026, 11, 24)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database engine to run the suite on",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.config.getoption("--db")
    return kind


@pytest.fixture(scope="session")
def new_database_url(
    db_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], str]]:
    """A factory of empty throwaway databases of this run's kind, dropped at the end."""
    created: list[str] = []

    def make() -> str:
        if db_kind == "sqlite":
            url = databases.create_sqlite_database(tmp_path_factory.mktemp("db"))
        else:
            url = databases.create_postgres_database()
        created.append(url)
        return url

    yield make
    if db_kind == "postgresql":
        for url in created:
            databases.drop_postgres_database(url)


@pytest.fixture(scope="session")
def database_url(new_database_url: Callable[[], str]) -> str:
    """The run's main database, migrated to the latest revision once."""
    url = new_database_url()
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    return url


def make_test_app(database_url: str, **settings: Any) -> Flask:
    """The app on ``database_url``, with ``settings`` on top of the test defaults.

    The public page cache is off by default: tests arrange records without
    committing them, which a cache keyed on the (committed) data version cannot
    see. The cache's own tests, and the browser's live server, switch it on.
    """
    defaults = {"TESTING": True, "DATABASE_URL": database_url, "PAGE_CACHE_DISABLED": True}
    return create_app({**defaults, **settings})


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The app, with every session joined to one transaction rolled back afterwards.

    Derived states are judged on the fixed ``TODAY``, so tests say exactly which
    commitment is Overdue or has had no recent update.
    """
    app = make_test_app(database_url, FIXED_TODAY=TODAY)
    database: Database = get_database(app)
    connection = database.engine.connect()
    transaction = connection.begin()
    database.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield app
    transaction.rollback()
    connection.close()
    database.engine.dispose()


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


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
