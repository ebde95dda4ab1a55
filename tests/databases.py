"""Throwaway test databases on SQLite and PostgreSQL, empty or copied from another."""

from __future__ import annotations

import os
import sqlite3
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


def create_postgres_database(template: str | None = None) -> str:
    """Create a database with a unique name and return its URL.

    It is empty, or a copy of the database at ``template`` (a file-level copy, far
    quicker than migrating and loading again), which no one may be connected to.
    """
    server = make_url(postgres_server_url())
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{make_url(template).database}"' if template else ""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"{copy_of}'))
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


def copy_sqlite_database(template: str, directory: Path) -> str:
    """A new SQLite database in ``directory`` holding a copy of the one at ``template``."""
    url = create_sqlite_database(directory)
    source_path = make_url(template).database
    target_path = make_url(url).database
    assert source_path and target_path
    # SQLite's backup copies a consistent snapshot, whatever is still in the WAL file.
    with sqlite3.connect(source_path) as source, sqlite3.connect(target_path) as target:
        source.backup(target)
    source.close()
    target.close()
    return url


if __name__ == "__main__":
    # `python -m tests.databases` exits 0 when PostgreSQL can be reached.
    sys.exit(0 if postgres_available() else 1)
