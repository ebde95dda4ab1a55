"""We will: the list of partners' commitments, and one commitment with its history."""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from tracker import clock
from tracker.db import get_session
from tracker.models import Commitment, format_reference
from tracker.public import blueprint, commitments, issues, queries
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
        sorts=commitments.COMMITMENT_SORTS,
        sort_descriptions=commitments.SORT_DESCRIPTIONS,
        threshold_days=threshold_days(),
        today=today,
    )


@blueprint.get("/we-will/<reference>")
def commitment(reference: str) -> Response:
    number = issues.reference_number(reference, Commitment.REFERENCE_PREFIX)
    if number is None:
        raise issues.not_a_reference(reference, "Commitment", "WW-0107")
    canonical = format_reference(Commitment.REFERENCE_PREFIX, number)
    if reference != canonical:
        # ww-107 and WW0107 are WW-0107: one address per commitment, for bookmarks and links.
        return redirect(url_for("public.commitment", reference=canonical), 301)  # type: ignore[return-value]
    today = clock.today()
    detail = commitments.commitment_detail(get_session(), number, today, threshold_days())
    return render(
        "public/commitment.html", detail=detail, today=today, threshold_days=threshold_days()
    )
