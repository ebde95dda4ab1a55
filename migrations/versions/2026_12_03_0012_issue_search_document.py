"""issue search document: an issue's words and its commitments' words in one GIN index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 19:00:00

Written by hand; PostgreSQL only (SQLite's FTS5 tables from 0002 are unchanged).
``/you-said?q=`` finds an issue by its own words or by any of its commitments'. It
used to search ``issue`` and ``commitment`` apart, then merge the two lists by issue
and look every issue up again for its date. Now each issue holds its commitments'
words too, so one GIN index scan on ``issue`` finds them all (docs/query-plans.md,
"Search"; tracker/search.py uses these objects by name):

- ``issue.commitments_search_vector``: the words of all the issue's commitments,
  their ``search_vector`` columns joined in the order they were made, with
  ``issue_search_concat``; ``''`` when it has none.
- ``issue_search_commitments_refresh()`` and three statement triggers on
  ``commitment`` keep it up to date when a commitment is added, deleted, moved to
  another issue, or has its title, description or success measure changed. They
  work per statement, so a bulk load (COPY) refreshes each issue once. The issues'
  rows are locked first, so a commitment committed meanwhile by another transaction
  is read, not lost.
- ``ix_issue_search_document``: GIN on ``search_vector || commitments_search_vector``.
  It replaces 0002's ``ix_issue_search_vector``, which nothing reads any longer.
"""

# The statements below are built from constant SQL only.
# ruff: noqa: S608

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words of an issue's commitments (PostgreSQL has no aggregate joining tsvectors).
CONCAT_AGGREGATE = """
CREATE AGGREGATE issue_search_concat(tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
)
"""

COMMITMENT_WORDS = """
coalesce((
    SELECT issue_search_concat(commitment.search_vector ORDER BY commitment.id)
    FROM commitment WHERE commitment.issue_id = issue.id
), '')
"""

REFRESH_FUNCTION = f"""
CREATE FUNCTION issue_search_commitments_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        changed := ARRAY(SELECT DISTINCT issue_id FROM new_commitments);
    ELSIF TG_OP = 'DELETE' THEN
        changed := ARRAY(SELECT DISTINCT issue_id FROM old_commitments);
    ELSE
        -- Only a change of words or of issue matters (not, say, a new status); a
        -- commitment moved to another issue changes the words of both.
        changed := ARRAY(
            SELECT DISTINCT unnest(ARRAY[was.issue_id, now.issue_id])
            FROM old_commitments AS was JOIN new_commitments AS now USING (id)
            WHERE (was.issue_id, was.title, was.description, was.success_measure)
                IS DISTINCT FROM (now.issue_id, now.title, now.description, now.success_measure)
        );
    END IF;
    IF cardinality(changed) = 0 THEN
        RETURN NULL;
    END IF;
    -- Wait for any other transaction changing these issues' commitments, so the
    -- words read next include what it committed.
    PERFORM FROM issue WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
    UPDATE issue SET commitments_search_vector = {COMMITMENT_WORDS}
    WHERE issue.id = ANY (changed);
    RETURN NULL;
END
$$
"""

# Statement triggers with transition tables: one event each.
TRIGGERS = {
    "insert": "REFERENCING NEW TABLE AS new_commitments",
    "update": "REFERENCING OLD TABLE AS old_commitments NEW TABLE AS new_commitments",
    "delete": "REFERENCING OLD TABLE AS old_commitments",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_issue_search_vector")
    op.execute(
        "ALTER TABLE issue ADD COLUMN commitments_search_vector tsvector NOT NULL DEFAULT ''"
    )
    op.execute(CONCAT_AGGREGATE)
    op.execute(
        f"UPDATE issue SET commitments_search_vector = {COMMITMENT_WORDS} "
        "WHERE EXISTS (SELECT FROM commitment WHERE commitment.issue_id = issue.id)"
    )
    op.execute(REFRESH_FUNCTION)
    for event, transition_tables in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER issue_search_after_commitment_{event} "
            f"AFTER {event.upper()} ON commitment {transition_tables} "
            "FOR EACH STATEMENT EXECUTE FUNCTION issue_search_commitments_refresh()"
        )
    op.execute(
        "CREATE INDEX ix_issue_search_document ON issue "
        "USING gin ((search_vector || commitments_search_vector))"
    )
    op.execute("ANALYZE issue")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_issue_search_document")
    for event in TRIGGERS:
        op.execute(f"DROP TRIGGER issue_search_after_commitment_{event} ON commitment")
    op.execute("DROP FUNCTION issue_search_commitments_refresh()")
    op.execute("DROP AGGREGATE issue_search_concat(tsvector)")
    op.execute("ALTER TABLE issue DROP COLUMN commitments_search_vector")
    op.execute("CREATE INDEX ix_issue_search_vector ON issue USING gin (search_vector)")
