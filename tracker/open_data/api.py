"""What the read-only JSON API (``/api/v1/``) answers, read with the pages' own code.

A list is the same selection as its page (:func:`select_issues`,
:func:`select_commitments`) and the same records as its download; a scorecard's
figures are the catalogue's, from the same snapshot the pages show. Every function
here raises :class:`RecordNotFound` for a reference or slug that names nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.addresses import public_url
from tracker.errors import RecordNotFound
from tracker.figures.catalogue import CATALOGUE, Shown, table_value
from tracker.figures.slices import SliceKind
from tracker.figures.snapshot import page_figures
from tracker.models import (
    Area,
    Commitment,
    Community,
    Issue,
    IssueSupportingPartnerLink,
    Partner,
    Theme,
    format_reference,
)
from tracker.open_data.downloads import (
    commitment_records_of,
    issue_records_of,
    partner_records,
    update_record,
)
from tracker.open_data.schema import (
    CommitmentDetailRecord,
    CommitmentPage,
    FigureRecord,
    FiguresRecord,
    IssueDetailRecord,
    IssuePage,
    Links,
    PartnerRecord,
    PlaceRecord,
    TargetDateMove,
)
from tracker.queries import commitments, issues
from tracker.queries.pagination import PAGE_SIZE

#: Builds the address of a page of a list, from its page number.
PageAddress = Callable[[int], str]

#: The models of the kinds of slice with pages of their own, their endpoints and nouns.
_PLACES: dict[SliceKind, tuple[Any, str, str]] = {
    SliceKind.PARTNER: (Partner, "public.partner", "partner"),
    SliceKind.THEME: (Theme, "public.theme", "theme"),
    SliceKind.AREA: (Area, "public.area", "area"),
    SliceKind.COMMUNITY: (Community, "public.community", "community"),
}


def issue_page(
    session: Session, wanted: issues.IssueFilters, today: date, address: PageAddress
) -> IssuePage:
    """A page of the issues ``wanted`` chooses, as ``/you-said`` lists them."""
    chosen = issues.select_issues(session, wanted)
    ids, total, number, pages, links, notices = _ids_of_page(
        session, chosen.matching, col(Issue.id), chosen.order, wanted.page, address
    )
    return IssuePage(
        data=list(issue_records_of(session, ids, today)),
        total=total,
        page=number,
        pages=pages,
        links=links,
        notices=[*chosen.notices, *notices],
    )


def commitment_page(
    session: Session,
    wanted: commitments.CommitmentFilters,
    today: date,
    threshold_days: int,
    address: PageAddress,
) -> CommitmentPage:
    """A page of the commitments ``wanted`` chooses, as ``/we-will`` lists them."""
    chosen = commitments.select_commitments(session, wanted, today, threshold_days)
    ids, total, number, pages, links, notices = _ids_of_page(
        session, chosen.matching, col(Commitment.id), chosen.order, wanted.page, address
    )
    return CommitmentPage(
        data=list(commitment_records_of(session, ids, today, threshold_days)),
        total=total,
        page=number,
        pages=pages,
        links=links,
        notices=[*chosen.notices, *notices],
    )


def _ids_of_page(
    session: Session,
    matching: Callable[..., sa.Select[Any]],
    id_column: Any,
    order: Sequence[Any],
    requested: int,
    address: PageAddress,
) -> tuple[list[int], int, int, int, Links, list[str]]:
    """The ids on page ``requested`` of a list, its total, the page's number, the number
    of pages, the links between pages, and a notice when the page asked for is past
    the end (the last page is given instead, as the site does)."""
    total = session.execute(matching(sa.func.count())).scalar_one()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(requested, pages)
    notices = []
    if requested > pages:
        notices.append(f"There is no page {requested:,}, so the last page is given.")
    ids = list(
        session.scalars(
            matching(id_column).order_by(*order).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        )
    )
    links = Links(
        self=address(number),
        first=address(1),
        last=address(pages),
        prev=address(number - 1) if number > 1 else None,
        next=address(number + 1) if number < pages else None,
    )
    return ids, total, number, pages, links, notices


def issue_detail(
    session: Session, number: int, today: date, threshold_days: int
) -> IssueDetailRecord:
    """The issue numbered ``number`` with the commitments that answer it."""
    reference = format_reference(Issue.REFERENCE_PREFIX, number)
    issue_id = session.scalar(sa.select(col(Issue.id)).where(col(Issue.number) == number))
    if issue_id is None:
        raise RecordNotFound(f"There is no issue with the reference {reference}.")
    (record,) = issue_records_of(session, [issue_id], today)
    supporting = session.scalars(
        sa.select(col(Partner.name))
        .join(
            IssueSupportingPartnerLink,
            col(IssueSupportingPartnerLink.partner_id) == col(Partner.id),
        )
        .where(col(IssueSupportingPartnerLink.issue_id) == issue_id)
        .order_by(col(Partner.name))
    )
    commitment_ids: list[int] = list(
        session.scalars(
            sa.select(col(Commitment.id))
            .where(col(Commitment.issue_id) == issue_id)
            .order_by(col(Commitment.committed_on), col(Commitment.number))
        )
    )
    return IssueDetailRecord(
        **record.model_dump(),
        supporting_partners=list(supporting),
        commitment_records=list(
            commitment_records_of(session, commitment_ids, today, threshold_days)
        ),
    )


def commitment_detail(
    session: Session, number: int, today: date, threshold_days: int
) -> CommitmentDetailRecord:
    """The commitment numbered ``number`` with its updates and target date moves, as
    its page shows them (a hidden update keeps only when and why it was hidden)."""
    detail = commitments.commitment_detail(session, number, today, threshold_days)
    commitment = detail.commitment
    assert commitment.id is not None
    (record,) = commitment_records_of(session, [commitment.id], today, threshold_days)
    return CommitmentDetailRecord(
        **record.model_dump(),
        updates=[update_record(entry.update, record.reference) for entry in detail.updates],
        target_date_moves=[
            TargetDateMove(
                moved_on=change.changed_on,
                previous_target_date=change.previous_target_date,
                new_target_date=change.new_target_date,
                reason=None if change.reason_hidden else change.reason,
            )
            for change in detail.target_dates.changes
        ],
    )


def partners(session: Session) -> list[PartnerRecord]:
    """Every partner, by name."""
    return list(partner_records(session))


def partner(session: Session, slug: str) -> PartnerRecord:
    """One partner by its slug."""
    found = next((record for record in partner_records(session) if record.slug == slug), None)
    if found is None:
        raise RecordNotFound(f"There is no partner with the slug {slug}.")
    return found


def places(session: Session, kind: SliceKind) -> list[PlaceRecord]:
    """Every theme, area or community, by name."""
    model, endpoint, _ = _PLACES[kind]
    rows = session.execute(sa.select(model).order_by(col(model.name))).scalars().all()
    slugs = {row.id: row.slug for row in rows}
    return [
        PlaceRecord(
            slug=row.slug,
            name=row.name,
            url=public_url(endpoint, slug=row.slug),
            within=slugs.get(getattr(row, "parent_id", None)),
        )
        for row in rows
    ]


def figures(
    session: Session, kind: SliceKind, slug: str | None, today: date, threshold_days: int
) -> FiguresRecord:
    """The scorecard figures of the whole system (``kind`` SYSTEM) or of one slice."""
    snapshot = page_figures(session, today, threshold_days)
    slice_args: dict[str, str] = {}
    if kind is SliceKind.SYSTEM:
        name, found = "The whole system", snapshot.system
    else:
        model, _, noun = _PLACES[kind]
        record = session.execute(sa.select(model.id, model.name).where(model.slug == slug)).first()
        if record is None:
            raise RecordNotFound(f"There is no {noun} with the slug {slug}.")
        name, found = record.name, snapshot.of(kind, record.id)
        slice_args = {noun: str(slug)}
    return FiguresRecord(
        slice=kind.value,
        slug=slug,
        name=name,
        judged_on=today,
        figures=[
            FigureRecord(
                key=figure.key,
                label=figure.label,
                definition=figure.describe(threshold_days),
                shown=figure.shown.value,
                value=found.value(figure.key),
                out_of=found.due_so_far if figure.shown is Shown.SHARE else None,
                as_shown=_as_shown(*table_value(figure, found)),
                list_url=public_url(figure.endpoint, **figure.list_args(slice_args)),
            )
            for figure in CATALOGUE.values()
        ],
    )


def _as_shown(value: str, detail: str | None) -> str:
    return value if detail is None else f"{value} ({detail})"
