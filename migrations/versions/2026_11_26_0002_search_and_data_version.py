"""search indexes and the data version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 16:00:00

Keyword search (see tracker/search.py): FTS5 tables kept by triggers on SQLite, a
generated tsvector column with a GIN index on PostgreSQL. The definitions are
frozen here; tracker/search.py queries them by name.

On SQLite, a later batch migration that copies the ``issue`` or ``commitment``
table drops these triggers with it: such a migration must recreate them.
"""

# The statements below are built from the constant table and column names in SEARCHED.
# ruff: noqa: S608

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its searchable columns, most important first.
SEARCHED = {
    "issue": ("title", "summary", "quotes"),
    "commitment": ("title", "description", "success_measure"),
}


def _sqlite_search(table: str, columns: tuple[str, ...]) -> list[str]:
    index = f"{table}_search"
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    delete_old = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
    insert_new = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {index}_after_insert AFTER INSERT ON {table} BEGIN {insert_new} END",
        f"CREATE TRIGGER {index}_after_delete AFTER DELETE ON {table} BEGIN {delete_old} END",
        f"CREATE TRIGGER {index}_after_update AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


def _postgresql_search(table: str, columns: tuple[str, ...]) -> list[str]:
    weighted = " || ".join(
        f"setweight(to_tsvector('english', coalesce({column}::text, '')), '{weight}')"
        for column, weight in zip(columns, "ABC", strict=True)
    )
    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({weighted}) STORED",
        f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)",
    ]


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute(
        "INSERT INTO data_version (id, version, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)"
    )

    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHED.items():
        statements = (
            _postgresql_search(table, columns)
            if dialect == "postgresql"
            else _sqlite_search(table, columns)
        )
        for statement in statements:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        if dialect == "postgresql":
            op.execute(f"DROP INDEX ix_{table}_search_vector")
            op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        else:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_search_after_{event}")
            op.execute(f"DROP TABLE {table}_search")
    op.drop_table("data_version")
