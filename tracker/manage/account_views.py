"""Your own account: your details, your password and two-step verification. Every role.

Each page changes only the signed-in person's own account, so the access rule is the
same everywhere: signed in, any role. Turning two-step verification off is refused
(403) to the roles that require it.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker import SERVICE_NAME
from tracker.db import get_session
from tracker.manage import auth, blueprint, services, two_factor
from tracker.manage.forms import ChangePasswordForm, ConfirmPasswordForm, TwoFactorSetupForm
from tracker.manage.permissions import ALL_ROLES, ensure, roles_required
from tracker.manage.services import AccountError, CurrentPasswordError
from tracker.manage.two_factor import SetupCodeError
from tracker.models import User

REQUIRED_BY_ROLE = (
    "Your role needs two-step verification, so it cannot be turned off. "
    "To move it to a new phone, set it up again."
)


def _signed_in_user() -> User:
    user = auth.current_user()
    assert user is not None, "roles_required lets only signed-in people through"
    return user


@blueprint.route("/manage/account")
@roles_required(*ALL_ROLES)
def account() -> str:
    """Any signed-in person: their own account."""
    user = _signed_in_user()
    return render_template(
        "manage/account/index.html",
        user=user,
        two_factor_required=two_factor.is_required(user),
        may_turn_off=two_factor.may_turn_off(user),
        recovery_codes_left=two_factor.recovery_codes_left(get_session(), user),
        old_style_recovery_codes=two_factor.old_style_recovery_codes_left(get_session(), user),
    )


@blueprint.route("/manage/account/password", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def change_password() -> Response | str | tuple[str, int]:
    """Any signed-in person: their own password, after their current one."""
    user = _signed_in_user()
    form = ChangePasswordForm()
    page = "manage/account/password.html"
    if request.method in ("GET", "HEAD"):
        return render_template(page, form=form)
    if not form.validate_on_submit():
        return render_template(page, form=form), 400
    try:
        services.change_password(
            get_session(),
            user,
            current_password=form.current_password.data or "",
            new_password=form.new_password.data or "",
        )
    except CurrentPasswordError as error:
        form.current_password.errors = [*form.current_password.errors, error.message]
        return render_template(page, form=form), 400
    except AccountError as error:
        form.new_password.errors = [*form.new_password.errors, error.message]
        return render_template(page, form=form), 400
    # Every other session has ended; this one starts afresh, keeping its second factor.
    auth.begin_session(user, second_factor_done=auth.second_factor_done())
    flash("Your password has been changed. Anywhere else you were signed in, you are signed out.")
    return redirect(url_for("manage.account"))


def _setup_page(form: TwoFactorSetupForm, user: User, next_url: str) -> str:
    # Kept on the account, encrypted, until a right code: never in the session cookie.
    secret = two_factor.setup_secret(get_session(), user)
    issuer = f"{SERVICE_NAME} ({current_app.config['ICS_NAME']})"
    return render_template(
        "manage/account/two_factor_setup.html",
        form=form,
        issuer=issuer,
        qr=two_factor.qr_code(two_factor.provisioning_uri(secret, email=user.email, issuer=issuer)),
        grouped_secret=two_factor.grouped(secret),
        replacing=user.totp_secret is not None,
        forced=auth.must_set_up_second_factor(user),
        next_url=next_url,
    )


@blueprint.route("/manage/account/two-factor", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def two_factor_setup() -> str | tuple[str, int]:
    """Any signed-in person: set up two-step verification (again, for a new phone).

    The one workspace page open to someone whose role requires it before they have it.
    """
    user = _signed_in_user()
    form = TwoFactorSetupForm()
    next_url = request.args.get("next", "")
    if request.method in ("GET", "HEAD"):
        return _setup_page(form, user, next_url)
    if not form.validate_on_submit():
        return _setup_page(form, user, next_url), 400
    replacing = user.totp_secret is not None
    if replacing and not form.password.data:
        form.password.errors = [*form.password.errors, "Enter your current password"]
        return _setup_page(form, user, next_url), 400
    try:
        codes = two_factor.turn_on(
            get_session(),
            user,
            code=form.code.data or "",
            password=form.password.data,
        )
    except SetupCodeError as error:
        form.code.errors = [*form.code.errors, error.message]
        return _setup_page(form, user, next_url), 400
    except CurrentPasswordError as error:
        form.password.errors = [*form.password.errors, error.message]
        return _setup_page(form, user, next_url), 400
    auth.mark_second_factor_done()
    # Shown in this response only: the codes are never stored where they could be read.
    return render_template(
        "manage/account/recovery_codes.html",
        codes=codes,
        just_turned_on=True,
        continue_url=auth.safe_next_url(next_url) if next_url else url_for("manage.account"),
    )


@blueprint.route("/manage/account/two-factor/turn-off", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def two_factor_turn_off() -> Response | str | tuple[str, int]:
    """Any signed-in person whose role does not require two-step verification."""
    user = _signed_in_user()
    if user.totp_secret is None:
        return redirect(url_for("manage.account"))
    ensure(two_factor.may_turn_off(user), REQUIRED_BY_ROLE)
    form = ConfirmPasswordForm()
    page = "manage/account/two_factor_turn_off.html"
    if request.method in ("GET", "HEAD"):
        return render_template(page, form=form)
    if not form.validate_on_submit():
        return render_template(page, form=form), 400
    try:
        two_factor.turn_off(get_session(), user, password=form.password.data or "")
    except CurrentPasswordError as error:
        form.password.errors = [*form.password.errors, error.message]
        return render_template(page, form=form), 400
    flash("Two-step verification is off. You now sign in with your password alone.")
    return redirect(url_for("manage.account"))


@blueprint.route("/manage/account/recovery-codes", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def recovery_codes() -> Response | str | tuple[str, int]:
    """Any signed-in person with two-step verification: ten new recovery codes."""
    user = _signed_in_user()
    if user.totp_secret is None:
        return redirect(url_for("manage.account"))
    form = ConfirmPasswordForm()
    page = "manage/account/recovery_codes_new.html"
    left = two_factor.recovery_codes_left(get_session(), user)
    if request.method in ("GET", "HEAD"):
        return render_template(page, form=form, recovery_codes_left=left)
    if not form.validate_on_submit():
        return render_template(page, form=form, recovery_codes_left=left), 400
    try:
        codes = two_factor.regenerate_recovery_codes(
            get_session(), user, password=form.password.data or ""
        )
    except CurrentPasswordError as error:
        form.password.errors = [*form.password.errors, error.message]
        return render_template(page, form=form, recovery_codes_left=left), 400
    return render_template(
        "manage/account/recovery_codes.html",
        codes=codes,
        just_turned_on=False,
        continue_url=url_for("manage.account"),
    )
