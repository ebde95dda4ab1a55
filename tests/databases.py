"""Throwaway test databases on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tracker.config import normalise_database_url

DEFAULT_POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_server_url() -> str:
    """The server tests create their databases on (``TEST_DATABASE_URL``)."""
    return normalise_database_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_SERVER))


def postgres_available() -> bool:
    try:
        engine = sa.create_engine(postgres_server_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        print(f"PostgreSQL at {postgres_server_url()} is not reachable: {error}", file=sys.stderr)
        return False


def create_postgres_database() -> str:
    """Create an empty database with a unique name and return its URL."""
    server = make_url(postgres_server_url())
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    engine = sa.create_engine(make_url(postgres_server_url()), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def create_sqlite_database(directory: Path) -> str:
    return f"sqlite:///{directory / f'tracker_test_{uuid.uuid4().hex[:12]}.sqlite3'}"


if __name__ == "__main__":
    # `python -m tests.databases` exits 0 when PostgreSQL can be reached.
    sys.exit(0 if postgres_available() else 1)
