"""The migrations build exactly the schema the models describe, and undo it."""

import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tracker import schema
from tracker.db import make_engine
from tracker.models import metadata
from tracker.search import is_search_schema_object


@pytest.fixture
def empty_engine(new_database_url):
    engine = make_engine(new_database_url())
    yield engine
    engine.dispose()


def differences(engine: sa.Engine) -> list:
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite's reflection skips an index on an expression (such as last activity,
        # a coalesce); the comparison then leaves that index out on both sides.
        # test_the_expression_index_is_built_and_undone checks that it exists.
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning
        )
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": schema.include_object},
        )
        return compare_metadata(context, metadata)


def table_names(engine: sa.Engine) -> set[str]:
    """The database's tables, less the search tables the models do not describe."""
    names = sa.inspect(engine).get_table_names()
    return {name for name in names if not is_search_schema_object(name)}


def test_upgrade_from_empty_gives_exactly_the_models(empty_engine):
    schema.upgrade(empty_engine)
    assert differences(empty_engine) == []
    assert table_names(empty_engine) == set(metadata.tables) | {"alembic_version"}


def index_names(engine: sa.Engine, table: str) -> set[str]:
    """Every index on ``table``, including those on expressions SQLite cannot reflect."""
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = :table"
    with engine.connect() as connection:
        return set(connection.execute(sa.text(query), {"table": table}).scalars())


def test_the_expression_index_is_built_and_undone(empty_engine):
    schema.upgrade(empty_engine)
    assert "ix_commitment_open_last_activity" in index_names(empty_engine, "commitment")
    schema.downgrade(empty_engine, "0010")
    assert "ix_commitment_open_last_activity" not in index_names(empty_engine, "commitment")
    assert "ix_commitment_committed_on_number" in index_names(empty_engine, "commitment")


def test_downgrade_to_base_removes_every_table_and_upgrade_works_again(empty_engine):
    schema.upgrade(empty_engine)
    schema.downgrade(empty_engine, "base")
    assert table_names(empty_engine) <= {"alembic_version"}
    assert schema.current_revision(empty_engine) is None

    schema.upgrade(empty_engine)
    assert differences(empty_engine) == []


def test_every_migration_can_be_undone_one_step_at_a_time(empty_engine):
    schema.upgrade(empty_engine)
    script = ScriptDirectory.from_config(schema.alembic_config(empty_engine))
    revisions = list(script.walk_revisions())  # newest first
    for revision in revisions:
        assert schema.current_revision(empty_engine) == revision.revision
        schema.downgrade(empty_engine, "-1")
    assert schema.current_revision(empty_engine) is None


def test_every_migration_file_is_dated_and_has_a_downgrade():
    versions = Path(schema.MIGRATIONS_DIR) / "versions"
    files = sorted(versions.glob("*.py"))
    assert files
    for path in files:
        assert path.name[:11].replace("_", "").isdigit(), f"{path.name} is not dated"
        source = path.read_text()
        assert "def downgrade() -> None:" in source, path.name
        assert "sqlmodel" not in source, f"{path.name} must use plain SQLAlchemy types"


def add_a_user_with_rows_pointing_at_them(engine: sa.Engine) -> None:
    """A user, an audit event and a recovery code, as at revision 0007 (plain SQL)."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO user_account (id, email, name, role, is_active, created_at,"
                " failed_sign_in_count, session_generation, is_demo)"
                " VALUES (1, 'sam@example.nhs.uk', 'Sam', 'admin', :yes, :at, 0, 0, :no)"
            ),
            {"yes": True, "no": False, "at": "2026-12-01 09:00:00+00:00"},
        )
        connection.execute(
            sa.text(
                "INSERT INTO audit_event (id, occurred_at, user_id, action, entity_type)"
                " VALUES (1, :at, 1, 'user.signed_in', 'user')"
            ),
            {"at": "2026-12-01 09:00:00+00:00"},
        )
        connection.execute(
            sa.text(
                "INSERT INTO recovery_code (id, user_id, code_hash, created_at)"
                " VALUES (1, 1, :hash, :at)"
            ),
            {"hash": "a" * 64, "at": "2026-12-01 09:00:00+00:00"},
        )


def rows_pointing_at_the_user(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                sa.text(
                    "SELECT u.email, a.action, r.code_hash FROM user_account u"
                    " JOIN audit_event a ON a.user_id = u.id"
                    " JOIN recovery_code r ON r.user_id = u.id"
                )
            )
        ]


def foreign_key_problems(engine: sa.Engine) -> list:
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as connection:
        return list(connection.exec_driver_sql("PRAGMA foreign_key_check"))


def foreign_keys_enforced(engine: sa.Engine) -> bool:
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        return connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_table_rebuilt_by_a_migration_keeps_the_rows_that_point_at_it(empty_engine):
    """SQLite rebuilds ``user_account`` for 0008 (and back); its referrers must survive."""
    schema.upgrade(empty_engine, "0007")
    add_a_user_with_rows_pointing_at_them(empty_engine)
    expected = [("sam@example.nhs.uk", "user.signed_in", "a" * 64)]

    schema.upgrade(empty_engine, "0008")
    assert schema.current_revision(empty_engine) == "0008"
    assert rows_pointing_at_the_user(empty_engine) == expected
    assert foreign_key_problems(empty_engine) == []
    assert foreign_keys_enforced(empty_engine)

    schema.downgrade(empty_engine, "0007")
    assert schema.current_revision(empty_engine) == "0007"
    assert rows_pointing_at_the_user(empty_engine) == expected
    assert foreign_key_problems(empty_engine) == []
    assert foreign_keys_enforced(empty_engine)
