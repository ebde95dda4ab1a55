"""Writing the demo: checking the database is empty, then inserting the plan in bulk."""

from __future__ import annotations

import enum
import itertools
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker import clock
from tracker.demo.planning import AreaPlan, CommitmentPlan, DemoPlan, DemoPlanner
from tracker.demo.sizing import (
    DEFAULT_SEED,
    HISTORY_DAYS,
    DemoDataError,
    DemoSummary,
    demo_size,
)
from tracker.models import Commitment, Engagement, Issue, metadata
from tracker.references import allocate_numbers

#: Rows per batched INSERT. On PostgreSQL a table with more rows than this goes in by COPY.
INSERT_BATCH_SIZE = 5000
#: Tables that must be empty before the demo is loaded (staff accounts may exist).
CONTENT_TABLES = ("partner", "area", "theme", "community", "engagement", "issue", "commitment")


def database_is_empty(session: Session) -> bool:
    """True when no partner, place, topic, community, engagement, issue or commitment exists.

    Staff accounts do not count: an admin may be created before the demo is loaded.
    """
    connection = session.connection()
    for name in CONTENT_TABLES:
        table = metadata.tables[name]
        if connection.execute(sa.select(table.c.id).limit(1)).first() is not None:
            return False
    return True


def load_demo_data(
    session: Session,
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
) -> DemoSummary:
    """Write the fictional Riverside and Vale ICS into an empty database.

    Everything is written through ``session``'s transaction, which the caller
    commits. Dates are counted back from ``today`` (default: :func:`tracker.clock.today`),
    and nothing happens after it. Raises :class:`DemoDataError` if the database
    already holds records, so real data is never mixed with invented data.
    """
    size = demo_size(scale)
    if not database_is_empty(session):
        raise DemoDataError(
            "The database already holds partners or issues. Demo data is only "
            "loaded into an empty database, so it is never mixed with real records."
        )
    plan = DemoPlanner(size, random.Random(seed), today or clock.today()).plan()
    write_plan(session, plan)
    return DemoSummary(
        partners=len(plan.partners),
        areas=len(plan.areas),
        themes=len(plan.themes),
        communities=len(plan.communities),
        engagements=len(plan.engagements),
        issues=len(plan.issues),
        commitments=len(plan.commitments),
        updates=sum(len(commitment.updates) for commitment in plan.commitments),
    )


def write_plan(session: Session, plan: DemoPlan) -> None:
    """Insert the plan in bulk, choosing each record's id up front so links can use it."""
    writer = _RowWriter(session)

    def moment(day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time_of_day(hour), tzinfo=clock.LONDON).astimezone(UTC)

    founded = moment(plan.today - timedelta(days=HISTORY_DAYS + 60))
    partner_ids = writer.insert_returning_ids(
        "partner",
        [
            {
                "slug": partner.slug,
                "name": partner.name,
                "kind": partner.kind,
                "description": partner.description,
                "website": f"https://example.org/{partner.slug}",
                "created_at": founded,
                "updated_at": founded,
            }
            for partner in plan.partners
        ],
    )

    # Boroughs first, so the neighbourhoods can point at them.
    area_ids: dict[int, int] = {}
    for is_borough in (True, False):
        indexes = [i for i, area in enumerate(plan.areas) if (area.parent is None) == is_borough]
        rows = [
            {
                "slug": plan.areas[i].slug,
                "name": plan.areas[i].name,
                "parent_id": _parent_id(plan.areas[i], area_ids),
            }
            for i in indexes
        ]
        area_ids.update(zip(indexes, writer.insert_returning_ids("area", rows), strict=True))

    theme_ids = writer.insert_returning_ids(
        "theme",
        [
            {"slug": theme.slug, "name": theme.name, "description": theme.description}
            for theme in plan.themes
        ],
    )
    community_ids = writer.insert_returning_ids(
        "community",
        [
            {"slug": community.slug, "name": community.name, "description": community.description}
            for community in plan.communities
        ],
    )

    # Reference numbers come from the same counters that staff use, so the next
    # issue recorded by hand follows straight on from the demo's last one.
    first_engagement = allocate_numbers(
        session, Engagement.REFERENCE_PREFIX, len(plan.engagements)
    )[0]
    first_issue = allocate_numbers(session, Issue.REFERENCE_PREFIX, len(plan.issues))[0]
    first_commitment = allocate_numbers(
        session, Commitment.REFERENCE_PREFIX, len(plan.commitments)
    )[0]

    engagement_ids = writer.insert_returning_ids(
        "engagement",
        [
            {
                "number": first_engagement + engagement.number - 1,
                "title": engagement.title,
                "kind": engagement.kind,
                "summary": engagement.summary,
                "started_on": engagement.started_on,
                "ended_on": engagement.ended_on,
                "area_id": area_ids[engagement.area] if engagement.area is not None else None,
                "organising_partner_id": partner_ids[engagement.organising_partner],
                "participant_count": engagement.participant_count,
                "write_up_url": engagement.write_up_url,
                "created_at": moment(engagement.started_on),
                "updated_at": moment(engagement.ended_on or engagement.started_on, 15),
            }
            for engagement in plan.engagements
        ],
    )
    writer.insert(
        "engagement_community",
        [
            {"engagement_id": engagement_ids[index], "community_id": community_ids[community]}
            for index, engagement in enumerate(plan.engagements)
            for community in engagement.communities
        ],
    )

    issue_ids = writer.insert_returning_ids(
        "issue",
        [
            {
                "number": first_issue + issue.number - 1,
                "title": issue.title,
                "summary": issue.summary,
                "quotes": issue.quotes,
                "raised_on": issue.raised_on,
                "people_count": issue.people_count,
                "lead_partner_id": partner_ids[issue.lead_partner],
                "created_at": moment(issue.raised_on),
                "updated_at": moment(issue.raised_on),
            }
            for issue in plan.issues
        ],
    )
    links: list[tuple[str, str, str, list[int]]] = [
        ("issue_theme", "theme_id", "themes", theme_ids),
        ("issue_area", "area_id", "areas", [area_ids[i] for i in range(len(plan.areas))]),
        ("issue_community", "community_id", "communities", community_ids),
        ("issue_engagement", "engagement_id", "engagements", engagement_ids),
        ("issue_supporting_partner", "partner_id", "supporting_partners", partner_ids),
    ]
    for table, column, attribute, ids in links:
        writer.insert(
            table,
            [
                {"issue_id": issue_ids[issue.number - 1], column: ids[linked]}
                for issue in plan.issues
                for linked in getattr(issue, attribute)
            ],
        )

    commitment_ids = writer.insert_returning_ids(
        "commitment",
        [
            _commitment_row(commitment, first_commitment, issue_ids, partner_ids)
            for commitment in plan.commitments
        ],
    )
    writer.insert(
        "commitment_update",
        (
            {
                "commitment_id": commitment_id,
                "posted_at": update.posted_at,
                "narrative": update.narrative,
                "previous_status": update.previous_status,
                "new_status": update.new_status,
                "progress_percent": update.progress_percent,
                "previous_target_date": update.previous_target_date,
                "new_target_date": update.new_target_date,
                "reason": update.reason,
                "evidence_links": update.evidence_links,
                "author_id": None,
                "hidden_at": None,
                "hidden_reason": None,
                "hidden_by_id": None,
            }
            for commitment, commitment_id in zip(plan.commitments, commitment_ids, strict=True)
            for update in commitment.updates
        ),
    )


def _parent_id(area: AreaPlan, area_ids: Mapping[int, int]) -> int | None:
    return area_ids[area.parent] if area.parent is not None else None


def _commitment_row(
    commitment: CommitmentPlan,
    first_number: int,
    issue_ids: Sequence[int],
    partner_ids: Sequence[int],
) -> dict[str, Any]:
    assert commitment.issue is not None
    created_at = datetime.combine(
        commitment.committed_on, time_of_day(11), tzinfo=clock.LONDON
    ).astimezone(UTC)
    return {
        "number": first_number + commitment.number - 1,
        "issue_id": issue_ids[commitment.issue.number - 1],
        "partner_id": partner_ids[commitment.partner],
        "title": commitment.title,
        "description": commitment.description,
        "success_measure": commitment.success_measure,
        "accountable_role": commitment.accountable_role,
        "committed_on": commitment.committed_on,
        "original_target_date": commitment.original_target_date,
        "target_date": commitment.target_date,
        "status": commitment.status,
        "status_reason": commitment.status_reason,
        "delivered_on": commitment.delivered_on,
        "last_update_on": commitment.last_update_on,
        "created_at": created_at,
        "updated_at": commitment.updates[-1].posted_at if commitment.updates else created_at,
        # Each update changed the commitment once (its status or its last update date).
        "version": 1 + len(commitment.updates),
    }


class _RowWriter:
    """Bulk inserts in the session's transaction.

    Rows go in as batched INSERTs through the session, like any other write, which
    is also how the session notices a change to the public record and advances the
    data version (see :mod:`tracker.data_version`). On PostgreSQL a table of more
    than one batch is streamed with COPY instead: psycopg sends an executemany one
    row at a time, and the scale-170 dataset then takes several times longer.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.connection = session.connection()
        self.can_copy = self.connection.dialect.name == "postgresql"

    def insert_returning_ids(self, table_name: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` with ids chosen here, and return the ids in the order of ``rows``.

        Choosing ids up front lets every table go in with one kind of statement,
        where reading them back with RETURNING costs a round trip per row on SQLite.
        """
        if not rows:
            return []
        table = metadata.tables[table_name]
        if self.can_copy:
            # Ids come from the table's own sequence, so later inserts cannot collide.
            ids = sorted(
                self.connection.execute(
                    sa.text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :count)"
                    ),
                    {"table": table_name, "count": len(rows)},
                ).scalars()
            )
        else:
            # SQLite gives the next row max(id) + 1, so these never collide either.
            last_id = self.connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
            ids = list(range(last_id + 1, last_id + 1 + len(rows)))
        self.insert(table_name, ({"id": id_, **row} for id_, row in zip(ids, rows, strict=True)))
        return ids

    def insert(self, table_name: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert ``rows`` in batches of :data:`INSERT_BATCH_SIZE`, building each lazily."""
        table = metadata.tables[table_name]
        remaining = iter(rows)
        batch = list(itertools.islice(remaining, INSERT_BATCH_SIZE))
        if self.can_copy and len(batch) == INSERT_BATCH_SIZE:
            self.copy(table, itertools.chain(batch, remaining))
            return
        while batch:
            self.session.exec(sa.insert(table), params=batch)
            batch = list(itertools.islice(remaining, INSERT_BATCH_SIZE))

    def copy(self, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
        """Stream ``rows`` into ``table`` with PostgreSQL's COPY."""
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return
        columns = list(first)
        quote = self.connection.dialect.identifier_preparer.quote
        statement = (
            f"COPY {quote(table.name)} ({', '.join(quote(column) for column in columns)}) "
            "FROM STDIN"
        )
        driver_connection: Any = self.connection.connection.driver_connection
        with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write_row([_copy_value(first[column]) for column in columns])
            for row in iterator:
                copy.write_row([_copy_value(row[column]) for column in columns])


def _copy_value(value: Any) -> Any:
    """A value as COPY takes it: enums as their stored code, lists and dicts as JSON."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value
