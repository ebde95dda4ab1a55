"""The home page and the site's standing pages."""

from __future__ import annotations

from flask import Response, current_app

from tracker import clock
from tracker.db import get_session
from tracker.public import blueprint, scorecards
from tracker.rendering import render


def threshold_days() -> int:
    """Days without an update after which an open commitment shows No recent update."""
    days: int = current_app.config["NO_RECENT_UPDATE_DAYS"]
    return days


@blueprint.get("/")
def home() -> Response:
    today = clock.today()
    page = scorecards.home_page(get_session(), today, threshold_days())
    return render("public/home.html", page=page, today=today, threshold_days=threshold_days())


@blueprint.get("/accessibility")
def accessibility() -> Response:
    return render("public/accessibility.html")


@blueprint.get("/privacy")
def privacy() -> Response:
    return render("public/privacy.html")
