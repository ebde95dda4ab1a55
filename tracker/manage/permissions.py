"""Who may do what in the staff workspace: the one place the access rules live.

- **admin**: everything, including every user account.
- **engagement** (the ICS engagement team): every record of every partner,
  moderation, users other than admins.
- **partner** (a partner lead): only their own partner's commitments, and the
  issues their partner leads or supports.

Views check the role with :func:`roles_required` and the record with the
``ensure_*`` functions, which raise :class:`Forbidden` (a 403 page) before any
write. Services trust their caller; the permission test in
tests/integration/test_manage_permissions.py proves every route refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from tracker.errors import TrackerError
from tracker.manage import auth
from tracker.models import Commitment, Issue, Role, User

View = TypeVar("View", bound=Callable[..., Any])

#: The roles that act for the whole system rather than one partner.
TEAM_ROLES = (Role.ADMIN, Role.ENGAGEMENT)
ALL_ROLES = (Role.ADMIN, Role.ENGAGEMENT, Role.PARTNER)


class Forbidden(TrackerError):
    status_code = 403


def is_team(user: User) -> bool:
    return user.role in TEAM_ROLES


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Sign-in required, and one of ``roles``; anyone else gets a 403 page."""

    def decorator(view: View) -> View:
        @auth.login_required
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = auth.current_user()
            if user is None or user.role not in roles:
                raise Forbidden("Your account cannot use this page.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def may_act_for_partner(user: User, partner_id: int | None) -> bool:
    """True when ``user`` may change records belonging to the partner ``partner_id``."""
    if is_team(user):
        return True
    return user.role is Role.PARTNER and partner_id is not None and user.partner_id == partner_id


def may_change_commitment(user: User, commitment: Commitment) -> bool:
    return may_act_for_partner(user, commitment.partner_id)


def may_respond_to_issue(user: User, issue: Issue) -> bool:
    """The team, or a lead of the partner that leads or supports ``issue``."""
    if is_team(user):
        return True
    if user.role is not Role.PARTNER or user.partner_id is None:
        return False
    return issue.lead_partner_id == user.partner_id or any(
        partner.id == user.partner_id for partner in issue.supporting_partners
    )


def may_manage_user(user: User, account: User) -> bool:
    """Admins manage everyone; the engagement team manages everyone but admins."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.ENGAGEMENT and account.role is not Role.ADMIN


def may_grant_role(user: User, role: Role) -> bool:
    """Only admins make admins."""
    return user.role is Role.ADMIN or (user.role is Role.ENGAGEMENT and role is not Role.ADMIN)


REFUSED = "You can only change records that belong to your own organisation."


def ensure(allowed: bool, message: str = REFUSED) -> None:
    """Raise :class:`Forbidden` unless ``allowed``."""
    if not allowed:
        raise Forbidden(message)
