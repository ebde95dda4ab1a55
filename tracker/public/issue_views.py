"""You said: the issues residents raised, one issue's page, and the engagements
where residents were heard."""

from __future__ import annotations

from flask import Response, request

from tracker import clock
from tracker.converters import Reference
from tracker.db import get_session
from tracker.public import blueprint
from tracker.queries import engagements, filters, issues
from tracker.rendering import render
from tracker.rules import threshold_days


@blueprint.get("/you-said")
def you_said() -> Response:
    today = clock.today()
    wanted = issues.parse_issue_filters(request.args)
    listing = issues.list_issues(get_session(), wanted, today)
    return render(
        "public/you_said.html",
        block="results",
        listing=listing,
        filters=listing.filters,
        page=listing.page,
        state_filters=filters.ISSUE_STATE_FILTERS,
        sorts=issues.ISSUE_SORTS,
        sort_descriptions=issues.SORT_DESCRIPTIONS,
        date_labels=issues.DATE_FILTER_LABELS,
        today=today,
    )


@blueprint.get("/you-said/<reference(YS):reference>")
def issue(reference: Reference) -> Response:
    assert reference.number is not None  # converters.check_references saw to it
    today = clock.today()
    detail = issues.issue_detail(get_session(), reference.number, today, threshold_days())
    return render("public/issue.html", detail=detail, today=today, threshold_days=threshold_days())


@blueprint.get("/engagements", endpoint="engagements")
def engagement_list() -> Response:
    wanted = engagements.parse_engagement_filters(request.args)
    page = engagements.list_engagements(get_session(), wanted)
    return render("public/engagements.html", block="results", filters=wanted, page=page)


@blueprint.get("/engagements/<reference(EN):reference>")
def engagement(reference: Reference) -> Response:
    assert reference.number is not None  # converters.check_references saw to it
    today = clock.today()
    detail = engagements.engagement_detail(get_session(), reference.number, today)
    return render("public/engagement.html", detail=detail, today=today)
