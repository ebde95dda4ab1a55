"""The database engine and a session per request.

SQLite is the embedded default; PostgreSQL is the production database. Both are
reached through one :class:`Database` object kept on the application.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from tracker import data_version

SQLITE_BUSY_TIMEOUT_MS = 5000


def _configure_sqlite(engine: Engine) -> None:
    """WAL mode, foreign keys and a busy timeout on every SQLite connection.

    pysqlite's own transaction handling does not issue BEGIN before SELECTs and
    breaks SAVEPOINTs, so autocommit is switched off at the driver and SQLAlchemy
    emits BEGIN itself (the recipe in SQLAlchemy's SQLite dialect notes).
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with the settings this application relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    # The public pages run many short queries; PostgreSQL's JIT compiler spent far
    # longer compiling the scorecard queries than running them (see docs/benchmarks.md).
    return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})


class Database:
    """An engine and the session factory bound to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(bind=self.engine, class_=Session, expire_on_commit=False)
        data_version.watch(self.sessionmaker)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for work outside a request (CLI, jobs): commit or roll back."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def init_app(app: Flask) -> None:
    app.extensions["tracker.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_request_session)


def get_database(app: Flask | None = None) -> Database:
    database: Database = (app or current_app).extensions["tracker.db"]
    return database


def get_session() -> Session:
    """The session for the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_database().sessionmaker()
    session: Session = g.db_session
    return session


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
