"""Reference data: partners, areas, themes and communities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker import audit, clock
from tracker.errors import RecordNotFound
from tracker.manage.problems import InvalidInput
from tracker.manage.records.common import (
    DESCRIPTION_MAX,
    NAME_MAX,
    area_labels,
    check_text,
    commit_changes,
    commit_created,
    ensure_team,
    record_with_id,
    unique_slug,
    web_address_problem,
)
from tracker.models import (
    Area,
    Community,
    Partner,
    PartnerKind,
    Theme,
    User,
)


@dataclass(frozen=True)
class ReferenceKind:
    """One kind of reference data, as its workspace pages and public pages name it."""

    model: type[Any]
    #: The audit log's ``entity_type``, and the slug of a nameless record.
    noun: str
    plural: str
    #: The record's fields that the form edits (besides the name).
    fields: tuple[str, ...]
    #: True when no two records of the kind may share a name.
    unique_name: bool = True

    @property
    def key(self) -> str:
        """The address's word: ``partners``, ``areas``, ``themes`` or ``communities``."""
        return self.plural

    @property
    def public_endpoint(self) -> str:
        """The public page's endpoint, which takes the slug: ``public.partner``."""
        return f"public.{self.noun}"

    @property
    def title(self) -> str:
        return self.plural.capitalize()

    @property
    def one(self) -> str:
        """The noun with its article: "a partner", "an area"."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"


REFERENCE_KINDS: dict[str, ReferenceKind] = {
    kind.key: kind
    for kind in (
        ReferenceKind(Partner, "partner", "partners", ("kind", "description", "website")),
        # Two boroughs may each have a neighbourhood called "Town Centre", so an
        # area's name need only differ from the other areas within the same parent.
        ReferenceKind(Area, "area", "areas", ("parent_id",), unique_name=False),
        ReferenceKind(Theme, "theme", "themes", ("description",)),
        ReferenceKind(Community, "community", "communities", ("description",)),
    )
}


def reference_kind(key: str) -> ReferenceKind:
    """The kind named in an address; an unknown kind is a page that does not exist."""
    kind = REFERENCE_KINDS.get(key)
    if kind is None:
        raise RecordNotFound(
            "There is no such kind of record. The workspace keeps partners, areas, "
            "themes and communities."
        )
    return kind


@dataclass(frozen=True)
class ReferenceDetails:
    """What a reference data form collects; fields a kind does not have are ignored."""

    name: str
    kind: PartnerKind | None = None
    description: str = ""
    website: str | None = None
    parent_id: int | None = None


def reference_counts(session: Session) -> dict[str, int]:
    """How many records of each kind there are, by the kind's key."""
    return {
        key: session.exec(select(sa.func.count()).select_from(kind.model)).one()
        for key, kind in REFERENCE_KINDS.items()
    }


def reference_records(session: Session, kind: ReferenceKind) -> list[Any]:
    """Every record of the kind, by name; areas by their names after their parents'."""
    listed = list(
        session.exec(select(kind.model).order_by(sa.func.lower(col(kind.model.name)))).all()
    )
    if kind.model is Area:
        labels = area_labels(listed)
        listed.sort(key=lambda area: labels[area.id].lower())
    return listed


def find_reference_record(session: Session, kind: ReferenceKind, slug: str) -> Any:
    record = session.exec(select(kind.model).where(col(kind.model.slug) == slug)).one_or_none()
    if record is None:
        raise RecordNotFound(f"There is no {kind.noun} at the address “{slug}”.")
    return record


def _reference_snapshot(kind: ReferenceKind, record: Any) -> dict[str, Any]:
    return audit.snapshot(record, ("name", *kind.fields))


def _name_taken(
    session: Session, kind: ReferenceKind, record_id: int | None, parent_id: int | None, name: str
) -> bool:
    """True when another record of the kind (for areas: within the same parent) has ``name``."""
    model = kind.model
    statement = select(col(model.id)).where(sa.func.lower(col(model.name)) == name.lower())
    if record_id is not None:
        statement = statement.where(col(model.id) != record_id)
    if not kind.unique_name:
        same_parent = (
            col(model.parent_id).is_(None)
            if parent_id is None
            else col(model.parent_id) == parent_id
        )
        statement = statement.where(same_parent)
    return session.exec(statement).first() is not None


def _within_itself(session: Session, area: Area, parent_id: int) -> bool:
    """True when ``area`` would be within itself if it were within ``parent_id``."""
    if area.id is None:
        return False
    parents = dict(session.exec(select(col(Area.id), col(Area.parent_id))).all())
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == area.id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _apply_reference(
    session: Session, kind: ReferenceKind, record: Any, details: ReferenceDetails
) -> None:
    """Check ``details`` against the kind's rules, then copy them onto ``record``."""
    problems: dict[str, str] = {}
    name = details.name.strip()
    check_text(problems, "name", name, "Name", NAME_MAX)
    parent_id = None
    parent = None
    if "parent_id" in kind.fields:
        parent = record_with_id(
            session, Area, details.parent_id, problems, "parent", "Choose an area from the list"
        )
        if parent is not None and parent.id == record.id:
            problems["parent"] = "An area cannot be within itself: choose another parent area"
        elif (
            parent is not None
            and parent.id is not None
            and _within_itself(session, record, parent.id)
        ):
            problems["parent"] = (
                f"{record.name} cannot be within {parent.name}, because {parent.name} "
                f"is within {record.name}"
            )
        parent_id = parent.id if parent is not None else None
    if "kind" in kind.fields and details.kind is None:
        problems["kind"] = "Choose the kind of partner"
    if "description" in kind.fields:
        check_text(
            problems,
            "description",
            details.description,
            "Description",
            DESCRIPTION_MAX,
            required=False,
        )
    if "website" in kind.fields and details.website:
        problem = web_address_problem(details.website, "Website")
        if problem:
            problems["website"] = problem
    if "name" not in problems and _name_taken(session, kind, record.id, parent_id, name):
        where = ""
        if not kind.unique_name:
            where = (
                f" within {parent.name}" if parent is not None else " that is not within another"
            )
        problems["name"] = f"There is already {kind.one} called {name}{where}"
    if problems:
        raise InvalidInput(problems)
    record.name = name
    if "parent_id" in kind.fields:
        record.parent_id = parent_id
    if "kind" in kind.fields:
        record.kind = details.kind
    if "description" in kind.fields:
        record.description = details.description
    if "website" in kind.fields:
        record.website = details.website or None
    if hasattr(record, "updated_at"):
        record.updated_at = clock.now()


def create_reference_record(
    session: Session, actor: User, kind: ReferenceKind, details: ReferenceDetails
) -> Any:
    """Add a partner, area, theme or community; audited as ``<noun>.created``.

    Its slug (the public address, ``/partners/<slug>``) is made from the name,
    with -2, -3... when another record has it, and never changes afterwards:
    addresses are printed in board papers.
    """
    ensure_team(actor)
    record = kind.model(name="", slug="")
    if kind.model is Partner:
        record.kind = details.kind or PartnerKind.OTHER
    _apply_reference(session, kind, record, details)
    record.slug = unique_slug(session, kind.model, record.name, kind.noun)
    if hasattr(record, "created_at"):
        record.created_at = record.updated_at
    session.add(record)
    commit_created(
        session,
        actor,
        f"{kind.noun}.created",
        kind.noun,
        record,
        {"slug": record.slug, **_reference_snapshot(kind, record)},
    )
    return record


def change_reference_record(
    session: Session, actor: User, kind: ReferenceKind, record: Any, details: ReferenceDetails
) -> bool:
    """Change a partner, area, theme or community, but never its slug; audited as
    ``<noun>.changed``. Returns False, writing nothing, when nothing changed."""
    ensure_team(actor)
    before = _reference_snapshot(kind, record)
    _apply_reference(session, kind, record, details)
    return commit_changes(
        session,
        actor,
        f"{kind.noun}.changed",
        kind.noun,
        record,
        before,
        _reference_snapshot(kind, record),
    )
