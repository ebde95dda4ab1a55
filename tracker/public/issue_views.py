"""You said: the list of issues residents raised."""

from __future__ import annotations

from flask import Response, request

from tracker import clock
from tracker.db import get_session
from tracker.public import blueprint, issues, queries
from tracker.rendering import render


@blueprint.get("/you-said")
def you_said() -> Response:
    today = clock.today()
    filters = issues.parse_issue_filters(request.args)
    page = issues.list_issues(get_session(), filters, today)
    return render(
        "public/you_said.html",
        block="results",
        filters=filters,
        page=page,
        state_filters=queries.ISSUE_STATE_FILTERS,
        today=today,
    )
