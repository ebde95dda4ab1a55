"""You said: the issues residents raised, one issue's page, and the engagements
where residents were heard."""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from tracker import clock
from tracker.db import get_session
from tracker.models import Engagement, Issue, format_reference
from tracker.public import blueprint, engagements, issues, queries
from tracker.public.views import threshold_days
from tracker.rendering import render


@blueprint.get("/you-said")
def you_said() -> Response:
    today = clock.today()
    filters = issues.parse_issue_filters(request.args)
    listing = issues.list_issues(get_session(), filters, today)
    return render(
        "public/you_said.html",
        block="results",
        listing=listing,
        filters=listing.filters,
        page=listing.page,
        state_filters=queries.ISSUE_STATE_FILTERS,
        sorts=issues.ISSUE_SORTS,
        sort_descriptions=issues.SORT_DESCRIPTIONS,
        date_labels=issues.DATE_FILTER_LABELS,
        today=today,
    )


@blueprint.get("/you-said/<reference>")
def issue(reference: str) -> Response:
    number = issues.reference_number(reference, Issue.REFERENCE_PREFIX)
    if number is None:
        raise issues.not_a_reference(reference, "Issue", "YS-0042")
    canonical = format_reference(Issue.REFERENCE_PREFIX, number)
    if reference != canonical:
        # ys-42 and YS0042 are YS-0042: one address per issue, for bookmarks and links.
        return redirect(url_for("public.issue", reference=canonical), 301)  # type: ignore[return-value]
    today = clock.today()
    detail = issues.issue_detail(get_session(), number, today, threshold_days())
    return render("public/issue.html", detail=detail, today=today, threshold_days=threshold_days())


@blueprint.get("/engagements", endpoint="engagements")
def engagement_list() -> Response:
    filters = engagements.parse_engagement_filters(request.args)
    page = engagements.list_engagements(get_session(), filters)
    return render("public/engagements.html", block="results", filters=filters, page=page)


@blueprint.get("/engagements/<reference>")
def engagement(reference: str) -> Response:
    number = issues.reference_number(reference, Engagement.REFERENCE_PREFIX)
    if number is None:
        raise issues.not_a_reference(reference, "Engagement", "EN-0003")
    canonical = format_reference(Engagement.REFERENCE_PREFIX, number)
    if reference != canonical:
        return redirect(url_for("public.engagement", reference=canonical), 301)  # type: ignore[return-value]
    today = clock.today()
    detail = engagements.engagement_detail(get_session(), number, today)
    return render("public/engagement.html", detail=detail, today=today)
