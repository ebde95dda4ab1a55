"""The staff workspace: sign-in and sign-out, and the pages under ``/manage``.

Modules:
- :mod:`~tracker.manage.permissions`: who may do what (roles and partner scope);
- :mod:`~tracker.manage.auth`: who is signed in, timeouts, the sign-in check;
- :mod:`~tracker.manage.passwords` and :mod:`~tracker.manage.two_factor`: password
  rules and hashing; one-time codes and recovery codes;
- :mod:`~tracker.manage.services`: sign-in and account creation, each audited;
- one service module per area, each write with its audit event:
  :mod:`commitments` (dashboard, updates, conflicts), :mod:`records` (engagements,
  issues, lead partner changes, moderation, reference data), :mod:`accounts`
  (users, invitations, emailed links), :mod:`audit_log` (reading the log);
- views, one module per area: :mod:`views` (sign-in), :mod:`dashboard_views`,
  :mod:`record_views`, :mod:`user_views` (users and the ``/account/...`` link
  pages), :mod:`account_views` (your own account and two-step verification),
  :mod:`audit_views`, :mod:`report_views` (board reports and the run log).
"""

from typing import Any

from flask import Blueprint

blueprint = Blueprint("manage", __name__)


@blueprint.context_processor
def workspace_context() -> dict[str, Any]:
    from tracker.manage import auth, navigation

    user = auth.current_user()
    return {"current_user": user, "workspace_sections": navigation.sections_for(user)}


# Importing the views registers their routes on the blueprint.
from tracker.manage import (  # noqa: E402, F401
    account_views,
    audit_views,
    dashboard_views,
    record_views,
    report_views,
    user_views,
    views,
)
