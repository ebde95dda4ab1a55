"""Every write to a commitment, and finding the records a write acts on.

Each write checks the partner scope first, writes the record and its audit event
in one transaction, and commits. Writes to an existing commitment are refused with
:class:`~tracker.manage.commitments.update_rules.CommitmentChanged` when it changed
after the person's form was rendered (the form carries ``Commitment.version``;
SQLAlchemy's version check catches the rare race between two saves), so nobody
overwrites a change they have not seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from tracker import audit, clock
from tracker.errors import RecordNotFound
from tracker.manage import permissions
from tracker.manage.commitments.update_rules import (
    EDITABLE_FIELDS,
    CommitmentChanged,
    UpdateInput,
    apply_update,
    update_problems,
)
from tracker.manage.problems import InvalidInput
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Issue,
    Partner,
    Role,
    Update,
    User,
    format_reference,
)
from tracker.queries.pagination import relationship
from tracker.references import allocate_number
from tracker.rendering import format_date


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
    ``seen_version``, and :class:`InvalidInput` when a rule of
    :func:`update_problems` is broken. Nothing is stored when it raises.
    """
    permissions.ensure(permissions.may_change_commitment(actor, commitment))
    _check_version(commitment, seen_version)
    problems = update_problems(commitment, change, today)
    if problems:
        raise InvalidInput(problems)

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
    refuses, :class:`InvalidInput` for a past target date or an unknown partner.
    """
    permissions.ensure(may_commit_for(actor, issue, partner_id))
    problem = target_date_problem(target_date, today)
    if problem:
        raise InvalidInput({"target_date": problem})
    if session.get(Partner, partner_id) is None:
        raise InvalidInput({"partner": "Select the partner making this commitment"})
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
