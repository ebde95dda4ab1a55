"""The migrations build exactly the schema the models describe, and undo it."""

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
    with engine.connect() as connection:
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
