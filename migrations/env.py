"""Alembic environment: runs migrations on the engine handed over by tracker.schema."""

from alembic import context
from sqlalchemy import Connection

from tracker.models import metadata
from tracker.schema import include_object

config = context.config


def _set_sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """Turn SQLite's foreign key enforcement on or off for ``connection``.

    SQLite ignores this pragma inside a transaction, so it goes straight to the
    driver: through SQLAlchemy it would first begin one (see tracker/db.py).
    """
    assert not connection.in_transaction()
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _refuse_broken_foreign_keys(connection: Connection) -> None:
    """Fail, undoing the migrations, if any row now points at a row that is not there."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(
            "The migrations left rows pointing at rows that do not exist, so nothing "
            f"was changed. (table, rowid, referenced table, key): {broken[:20]}"
        )


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copying it and dropping the original, and
            # tracker/db.py turns foreign keys on for every connection: dropping a table
            # other rows point at (user_account, say) would fail. Alembic's recipe for
            # batch mode: keys off for the run, checked as a whole at the end.
            _set_sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                # SQLite cannot ALTER most things in place; batch mode copies the table.
                render_as_batch=sqlite,
                # SQLite's DDL is transactional too: one transaction for the whole run,
                # so the foreign key check below can undo all of it.
                transactional_ddl=True,
                compare_type=True,
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _refuse_broken_foreign_keys(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()  # nothing to undo unless the run failed
                _set_sqlite_foreign_keys(connection, on=True)


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; use `tracker db upgrade`.")
run_migrations_online()
