"""Scorecards: every partner, one partner, and one theme, area or community."""

from __future__ import annotations

from flask import Response

from tracker import clock
from tracker.db import get_session
from tracker.figures import catalogue
from tracker.figures.slices import SliceKind
from tracker.public import blueprint, scorecards
from tracker.rendering import render
from tracker.rules import threshold_days

blueprint.add_app_template_filter(catalogue.format_days, "format_days")
# Templates loop over the catalogue's figures instead of writing them out one by one.
blueprint.record_once(lambda state: state.app.jinja_env.globals.update(figure_catalogue=catalogue))
blueprint.add_app_template_global(scorecards.figure_rows, "figure_rows")
blueprint.add_app_template_global(scorecards.partner_cells, "partner_cells")


@blueprint.get("/partners")
def partners() -> Response:
    today = clock.today()
    rows = scorecards.partners_page(get_session(), today, threshold_days())
    return render("public/partners.html", rows=rows, today=today, threshold_days=threshold_days())


def _slice_page(kind: SliceKind, slug: str, template: str) -> Response:
    today = clock.today()
    page = scorecards.slice_page(get_session(), kind, slug, today, threshold_days())
    return render(template, page=page, today=today, threshold_days=threshold_days())


@blueprint.get("/partners/<slug>")
def partner(slug: str) -> Response:
    return _slice_page(SliceKind.PARTNER, slug, "public/partner.html")


@blueprint.get("/themes/<slug>")
def theme(slug: str) -> Response:
    return _slice_page(SliceKind.THEME, slug, "public/theme.html")


@blueprint.get("/areas/<slug>")
def area(slug: str) -> Response:
    return _slice_page(SliceKind.AREA, slug, "public/area.html")


@blueprint.get("/communities/<slug>")
def community(slug: str) -> Response:
    return _slice_page(SliceKind.COMMUNITY, slug, "public/community.html")
