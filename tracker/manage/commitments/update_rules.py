"""The rules of a commitment's updates: limits, expected failures, evidence links, what an
update may change and how, and what a commitment shows once an update is hidden.

The rules (:func:`update_problems`, :func:`apply_update`,
:func:`restate_from_visible_updates`) are plain functions of a loaded commitment,
unit-tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from tracker import addresses, clock
from tracker.addresses import WebAddressProblem
from tracker.clock import local_date
from tracker.errors import TrackerError
from tracker.models import (
    Commitment,
    CommitmentStatus,
    Update,
    User,
)
from tracker.rendering import format_date
from tracker.rules import (
    STATUSES_NEEDING_REASON,
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


# --- Evidence links ---------------------------------------------------------------


def web_address_problem(url: str) -> str | None:
    """What is wrong with ``url`` as an evidence link, or None when it is fine.

    Only absolute http and https addresses are accepted: a ``javascript:`` or
    ``ftp://`` address, or one without a host, would be no use to a resident.
    """
    if len(url) > EVIDENCE_URL_MAX:
        return f"Evidence link address must be {EVIDENCE_URL_MAX} characters or fewer"
    problem = addresses.web_address_problem(url)
    if problem is WebAddressProblem.SPACES:
        return "Enter a web address without spaces, like https://www.example.nhs.uk/report"
    if problem is WebAddressProblem.NOT_HTTP:
        return "Enter a web address that starts with https:// or http://"
    if problem is WebAddressProblem.NOT_A_FULL_ADDRESS:
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
    it without its reason (``tracker.queries.commitments.target_date_history``). Progress
    and evidence are not stored on the commitment: every page and report reads
    them from the latest visible update. Nothing else an update writes is copied
    anywhere else (search indexes only the commitment's own words).
    """
    in_order = sorted(updates, key=lambda update: (update.posted_at, update.id or 0))
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
