"""The engagement team's pages: engagements, issues, changes of lead partner,
moderation of updates, and the partners, areas, themes and communities.

Each view states its access rule at the top: the roles (``roles_required``) and,
for one issue, whether the signed-in person may respond to it. The writes and
their rules live in :mod:`tracker.manage.records`; a refused write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from tracker import clock
from tracker.converters import Reference
from tracker.db import get_session
from tracker.errors import RecordNotFound
from tracker.manage import auth, blueprint, records
from tracker.manage.forms import TrackerForm
from tracker.manage.permissions import (
    ALL_ROLES,
    TEAM_ROLES,
    Forbidden,
    ensure,
    is_team,
    may_respond_to_issue,
    roles_required,
)
from tracker.manage.record_forms import (
    REFERENCE_FORMS,
    EngagementForm,
    HideUpdateForm,
    IssueForm,
    LeadPartnerForm,
    NewIssueForm,
    reference_values,
)
from tracker.models import Engagement, ReportStatus, User
from tracker.queries.engagements import (
    engagement_detail,
    list_engagements,
    parse_engagement_filters,
)
from tracker.queries.issues import issue_detail
from tracker.queries.pagination import parse_page
from tracker.rendering import render
from tracker.reports import publishing
from tracker.search import MAX_QUERY_LENGTH

T = TypeVar("T")

NOT_YOUR_ISSUE = "You can only see the issues that your organisation leads or supports."


def _actor() -> User:
    user = auth.current_user()
    if user is None:  # roles_required has already refused anyone signed out
        raise Forbidden("Sign in to use the workspace.")
    return user


def _number(reference: Reference) -> int:
    """The number of a reference from the address (converters.check_references has
    already refused one that is not a reference)."""
    assert reference.number is not None
    return reference.number


def _saved(form: TrackerForm, write: Callable[[], T]) -> T | None:
    """The posted form checked, then ``write`` done; None, with every problem on the
    form's fields, when the input or a rule of the record refuses it."""
    if not form.validate():
        return None
    try:
        return write()
    except records.InvalidInput as invalid:
        get_session().rollback()
        form.add_problems(invalid.problems)
        return None


def _workspace_link(rule: str, **values: Any) -> str | None:
    """The address of a workspace page by its URL rule, or None while it does not exist."""
    for candidate in current_app.url_map.iter_rules():
        if candidate.rule == rule:
            return url_for(candidate.endpoint, **values)
    return None


# --- Engagements ---------------------------------------------------------------------


@blueprint.get("/manage/engagements")
@roles_required(*TEAM_ROLES)
def engagements() -> Response:
    """The engagement team."""
    filters = parse_engagement_filters(request.args)
    page = list_engagements(get_session(), filters)
    return render("manage/records/engagements.html", block="results", page=page, filters=filters)


@blueprint.route("/manage/engagements/new", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def new_engagement() -> Response | str | tuple[str, int]:
    """The engagement team."""
    session = get_session()
    form = EngagementForm()
    form.set_choices(records.record_choices(session, engagements=False))
    if request.method == "POST":
        engagement = _saved(
            form, lambda: records.create_engagement(session, _actor(), form.details())
        )
        if engagement is not None:
            flash(f"Engagement {engagement.reference} recorded.")
            return redirect(url_for("manage.engagement", engagement_ref=engagement.reference))
        return render_template("manage/records/engagement_form.html", form=form), 400
    return render_template("manage/records/engagement_form.html", form=form)


@blueprint.get("/manage/engagements/<reference(EN):engagement_ref>")
@roles_required(*TEAM_ROLES)
def engagement(engagement_ref: Reference) -> str:
    """The engagement team."""
    number = _number(engagement_ref)
    detail = engagement_detail(get_session(), number, clock.today())
    return render_template("manage/records/engagement.html", detail=detail)


@blueprint.route("/manage/engagements/<reference(EN):engagement_ref>/edit", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def edit_engagement(engagement_ref: Reference) -> Response | str | tuple[str, int]:
    """The engagement team."""
    session = get_session()
    engagement = records.find_engagement(session, engagement_ref)
    reference = engagement.reference
    if request.method in ("GET", "HEAD"):
        form = EngagementForm(data=EngagementForm.values_of(engagement))
    else:
        form = EngagementForm()
    form.set_choices(records.record_choices(session, engagements=False))
    page = {"form": form, "engagement": engagement, "reference": reference}
    if request.method == "POST":
        changed = _saved(
            form,
            lambda: records.change_engagement(session, _actor(), engagement, form.details()),
        )
        if changed is not None:
            flash(f"Engagement {reference} saved." if changed else "Nothing was changed.")
            return redirect(url_for("manage.engagement", engagement_ref=reference))
        return render_template("manage/records/engagement_form.html", **page), 400
    return render_template("manage/records/engagement_form.html", **page)


# --- Issues --------------------------------------------------------------------------


@blueprint.get("/manage/issues")
@roles_required(*ALL_ROLES)
def issues() -> Response:
    """Every role: the team sees every issue, a partner lead those their partner
    leads or supports."""
    notices: list[str] = []
    page_wanted = parse_page(request.args, notices)
    search = records.IssueSearch(
        q=(request.args.get("q") or "").strip()[:MAX_QUERY_LENGTH],
        page=page_wanted,
        notices=tuple(notices),
    )
    user = _actor()
    page = records.workspace_issues(get_session(), user, search, clock.today())
    return render(
        "manage/records/issues.html",
        block="results",
        page=page,
        search=search,
        team=is_team(user),
    )


def _heard_at(reference: str | None) -> Engagement | None:
    """The engagement a new issue was heard at, named in the address, if it exists."""
    if not reference:
        return None
    try:
        return records.find_engagement(get_session(), reference)
    except RecordNotFound:
        return None


@blueprint.route("/manage/issues/new", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def new_issue() -> Response | str | tuple[str, int]:
    """The engagement team. ``?engagement=EN-0003`` starts from that engagement."""
    session = get_session()
    heard_at = (
        _heard_at(request.args.get("engagement")) if request.method in ("GET", "HEAD") else None
    )
    if heard_at is not None:
        # Start from what the engagement already says: where, who and when.
        form = NewIssueForm(
            data={
                "engagements": [heard_at.id],
                "areas": [heard_at.area_id] if heard_at.area_id else [],
                "communities": [community.id for community in heard_at.communities],
                "raised_on": heard_at.ended_on or heard_at.started_on,
            }
        )
    else:
        form = NewIssueForm()
    form.set_choices(records.record_choices(session))
    if request.method == "POST":
        issue = _saved(
            form,
            lambda: records.create_issue(session, _actor(), form.details(), form.lead_partner.data),
        )
        if issue is not None:
            flash(f"Issue {issue.reference} recorded.")
            return redirect(url_for("manage.issue", issue_ref=issue.reference))
        return render_template("manage/records/issue_form.html", form=form), 400
    return render_template("manage/records/issue_form.html", form=form, heard_at=heard_at)


@blueprint.get("/manage/issues/<reference(YS):issue_ref>")
@roles_required(*ALL_ROLES)
def issue(issue_ref: Reference) -> str:
    """The team, or a partner lead whose partner leads or supports the issue."""
    user = _actor()
    number = _number(issue_ref)
    today = clock.today()
    detail = issue_detail(get_session(), number, today, current_app.config["NO_RECENT_UPDATE_DAYS"])
    ensure(may_respond_to_issue(user, detail.issue), NOT_YOUR_ISSUE)
    reference = detail.issue.reference
    new_commitment_url = None
    if "manage.new_commitment" in current_app.view_functions:
        new_commitment_url = url_for("manage.new_commitment", issue_ref=reference)
    commitment_urls = {
        summary.commitment.reference: _workspace_link(
            "/manage/commitments/<reference(WW):commitment_ref>",
            commitment_ref=summary.commitment.reference,
        )
        for summary in detail.commitments
    }
    # Dates in England, as the public history shows them.
    update_dates = {
        event.update.id: (event.on, event.hidden_on)
        for event in detail.history
        if event.update is not None
    }
    return render_template(
        "manage/records/issue.html",
        detail=detail,
        update_dates=update_dates,
        team=is_team(user),
        new_commitment_url=new_commitment_url,
        commitment_urls=commitment_urls,
        today=today,
    )


@blueprint.route("/manage/issues/<reference(YS):issue_ref>/edit", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def edit_issue(issue_ref: Reference) -> Response | str | tuple[str, int]:
    """The engagement team. The lead partner is not on this form: see lead_partner."""
    session = get_session()
    issue = records.find_issue(session, issue_ref)
    reference = issue.reference
    form = (
        IssueForm(data=IssueForm.values_of(issue))
        if request.method in ("GET", "HEAD")
        else IssueForm()
    )
    form.set_choices(records.record_choices(session))
    page = {"form": form, "issue": issue, "reference": reference}
    if request.method == "POST":
        changed = _saved(
            form, lambda: records.change_issue(session, _actor(), issue, form.details())
        )
        if changed is not None:
            flash(f"Issue {reference} saved." if changed else "Nothing was changed.")
            return redirect(url_for("manage.issue", issue_ref=reference))
        return render_template("manage/records/issue_form.html", **page), 400
    return render_template("manage/records/issue_form.html", **page)


@blueprint.route("/manage/issues/<reference(YS):issue_ref>/lead-partner", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def lead_partner(issue_ref: Reference) -> Response | str | tuple[str, int]:
    """The engagement team."""
    session = get_session()
    issue = records.find_issue(session, issue_ref)
    reference = issue.reference
    current = issue.lead_partner
    form = LeadPartnerForm()
    form.set_choices(records.partner_choices(session))
    page = {"form": form, "issue": issue, "reference": reference, "current": current}
    if request.method == "POST":
        change = _saved(
            form,
            lambda: records.change_lead_partner(
                session, _actor(), issue, form.lead_partner.data, form.reason.data or ""
            ),
        )
        if change is not None:
            flash(
                f"{issue.lead_partner.name if issue.lead_partner else 'The new partner'} now "
                f"leads issue {reference}. The issue's public history shows the change "
                "and its reason."
            )
            return redirect(url_for("manage.issue", issue_ref=reference))
        return render_template("manage/records/lead_partner.html", **page), 400
    return render_template("manage/records/lead_partner.html", **page)


# --- Moderation ----------------------------------------------------------------------


@blueprint.route("/manage/updates/<int:update_id>/hide", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def hide_update(update_id: int) -> Response | str | tuple[str, int]:
    """The engagement team."""
    session = get_session()
    update = records.find_update(session, update_id)
    form = HideUpdateForm()
    page = {
        "form": form,
        "update": update,
        "commitment": update.commitment,
        "posted_on": clock.local_date(update.posted_at),
        "hidden_on": clock.local_date(update.hidden_at) if update.hidden_at else None,
    }
    if request.method == "POST":
        if update.is_hidden:
            return render_template("manage/records/hide_update.html", refused=True, **page), 409
        try:
            hidden = _saved(
                form,
                lambda: records.hide_update(session, _actor(), update, form.reason.data or ""),
            )
        except records.HidingConflict as conflict:
            return render_template(
                "manage/records/hide_update.html", conflict=conflict.message, **page
            ), 409
        if hidden is not None:
            flash(_hidden_message(hidden))
            return redirect(url_for("manage.issue", issue_ref=update.commitment.issue.reference))
        return render_template("manage/records/hide_update.html", **page), 400
    return render_template("manage/records/hide_update.html", **page)


def _hidden_message(hidden: records.HiddenUpdate) -> Markup:
    """What the team is told once an update is hidden, with what it did to the status
    and the stored reports that still quote it, each linked."""
    message = (
        "The update was hidden. The public pages now say when and why it was hidden, "
        "instead of showing its words."
    )
    commitment = hidden.update.commitment
    if hidden.status_undone:
        message += (
            f" Commitment {commitment.reference} is {hidden.status_after.label} again: "
            f"the update that made it {hidden.status_before.label} is hidden."
        )
    elif hidden.reason_lost:
        message += (
            f" Commitment {commitment.reference} is still {hidden.status_after.label}, but "
            "the reason was only in the hidden update: ask its partner to post an update "
            "giving the reason."
        )
    said = escape(message)
    for report in hidden.quoted_in:
        link = Markup('<a href="{}">report {} ({})</a>').format(
            url_for("manage.report", report_id=report.id),
            report.period,
            publishing.scope_label(report),
        )
        if report.status is ReportStatus.PUBLISHED:
            said += Markup(" Published {} quotes this update: publish a correction.").format(link)
        else:
            said += Markup(
                " Draft {} quotes this update: generate it again before publishing it."
            ).format(link)
    return said


# --- Reference data ------------------------------------------------------------------


@blueprint.get("/manage/reference-data")
@roles_required(*TEAM_ROLES)
def reference_data() -> str:
    """The engagement team."""
    return render_template(
        "manage/records/reference_data.html",
        kinds=records.REFERENCE_KINDS,
        counts=records.reference_counts(get_session()),
    )


@blueprint.get("/manage/reference-data/<kind>")
@roles_required(*TEAM_ROLES)
def reference_list(kind: str) -> str:
    """The engagement team."""
    reference_kind = records.reference_kind(kind)
    session = get_session()
    listed = records.reference_records(session, reference_kind)
    area_names = records.area_labels(listed) if reference_kind.key == "areas" else {}
    return render_template(
        "manage/records/reference_list.html",
        kind=reference_kind,
        listed=listed,
        area_names=area_names,
    )


@blueprint.route("/manage/reference-data/<kind>/new", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def new_reference_record(kind: str) -> Response | str | tuple[str, int]:
    """The engagement team."""
    reference_kind = records.reference_kind(kind)
    session = get_session()
    form = REFERENCE_FORMS[kind]()
    form.set_choices(records.area_choices(session) if kind == "areas" else [])
    page = {"form": form, "kind": reference_kind, "record": None}
    if request.method == "POST":
        record = _saved(
            form,
            lambda: records.create_reference_record(
                session, _actor(), reference_kind, form.details()
            ),
        )
        if record is not None:
            flash(f"{record.name} added. Its public address is /{kind}/{record.slug}.")
            return redirect(url_for("manage.reference_list", kind=kind))
        return render_template("manage/records/reference_form.html", **page), 400
    return render_template("manage/records/reference_form.html", **page)


@blueprint.route("/manage/reference-data/<kind>/<slug>/edit", methods=["GET", "POST"])
@roles_required(*TEAM_ROLES)
def edit_reference_record(kind: str, slug: str) -> Response | str | tuple[str, int]:
    """The engagement team."""
    reference_kind = records.reference_kind(kind)
    session = get_session()
    record = records.find_reference_record(session, reference_kind, slug)
    form_class = REFERENCE_FORMS[kind]
    if request.method in ("GET", "HEAD"):
        form = form_class(data=reference_values(reference_kind, record))
    else:
        form = form_class()
    form.set_choices(records.area_choices(session) if kind == "areas" else [])
    name = record.name
    page = {"form": form, "kind": reference_kind, "record": record, "name": name, "slug": slug}
    if request.method == "POST":
        changed = _saved(
            form,
            lambda: records.change_reference_record(
                session, _actor(), reference_kind, record, form.details()
            ),
        )
        if changed is not None:
            flash(f"{form.name.data} saved." if changed else "Nothing was changed.")
            return redirect(url_for("manage.reference_list", kind=kind))
        return render_template("manage/records/reference_form.html", **page), 400
    return render_template("manage/records/reference_form.html", **page)
