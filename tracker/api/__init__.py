"""The read-only JSON API at ``/api/v1/``: issues, commitments with their updates,
partners, themes, areas, communities and every scorecard's figures.

Thin views over :mod:`tracker.open_data.api`, which reads with the pages' own code.
Every answer carries an ``ETag`` made from the data version, the day and the address,
so a client that sends it back in ``If-None-Match`` is answered ``304 Not Modified``
without anything being read; and every answer may be read by a page on any site
(CORS), as all of it is open data. The OpenAPI 3.1 document is
``/api/v1/openapi.json``; ``/api/v1/docs`` describes it for people.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from pydantic import BaseModel

from tracker import clock
from tracker.addresses import public_url
from tracker.converters import Reference
from tracker.data_version import current_version
from tracker.db import get_session
from tracker.figures.slices import SliceKind
from tracker.open_data import api
from tracker.open_data.openapi import FIGURE_KINDS, PLACE_KINDS, openapi_document
from tracker.queries import commitments, issues
from tracker.rendering import render
from tracker.rules import threshold_days

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

_PLACES = "any(" + ", ".join(PLACE_KINDS) + ")"
_FIGURE_KINDS = "any(" + ", ".join(FIGURE_KINDS) + ")"


@blueprint.after_request
def open_to_every_site(response: Response) -> Response:
    """Let a page on any site read the answers (CORS): they are all open data."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _answer(build: Callable[[], BaseModel | list[Any] | dict[str, Any]]) -> Response:
    """``build()`` as JSON with an ETag, or 304 when the client's ETag still holds.

    The ETag changes whenever the data does (the data version), at midnight (Overdue
    and No recent update are judged on the day) and with the address.
    """
    today = clock.today()
    stamp = f"{current_version(get_session())}:{today}:{threshold_days()}:{request.full_path}"
    etag = hashlib.sha256(stamp.encode()).hexdigest()[:24]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        return response
    found = build()
    if isinstance(found, BaseModel):
        response = current_app.response_class(found.model_dump_json(), mimetype="application/json")
    elif isinstance(found, list):
        response = jsonify([item.model_dump(mode="json") for item in found])
    else:
        response = jsonify(found)
    response.set_etag(etag)
    return response


def _page_address(endpoint: str) -> Callable[[int], str]:
    args = {name: value for name, value in request.args.items() if name != "page"}
    return lambda number: public_url(endpoint, **args, page=number)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    title = f"{current_app.config['ICS_NAME']}: You said, we did"
    return _answer(lambda: openapi_document(public_url("api.openapi").rsplit("/", 1)[0], title))


@blueprint.get("/docs")
def docs() -> Response:
    document = openapi_document(public_url("api.openapi").rsplit("/", 1)[0], "")
    return render(
        "api/docs.html",
        document=document,
        openapi_url=url_for("api.openapi"),
        base=document["servers"][0]["url"],
    )


@blueprint.get("/issues")
def issue_list() -> Response:
    wanted = issues.parse_issue_filters(request.args)
    address = _page_address("api.issue_list")
    return _answer(lambda: api.issue_page(get_session(), wanted, clock.today(), address))


@blueprint.get("/issues/<reference(YS):reference>")
def issue(reference: Reference) -> Response:
    assert reference.number is not None  # converters.check_references saw to it
    number = reference.number
    return _answer(lambda: api.issue_detail(get_session(), number, clock.today(), threshold_days()))


@blueprint.get("/commitments")
def commitment_list() -> Response:
    wanted = commitments.parse_commitment_filters(request.args)
    address = _page_address("api.commitment_list")
    return _answer(
        lambda: api.commitment_page(get_session(), wanted, clock.today(), threshold_days(), address)
    )


@blueprint.get("/commitments/<reference(WW):reference>")
def commitment(reference: Reference) -> Response:
    assert reference.number is not None  # converters.check_references saw to it
    number = reference.number
    return _answer(
        lambda: api.commitment_detail(get_session(), number, clock.today(), threshold_days())
    )


@blueprint.get("/partners")
def partner_list() -> Response:
    return _answer(lambda: api.partners(get_session()))


@blueprint.get("/partners/<slug>")
def partner(slug: str) -> Response:
    return _answer(lambda: api.partner(get_session(), slug))


@blueprint.get(f"/<{_PLACES}:kind>")
def place_list(kind: str) -> Response:
    return _answer(lambda: api.places(get_session(), SliceKind(PLACE_KINDS[kind])))


@blueprint.get("/figures")
def system_figures() -> Response:
    return _answer(
        lambda: api.figures(get_session(), SliceKind.SYSTEM, None, clock.today(), threshold_days())
    )


@blueprint.get(f"/figures/<{_FIGURE_KINDS}:kind>/<slug>")
def slice_figures(kind: str, slug: str) -> Response:
    slice_kind = SliceKind(FIGURE_KINDS[kind])
    return _answer(
        lambda: api.figures(get_session(), slice_kind, slug, clock.today(), threshold_days())
    )
