"""The appendix: every open commitment, grouped by partner, with its latest update
and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.clock import local_date
from tracker.figures.slices import Slice
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Issue,
    Partner,
    Update,
    format_reference,
)
from tracker.queries.filters import (
    NO_RECENT_UPDATE,
    OPEN,
    OVERDUE,
    commitment_status_clause,
)
from tracker.reports.links import PublicLinks
from tracker.reports.silence import PartnerGroup, group_by_partner

NARRATIVE_LIMIT = 600


@dataclass(frozen=True)
class EvidenceLink:
    title: str
    #: Only ``http`` and ``https`` addresses are links; anything else is shown as text.
    url: str | None


@dataclass(frozen=True)
class LatestUpdate:
    posted_on: date
    narrative: str
    shortened: bool
    progress_percent: int | None
    evidence: list[EvidenceLink]


@dataclass(frozen=True)
class OpenCommitment:
    """An open commitment in the appendix, with its latest visible update."""

    reference: str
    title: str
    url: str
    issue_reference: str
    issue_url: str
    status: CommitmentStatus
    accountable_role: str
    committed_on: date
    target_date: date
    original_target_date: date
    overdue: bool
    no_recent_update: bool
    latest_update: LatestUpdate | None


# --- The appendix: every open commitment ----------------------------------------------------------


def _evidence(links: Any) -> list[EvidenceLink]:
    found = []
    for link in links or []:
        if not isinstance(link, dict):
            continue
        url = str(link.get("url") or "")
        title = str(link.get("title") or url)
        # A report links only to web pages; any other kind of address is shown as text.
        safe = url if url.lower().startswith(("https://", "http://")) else None
        found.append(EvidenceLink(title[:300], safe))
    return found


def _latest_update(update: Update) -> LatestUpdate:
    narrative = update.narrative.strip()
    shortened = len(narrative) > NARRATIVE_LIMIT
    if shortened:
        narrative = narrative[:NARRATIVE_LIMIT].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    return LatestUpdate(
        posted_on=local_date(update.posted_at),
        narrative=narrative,
        shortened=shortened,
        progress_percent=update.progress_percent,
        evidence=_evidence(update.evidence_links),
    )


def appendix_groups(
    session: Session, slice_: Slice, links: PublicLinks, as_at: date, threshold: int
) -> list[PartnerGroup]:
    """Every open commitment, by partner, with its latest visible update: two queries."""
    open_clause = commitment_status_clause(OPEN, as_at, threshold)
    overdue = commitment_status_clause(OVERDUE, as_at, threshold)
    silent = commitment_status_clause(NO_RECENT_UPDATE, as_at, threshold)
    scope = [slice_.commitments] if slice_.commitments is not None else []
    rows = session.execute(
        sa.select(
            Commitment,
            col(Partner.name),
            col(Partner.slug),
            col(Issue.number),
            overdue.label("overdue"),
            silent.label("silent"),
        )
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .join(Issue, col(Issue.id) == col(Commitment.issue_id))
        .where(open_clause, *scope)
        .order_by(sa.func.lower(col(Partner.name)), col(Commitment.number))
    ).all()
    ranked = (
        sa.select(
            col(Update.id).label("id"),
            sa.func.row_number()
            .over(
                partition_by=col(Update.commitment_id),
                order_by=(col(Update.posted_at).desc(), col(Update.id).desc()),
            )
            .label("position"),
        )
        .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
        .where(col(Update.hidden_at).is_(None), open_clause, *scope)
        .subquery("ranked")
    )
    latest = {
        update.commitment_id: update
        for update in session.exec(
            select(Update).join(ranked, ranked.c.id == col(Update.id)).where(ranked.c.position == 1)
        ).all()
    }
    grouped = []
    for commitment, partner_name, partner_slug, issue_number, is_overdue, is_silent in rows:
        issue_reference = format_reference(Issue.REFERENCE_PREFIX, issue_number)
        update = latest.get(commitment.id)
        grouped.append(
            (
                partner_name,
                partner_slug,
                OpenCommitment(
                    reference=commitment.reference,
                    title=commitment.title,
                    url=links.commitment(commitment.reference),
                    issue_reference=issue_reference,
                    issue_url=links.issue(issue_reference),
                    status=commitment.status,
                    accountable_role=commitment.accountable_role,
                    committed_on=commitment.committed_on,
                    target_date=commitment.target_date,
                    original_target_date=commitment.original_target_date,
                    overdue=bool(is_overdue),
                    no_recent_update=bool(is_silent),
                    latest_update=_latest_update(update) if update is not None else None,
                ),
            )
        )
    return group_by_partner(grouped, lambda slug: links.partner_commitments(slug, OPEN))
