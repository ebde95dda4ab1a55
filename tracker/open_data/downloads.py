"""Reading the published datasets, and writing them as CSV or JSON a part at a time.

Each dataset is read in chunks of :data:`CHUNK_SIZE` records, so a download of every
commitment holds a few hundred rows in memory at once however many there are, and
the response streams as it is read. A list's download reads the same selection as
its page (:func:`tracker.queries.commitments.select_commitments`,
:func:`tracker.queries.issues.select_issues`), in the same order, so the file holds
exactly the rows the page counts.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from tracker.addresses import public_url
from tracker.clock import local_date
from tracker.figures.catalogue import CATALOGUE
from tracker.figures.slices import SliceKind
from tracker.figures.snapshot import page_figures
from tracker.models import (
    Area,
    Commitment,
    Community,
    Engagement,
    EngagementCommunityLink,
    Issue,
    IssueAreaLink,
    IssueCommunityLink,
    IssueEngagementLink,
    IssueThemeLink,
    Partner,
    Theme,
    Update,
    format_reference,
)
from tracker.open_data.schema import (
    LICENCE_NAME,
    LICENCE_URL,
    PIPE_SEPARATED,
    CommitmentRecord,
    EngagementRecord,
    IssueRecord,
    PartnerRecord,
    SliceFiguresRecord,
    UpdateRecord,
)
from tracker.queries.commitments import CommitmentSelection
from tracker.queries.issues import IssueSelection
from tracker.rules import (
    STATUSES_NEEDING_REASON,
    days_since_raised,
    has_open_commitment_clause,
    is_overdue,
    no_recent_update,
    response_state_of,
)

CHUNK_SIZE = 500

#: What a spreadsheet would take a cell starting with as the start of a formula. Such a
#: cell is written with an apostrophe in front, which spreadsheets show as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK_SIZE):
        yield ids[start : start + CHUNK_SIZE]


def _in_order(rows: Iterable[Any], ids: Sequence[int]) -> list[Any]:
    by_id = {row.id: row for row in rows}
    return [by_id[record_id] for record_id in ids if record_id in by_id]


# --- Commitments ------------------------------------------------------------------

_COMMITMENT_COLUMNS: tuple[Any, ...] = (
    col(Commitment.id).label("id"),
    Commitment.number,
    Commitment.title,
    col(Issue.number).label("issue_number"),
    col(Partner.name).label("partner_name"),
    col(Partner.slug).label("partner_slug"),
    Commitment.status,
    Commitment.committed_on,
    Commitment.target_date,
    Commitment.original_target_date,
    Commitment.delivered_on,
    Commitment.last_update_on,
    Commitment.status_reason,
    Commitment.description,
    Commitment.success_measure,
    Commitment.accountable_role,
)


def commitment_records(
    session: Session, chosen: CommitmentSelection, today: date, threshold_days: int
) -> Iterator[CommitmentRecord]:
    """Every commitment ``chosen`` holds, in its list's order."""
    ids = list(session.scalars(chosen.matching(col(Commitment.id)).order_by(*chosen.order)))
    return commitment_records_of(session, ids, today, threshold_days)


def commitment_records_of(
    session: Session, ids: Sequence[int], today: date, threshold_days: int
) -> Iterator[CommitmentRecord]:
    """The commitments with these ids, in this order."""
    for chunk in _chunks(ids):
        rows = session.execute(
            sa.select(*_COMMITMENT_COLUMNS)
            .join(Partner, col(Partner.id) == col(Commitment.partner_id))
            .join(Issue, col(Issue.id) == col(Commitment.issue_id))
            .where(col(Commitment.id).in_(chunk))
        )
        for row in _in_order(rows, chunk):
            reference = format_reference(Commitment.REFERENCE_PREFIX, row.number)
            yield CommitmentRecord(
                reference=reference,
                url=public_url("public.commitment", reference=reference),
                title=row.title,
                issue_reference=format_reference(Issue.REFERENCE_PREFIX, row.issue_number),
                partner=row.partner_name,
                partner_slug=row.partner_slug,
                status=row.status,
                overdue=is_overdue(row, today),
                no_recent_update=no_recent_update(row, today, threshold_days),
                committed_on=row.committed_on,
                target_date=row.target_date,
                original_target_date=row.original_target_date,
                target_date_moved=row.target_date != row.original_target_date,
                delivered_on=row.delivered_on,
                last_update_on=row.last_update_on,
                # As the commitment's page: a reason only for a status that needs one.
                status_reason=row.status_reason if row.status in STATUSES_NEEDING_REASON else None,
                description=row.description,
                success_measure=row.success_measure,
                accountable_role=row.accountable_role,
            )


# --- Issues -------------------------------------------------------------------------

_COMMITMENT_COUNT = (
    sa.select(sa.func.count())
    .where(col(Commitment.issue_id) == col(Issue.id))
    .correlate(Issue)
    .scalar_subquery()
)
_ISSUE_COLUMNS: tuple[Any, ...] = (
    col(Issue.id).label("id"),
    Issue.number,
    Issue.title,
    Issue.summary,
    Issue.quotes,
    Issue.raised_on,
    Issue.people_count,
    col(Partner.name).label("lead_partner_name"),
    col(Partner.slug).label("lead_partner_slug"),
    _COMMITMENT_COUNT.label("commitment_count"),
    has_open_commitment_clause().label("has_open_commitment"),
)
_ISSUE_NAMES: tuple[tuple[str, Any, Any, Any], ...] = (
    ("themes", IssueThemeLink, Theme, IssueThemeLink.theme_id),
    ("areas", IssueAreaLink, Area, IssueAreaLink.area_id),
    ("communities", IssueCommunityLink, Community, IssueCommunityLink.community_id),
)


def _names_by_issue(session: Session, chunk: Sequence[int]) -> dict[str, dict[int, list[str]]]:
    """The theme, area and community names of each issue in ``chunk``, by name."""
    found: dict[str, dict[int, list[str]]] = {}
    for kind, link, named, named_id in _ISSUE_NAMES:
        names: dict[int, list[str]] = {}
        for issue_id, name in session.execute(
            sa.select(link.issue_id, named.name)
            .join(named, named.id == named_id)
            .where(col(link.issue_id).in_(chunk))
            .order_by(named.name)
        ):
            names.setdefault(issue_id, []).append(name)
        found[kind] = names
    return found


def issue_records(session: Session, chosen: IssueSelection, today: date) -> Iterator[IssueRecord]:
    """Every issue ``chosen`` holds, in its list's order."""
    ids = list(session.scalars(chosen.matching(col(Issue.id)).order_by(*chosen.order)))
    return issue_records_of(session, ids, today)


def issue_records_of(session: Session, ids: Sequence[int], today: date) -> Iterator[IssueRecord]:
    """The issues with these ids, in this order."""
    for chunk in _chunks(ids):
        rows = session.execute(
            sa.select(*_ISSUE_COLUMNS)
            .outerjoin(Partner, col(Partner.id) == col(Issue.lead_partner_id))
            .where(col(Issue.id).in_(chunk))
        )
        names = _names_by_issue(session, chunk)
        for row in _in_order(rows, chunk):
            reference = format_reference(Issue.REFERENCE_PREFIX, row.number)
            has_commitment = row.commitment_count > 0
            yield IssueRecord(
                reference=reference,
                url=public_url("public.issue", reference=reference),
                title=row.title,
                residents_said=row.summary,
                quotes=list(row.quotes or []),
                raised_on=row.raised_on,
                people_count=row.people_count,
                lead_partner=row.lead_partner_name,
                lead_partner_slug=row.lead_partner_slug,
                response=response_state_of(
                    has_commitment=has_commitment,
                    has_open_commitment=row.has_open_commitment,
                ),
                days_awaiting_response=None if has_commitment else days_since_raised(row, today),
                themes=names["themes"].get(row.id, []),
                areas=names["areas"].get(row.id, []),
                communities=names["communities"].get(row.id, []),
                commitments=row.commitment_count,
            )


# --- Updates and partners -------------------------------------------------------------


_UPDATE_COLUMNS: tuple[Any, ...] = (
    col(Update.id).label("id"),
    col(Commitment.number).label("commitment_number"),
    Update.posted_at,
    Update.previous_status,
    Update.new_status,
    Update.previous_target_date,
    Update.new_target_date,
    Update.progress_percent,
    Update.narrative,
    Update.reason,
    Update.evidence_links,
    Update.hidden_at,
    Update.hidden_reason,
)


def update_records(session: Session) -> Iterator[UpdateRecord]:
    """Every update, oldest first; a hidden one without its words."""
    after: tuple[Any, int] | None = None
    while True:
        statement = (
            sa.select(*_UPDATE_COLUMNS)
            .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
            .order_by(col(Update.posted_at), col(Update.id))
            .limit(CHUNK_SIZE)
        )
        if after is not None:
            statement = statement.where(
                sa.tuple_(col(Update.posted_at), col(Update.id)) > sa.tuple_(*after)
            )
        rows = session.execute(statement).all()
        if not rows:
            return
        for row in rows:
            yield update_record(
                row, format_reference(Commitment.REFERENCE_PREFIX, row.commitment_number)
            )
        after = (rows[-1].posted_at, rows[-1].id)


def update_record(row: Any, commitment_reference: str) -> UpdateRecord:
    """An update (an :class:`Update`, or a row with its columns) on the commitment
    ``commitment_reference``, as published: a hidden one without its words."""
    hidden = row.hidden_at is not None
    return UpdateRecord(
        commitment_reference=commitment_reference,
        posted_on=local_date(row.posted_at),
        previous_status=row.previous_status,
        new_status=row.new_status,
        previous_target_date=row.previous_target_date,
        new_target_date=row.new_target_date,
        progress_percent=row.progress_percent,
        body=None if hidden else row.narrative,
        reason=None if hidden else row.reason,
        evidence_urls=[] if hidden else [link.get("url", "") for link in row.evidence_links or []],
        hidden=hidden,
        hidden_on=local_date(row.hidden_at) if hidden else None,
        hidden_reason=row.hidden_reason if hidden else None,
    )


def engagement_records(session: Session) -> Iterator[EngagementRecord]:
    """Every engagement, newest first, with the communities and issues heard there."""
    ids: list[int] = list(
        session.scalars(
            sa.select(col(Engagement.id)).order_by(
                col(Engagement.started_on).desc(), col(Engagement.number).desc()
            )
        )
    )
    organiser = aliased(Partner)
    for chunk in _chunks(ids):
        rows = session.execute(
            sa.select(
                col(Engagement.id).label("id"),
                col(Engagement.number),
                col(Engagement.title),
                col(Engagement.kind),
                col(Engagement.summary),
                col(Engagement.started_on),
                col(Engagement.ended_on),
                col(Area.name).label("area_name"),
                col(organiser.name).label("organiser_name"),
                col(Engagement.participant_count),
                col(Engagement.write_up_url),
            )
            .outerjoin(Area, col(Area.id) == col(Engagement.area_id))
            .outerjoin(organiser, col(organiser.id) == col(Engagement.organising_partner_id))
            .where(col(Engagement.id).in_(chunk))
        )
        communities: dict[int, list[str]] = {}
        for engagement_id, name in session.execute(
            sa.select(col(EngagementCommunityLink.engagement_id), col(Community.name))
            .join(Community, col(Community.id) == col(EngagementCommunityLink.community_id))
            .where(col(EngagementCommunityLink.engagement_id).in_(chunk))
            .order_by(col(Community.name))
        ):
            communities.setdefault(engagement_id, []).append(name)
        heard: dict[int, list[str]] = {}
        for engagement_id, number in session.execute(
            sa.select(col(IssueEngagementLink.engagement_id), col(Issue.number))
            .join(Issue, col(Issue.id) == col(IssueEngagementLink.issue_id))
            .where(col(IssueEngagementLink.engagement_id).in_(chunk))
            .order_by(col(Issue.number))
        ):
            heard.setdefault(engagement_id, []).append(
                format_reference(Issue.REFERENCE_PREFIX, number)
            )
        for row in _in_order(rows, chunk):
            reference = format_reference(Engagement.REFERENCE_PREFIX, row.number)
            yield EngagementRecord(
                reference=reference,
                url=public_url("public.engagement", reference=reference),
                title=row.title,
                kind=row.kind,
                summary=row.summary,
                started_on=row.started_on,
                ended_on=row.ended_on,
                area=row.area_name,
                organiser=row.organiser_name,
                communities=communities.get(row.id, []),
                participants=row.participant_count,
                write_up_url=row.write_up_url,
                issues=heard.get(row.id, []),
            )


def figure_records(session: Session, today: date, threshold_days: int) -> Iterator[BaseModel]:
    """The figures of the whole system, then of every partner, theme, area and
    community by name: from the snapshot the scorecards show."""
    snapshot = page_figures(session, today, threshold_days)
    slices: list[tuple[SliceKind, int | None, str | None, str]] = [
        (SliceKind.SYSTEM, None, None, "The whole system")
    ]
    for kind, model in (
        (SliceKind.PARTNER, Partner),
        (SliceKind.THEME, Theme),
        (SliceKind.AREA, Area),
        (SliceKind.COMMUNITY, Community),
    ):
        for record_id, slug, name in session.execute(
            sa.select(col(model.id), col(model.slug), col(model.name)).order_by(col(model.name))
        ):
            slices.append((kind, record_id, slug, name))
    for kind, record_id, slug, name in slices:
        figures = snapshot.of(kind, record_id)
        yield SliceFiguresRecord(
            slice=kind.value,
            slug=slug,
            name=name,
            judged_on=today,
            due_so_far=figures.due_so_far,
            **{key: figures.value(key) for key in CATALOGUE},
        )


def partner_records(session: Session) -> Iterator[PartnerRecord]:
    """Every partner, by name."""
    for partner in session.scalars(sa.select(Partner).order_by(col(Partner.name))):
        yield PartnerRecord(
            slug=partner.slug,
            name=partner.name,
            kind=partner.kind,
            website=partner.website,
            url=public_url("public.partner", slug=partner.slug),
        )


# --- Writing ----------------------------------------------------------------------


def _csv_cell(name: str, value: Any) -> Any:
    if isinstance(value, list):
        separator = " | " if name in PIPE_SEPARATED else "; "
        value = separator.join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_lines(model: type[BaseModel], records: Iterable[BaseModel]) -> Iterator[str]:
    """``records`` as CSV, a line at a time: a header of field names, then one row each.

    Starts with a byte-order mark, so spreadsheets read it as UTF-8. A text cell that
    starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
    written with an apostrophe in front, so a spreadsheet shows it as text and never
    runs it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = list(model.model_fields)
    writer.writerow(names)
    yield "\ufeff" + buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        values = record.model_dump(mode="json")
        writer.writerow([_csv_cell(name, values[name]) for name in names])
        yield buffer.getvalue()


def json_lines(about: dict[str, Any], key: str, records: Iterable[BaseModel]) -> Iterator[str]:
    """One JSON document, a record at a time: ``about`` (what the file is), the licence,
    and the records as a list under ``key``."""
    head = {**about, "licence": {"name": LICENCE_NAME, "url": LICENCE_URL}}
    yield json.dumps(head, ensure_ascii=False)[:-1] + f', "{key}": ['
    separator = "\n"
    for record in records:
        yield separator + record.model_dump_json()
        separator = ",\n"
    yield "\n]}\n"
