"""We will: the list of partners' commitments, and one commitment with its history."""

from __future__ import annotations

from flask import Response, request

from tracker import clock
from tracker.converters import Reference
from tracker.db import get_session
from tracker.public import blueprint
from tracker.queries import commitments, filters
from tracker.rendering import render
from tracker.rules import threshold_days


@blueprint.get("/we-will")
def we_will() -> Response:
    today = clock.today()
    wanted = commitments.parse_commitment_filters(request.args)
    listing = commitments.list_commitments(get_session(), wanted, today, threshold_days())
    return render(
        "public/we_will.html",
        block="results",
        listing=listing,
        page=listing.page,
        status_filters=filters.COMMITMENT_STATUS_FILTERS,
        sorts=commitments.COMMITMENT_SORTS,
        sort_descriptions=commitments.SORT_DESCRIPTIONS,
        threshold_days=threshold_days(),
        today=today,
    )


@blueprint.get("/we-will/<reference(WW):reference>")
def commitment(reference: Reference) -> Response:
    assert reference.number is not None  # converters.check_references saw to it
    today = clock.today()
    detail = commitments.commitment_detail(get_session(), reference.number, today, threshold_days())
    return render(
        "public/commitment.html", detail=detail, today=today, threshold_days=threshold_days()
    )
