"""The home page and the site's standing pages."""

from __future__ import annotations

from flask import Response

from tracker import clock
from tracker.db import get_session
from tracker.public import blueprint, macros, scorecards
from tracker.rendering import render
from tracker.rules import threshold_days

blueprint.add_app_template_global(macros.rendered_once, "rendered_once")


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
