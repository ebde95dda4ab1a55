"""The workspace's own navigation: each section, and the roles that see it.

A section whose endpoint is not registered is left out, so the list can name
sections before their pages exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for

from tracker.models import Role, User

TEAM = (Role.ADMIN, Role.ENGAGEMENT)
EVERYONE = (Role.ADMIN, Role.ENGAGEMENT, Role.PARTNER)


@dataclass(frozen=True)
class Section:
    label: str
    endpoint: str
    roles: tuple[Role, ...]


SECTIONS = (
    Section("Commitments", "manage.workspace", EVERYONE),
    Section("Engagements", "manage.engagements", TEAM),
    Section("Issues", "manage.issues", EVERYONE),
    Section("Partners, areas, themes and communities", "manage.reference_data", TEAM),
    Section("Board reports", "manage.reports", TEAM),
    Section("Users", "manage.users", TEAM),
    Section("Audit log", "manage.audit_log_page", (Role.ADMIN,)),
    Section("Scheduled jobs", "manage.job_runs", (Role.ADMIN,)),
    Section("Your account", "manage.account", EVERYONE),
)


def sections_for(user: User | None) -> list[dict[str, object]]:
    """The sections ``user`` may open, each with its address and whether it is current."""
    if user is None:
        return []
    items: list[dict[str, object]] = []
    for section in SECTIONS:
        if user.role not in section.roles or section.endpoint not in current_app.view_functions:
            continue
        href = url_for(section.endpoint)
        current = request.path == href or (
            href != url_for("manage.workspace") and request.path.startswith(href + "/")
        )
        items.append({"text": section.label, "href": href, "current": current})
    return items
