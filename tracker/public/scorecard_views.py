"""Scorecards: every partner, one partner, and one theme, area or community."""

from __future__ import annotations

from flask import Response

from tracker import clock
from tracker.db import get_session
from tracker.public import blueprint, scorecards
from tracker.public.scorecards import SliceKind
from tracker.public.views import threshold_days
from tracker.rendering import render

blueprint.add_app_template_filter(scorecards.format_days, "format_days")


@blueprint.get("/partners")
def partners() -> Response:
    rows = scorecards.partner_table(get_session(), clock.today(), threshold_days())
    return render(
        "public/partners.html", rows=rows, today=clock.today(), threshold_days=threshold_days()
    )


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
