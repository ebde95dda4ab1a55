"""The public site: pages anyone can read without signing in."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from tracker import clock
from tracker.db import get_session
from tracker.public import queries
from tracker.rendering import render

blueprint = Blueprint("public", __name__)


def _threshold_days() -> int:
    days: int = current_app.config["NO_RECENT_UPDATE_DAYS"]
    return days


@blueprint.get("/")
def home() -> Response:
    today = clock.today()
    threshold_days = _threshold_days()
    figures = queries.headline_figures(get_session(), today, threshold_days)
    return render("public/home.html", figures=figures, today=today, threshold_days=threshold_days)


@blueprint.get("/you-said")
def you_said() -> Response:
    today = clock.today()
    filters = queries.parse_issue_filters(request.args)
    page = queries.list_issues(get_session(), filters, today)
    return render(
        "public/you_said.html",
        block="results",
        filters=filters,
        page=page,
        state_filters=queries.ISSUE_STATE_FILTERS,
        today=today,
    )


@blueprint.get("/we-will")
def we_will() -> Response:
    today = clock.today()
    threshold_days = _threshold_days()
    filters = queries.parse_commitment_filters(request.args)
    listing = queries.list_commitments(get_session(), filters, today, threshold_days)
    return render(
        "public/we_will.html",
        block="results",
        listing=listing,
        page=listing.page,
        status_filters=queries.COMMITMENT_STATUS_FILTERS,
        threshold_days=threshold_days,
        today=today,
    )


@blueprint.get("/accessibility")
def accessibility() -> Response:
    return render("public/accessibility.html")


@blueprint.get("/privacy")
def privacy() -> Response:
    return render("public/privacy.html")
