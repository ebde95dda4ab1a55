"""The staff workspace: sign-in and sign-out, and the pages under ``/manage``.

Modules:
- :mod:`~tracker.manage.auth`: who is signed in, timeouts, the sign-in check;
- :mod:`~tracker.manage.permissions`: who may do what (roles and partner scope);
- :mod:`~tracker.manage.passwords`: password rules and hashing;
- :mod:`~tracker.manage.services`: sign-in and account writes, each audited;
- views, one module per area: :mod:`views` (sign-in), :mod:`dashboard_views`
  (commitments and updates), :mod:`record_views` (engagements, issues, moderation
  and reference data), :mod:`user_views` (users and invitations),
  :mod:`account_views` (your account, password resets and the second factor),
  :mod:`audit_views` (the audit log).
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
