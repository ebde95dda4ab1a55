"""The workspace's home and its commitment pages: dashboards, updates, commitments.

Each view states its access rule at the top: the role with ``roles_required`` and
the record with ``permissions.ensure``, before anything is read from the form or
written. The rules and writes themselves live in :mod:`tracker.manage.commitments`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, flash, redirect, request, url_for

from tracker import clock
from tracker.converters import Reference
from tracker.db import get_session
from tracker.manage import auth, blueprint, commitments, permissions
from tracker.manage.commitment_forms import EditCommitmentForm, NewCommitmentForm, UpdateForm
from tracker.models import Commitment, User
from tracker.queries.commitments import commitment_detail
from tracker.queries.pagination import parse_page
from tracker.rendering import render, wants_fragment

WORKSPACE_PAGE = "manage/workspace.html"
COMMITMENT_PAGE = "manage/commitments/commitment.html"
ROW_UPDATE_FORM = "manage/commitments/row_update_form.html"
#: Marks an answer to a dashboard row's htmx post as that row.
ROW_HEADER = "X-Commitment-Row"


def _threshold_days() -> int:
    days: int = current_app.config["NO_RECENT_UPDATE_DAYS"]
    return days


def _signed_in() -> User:
    user = auth.current_user()
    assert user is not None, "roles_required lets only signed-in people through"
    return user


def _number(reference: Reference) -> int:
    """The number of a reference from the address (converters.check_references has
    already refused one that is not a reference)."""
    assert reference.number is not None
    return reference.number


def _commitment_for(user: User, commitment_ref: Reference) -> Commitment:
    """The commitment at ``commitment_ref``, if ``user`` may change it (else 404 or 403)."""
    number = _number(commitment_ref)
    commitment = commitments.find_commitment(get_session(), number)
    permissions.ensure(permissions.may_change_commitment(user, commitment))
    return commitment


def _issue_url(issue_reference: str) -> str:
    """The issue's workspace page, or the dashboard while there is none."""
    if "manage.issue" in current_app.view_functions:
        return url_for("manage.issue", issue_ref=issue_reference)
    return url_for("manage.workspace")


def _status(response: Response, status: int) -> Response:
    response.status_code = status
    return response


# --- The dashboard ----------------------------------------------------------------


@blueprint.route("/manage")
@permissions.roles_required(*permissions.ALL_ROLES)
def workspace() -> Response:
    """Signed-in staff of every role: a partner lead sees their partner's commitments,
    the team everyone's (filtered by partner)."""
    user = _signed_in()
    notices: list[str] = []
    board = commitments.dashboard(
        get_session(),
        user,
        partner_slug=request.args.get("partner", "").strip() or None,
        show=request.args.get("show"),
        page=parse_page(request.args, notices),
        today=clock.today(),
        threshold_days=_threshold_days(),
    )
    # Each row's form is loaded when it is opened (update_form below), not built here.
    return render(
        WORKSPACE_PAGE,
        board=board,
        return_to=request.full_path.rstrip("?"),
        notices=[*notices, *board.notices],
        show_partner=permissions.is_team(user),
    )


@blueprint.get("/manage/commitments/<reference(WW):commitment_ref>/update-form")
@permissions.roles_required(*permissions.ALL_ROLES)
def update_form(commitment_ref: Reference) -> Response:
    """Every role; a partner lead only for their own partner's commitments.

    The form a dashboard row loads through htmx when its "Post an update" details are
    first opened. Anyone who follows the address itself gets the commitment's page,
    which has the same form.
    """
    commitment = _commitment_for(_signed_in(), commitment_ref)
    if not wants_fragment():
        return redirect(  # type: ignore[return-value]
            url_for("manage.commitment", commitment_ref=commitment.reference)
        )
    form = UpdateForm(commitment, formdata=None)
    form.return_to.data = request.args.get("return_to", "")
    response = render(ROW_UPDATE_FORM, commitment=commitment, form=form)
    # The answer belongs in the row (static/js/tracker.js swaps only answers marked so).
    response.headers[ROW_HEADER] = commitment.reference
    return response


# --- One commitment ---------------------------------------------------------------


def _commitment_page(
    commitment: Commitment,
    form: UpdateForm,
    conflict: commitments.Conflict | None = None,
) -> Response:
    detail = commitment_detail(get_session(), commitment.number, clock.today(), _threshold_days())
    return render(
        COMMITMENT_PAGE,
        detail=detail,
        form=form,
        conflict=conflict,
        issue_url=_issue_url(commitment.issue.reference),
    )


@blueprint.get("/manage/commitments/<reference(WW):commitment_ref>")
@permissions.roles_required(*permissions.ALL_ROLES)
def commitment(commitment_ref: Reference) -> Response:
    """Every role; a partner lead only for their own partner's commitments."""
    commitment = _commitment_for(_signed_in(), commitment_ref)
    form = UpdateForm(commitment, formdata=None)
    form.return_to.data = url_for("manage.commitment", commitment_ref=commitment.reference)
    return _commitment_page(commitment, form)


@blueprint.post("/manage/commitments/<reference(WW):commitment_ref>/updates")
@permissions.roles_required(*permissions.ALL_ROLES)
def post_update(commitment_ref: Reference) -> Response:
    """Every role; a partner lead only on their own partner's commitments.

    From the dashboard with JavaScript, htmx gets back just that commitment's row;
    otherwise the person goes back where they came from, or sees the commitment's
    page with what to fix.
    """
    user = _signed_in()
    commitment = _commitment_for(user, commitment_ref)
    session = get_session()
    form = UpdateForm(commitment)
    conflict: commitments.Conflict | None = None
    status = 400
    if form.validate() and form.seen_version is not None:
        try:
            commitments.post_update(
                session,
                actor=user,
                commitment=commitment,
                change=form.update_input(),
                seen_version=form.seen_version,
                today=clock.today(),
            )
        except commitments.InvalidInput as invalid:
            form.add_problems(invalid.problems)
        except commitments.CommitmentChanged as changed:
            conflict = commitments.conflict_since(
                session, changed.commitment_id, changed.seen_version
            )
            form.keep_for_resubmit(conflict.current_version)
            commitment = commitments.find_commitment(session, commitment.number)
            status = 409
        else:
            return _update_posted(commitment, form.return_to.data)

    if wants_fragment():
        return _status(
            _row_fragment(commitment, form, conflict=conflict, return_to=form.return_to.data or ""),
            status,
        )
    return _status(_commitment_page(commitment, form, conflict), status)


def _update_posted(commitment: Commitment, return_to: str | None) -> Response:
    message = f"Your update on {commitment.reference} was posted."
    if wants_fragment():
        # The row comes back with its form folded away, loaded again when opened.
        return _row_fragment(commitment, None, message=message, return_to=return_to or "")
    flash(message, "success")
    default = url_for("manage.commitment", commitment_ref=commitment.reference)
    return redirect(auth.safe_next_url(return_to) if return_to else default)  # type: ignore[return-value]


def _row_fragment(
    commitment: Commitment,
    form: UpdateForm | None,
    *,
    message: str | None = None,
    conflict: commitments.Conflict | None = None,
    return_to: str = "",
) -> Response:
    """The commitment's dashboard row, with ``form`` open (a refused post) or folded away."""
    row = commitments.dashboard_row(commitment, clock.today(), _threshold_days())
    response = render(
        WORKSPACE_PAGE,
        block="commitment_row",
        row=row,
        row_form=form,
        return_to=return_to,
        row_message=message,
        row_conflict=conflict,
        show_partner=permissions.is_team(_signed_in()),
    )
    # The row's form swaps in only answers that carry this (see _update_form.html).
    response.headers[ROW_HEADER] = commitment.reference
    return response


# --- Editing the words of a commitment --------------------------------------------


@blueprint.route("/manage/commitments/<reference(WW):commitment_ref>/edit", methods=["GET", "POST"])
@permissions.roles_required(*permissions.ALL_ROLES)
def edit_commitment(commitment_ref: Reference) -> Response:
    """Every role; a partner lead only for their own partner's commitments."""
    user = _signed_in()
    commitment = _commitment_for(user, commitment_ref)
    session = get_session()
    prefix = "commitment-"
    if request.method in ("GET", "HEAD"):
        form = EditCommitmentForm(obj=commitment, id_prefix=prefix)
        form.version.data = str(commitment.version)
        return render("manage/commitments/edit.html", commitment=commitment, form=form)

    form = EditCommitmentForm(id_prefix=prefix)
    conflict: commitments.Conflict | None = None
    status = 400
    if form.validate() and form.seen_version is not None:
        try:
            changed = commitments.edit_commitment(
                session,
                actor=user,
                commitment=commitment,
                text=form.commitment_text(),
                seen_version=form.seen_version,
            )
        except commitments.CommitmentChanged as stale:
            conflict = commitments.conflict_since(session, stale.commitment_id, stale.seen_version)
            form.keep_for_resubmit(conflict.current_version)
            commitment = commitments.find_commitment(session, commitment.number)
            status = 409
        else:
            flash(
                f"Your changes to {commitment.reference} were saved."
                if changed
                else f"Nothing was changed: {commitment.reference} already said that.",
                "success",
            )
            return redirect(url_for("manage.commitment", commitment_ref=commitment.reference))  # type: ignore[return-value]
    return _status(
        render("manage/commitments/edit.html", commitment=commitment, form=form, conflict=conflict),
        status,
    )


# --- Making a commitment on an issue ----------------------------------------------


@blueprint.route(
    "/manage/issues/<reference(YS):issue_ref>/commitments/new", methods=["GET", "POST"]
)
@permissions.roles_required(*permissions.ALL_ROLES)
def new_commitment(issue_ref: Reference) -> Response:
    """Every role; a partner lead only on issues their partner leads or supports, and
    only for their own partner."""
    user = _signed_in()
    session = get_session()
    issue = commitments.find_issue(session, _number(issue_ref))
    permissions.ensure(permissions.may_respond_to_issue(user, issue))
    team = permissions.is_team(user)
    options: dict[str, Any] = {"id_prefix": "commitment-"}
    if team:
        options["partners"] = commitments.partner_choices(session)
    if request.method in ("GET", "HEAD"):
        form = NewCommitmentForm(formdata=None, **options)
        if team and issue.lead_partner_id is not None:
            form.partner.data = str(issue.lead_partner_id)
        return render(
            "manage/commitments/new.html",
            issue=issue,
            form=form,
            issue_url=_issue_url(issue.reference),
        )

    form = NewCommitmentForm(**options)
    if form.validate():
        partner_id = form.partner_id if team else user.partner_id
        try:
            made = commitments.make_commitment(
                session,
                actor=user,
                issue=issue,
                partner_id=partner_id or 0,
                text=form.commitment_text(),
                target_date=form.target_date.data,  # type: ignore[arg-type]
                today=clock.today(),
            )
        except commitments.InvalidInput as invalid:
            form.add_problems(invalid.problems)
        else:
            flash(f"Commitment {made.reference} was made.", "success")
            return redirect(url_for("manage.commitment", commitment_ref=made.reference))  # type: ignore[return-value]
    return _status(
        render(
            "manage/commitments/new.html",
            issue=issue,
            form=form,
            issue_url=_issue_url(issue.reference),
        ),
        400,
    )
