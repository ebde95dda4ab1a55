"""The audit log view: every write by anyone, filterable, for admins only."""

from __future__ import annotations

from types import SimpleNamespace

from flask import request
from werkzeug.wrappers import Response

from tracker.db import get_session
from tracker.manage import audit_log, blueprint
from tracker.manage.permissions import roles_required
from tracker.models import Role
from tracker.rendering import render


@blueprint.get("/manage/audit")
@roles_required(Role.ADMIN)
def audit_log_page() -> Response:
    """Admins only: the log names staff and shows every change before and after."""
    session = get_session()
    filters = audit_log.parse_audit_filters(request.args)
    choices = audit_log.filter_choices(session)
    return render(
        "manage/audit_log.html",
        block="results",
        filters=filters,
        page=audit_log.list_events(session, filters),
        people=[SimpleNamespace(slug=str(id_), label=name) for id_, name in choices.people],
        actions=[SimpleNamespace(slug=action, label=action) for action in choices.actions],
        entity_types=[SimpleNamespace(slug=kind, label=kind) for kind in choices.entity_types],
    )
