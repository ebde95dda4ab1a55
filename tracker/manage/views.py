"""Routes of the staff workspace. Each view states its access rule at the top."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from tracker.db import get_session
from tracker.manage import auth, blueprint, services
from tracker.manage.forms import SignInForm
from tracker.manage.services import SignInRefusal
from tracker.rendering import format_time

WRONG_DETAILS = "Enter a correct email address and password"

ENDED_MESSAGES = {
    auth.IDLE: "You were signed out because you had not done anything for a while. Sign in again.",
    auth.EXPIRED: "You were signed out because you had been signed in for too long. Sign in again.",
}


@blueprint.before_request
def check_session() -> None:
    """Every workspace request judges the session's timeouts before anything else."""
    auth.load_current_user()


@blueprint.after_request
def no_store(response: Response) -> Response:
    # Workspace pages show who is signed in: never keep them in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal_message(result: services.SignInResult) -> str:
    if result.refusal is SignInRefusal.ACCOUNT_LOCKED and result.retry_after is not None:
        return (
            "This account is locked because of too many wrong passwords. "
            f"Try again after {format_time(result.retry_after)}."
        )
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
    if request.method == "GET":
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

    auth.begin_session(result.user)
    return redirect(auth.safe_next_url(form.next.data))


@blueprint.route("/logout", methods=["POST"])
def logout() -> Response:
    """Anyone may sign out; the CSRF token stops another site signing you out."""
    user = auth.current_user()
    if user is not None:
        services.sign_out(get_session(), user)
    auth.end_session()
    flash("You have signed out.")
    return redirect(url_for("manage.login"))
