"""Routes of the staff workspace. Each view states its access rule at the top."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from tracker.db import get_session
from tracker.manage import auth, blueprint, services, two_factor
from tracker.manage.forms import OneTimeCodeForm, RecoveryCodeForm, SignInForm
from tracker.manage.services import SignInRefusal
from tracker.manage.two_factor import CodeRefusal
from tracker.rendering import format_time

WRONG_DETAILS = "Enter a correct email address and password"

ENDED_MESSAGES = {
    auth.IDLE: "You were signed out because you had not done anything for a while. Sign in again.",
    auth.EXPIRED: "You were signed out because you had been signed in for too long. Sign in again.",
    auth.CODE_EXPIRED: (
        f"You did not enter a security code within {auth.PENDING_MINUTES} minutes. Sign in again."
    ),
}

#: The only workspace page someone who must set up two-step verification may open.
SETUP_ENDPOINT = "manage.two_factor_setup"


@blueprint.before_request
def check_session() -> Response | None:
    """Every workspace request judges the session's timeouts before anything else.

    Someone whose role requires two-step verification, and who has not set it up,
    may use only the set-up page (and sign out) until they have.
    """
    user = auth.load_current_user()
    if (
        user is not None
        and request.path.startswith("/manage")
        and request.endpoint != SETUP_ENDPOINT
        and auth.must_set_up_second_factor(user)
    ):
        return redirect(url_for(SETUP_ENDPOINT, next=request.full_path.rstrip("?")))
    return None


@blueprint.after_request
def no_store(response: Response) -> Response:
    # Workspace pages show who is signed in: never keep them in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal_message(result: services.SignInResult) -> str:
    # A locked account gets the same answer as wrong details, so the page cannot tell
    # anyone which addresses have accounts; its owner is told of the lock by email.
    if result.refusal is SignInRefusal.ADDRESS_LIMITED and result.retry_after is not None:
        return (
            "There have been too many sign-in attempts from your network. "
            f"Try again after {format_time(result.retry_after)}."
        )
    return WRONG_DETAILS


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Anyone may sign in; someone already signed in goes on to where they were heading."""
    form = SignInForm()
    if request.method in ("GET", "HEAD"):
        form.next.data = request.args.get("next", "")
        if auth.current_user() is not None:
            return redirect(auth.safe_next_url(form.next.data))
        ended = session.pop(auth.ENDED_REASON, None)
        return render_template(
            "manage/login.html", form=form, notice=ENDED_MESSAGES.get(ended or "")
        )

    # A missing or wrong CSRF token never gets here: CSRFProtect refuses it first
    # (see tracker/errors.py).
    if not form.validate_on_submit():
        return render_template("manage/login.html", form=form), 400

    result = services.sign_in(
        get_session(),
        email=form.email.data or "",
        password=form.password.data or "",
        client_address=request.remote_addr or "unknown",
    )
    if result.user is None:
        # One message on the email field, whichever detail was wrong.
        form.email.errors = [*form.email.errors, _refusal_message(result)]
        status = 429 if result.refusal is SignInRefusal.ADDRESS_LIMITED else 400
        return render_template("manage/login.html", form=form, sign_in_failed=True), status

    if result.user.totp_secret is not None:
        auth.begin_pending(result.user, form.next.data or "")
        return redirect(url_for("manage.login_code"))
    auth.begin_session(result.user)
    return redirect(auth.safe_next_url(form.next.data))


def _code_refusal_message(result: two_factor.CodeResult, recovery: bool) -> str:
    if result.refusal is CodeRefusal.ACCOUNT_LOCKED and result.retry_after is not None:
        return services.locked_message(result.retry_after, "wrong passwords or codes")
    if result.refusal is CodeRefusal.REUSED:
        return (
            "This code has already been used. Wait for your authenticator app to show "
            "a new code, then enter it"
        )
    if recovery:
        return "Enter a recovery code that you have not used before"
    return "Enter the code your authenticator app shows now"


@blueprint.route("/login/code", methods=["GET", "POST"])
def login_code() -> Response | str | tuple[str, int]:
    """Anyone whose password was right in the last few minutes, and who owes a code."""
    user = auth.pending_user()
    if user is None:
        return redirect(url_for("manage.login"))
    recovery = request.args.get("method") == "recovery"
    form = RecoveryCodeForm() if recovery else OneTimeCodeForm()
    page = "manage/login_code.html"
    if request.method in ("GET", "HEAD"):
        return render_template(page, form=form, recovery=recovery)
    if not form.validate_on_submit():
        return render_template(page, form=form, recovery=recovery), 400

    result = two_factor.sign_in_with_code(get_session(), user, form.code.data or "")
    if not result.accepted:
        # While the account is locked every code is refused with the time it ends.
        form.code.errors = [*form.code.errors, _code_refusal_message(result, recovery)]
        return render_template(page, form=form, recovery=recovery), 400

    next_url = auth.pending_next_url()
    auth.begin_session(user, second_factor_done=True)
    if result.recovery_codes_left is not None:
        flash(_recovery_code_notice(result.recovery_codes_left))
        return redirect(url_for("manage.account"))
    return redirect(auth.safe_next_url(next_url))


def _recovery_code_notice(left: int) -> str:
    codes = "1 recovery code" if left == 1 else f"{left} recovery codes"
    return (
        f"You signed in with a recovery code. You have {codes} left. If you no longer "
        "have your phone, set up two-step verification on a new one."
    )


@blueprint.route("/logout", methods=["POST"])
def logout() -> Response:
    """Anyone may sign out; the CSRF token stops another site signing you out."""
    user = auth.current_user()
    if user is not None:
        services.sign_out(get_session(), user)
    auth.end_session()
    flash("You have signed out.")
    return redirect(url_for("manage.login"))
