"""Open data: every dataset whole from ``/data``, and any list as it is filtered.

``/we-will.csv?status=overdue`` gives the commitments ``/we-will?status=overdue``
lists, every page of them, in the same order; ``/data/commitments.json`` gives every
commitment. The files stream as they are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response, request, stream_with_context
from pydantic import BaseModel

from tracker import clock
from tracker.addresses import public_url
from tracker.db import get_session
from tracker.open_data import downloads
from tracker.open_data.schema import (
    DATASETS,
    LICENCE_NAME,
    LICENCE_URL,
    field_dictionary,
)
from tracker.public import blueprint
from tracker.queries import commitments, issues
from tracker.rendering import render
from tracker.rules import threshold_days

_FORMATS = "any(csv, json)"
_MIMETYPES = {"csv": "text/csv", "json": "application/json"}


@blueprint.get("/data")
def data() -> Response:
    return render(
        "public/data.html",
        datasets=[(dataset, field_dictionary(dataset.model)) for dataset in DATASETS.values()],
        licence_name=LICENCE_NAME,
        licence_url=LICENCE_URL,
    )


@blueprint.get(f"/data/<any({', '.join(DATASETS)}):name>.<{_FORMATS}:kind>")
def dataset(name: str, kind: str) -> Response:
    session = get_session()
    today = clock.today()
    records: Iterable[BaseModel]
    if name == "commitments":
        chosen = commitments.select_commitments(
            session, commitments.CommitmentFilters(), today, threshold_days()
        )
        records = downloads.commitment_records(session, chosen, today, threshold_days())
    elif name == "issues":
        everything = issues.select_issues(session, issues.IssueFilters())
        records = downloads.issue_records(session, everything, today)
    elif name == "updates":
        records = downloads.update_records(session)
    elif name == "engagements":
        records = downloads.engagement_records(session)
    elif name == "figures":
        records = downloads.figure_records(session, today, threshold_days())
    else:
        records = downloads.partner_records(session)
    return _download(kind, name, records, source=public_url("public.data"))


@blueprint.get(f"/we-will.<{_FORMATS}:kind>")
def we_will_download(kind: str) -> Response:
    session = get_session()
    today = clock.today()
    wanted = commitments.parse_commitment_filters(request.args)
    chosen = commitments.select_commitments(session, wanted, today, threshold_days())
    records = downloads.commitment_records(session, chosen, today, threshold_days())
    source = public_url("public.we_will", **chosen.filters.query_args())
    return _download(kind, "commitments", records, source=source)


@blueprint.get(f"/you-said.<{_FORMATS}:kind>")
def you_said_download(kind: str) -> Response:
    session = get_session()
    wanted = issues.parse_issue_filters(request.args)
    chosen = issues.select_issues(session, wanted)
    records = downloads.issue_records(session, chosen, clock.today())
    source = public_url("public.you_said", **chosen.filters.query_args())
    return _download(kind, "issues", records, source=source)


def _download(kind: str, name: str, records: Iterable[BaseModel], *, source: str) -> Response:
    """``records`` of the dataset ``name`` as a CSV or JSON attachment, streamed."""
    today = clock.today()
    body: Iterator[str]
    if kind == "csv":
        body = downloads.csv_lines(DATASETS[name].model, records)
    else:
        about: dict[str, Any] = {
            "dataset": name,
            "title": DATASETS[name].title,
            "source": source,
            "fields": public_url("public.data") + f"#{name}",
            "judged_on": today.isoformat(),
        }
        body = downloads.json_lines(about, name, records)
    response = Response(stream_with_context(body), mimetype=_MIMETYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{today}.{kind}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
