"""Atom feeds of the updates partners post: everything, and one for each partner, theme,
area, community, issue and commitment (tracker/feeds.py builds them)."""

from __future__ import annotations

from flask import Response, current_app

from tracker import SERVICE_NAME, feeds
from tracker.converters import Reference
from tracker.db import get_session
from tracker.figures.slices import SliceKind
from tracker.public import blueprint


def _feed(scope: feeds.FeedScope) -> Response:
    entries = feeds.feed_entries(get_session(), scope)
    ics_name = current_app.config["ICS_NAME"]
    body = feeds.atom_document(
        scope, entries, site_title=f"{SERVICE_NAME} – {ics_name}", author=ics_name
    )
    return Response(body, content_type=feeds.ATOM_CONTENT_TYPE)


@blueprint.get("/feeds/updates.atom")
def updates_feed() -> Response:
    return _feed(feeds.system_scope())


@blueprint.get("/partners/<slug>/updates.atom")
def partner_feed(slug: str) -> Response:
    return _feed(feeds.slice_scope(get_session(), SliceKind.PARTNER, slug))


@blueprint.get("/themes/<slug>/updates.atom")
def theme_feed(slug: str) -> Response:
    return _feed(feeds.slice_scope(get_session(), SliceKind.THEME, slug))


@blueprint.get("/areas/<slug>/updates.atom")
def area_feed(slug: str) -> Response:
    return _feed(feeds.slice_scope(get_session(), SliceKind.AREA, slug))


@blueprint.get("/communities/<slug>/updates.atom")
def community_feed(slug: str) -> Response:
    return _feed(feeds.slice_scope(get_session(), SliceKind.COMMUNITY, slug))


@blueprint.get("/you-said/<reference(YS):reference>/updates.atom")
def issue_feed(reference: Reference) -> Response:
    assert reference.number is not None  # converters.check_references saw to it
    return _feed(feeds.issue_scope(get_session(), reference.number))


@blueprint.get("/we-will/<reference(WW):reference>/updates.atom")
def commitment_feed(reference: Reference) -> Response:
    assert reference.number is not None  # converters.check_references saw to it
    return _feed(feeds.commitment_scope(get_session(), reference.number))
