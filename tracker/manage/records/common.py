"""What every record of the engagement team shares: limits, the rules of text, counts,
web addresses and slugs, the choices the forms offer, and how a write is audited.

Every write in this package:

- refuses anyone outside the engagement team (admins included) before anything else
  (:func:`ensure_team`);
- checks the record's rules, raising :class:`~tracker.manage.problems.InvalidInput` for each
  field at fault, before anything is written;
- writes the record and its audit event (:mod:`tracker.audit`) in one transaction,
  and commits (:func:`commit_created`, :func:`commit_changes`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from tracker import addresses, audit
from tracker.addresses import WebAddressProblem
from tracker.converters import reference_number
from tracker.errors import RecordNotFound
from tracker.manage.permissions import Forbidden, is_team
from tracker.models import (
    Area,
    Community,
    Engagement,
    Issue,
    Partner,
    Theme,
    User,
)
from tracker.rendering import format_date

# --- Limits -------------------------------------------------------------------------

#: Titles and names fit the database's columns.
TITLE_MAX = 200
NAME_MAX = 200
#: Long text: an issue's or engagement's summary.
SUMMARY_MAX = 5000
#: A description of a partner, theme or community.
DESCRIPTION_MAX = 2000
#: One quote: short, so it stays a quote rather than a transcript.
QUOTE_MAX = 500
#: All of an issue's quotes together, as typed (one a line).
QUOTES_MAX = 5000
#: A public reason: for a change of lead partner, or for hiding an update.
REASON_MAX = 1000
URL_MAX = 500
#: More people than live in any ICS: a typing slip, not a count.
COUNT_MAX = 10_000_000

SLUG_MAX = 80
# Room for a "-99" suffix when two records share a name's slug.
_SLUG_BASE_MAX = SLUG_MAX - 6


ModelT = TypeVar("ModelT", bound=SQLModel)
ReferencedT = TypeVar("ReferencedT", Engagement, Issue)


def ensure_team(actor: User) -> None:
    """Refuse anyone outside the engagement team, before anything is read or written."""
    if not is_team(actor):
        raise Forbidden("Only the engagement team can change these records.")


# --- Shared rules -------------------------------------------------------------------


def web_address_problem(url: str, label: str) -> str | None:
    """Why ``url`` is not a web address we will link to, or ``None`` when it is.

    Only http and https addresses with a real host name are accepted, so a stored
    address can never run script (``javascript:``) or point at a local file.
    """
    example = f"{label} must be a web address starting with https:// or http://"
    if len(url) > URL_MAX:
        return f"{label} must be {URL_MAX} characters or fewer"
    problem = addresses.web_address_problem(url)
    if problem is WebAddressProblem.SPACES:
        return f"{example}, with no spaces"
    if problem is not None:
        return f"{example}, like https://www.example.org/report"
    return None


def slug_of(name: str, fallback: str) -> str:
    """The address form of ``name``: ``Carers & families`` becomes ``carers-and-families``."""
    text = unicodedata.normalize("NFKD", name.replace("&", " and "))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    slug = slug[:_SLUG_BASE_MAX].strip("-")
    return slug or fallback


def unique_slug(session: Session, model: Any, name: str, fallback: str) -> str:
    """A slug for a new record of ``model`` that no record has: ``name``'s, or with -2, -3..."""
    base = slug_of(name, fallback)
    taken = set(
        session.exec(
            select(model.slug).where(
                sa.or_(col(model.slug) == base, col(model.slug).startswith(base + "-"))
            )
        ).all()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def text_problem(value: str, label: str, maximum: int, required: bool = True) -> str | None:
    if required and not value.strip():
        return f"Enter {label[0].lower() + label[1:]}"
    if len(value) > maximum:
        return f"{label} must be {maximum:,} characters or fewer"
    return None


def check_text(
    problems: dict[str, str],
    name: str,
    value: str,
    label: str,
    maximum: int,
    required: bool = True,
) -> None:
    problem = text_problem(value, label, maximum, required)
    if problem is not None:
        problems.setdefault(name, problem)


def check_count(problems: dict[str, str], name: str, value: int | None, label: str) -> None:
    if value is not None and not 0 <= value <= COUNT_MAX:
        problems.setdefault(name, f"{label} must be a whole number from 0 to {COUNT_MAX:,}")


def records_with_ids(
    session: Session,
    model: type[ModelT],
    ids: Iterable[int],
    problems: dict[str, str],
    name: str,
    message: str,
) -> list[ModelT]:
    """The records of ``model`` with ``ids``, or a problem when any no longer exists."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = list(session.exec(select(model).where(col(model.id).in_(wanted))).all())  # type: ignore[attr-defined]
    if len(found) != len(wanted):
        problems.setdefault(name, message)
    by_id = {record.id: record for record in found}  # type: ignore[attr-defined]
    return [by_id[record_id] for record_id in wanted if record_id in by_id]


def record_with_id(
    session: Session,
    model: type[ModelT],
    record_id: int | None,
    problems: dict[str, str],
    name: str,
    message: str,
) -> ModelT | None:
    if record_id is None:
        return None
    found = session.get(model, record_id)
    if found is None:
        problems.setdefault(name, message)
    return found


def ids_of(records: Iterable[Any]) -> list[int]:
    return sorted(record.id for record in records)


def commit_created(
    session: Session, actor: User, action: str, entity_type: str, record: Any, after: dict[str, Any]
) -> None:
    """Give the new ``record`` its id, audit it as ``action`` with ``after``, and commit."""
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=record.id,
        after=after,
    )
    session.commit()


def commit_changes(
    session: Session,
    actor: User,
    action: str,
    entity_type: str,
    record: Any,
    before: dict[str, Any],
    after: dict[str, Any],
) -> bool:
    """Audit the fields that differ between the snapshots ``before`` and ``after`` as
    ``action``, and commit. When none differ, write nothing and return False."""
    changed_before, changed_after = audit.changed(before, after)
    if not changed_after:
        # Nothing to record: leave the stored record exactly as it was.
        session.rollback()
        return False
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=record.id,
        before=changed_before,
        after=changed_after,
    )
    session.commit()
    return True


# --- Choices for the forms ----------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A record as a form offers it: its id and the words shown."""

    id: int
    label: str


@dataclass(frozen=True)
class RecordChoices:
    """Everything the engagement and issue forms offer, each list in the order shown."""

    partners: list[Choice]
    areas: list[Choice]
    themes: list[Choice]
    communities: list[Choice]
    engagements: list[Choice]


def area_labels(areas: Sequence[Area]) -> dict[int, str]:
    """Each area's name, after its parent's for an area within another ("Vale: Northgate")."""
    names = {area.id: area.name for area in areas}
    labels: dict[int, str] = {}
    for area in areas:
        assert area.id is not None
        parent = names.get(area.parent_id) if area.parent_id is not None else None
        labels[area.id] = f"{parent}: {area.name}" if parent else area.name
    return labels


def partner_choices(session: Session) -> list[Choice]:
    """Every partner, by name."""
    partners = session.exec(select(Partner).order_by(col(Partner.name))).all()
    return [Choice(partner.id, partner.name) for partner in partners if partner.id is not None]


def area_choices(session: Session) -> list[Choice]:
    """Every area, labelled with its parent's name, in order of those labels."""
    labels = area_labels(session.exec(select(Area)).all())
    return sorted(
        (Choice(area_id, label) for area_id, label in labels.items()),
        key=lambda choice: choice.label.lower(),
    )


def record_choices(session: Session, *, engagements: bool = True) -> RecordChoices:
    """The partners, areas, themes, communities and (unless not wanted) engagements,
    most recent first, that the engagement and issue forms offer."""
    themes = session.exec(select(Theme).order_by(col(Theme.name))).all()
    communities = session.exec(select(Community).order_by(col(Community.name))).all()
    heard_at = (
        session.exec(
            select(Engagement).order_by(
                col(Engagement.started_on).desc(), col(Engagement.number).desc()
            )
        ).all()
        if engagements
        else []
    )
    return RecordChoices(
        partners=partner_choices(session),
        areas=area_choices(session),
        themes=[Choice(theme.id, theme.name) for theme in themes if theme.id is not None],
        communities=[Choice(c.id, c.name) for c in communities if c.id is not None],
        engagements=[
            Choice(e.id, f"{e.title} ({e.reference}, {format_date(e.started_on)})")
            for e in heard_at
            if e.id is not None
        ],
    )


def find_by_reference(
    session: Session, model: type[ReferencedT], noun: str, reference: str, *options: Any
) -> ReferencedT:
    """The ``model`` record with public reference ``reference``, loaded with ``options``;
    :class:`RecordNotFound` when the reference is malformed or nothing has it."""
    number = reference_number(reference, model.REFERENCE_PREFIX)
    found = None
    if number is not None:
        found = session.exec(
            select(model).where(col(model.number) == number).options(*options)
        ).one_or_none()
    if found is None:
        raise RecordNotFound(f"There is no {noun} with the reference {reference}.")
    return found
