"""Routes for staff accounts: managing users under ``/manage/users``, and the pages
that emailed links open under ``/account`` (setting a first password from an
invitation, and resetting a forgotten one), which need no sign-in.

The rules live in :mod:`tracker.manage.accounts`; these views parse forms, call
one service and render.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from sqlmodel import Session
from werkzeug.wrappers import Response

from tracker.db import get_session
from tracker.errors import RecordNotFound
from tracker.mail import MailError
from tracker.manage import accounts, auth, blueprint, two_factor
from tracker.manage.accounts import AccountProblem, LinkNotValid
from tracker.manage.permissions import (
    TEAM_ROLES,
    Forbidden,
    ensure,
    may_grant_role,
    may_manage_user,
    roles_required,
)
from tracker.manage.user_forms import (
    InviteForm,
    PasswordForm,
    ResetRequestForm,
    RoleForm,
    TwoFactorResetForm,
)
from tracker.models import Role, TokenPurpose, User
from tracker.rendering import format_time

Page = str | tuple[str, int] | Response

CANNOT_MANAGE = "Only admins can see and change an admin's account."


def _signed_in() -> User:
    user = auth.current_user()
    assert user is not None  # roles_required has checked
    return user


def _grantable_roles(user: User) -> list[Role]:
    return [role for role in Role if may_grant_role(user, role)]


def _account(user_id: int) -> User:
    """The account ``user_id`` if the signed-in person may manage it: 404 or 403 otherwise."""
    account = get_session().get(User, user_id)
    if account is None:
        raise RecordNotFound("There is no user with that number.")
    ensure(may_manage_user(_signed_in(), account), CANNOT_MANAGE)
    return account


def _back_to(account: User) -> Response:
    """Back to the account's page, where the flashed message is shown."""
    return redirect(url_for("manage.user", user_id=account.id))


# --- managing users ---------------------------------------------------------------------


@blueprint.route("/manage/users")
@roles_required(*TEAM_ROLES)
def users() -> Page:
    """The engagement team and admins see every account; filters come from the address."""
    session = get_session()
    partners = accounts.partners_by_name(session)
    role = next((role for role in Role if role.value == request.args.get("role")), None)
    partner = next((p for p in partners if p.slug == request.args.get("partner")), None)
    return render_template(
        "manage/users/list.html",
        users=accounts.list_users(session, role=role, partner=partner),
        role_options=[{"slug": role.value, "label": role.label} for role in Role],
        partner_options=[{"slug": p.slug, "label": p.name} for p in partners],
        chosen_role=role,
        chosen_partner=partner,
        filtered=role is not None or partner is not None,
        status_of=accounts.account_status,
        may_manage=lambda account: may_manage_user(_signed_in(), account),
        format_time=format_time,
    )


@blueprint.route("/manage/users/invite", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def invite_user() -> Page:
    """The team invites people; only admins may invite an admin."""
    user = _signed_in()
    form = InviteForm()
    context = {"form": form, "roles": _grantable_roles(user)}
    if request.method in ("GET", "HEAD"):
        return render_template("manage/users/invite.html", **context)
    role = form.chosen_role()
    if role is not None and not may_grant_role(user, role):
        raise Forbidden(f"Only admins can invite someone as an {role.label.lower()}.")
    if not form.validate_on_submit():
        return render_template("manage/users/invite.html", **context), 400
    assert role is not None
    try:
        link = accounts.invite_user(
            get_session(),
            user,
            name=form.name.data or "",
            email=form.email.data or "",
            role=role,
            partner=form.chosen_partner(),
        )
    except AccountProblem as problem:
        getattr(form, problem.field or "email").errors.append(problem.message)
        return render_template("manage/users/invite.html", **context), 400
    try:
        accounts.send_link_email(get_session(), link, sender=user)
    except MailError as error:
        flash(
            f"The account for {link.user.name} is saved, but the invitation email was not "
            f"sent. {error.message} Then use “Send the invitation again”.",
            "error",
        )
    else:
        flash(f"Invitation sent to {link.user.email}.", "success")
    return _back_to(link.user)


def _render_user(
    account: User,
    role_form: RoleForm | None = None,
    reset_form: TwoFactorResetForm | None = None,
    status: int = 200,
) -> Page:
    user = _signed_in()
    if role_form is None:
        role_form = RoleForm(
            formdata=None,
            role=account.role.value,
            partner=account.partner.slug if account.partner else "",
        )
    two_factor_on = account.totp_secret is not None
    page = render_template(
        "manage/users/user.html",
        account=account,
        status=accounts.account_status(account),
        is_self=account.id == user.id,
        role_form=role_form,
        roles=_grantable_roles(user),
        two_factor_on=two_factor_on,
        two_factor_required=two_factor.is_required(account),
        recovery_codes_left=(
            two_factor.recovery_codes_left(get_session(), account) if two_factor_on else 0
        ),
        may_reset_two_factor=two_factor_on and accounts.may_reset_two_factor(user, account),
        reset_form=reset_form or TwoFactorResetForm(formdata=None),
        format_time=format_time,
    )
    return page, status


@blueprint.route("/manage/users/<int:user_id>")
@roles_required(*TEAM_ROLES)
def user(user_id: int) -> Page:
    """The team sees an account's details; the engagement team cannot open an admin's."""
    return _render_user(_account(user_id))


@blueprint.route("/manage/users/<int:user_id>/role", methods=["POST"])
@roles_required(*TEAM_ROLES)
def change_user_role(user_id: int) -> Page:
    """The team changes roles and partners; only admins give or take away the admin role."""
    user = _signed_in()
    account = _account(user_id)
    form = RoleForm()
    role = form.chosen_role()
    if role is not None and not may_grant_role(user, role):
        raise Forbidden(f"Only admins can make someone an {role.label.lower()}.")
    if not form.validate_on_submit():
        return _render_user(account, form, status=400)
    assert role is not None
    try:
        changed = accounts.change_role(
            get_session(), user, account, role=role, partner=form.chosen_partner()
        )
    except AccountProblem as problem:
        getattr(form, problem.field or "role").errors.append(problem.message)
        return _render_user(account, form, status=400)
    if changed:
        flash(f"{account.name} is now {_role_phrase(account)}.", "success")
    else:
        flash("Nothing was changed: that is already their role and partner.", "success")
    return _back_to(account)


def _role_phrase(account: User) -> str:
    phrase = {Role.ADMIN: "an admin", Role.ENGAGEMENT: "in the engagement team"}.get(
        account.role, "a partner lead"
    )
    if account.partner is not None:
        phrase += f" for {account.partner.name}"
    return phrase


def _action(user_id: int) -> tuple[User, User]:
    """The signed-in person and the account a button acts on, after the CSRF check."""
    user = _signed_in()
    account = _account(user_id)
    # The form only carries the CSRF token, which CSRFProtect has already checked.
    return user, account


@blueprint.route("/manage/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(*TEAM_ROLES)
def deactivate_user(user_id: int) -> Page:
    """The team deactivates accounts it manages, never its own."""
    user, account = _action(user_id)
    try:
        accounts.deactivate(get_session(), user, account)
    except AccountProblem as problem:
        flash(problem.message, "error")
    else:
        flash(f"{account.name}’s account is deactivated and they have been signed out.", "success")
    return _back_to(account)


@blueprint.route("/manage/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(*TEAM_ROLES)
def reactivate_user(user_id: int) -> Page:
    """The team reactivates accounts it manages."""
    user, account = _action(user_id)
    accounts.reactivate(get_session(), user, account)
    flash(f"{account.name}’s account is active again.", "success")
    return _back_to(account)


def _email_link(
    user: User,
    account: User,
    issue_link: Callable[[Session, User, User], accounts.EmailedLink],
    email_name: str,
    sent: str,
) -> Response:
    """Issue a link with ``issue_link`` and email it, saying ``sent`` or what went wrong."""
    try:
        link = issue_link(get_session(), user, account)
        accounts.send_link_email(get_session(), link, sender=user)
    except AccountProblem as problem:
        flash(problem.message, "error")
    except MailError as error:
        flash(f"The {email_name} email was not sent. {error.message}", "error")
    else:
        flash(sent, "success")
    return _back_to(account)


@blueprint.route("/manage/users/<int:user_id>/resend-invitation", methods=["POST"])
@roles_required(*TEAM_ROLES)
def resend_invitation(user_id: int) -> Page:
    """The team sends a new invitation link; the old one stops working."""
    user, account = _action(user_id)
    return _email_link(
        user,
        account,
        accounts.resend_invitation,
        "invitation",
        f"A new invitation was sent to {account.email}.",
    )


@blueprint.route("/manage/users/<int:user_id>/send-password-reset", methods=["POST"])
@roles_required(*TEAM_ROLES)
def send_password_reset(user_id: int) -> Page:
    """The team emails someone a password reset link, valid for one hour."""
    user, account = _action(user_id)
    return _email_link(
        user,
        account,
        accounts.send_password_reset,
        "password reset",
        f"A password reset link was sent to {account.email}.",
    )


@blueprint.route("/manage/users/<int:user_id>/reset-two-factor", methods=["POST"])
@roles_required(*TEAM_ROLES)
def reset_two_factor(user_id: int) -> Page:
    """The team resets the two-step verification of accounts it manages, never its own."""
    user, account = _action(user_id)
    # Refused (403), or nothing to reset (400), before the form is read.
    accounts.check_two_factor_reset(user, account)
    form = TwoFactorResetForm()
    if not form.validate_on_submit():
        return _render_user(account, reset_form=form, status=400)
    try:
        accounts.reset_two_factor(get_session(), user, account, reason=form.reason.data or "")
    except AccountProblem as problem:
        form.reason.errors.append(problem.message)
        return _render_user(account, reset_form=form, status=400)
    if two_factor.is_required(account):
        next_step = (
            "They have been signed out everywhere. When they next sign in with their "
            "password, they must set up two-step verification again on their new phone."
        )
    else:
        next_step = (
            "They have been signed out everywhere and can now sign in with their password "
            "alone. They can set up two-step verification again from their account page."
        )
    flash(f"{account.name}’s two-step verification has been reset. {next_step}", "success")
    return _back_to(account)


# --- pages opened from emailed links (no sign-in) ------------------------------------------


def _link_page(body: str, status: int = 200) -> tuple[str, int, dict[str, str]]:
    # The address holds the token: never pass it on to another site. Not "no-referrer":
    # over https the CSRF check needs this site's own Referer on the form's post.
    return body, status, {"Referrer-Policy": "same-origin"}


def _link_not_valid(error: LinkNotValid, purpose: TokenPurpose) -> tuple[str, int, dict[str, str]]:
    page = render_template("account/link_not_valid.html", purpose=purpose)
    return _link_page(page, error.status_code)


def _password_page(
    token: str, purpose: TokenPurpose, on_success: str
) -> tuple[str, int, dict[str, str]] | Response:
    """The set-a-password page behind an invitation or reset link, GET and POST."""
    session = get_session()
    try:
        record = accounts.valid_token(session, token, purpose)
    except LinkNotValid as error:
        return _link_not_valid(error, purpose)
    account = session.get(User, record.user_id)
    form = PasswordForm()

    def page(status: int = 200) -> tuple[str, int, dict[str, str]]:
        body = render_template(
            "account/set_password.html", form=form, account=account, purpose=purpose
        )
        return _link_page(body, status)

    if request.method in ("GET", "HEAD"):
        return page()
    if not form.validate_on_submit():
        return page(400)
    change = (
        accounts.accept_invitation
        if purpose is TokenPurpose.INVITATION
        else accounts.reset_password
    )
    try:
        change(session, token, form.password.data or "")
    except AccountProblem as problem:
        form.password.errors.append(problem.message)
        return page(400)
    except LinkNotValid as error:
        return _link_not_valid(error, purpose)
    flash(on_success)
    return redirect(url_for("manage.login"))


@blueprint.route("/account/accept/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Page | tuple[str, int, dict[str, str]]:
    """Anyone holding a valid invitation link may set that account's first password."""
    return _password_page(token, TokenPurpose.INVITATION, "Your password is set. Sign in.")


@blueprint.route("/account/reset", methods=["GET", "POST"])
def request_password_reset() -> Page:
    """Anyone may ask for a reset link; the answer is the same whether or not the account
    exists, so the page cannot be used to find out who has one."""
    form = ResetRequestForm()
    if request.method in ("GET", "HEAD"):
        return render_template("account/request_reset.html", form=form)
    if not form.validate_on_submit():
        return render_template("account/request_reset.html", form=form), 400
    email = form.email.data or ""
    accounts.request_password_reset(get_session(), email)
    return render_template("account/reset_requested.html", email=email)


@blueprint.route("/account/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Page | tuple[str, int, dict[str, str]]:
    """Anyone holding a valid reset link may choose a new password for that account."""
    return _password_page(
        token, TokenPurpose.PASSWORD_RESET, "Your password has been changed. Sign in."
    )
