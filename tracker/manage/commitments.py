"""Commitments and their updates in the workspace: the rules, the writes, the dashboard.

Every change to a commitment goes through this module, so the public history
cannot lie (PRODUCT.md: nothing public changes without a trace):

- :func:`post_update` is the only way a status or a target date changes: each
  change is an :class:`~tracker.models.Update`, shown on the public page.
- :func:`edit_commitment` changes only the words (title, description, how we'll
  know, accountable role).
- :func:`make_commitment` makes a new commitment on an issue.

Each write checks the partner scope first, writes the record and its audit event
in one transaction, and commits. Writes to an existing commitment are refused with
:class:`CommitmentChanged` when it changed after the person's form was rendered
(the form carries ``Commitment.version``; SQLAlchemy's version check catches the
rare race between two saves), so nobody overwrites a change they have not seen.

The rules of an update (:func:`update_problems`, :func:`apply_update`) are plain
functions of a loaded commitment, unit-tested without a database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker import audit, clock
from tracker.clock import local_date
from tracker.errors import RecordNotFound, TrackerError
from tracker.manage import permissions
from tracker.models import (
    AuditEvent,
    Commitment,
    CommitmentStatus,
    Issue,
    Partner,
    Role,
    Update,
    User,
    format_reference,
)
from tracker.public.commitments import due_within_clause
from tracker.public.queries import PAGE_SIZE, Page, page_number, relationship, row_offset
from tracker.references import allocate_number
from tracker.rendering import format_date
from tracker.rules import (
    CLOSED_STATUSES,
    STATUSES_NEEDING_REASON,
    is_closed,
    is_overdue,
    no_recent_update,
    no_recent_update_clause,
    overdue_clause,
)

# --- Limits -----------------------------------------------------------------------

NARRATIVE_MAX = 5_000
REASON_MAX = 2_000
EVIDENCE_LINKS_MAX = 3
EVIDENCE_TITLE_MAX = 200
EVIDENCE_URL_MAX = 500
TITLE_MAX = 200
DESCRIPTION_MAX = 5_000
SUCCESS_MEASURE_MAX = 2_000
ACCOUNTABLE_ROLE_MAX = 200
#: An open commitment due within this many days is listed straight after the
#: Overdue and No recent update ones on the dashboard.
DUE_SOON_DAYS = 30

#: The words a person can change by editing; status and target date change only
#: by posting an update, so every such change is in the public history.
EDITABLE_FIELDS = ("title", "description", "success_measure", "accountable_role")
FIELD_LABELS = {
    "title": "Title",
    "description": "What will be done",
    "success_measure": "How we'll know it worked",
    "accountable_role": "Accountable role",
    "status": "Status",
    "target_date": "Target date",
    "partner_id": "Partner",
}


STATUS_BY_CODE = {status.value: status for status in CommitmentStatus}


# --- Expected failures ------------------------------------------------------------


class CommitmentChanged(TrackerError):
    """Someone changed the commitment after the person's form was rendered."""

    status_code = 409

    def __init__(self, commitment_id: int, seen_version: int) -> None:
        super().__init__("This commitment changed while you were editing it, so nothing was saved.")
        self.commitment_id = commitment_id
        self.seen_version = seen_version


class InvalidChange(TrackerError):
    """The change breaks a rule; ``problems`` maps each form field to what to fix."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = dict(problems)


# --- Evidence links ---------------------------------------------------------------


def web_address_problem(url: str) -> str | None:
    """What is wrong with ``url`` as an evidence link, or None when it is fine.

    Only absolute http and https addresses are accepted: a ``javascript:`` or
    ``ftp://`` address, or one without a host, would be no use to a resident.
    """
    if len(url) > EVIDENCE_URL_MAX:
        return f"Evidence link address must be {EVIDENCE_URL_MAX} characters or fewer"
    if any(character.isspace() for character in url) or any(
        ord(character) < 32 for character in url
    ):
        return "Enter a web address without spaces, like https://www.example.nhs.uk/report"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        return "Enter a web address that starts with https:// or http://"
    if "." not in host and host != "localhost":
        return "Enter a full web address, like https://www.example.nhs.uk/report"
    return None


def evidence_links(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Title and address pairs as stored; a link without a title is titled by its address."""
    links = []
    for title, url in pairs:
        title, url = title.strip(), url.strip()
        if url:
            links.append({"title": title or url, "url": url})
    return links


# --- The rules of an update -------------------------------------------------------


@dataclass(frozen=True)
class UpdateInput:
    """What a person posts as an update, already checked field by field."""

    narrative: str
    #: None leaves the status as it is.
    new_status: CommitmentStatus | None = None
    progress_percent: int | None = None
    #: None leaves the target date as it is.
    new_target_date: date | None = None
    #: Public: why the status or target date changed.
    reason: str = ""
    evidence_links: list[dict[str, str]] = field(default_factory=list)


def status_after(commitment: Commitment, change: UpdateInput) -> CommitmentStatus:
    """The status the commitment will have once ``change`` is posted."""
    return change.new_status or commitment.status


def moves_target_date(commitment: Commitment, change: UpdateInput) -> bool:
    """True when ``change`` gives a target date other than the current one."""
    return change.new_target_date is not None and change.new_target_date != commitment.target_date


def changes_status(commitment: Commitment, change: UpdateInput) -> bool:
    return status_after(commitment, change) is not commitment.status


def update_problems(commitment: Commitment, change: UpdateInput, today: date) -> dict[str, str]:
    """What must be fixed before ``change`` can be posted, keyed by form field.

    PRODUCT.md: Delayed comes with a new target date and a reason; Not going ahead
    only with a public reason; and a changed target date is never silent, so every
    move needs a reason too. A new target date cannot be in the past.
    """
    problems: dict[str, str] = {}
    new_status = status_after(commitment, change)
    becomes = changes_status(commitment, change)
    moved = moves_target_date(commitment, change)
    if moved and change.new_target_date is not None and change.new_target_date < today:
        problems["new_target_date"] = (
            f"New target date must be today or in the future (today is {format_date(today)})"
        )
    if becomes and new_status is CommitmentStatus.DELAYED:
        if not moved:
            problems.setdefault(
                "new_target_date", "Enter the new target date for a delayed commitment"
            )
        elif (
            change.new_target_date is not None and change.new_target_date <= commitment.target_date
        ):
            problems.setdefault(
                "new_target_date",
                "New target date for a delayed commitment must be after the current one, "
                f"{format_date(commitment.target_date)}",
            )
    if not change.reason.strip():
        if becomes and new_status is CommitmentStatus.DELAYED:
            problems["reason"] = "Enter the reason it is delayed: it is shown to the public"
        elif becomes and new_status is CommitmentStatus.NOT_GOING_AHEAD:
            problems["reason"] = "Enter the reason it is not going ahead: it is shown to the public"
        elif moved:
            problems["reason"] = (
                "Enter the reason the target date is changing: it is shown to the public"
            )
    return problems


def apply_update(
    commitment: Commitment, change: UpdateInput, *, author: User | None, today: date
) -> Update:
    """Change ``commitment`` as ``change`` says and return the update that records it.

    The update keeps the status before and after (as the demo data and the public
    history read them) and, when the target date moves, the dates before and after.
    Delivered sets the delivery date; leaving Delivered clears it. Delayed and Not
    going ahead keep the reason as the commitment's public status reason. The date
    first promised never changes. Does not check :func:`update_problems`.
    """
    previous_status = commitment.status
    new_status = status_after(commitment, change)
    moved = moves_target_date(commitment, change)
    previous_target_date = commitment.target_date
    reason = change.reason.strip() or None

    update = Update(
        commitment_id=commitment.id,  # type: ignore[arg-type]
        posted_at=clock.now(),
        narrative=change.narrative,
        previous_status=previous_status,
        new_status=new_status,
        progress_percent=change.progress_percent,
        previous_target_date=previous_target_date if moved else None,
        new_target_date=change.new_target_date if moved else None,
        reason=reason,
        evidence_links=list(change.evidence_links),
        author_id=author.id if author is not None else None,
    )
    update.commitment = commitment

    standing = _standing_after(
        _standing_of(commitment), new_status, moved=moved, reason=reason, on=today
    )
    commitment.status = standing.status
    commitment.status_reason = standing.status_reason
    commitment.delivered_on = standing.delivered_on
    if moved and change.new_target_date is not None:
        commitment.target_date = change.new_target_date
    commitment.last_update_on = today
    commitment.updated_at = clock.now()
    return update


@dataclass(frozen=True)
class _Standing:
    """What the updates posted so far have made of a commitment's status."""

    status: CommitmentStatus
    status_reason: str | None
    delivered_on: date | None


def _standing_of(commitment: Commitment) -> _Standing:
    return _Standing(commitment.status, commitment.status_reason, commitment.delivered_on)


def _standing_after(
    standing: _Standing,
    new_status: CommitmentStatus,
    *,
    moved: bool,
    reason: str | None,
    on: date,
) -> _Standing:
    """``standing`` once an update posted ``on`` gives ``new_status`` (and ``reason``).

    Delivered sets the delivery date; leaving Delivered clears it. Delayed and Not
    going ahead keep the reason given when the status was set or the target date
    moved as the public status reason; any other status has none.
    """
    delivered_on = standing.delivered_on
    if new_status is CommitmentStatus.DELIVERED and standing.status is not new_status:
        delivered_on = on
    elif new_status is not CommitmentStatus.DELIVERED:
        delivered_on = None
    status_reason = standing.status_reason
    if new_status in STATUSES_NEEDING_REASON:
        if (new_status is not standing.status or moved) and reason:
            status_reason = reason
    else:
        status_reason = None
    return _Standing(new_status, status_reason, delivered_on)


#: What an update writes onto its commitment that hiding it may change
#: (:func:`restate_from_visible_updates`).
RESTATED_FIELDS = ("status", "status_reason", "delivered_on", "last_update_on")


def restate_from_visible_updates(commitment: Commitment, updates: Iterable[Update]) -> None:
    """Set what ``commitment`` shows from ``updates`` (all of its updates) not hidden.

    PRODUCT.md: a hidden update leaves a public trace with the reason, and nothing
    else of it. So once an update is hidden, what the updates wrote onto the
    commitment (:func:`apply_update`) is worked out again as if only the visible
    ones had been posted, oldest first, by the same steps:

    - **status**: from the status before the first update (the one it records;
      Not started, as every commitment starts, when it records none), each visible
      update's new status in turn. A status set only by a hidden update is undone:
      a status is shown only with a visible update behind it, as Delayed and Not
      going ahead need a public reason, and Delivered should show what was done.
      The public history still shows the hidden update's change of status, beside
      when and why it was hidden.
    - **status reason**: the reason of the visible update that last set Delayed or
      Not going ahead or moved the date while in it; none otherwise. A hidden
      update's reason is never kept, even when a later visible update kept its
      status.
    - **delivery date**: the day the visible update that made it Delivered was
      posted; none when it is not Delivered.
    - **date of last update** ("No recent update" counts from it): the day the
      latest visible update was posted; none when every update is hidden.

    The **target date** is not changed: a changed target date is never hidden
    (PRODUCT.md), so a move made by a hidden update stands, and the history shows
    it without its reason (``public.commitments.target_date_history``). Progress
    and evidence are not stored on the commitment: every page and report reads
    them from the latest visible update. Nothing else an update writes is copied
    anywhere else (search indexes only the commitment's own words).
    """
    in_order = sorted(updates, key=lambda update: (_aware(update.posted_at), update.id or 0))
    if not in_order:
        return
    standing = _Standing(in_order[0].previous_status or CommitmentStatus.NOT_STARTED, None, None)
    visible = [update for update in in_order if not update.is_hidden]
    for update in visible:
        standing = _standing_after(
            standing,
            update.new_status or standing.status,
            moved=update.changes_target_date,
            reason=update.reason,
            on=local_date(update.posted_at),
        )
    commitment.status = standing.status
    commitment.status_reason = standing.status_reason
    commitment.delivered_on = standing.delivered_on
    commitment.last_update_on = local_date(visible[-1].posted_at) if visible else None


# --- Writes -----------------------------------------------------------------------


def _check_version(commitment: Commitment, seen_version: int) -> None:
    if commitment.version != seen_version:
        raise CommitmentChanged(commitment.id or 0, seen_version)


def _flush_or_conflict(session: Session, commitment: Commitment, seen_version: int) -> None:
    # The version check above reads the row this transaction sees; a save that
    # commits in between makes SQLAlchemy's versioned UPDATE match no row.
    commitment_id = commitment.id or 0
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise CommitmentChanged(commitment_id, seen_version) from None


UPDATE_FIELDS = (
    "id",
    "narrative",
    "previous_status",
    "new_status",
    "progress_percent",
    "previous_target_date",
    "new_target_date",
    "reason",
    "evidence_links",
)


def post_update(
    session: Session,
    *,
    actor: User,
    commitment: Commitment,
    change: UpdateInput,
    seen_version: int,
    today: date,
) -> Update:
    """Post ``change`` on ``commitment`` as ``actor``, with its audit event, and commit.

    Raises :class:`~tracker.manage.permissions.Forbidden` for another partner's
    commitment, :class:`CommitmentChanged` when the commitment is no longer at
    ``seen_version``, and :class:`InvalidChange` when a rule of
    :func:`update_problems` is broken. Nothing is stored when it raises.
    """
    permissions.ensure(permissions.may_change_commitment(actor, commitment))
    _check_version(commitment, seen_version)
    problems = update_problems(commitment, change, today)
    if problems:
        raise InvalidChange(problems)

    before = audit.snapshot(commitment, ("status", "target_date", "version"))
    update = apply_update(commitment, change, author=actor, today=today)
    session.add(update)
    _flush_or_conflict(session, commitment, seen_version)
    audit.record(
        session,
        actor=actor,
        action="commitment.update_posted",
        entity_type="commitment",
        entity_id=commitment.id,
        before=before,
        after={
            **audit.snapshot(update, UPDATE_FIELDS),
            "update_id": update.id,
            "status": commitment.status,
            "target_date": commitment.target_date,
            "version": commitment.version,
        },
    )
    session.commit()
    return update


@dataclass(frozen=True)
class CommitmentText:
    """The words of a commitment: everything but its status and dates."""

    title: str
    description: str
    success_measure: str
    accountable_role: str


def edit_commitment(
    session: Session,
    *,
    actor: User,
    commitment: Commitment,
    text: CommitmentText,
    seen_version: int,
) -> bool:
    """Save new words for ``commitment``; False when nothing differed (nothing is written).

    Raises :class:`~tracker.manage.permissions.Forbidden` for another partner's
    commitment and :class:`CommitmentChanged` when it is no longer at ``seen_version``.
    The audit event holds each changed field before and after.
    """
    permissions.ensure(permissions.may_change_commitment(actor, commitment))
    _check_version(commitment, seen_version)
    before = audit.snapshot(commitment, EDITABLE_FIELDS)
    for name in EDITABLE_FIELDS:
        setattr(commitment, name, getattr(text, name))
    old, new = audit.changed(before, audit.snapshot(commitment, EDITABLE_FIELDS))
    if not new:
        return False
    commitment.updated_at = clock.now()
    _flush_or_conflict(session, commitment, seen_version)
    audit.record(
        session,
        actor=actor,
        action="commitment.edited",
        entity_type="commitment",
        entity_id=commitment.id,
        before={**old, "version": seen_version},
        after={**new, "version": commitment.version},
    )
    session.commit()
    return True


def target_date_problem(target_date: date, today: date) -> str | None:
    """A new commitment's target date must be today or later."""
    if target_date < today:
        return f"Target date must be today or in the future (today is {format_date(today)})"
    return None


def may_commit_for(user: User, issue: Issue, partner_id: int) -> bool:
    """True when ``user`` may make a commitment on ``issue`` for the partner ``partner_id``.

    The team may make one for any partner. A partner lead may make one only for
    their own partner, and only on an issue their partner leads or supports.
    """
    if not permissions.may_respond_to_issue(user, issue):
        return False
    return permissions.is_team(user) or (
        user.role is Role.PARTNER and user.partner_id == partner_id
    )


CREATED_FIELDS = (
    "number",
    "issue_id",
    "partner_id",
    *EDITABLE_FIELDS,
    "committed_on",
    "original_target_date",
    "target_date",
    "status",
    "version",
)


def make_commitment(
    session: Session,
    *,
    actor: User,
    issue: Issue,
    partner_id: int,
    text: CommitmentText,
    target_date: date,
    today: date,
) -> Commitment:
    """Make a commitment on ``issue`` for the partner ``partner_id``, audited, and commit.

    It starts Not started, made today, with the target date as the date first
    promised, and the next ``WW-`` reference. Raises
    :class:`~tracker.manage.permissions.Forbidden` when :func:`may_commit_for`
    refuses, :class:`InvalidChange` for a past target date or an unknown partner.
    """
    permissions.ensure(may_commit_for(actor, issue, partner_id))
    problem = target_date_problem(target_date, today)
    if problem:
        raise InvalidChange({"target_date": problem})
    if session.get(Partner, partner_id) is None:
        raise InvalidChange({"partner": "Select the partner making this commitment"})
    commitment = Commitment(
        number=allocate_number(session, Commitment.REFERENCE_PREFIX),
        issue_id=issue.id,  # type: ignore[arg-type]
        partner_id=partner_id,
        title=text.title,
        description=text.description,
        success_measure=text.success_measure,
        accountable_role=text.accountable_role,
        committed_on=today,
        original_target_date=target_date,
        target_date=target_date,
        status=CommitmentStatus.NOT_STARTED,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    session.add(commitment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="commitment.created",
        entity_type="commitment",
        entity_id=commitment.id,
        after=audit.snapshot(commitment, CREATED_FIELDS),
    )
    session.commit()
    return commitment


# --- Finding records --------------------------------------------------------------


def find_commitment(session: Session, number: int) -> Commitment:
    """The commitment numbered ``number`` with its partner and issue, or RecordNotFound."""
    commitment = session.exec(
        select(Commitment)
        .where(col(Commitment.number) == number)
        .options(
            joinedload(relationship(Commitment.partner)),
            joinedload(relationship(Commitment.issue)),
        )
    ).one_or_none()
    if commitment is None:
        raise RecordNotFound(
            f"There is no commitment {format_reference(Commitment.REFERENCE_PREFIX, number)}."
        )
    return commitment


def find_issue(session: Session, number: int) -> Issue:
    """The issue numbered ``number`` with its lead and supporting partners, or RecordNotFound."""
    issue = session.exec(
        select(Issue)
        .where(col(Issue.number) == number)
        .options(
            joinedload(relationship(Issue.lead_partner)),
            selectinload(relationship(Issue.supporting_partners)),
        )
    ).one_or_none()
    if issue is None:
        raise RecordNotFound(
            f"There is no issue {format_reference(Issue.REFERENCE_PREFIX, number)}."
        )
    return issue


def partner_choices(session: Session) -> list[tuple[int, str]]:
    """Every partner as (id, name), by name, for the team's partner select."""
    rows = session.exec(select(Partner.id, Partner.name).order_by(col(Partner.name))).all()
    return [(partner_id, name) for partner_id, name in rows if partner_id is not None]


# --- The dashboard ----------------------------------------------------------------


class Urgency(enum.IntEnum):
    """How soon an open commitment needs attention; the dashboard lists the lowest first."""

    OVERDUE = 0
    NO_RECENT_UPDATE = 1
    DUE_SOON = 2
    OPEN = 3
    FINISHED = 4

    @property
    def label(self) -> str:
        return {
            Urgency.OVERDUE: "Overdue",
            Urgency.NO_RECENT_UPDATE: "No recent update",
            Urgency.DUE_SOON: f"Due in the next {DUE_SOON_DAYS} days",
            Urgency.OPEN: "Other open commitments",
            Urgency.FINISHED: "Delivered or not going ahead",
        }[self]


def urgency_of(commitment: Commitment, today: date, threshold_days: int) -> Urgency:
    """The first of Overdue, No recent update, due soon, open, finished that applies."""
    if is_closed(commitment.status):
        return Urgency.FINISHED
    if is_overdue(commitment, today):
        return Urgency.OVERDUE
    if no_recent_update(commitment, today, threshold_days):
        return Urgency.NO_RECENT_UPDATE
    if commitment.target_date <= today + timedelta(days=DUE_SOON_DAYS):
        return Urgency.DUE_SOON
    return Urgency.OPEN


def urgency_clause(today: date, threshold_days: int) -> ColumnElement[int]:
    """SQL form of :func:`urgency_of`, for ordering."""
    return sa.case(
        (col(Commitment.status).in_(CLOSED_STATUSES), int(Urgency.FINISHED)),
        (overdue_clause(today), int(Urgency.OVERDUE)),
        (no_recent_update_clause(today, threshold_days), int(Urgency.NO_RECENT_UPDATE)),
        (due_within_clause(today, DUE_SOON_DAYS), int(Urgency.DUE_SOON)),
        else_=int(Urgency.OPEN),
    )


SHOW_OPEN = "open"
SHOW_FINISHED = "finished"


@dataclass(frozen=True)
class DashboardRow:
    """A commitment as the dashboard lists it, with its flags."""

    commitment: Commitment
    urgency: Urgency
    overdue: bool
    no_recent_update: bool


def dashboard_row(commitment: Commitment, today: date, threshold_days: int) -> DashboardRow:
    """``commitment`` with its flags and urgency (partner and issue already loaded)."""
    return DashboardRow(
        commitment=commitment,
        urgency=urgency_of(commitment, today, threshold_days),
        overdue=is_overdue(commitment, today),
        no_recent_update=no_recent_update(commitment, today, threshold_days),
    )


@dataclass(frozen=True)
class PartnerOption:
    slug: str
    name: str


@dataclass(frozen=True)
class Dashboard:
    """One page of the commitments a person looks after, most urgent first."""

    page: Page[DashboardRow]
    show: str
    open_count: int
    finished_count: int
    #: The partner shown: a partner lead's own, or the team's filter (None: all).
    partner: PartnerOption | None
    #: The team's filter choices; empty for a partner lead.
    partners: list[PartnerOption]
    notices: tuple[str, ...] = ()

    def query_args(self, **overrides: str | None) -> dict[str, str]:
        """The address's filters (page not included), for links that keep them."""
        args: dict[str, str | None] = {
            "partner": self.partner.slug if self.partner and self.partners else None,
            "show": self.show if self.show != SHOW_OPEN else None,
        }
        args.update(overrides)
        return {name: value for name, value in args.items() if value}


def dashboard(
    session: Session,
    user: User,
    *,
    partner_slug: str | None,
    show: str | None,
    page: int,
    today: date,
    threshold_days: int,
) -> Dashboard:
    """The commitments ``user`` looks after: a partner lead's own partner's, or everyone's.

    Open commitments come most urgent first (:class:`Urgency`), then by target date;
    finished ones (Delivered, Not going ahead) are a separate list, most recently
    active first. The team may filter by partner (an unknown slug is ignored with a
    notice). At most three queries however many commitments there are: the partners
    (the team's filter, or the partner lead's own), the counts, and the page with
    each commitment's partner and issue.
    """
    notices: list[str] = []
    show = SHOW_FINISHED if show == SHOW_FINISHED else SHOW_OPEN
    options: list[PartnerOption] = []
    partner: PartnerOption | None = None
    partner_id: int | None = None
    if permissions.is_team(user):
        rows = session.exec(
            select(Partner.id, Partner.slug, Partner.name).order_by(col(Partner.name))
        ).all()
        options = [PartnerOption(slug, name) for _, slug, name in rows]
        if partner_slug:
            found = next((row for row in rows if row[1] == partner_slug), None)
            if found is None:
                notices.append(
                    "The partner in the address was not found, so every partner's "
                    "commitments are shown."
                )
            else:
                partner_id = found[0]
                partner = PartnerOption(found[1], found[2])
    else:
        partner_id = user.partner_id if user.partner_id is not None else -1
        own = session.get(Partner, partner_id)
        partner = PartnerOption(own.slug, own.name) if own is not None else None

    scope: list[ColumnElement[bool]] = []
    if partner_id is not None:
        scope.append(col(Commitment.partner_id) == partner_id)
    closed = col(Commitment.status).in_(CLOSED_STATUSES)
    open_count, finished_count = session.exec(
        select(
            sa.func.coalesce(sa.func.sum(sa.case((closed, 0), else_=1)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((closed, 1), else_=0)), 0),
        ).where(*scope)
    ).one()
    total = int(finished_count if show == SHOW_FINISHED else open_count)
    number = page_number(page, total)
    if show == SHOW_FINISHED:
        conditions = [*scope, closed]
        order: list[Any] = [
            sa.func.coalesce(Commitment.last_update_on, Commitment.committed_on).desc(),
            col(Commitment.number).desc(),
        ]
    else:
        conditions = [*scope, ~closed]
        order = [
            urgency_clause(today, threshold_days),
            col(Commitment.target_date).asc(),
            col(Commitment.number).asc(),
        ]
    commitments = session.exec(
        select(Commitment)
        .where(*conditions)
        .options(
            joinedload(relationship(Commitment.partner)),
            joinedload(relationship(Commitment.issue)),
        )
        .order_by(*order)
        .offset(row_offset(number))
        .limit(PAGE_SIZE)
    ).all()
    rows_on_page = [dashboard_row(commitment, today, threshold_days) for commitment in commitments]
    return Dashboard(
        page=Page(rows=rows_on_page, number=number, total=total, requested=page),
        show=show,
        open_count=int(open_count),
        finished_count=int(finished_count),
        partner=partner,
        partners=options,
        notices=tuple(notices),
    )


# --- What changed while someone was editing ---------------------------------------


@dataclass(frozen=True)
class ChangeMade:
    """One change someone else made: a field's value before and after, or an update."""

    label: str
    before: str | None
    after: str

    @property
    def text(self) -> str:
        if self.before is None:
            return f"{self.label}: {self.after}"
        return f"{self.label}: {self.before} → {self.after}"


@dataclass(frozen=True)
class Conflict:
    """Who changed a commitment since a form was rendered, when, and what they changed."""

    changed_by: str
    changed_at: datetime
    changes: list[ChangeMade]
    #: The version to carry in the form, so a deliberate second save goes through.
    current_version: int


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if name in ("status", "previous_status", "new_status"):
        status = STATUS_BY_CODE.get(str(value))
        return status.label if status is not None else str(value)
    if name in ("target_date", "previous_target_date", "new_target_date") and isinstance(
        value, str
    ):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    text = str(value)
    return text if len(text) <= 300 else text[:300].rstrip() + "…"


#: Shown in place of the words of an update hidden since it was posted: the audit
#: log keeps them, but a hidden update's words are never shown again (PRODUCT.md).
HIDDEN_UPDATE_WORDS = "An update (since hidden)"


def _status_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[ChangeMade]:
    if before.get("status") == after.get("status"):
        return []
    return [
        ChangeMade(
            "Status", _shown("status", before.get("status")), _shown("status", after.get("status"))
        )
    ]


def _changes_in(event: AuditEvent, hidden_update_ids: set[int]) -> list[ChangeMade]:
    before = event.before or {}
    after = event.after or {}
    if event.action == "update.hidden":
        return [
            ChangeMade("Update hidden", None, _shown("hidden_reason", after.get("hidden_reason"))),
            *_status_change(before, after),
        ]
    if event.action == "commitment.update_posted":
        words = (
            HIDDEN_UPDATE_WORDS
            if after.get("update_id") in hidden_update_ids
            else _shown("narrative", after.get("narrative"))
        )
        changes = [ChangeMade("Update posted", None, words), *_status_change(before, after)]
        if before.get("target_date") != after.get("target_date"):
            changes.append(
                ChangeMade(
                    "Target date",
                    _shown("target_date", before.get("target_date")),
                    _shown("target_date", after.get("target_date")),
                )
            )
        return changes
    return [
        ChangeMade(
            FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            _shown(name, before.get(name)),
            _shown(name, value),
        )
        for name, value in after.items()
        if name not in ("version", "updated_at")
    ]


def conflict_since(session: Session, commitment_id: int, seen_version: int) -> Conflict:
    """What happened to the commitment after ``seen_version``, read from the audit log.

    Every write in this module, and the hiding of an update
    (:func:`tracker.manage.records.hide_update`), records the version it left the
    commitment at, so the events after the one the person saw are exactly the
    changes they missed. An update hidden since is shown as
    :data:`HIDDEN_UPDATE_WORDS`, never in its own words.
    """
    commitment = session.get(Commitment, commitment_id, populate_existing=True)
    if commitment is None:
        raise RecordNotFound("This commitment no longer exists.")
    its_updates = select(Update.id).where(col(Update.commitment_id) == commitment_id)
    rows = session.exec(
        select(AuditEvent, User.name)
        .join(User, col(User.id) == col(AuditEvent.user_id), isouter=True)
        .where(
            sa.or_(
                sa.and_(
                    col(AuditEvent.entity_type) == "commitment",
                    col(AuditEvent.entity_id) == commitment_id,
                ),
                sa.and_(
                    col(AuditEvent.action) == "update.hidden",
                    col(AuditEvent.entity_type) == "update",
                    col(AuditEvent.entity_id).in_(its_updates),
                ),
            )
        )
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))
    ).all()
    hidden_update_ids = {
        update_id
        for update_id in session.exec(its_updates.where(col(Update.hidden_at).is_not(None))).all()
        if update_id is not None
    }
    missed = [
        (event, name)
        for event, name in rows
        if isinstance((event.after or {}).get("version"), int)
        and (event.after or {})["version"] > seen_version
    ]
    changes = [
        change for event, _name in missed for change in _changes_in(event, hidden_update_ids)
    ]
    if missed:
        latest, name = missed[-1]
        return Conflict(
            changed_by=name or "Someone",
            changed_at=_aware(latest.occurred_at),
            changes=changes,
            current_version=commitment.version,
        )
    return Conflict(
        changed_by="Someone",
        changed_at=_aware(commitment.updated_at),
        changes=[],
        current_version=commitment.version,
    )
