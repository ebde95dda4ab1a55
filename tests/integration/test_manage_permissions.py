"""Every workspace route, every method, every kind of person: nobody gets further
than their role and partner allow, and a refused request changes nothing.

The routes come from the app's URL map, so a new route under ``/manage`` is tested
as soon as it exists, and fails here until its rule is written in ``ACCESS``.
Requests carry a valid CSRF token, so what is tested is the permission check, not
the token; the last test sends every write without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session, SQLModel

from tests.factories import (
    make_commitment,
    make_engagement,
    make_issue,
    make_partner,
    make_update,
    make_user,
)
from tests.workspace import csrf_token, sign_in_as
from tracker.db import get_database
from tracker.models import IssueSupportingPartnerLink, Report, ReportDocument, ReportRequest, Role

#: Who may use each workspace endpoint.
#: - "everyone": any signed-in person;
#: - "team": admins and the engagement team;
#: - "admin": admins only;
#: - "scoped": the team, and a partner lead for their own partner's records only;
#: - "users": admins for every account, the engagement team for all but admins';
#: - "partner": partner leads only.
ACCESS: dict[str, str] = {
    "manage.workspace": "everyone",
    "manage.audit_log_page": "admin",
    # Your own account (tracker/manage/account_views.py).
    "manage.account": "everyone",
    "manage.change_password": "everyone",
    "manage.recovery_codes": "everyone",
    "manage.two_factor_setup": "everyone",
    # Only partner leads may go without two-step verification.
    "manage.two_factor_turn_off": "partner",
    # Commitments and their updates (tracker/manage/dashboard_views.py).
    "manage.commitment": "scoped",
    "manage.post_update": "scoped",
    # A dashboard row's form, loaded when the row is opened.
    "manage.update_form": "scoped",
    "manage.edit_commitment": "scoped",
    "manage.new_commitment": "scoped",
    # Engagements, issues, moderation and reference data (tracker/manage/record_views.py).
    "manage.engagements": "team",
    "manage.new_engagement": "team",
    "manage.engagement": "team",
    "manage.edit_engagement": "team",
    "manage.issues": "everyone",
    "manage.issue": "scoped",
    "manage.new_issue": "team",
    "manage.edit_issue": "team",
    "manage.lead_partner": "team",
    "manage.hide_update": "team",
    "manage.reference_data": "team",
    "manage.reference_list": "team",
    "manage.new_reference_record": "team",
    "manage.edit_reference_record": "team",
    # Users (tracker/manage/user_views.py).
    "manage.users": "team",
    "manage.invite_user": "team",
    "manage.user": "users",
    "manage.change_user_role": "users",
    "manage.deactivate_user": "users",
    "manage.reactivate_user": "users",
    "manage.resend_invitation": "users",
    "manage.send_password_reset": "users",
    "manage.reset_two_factor": "users",
    # Board reports and the scheduler's run log (tracker/manage/report_views.py).
    "manage.reports": "team",
    "manage.request_report": "team",
    "manage.report_request": "team",
    "manage.report": "team",
    "manage.report_preview": "team",
    "manage.report_pdf": "team",
    "manage.publish_report": "team",
    "manage.job_runs": "admin",
}

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

#: Tables whose rows a refused request may still add: none.
UNCHANGED_TABLES = [table for table in SQLModel.metadata.sorted_tables]


@dataclass
class World:
    """Records of two partners: "own" is the signed-in partner lead's, "other" is not."""

    values: dict[str, dict[str, Any]]
    accounts: dict[str, Any]


@pytest.fixture
def world(session: Session) -> World:
    own, other = make_partner(session), make_partner(session)
    supported = make_partner(session)
    own_issue = make_issue(session, lead_partner_id=own.id)
    other_issue = make_issue(session, lead_partner_id=other.id)
    session.add(IssueSupportingPartnerLink(issue_id=other_issue.id, partner_id=supported.id))
    own_commitment = make_commitment(session, issue_id=own_issue.id, partner_id=own.id)
    other_commitment = make_commitment(session, issue_id=other_issue.id, partner_id=other.id)
    own_update = make_update(session, commitment_id=own_commitment.id)
    other_update = make_update(session, commitment_id=other_commitment.id)
    engagement = make_engagement(session)
    report = Report(
        period="2026/27 Q2",
        period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30),
        title="Board report",
        as_at=date(2026, 10, 1),
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    session.add(ReportDocument(report_id=report.id, html="<p>Report</p>", pdf=b"%PDF-1.7"))
    report_request = ReportRequest(period="2026/27 Q2")
    session.add(report_request)
    # Admins and the engagement team always have two-step verification.
    two_factor = {"totp_secret": "JBSWY3DPEHPK3PXP", "totp_enabled_at": NOW}
    admin = make_user(session, role=Role.ADMIN, name="Admin", **two_factor)
    other_admin = make_user(session, role=Role.ADMIN, name="Another admin", **two_factor)
    team = make_user(session, role=Role.ENGAGEMENT, name="Engagement officer", **two_factor)
    lead = make_user(session, role=Role.PARTNER, partner_id=own.id, name="Own lead")
    other_lead = make_user(session, role=Role.PARTNER, partner_id=other.id, name="Other lead")
    session.flush()
    shared = {
        "engagement_ref": engagement.reference,
        "kind": "partners",
        "report_id": report.id,
        "request_id": report_request.id,
    }
    values = {
        "own": {
            "commitment_ref": own_commitment.reference,
            "issue_ref": own_issue.reference,
            "update_id": own_update.id,
            "user_id": lead.id,
            "partner_slug": own.slug,
            "slug": own.slug,
            **shared,
        },
        "other": {
            "commitment_ref": other_commitment.reference,
            "issue_ref": other_issue.reference,
            "update_id": other_update.id,
            "user_id": other_lead.id,
            "partner_slug": other.slug,
            "slug": other.slug,
            **shared,
        },
        "admin": {"user_id": other_admin.id},
    }
    return World(values=values, accounts={"admin": admin, "team": team, "lead": lead})


def workspace_routes(app: Flask) -> list[tuple[str, str, tuple[str, ...]]]:
    """(endpoint, method, variables) for every route under /manage."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/manage"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, tuple(sorted(rule.arguments))))
    return sorted(routes)


def test_every_workspace_route_has_a_rule(app):
    missing = sorted({endpoint for endpoint, _, _ in workspace_routes(app)} - set(ACCESS))
    assert not missing, f"write the access rule for these endpoints in ACCESS: {missing}"


def database_contents(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    session.expire_all()
    return {
        table.name: sorted(
            (tuple(map(repr, row)) for row in session.execute(sa.select(table)).all()),
        )
        for table in UNCHANGED_TABLES
    }


def url_for_route(app: Flask, endpoint: str, method: str, values: dict[str, Any]) -> str:
    rule = next(
        rule for rule in app.url_map.iter_rules(endpoint) if rule.rule.startswith("/manage")
    )
    return app.url_map.bind("localhost").build(
        endpoint, {name: values[name] for name in rule.arguments}, method=method
    )


def request(client, app: Flask, endpoint: str, method: str, values: dict[str, Any], token: str):
    """Send ``method`` to ``endpoint`` with its variables from ``values`` and ``token``."""
    url = url_for_route(app, endpoint, method, values)
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token})


def start_session(client, world: World, actor: str) -> tuple[dict[str, Any], str]:
    """``actor``'s browser session (signed in unless anonymous) and a valid CSRF token
    for it, so each request can start from a copy of the same session."""
    with client.session_transaction() as flask_session:
        flask_session.clear()
    if actor != "anonymous":
        sign_in_as(client, world.accounts[actor])
    # Signed-in people read a token from their workspace; anonymous ones from /login.
    token = csrf_token(client, "/login" if actor == "anonymous" else "/manage")
    with client.session_transaction() as flask_session:
        return dict(flask_session), token


def expected(rule: str, actor: str, scope: str) -> bool:
    """True when ``actor`` may use a route with the access ``rule`` on ``scope``'s records."""
    if actor == "anonymous":
        return False
    if rule == "everyone":
        return True
    if rule == "admin":
        return actor == "admin"
    if rule == "partner":
        return actor == "lead"
    if rule == "users":
        # The engagement team manages every account but admins'.
        return actor == "admin" or (actor == "team" and scope != "admin")
    if actor in ("admin", "team"):
        return True
    return rule == "scoped" and scope == "own"


ACTORS = ["anonymous", "admin", "team", "lead"]


def test_nobody_gets_further_than_their_role_and_partner_allow(app, client, session, world):
    connection = get_database(app).sessionmaker.kw["bind"]
    escalations: list[str] = []
    changed: list[str] = []
    sessions = {actor: start_session(client, world, actor) for actor in ACTORS}
    # Each request starts from the same world: whatever it wrote, allowed or not, is
    # undone before the next request. So the world is read once, and after each refused
    # request it must be exactly as read: a write that escaped the rollback fails too.
    world_contents = database_contents(session)
    for endpoint, method, variables in workspace_routes(app):
        access = ACCESS.get(endpoint)
        if access is None:
            continue  # reported by test_every_workspace_route_has_a_rule
        scopes = ["own", "other"] if variables else ["own"]
        if "user_id" in variables:
            scopes.append("admin")
        for actor in ACTORS:
            for scope in scopes:
                values = {**world.values["own"], **world.values[scope]}
                # A fresh copy of the actor's session: a request may have changed it.
                session_values, token = sessions[actor]
                with client.session_transaction() as flask_session:
                    flask_session.clear()
                    flask_session.update(session_values)
                # An allowed write (deactivating an account, say) is undone below.
                savepoint = connection.begin_nested()
                response = request(client, app, endpoint, method, values, token)
                allowed = expected(access, actor, scope)
                label = f"{method} {endpoint} as {actor} on {scope} records"
                if actor == "anonymous":
                    refused_properly = response.status_code == 302 and response.headers[
                        "Location"
                    ].startswith("/login")
                else:
                    refused_properly = response.status_code in (403, 404)
                after = None if allowed else database_contents(session)
                savepoint.rollback()
                if allowed:
                    if refused_properly and actor != "anonymous" and response.status_code == 403:
                        escalations.append(f"{label}: refused with 403 but should be allowed")
                    continue
                if not refused_properly:
                    escalations.append(f"{label}: got {response.status_code}, expected a refusal")
                if after != world_contents:
                    changed.append(label)
    assert not escalations, "\n".join(escalations)
    assert not changed, "refused requests changed the database:\n" + "\n".join(changed)


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_writes_without_a_csrf_token_are_refused(app, client, session, world, htmx):
    sign_in_as(client, world.accounts["admin"])
    headers = {"HX-Request": "true"} if htmx else {}
    writes = [(e, m) for e, m, _ in workspace_routes(app) if m != "GET"]
    assert writes or len(ACCESS) <= 2, "the workspace has no writes to test"
    accepted: list[str] = []
    for endpoint, method in writes:
        before = database_contents(session)
        url = url_for_route(app, endpoint, method, world.values["own"])
        response = client.open(url, method=method, data={}, headers=headers)
        if response.status_code != 400 or database_contents(session) != before:
            accepted.append(f"{method} {endpoint}: {response.status_code}")
    assert not accepted, "writes accepted without a CSRF token:\n" + "\n".join(accepted)
