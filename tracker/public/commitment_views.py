"""We will: the list of partners' commitments."""

from __future__ import annotations

from flask import Response, request

from tracker import clock
from tracker.db import get_session
from tracker.public import blueprint, commitments, queries
from tracker.public.views import threshold_days
from tracker.rendering import render


@blueprint.get("/we-will")
def we_will() -> Response:
    today = clock.today()
    filters = commitments.parse_commitment_filters(request.args)
    listing = commitments.list_commitments(get_session(), filters, today, threshold_days())
    return render(
        "public/we_will.html",
        block="results",
        listing=listing,
        page=listing.page,
        status_filters=queries.COMMITMENT_STATUS_FILTERS,
        threshold_days=threshold_days(),
        today=today,
    )
