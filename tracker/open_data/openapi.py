"""The OpenAPI 3.1 document of the read-only JSON API, made from the response models.

The schemas are the models' own JSON Schema (:mod:`tracker.open_data.schema`), so the
document cannot describe fields the answers do not have. The query parameters of the
lists are the pages' own: their allowed values come from the same tables the pages'
filter forms are built from.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from tracker.open_data.schema import (
    LICENCE_NAME,
    LICENCE_URL,
    CommitmentDetailRecord,
    CommitmentPage,
    ErrorRecord,
    FiguresRecord,
    IssueDetailRecord,
    IssuePage,
    PartnerRecord,
    PlaceRecord,
)
from tracker.queries.commitments import COMMITMENT_SORTS, MAX_DUE_WITHIN_DAYS
from tracker.queries.filters import COMMITMENT_STATUS_FILTERS, ISSUE_STATE_FILTERS
from tracker.queries.issues import ISSUE_SORTS

_MODELS: tuple[type[BaseModel], ...] = (
    IssuePage,
    IssueDetailRecord,
    CommitmentPage,
    CommitmentDetailRecord,
    PartnerRecord,
    PlaceRecord,
    FiguresRecord,
    ErrorRecord,
)
_REF = "#/components/schemas/{model}"

#: The kinds of place in addresses (``/api/v1/themes``) and the words for one.
PLACE_KINDS = {"themes": "theme", "areas": "area", "communities": "community"}
#: The kinds of slice whose figures the API gives (``/api/v1/figures/partners/<slug>``).
FIGURE_KINDS = {"partners": "partner", **PLACE_KINDS}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _path_parameter(name: str, description: str, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": pattern or _ONE_LINE}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


#: Text in an address may not hold line breaks or control characters
#: (tracker.plain_text): such an address is answered 400.
_ONE_LINE = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"
_TEXT = {"type": "string", "pattern": _ONE_LINE}
_DATE = {"type": "string", "format": "date"}
_PAGE = _query("page", "The page, from 1; 20 records a page.", {"type": "integer", "minimum": 1})
_SEARCH = _query("q", "Words to search for (each as the start of a word).", _TEXT)
_SLICES = [
    _query("theme", "Only issues about this theme (its slug).", _TEXT),
    _query("area", "Only issues about this area or an area within it (its slug).", _TEXT),
    _query("partner", "Only this partner's records (its slug).", _TEXT),
    _query("community", "Only issues raised by this community (its slug).", _TEXT),
]
_ISSUE_PARAMETERS = [
    _query(
        "state", "Only issues in this state.", {"type": "string", "enum": list(ISSUE_STATE_FILTERS)}
    ),
    *_SLICES,
    _query("raised_from", "Only issues raised on or after this day.", _DATE),
    _query("raised_to", "Only issues raised on or before this day.", _DATE),
    _SEARCH,
    _query("sort", "The order.", {"type": "string", "enum": list(ISSUE_SORTS)}),
    _PAGE,
]
_COMMITMENT_PARAMETERS = [
    _query(
        "status",
        "Only commitments with this status or flag.",
        {"type": "string", "enum": list(COMMITMENT_STATUS_FILTERS)},
    ),
    *_SLICES,
    _query(
        "due",
        "Only open commitments due within this many days.",
        {"type": "integer", "minimum": 1, "maximum": MAX_DUE_WITHIN_DAYS},
    ),
    _query("made_from", "Only commitments made on or after this day.", _DATE),
    _query("made_to", "Only commitments made on or before this day.", _DATE),
    _query("delivered_from", "Only commitments delivered on or after this day.", _DATE),
    _query("delivered_to", "Only commitments delivered on or before this day.", _DATE),
    _SEARCH,
    _query("sort", "The order.", {"type": "string", "enum": list(COMMITMENT_SORTS)}),
    _PAGE,
]


def _answers(model: type[BaseModel], *, not_found: bool = False) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "200": {
            "description": "Found.",
            "headers": {"ETag": {"description": "Send it back in If-None-Match.", "schema": _TEXT}},
            "content": {"application/json": {"schema": _ref(model)}},
        },
        "304": {"description": "Not modified since the ETag sent in If-None-Match."},
        "400": {
            "description": "The address held characters no text may hold.",
            "content": {"application/json": {"schema": _ref(ErrorRecord)}},
        },
    }
    if not_found:
        answers["404"] = {
            "description": "No such record.",
            "content": {"application/json": {"schema": _ref(ErrorRecord)}},
        }
    return answers


def _list_answers(model: type[BaseModel]) -> dict[str, Any]:
    answers = _answers(model)
    answers["200"]["content"]["application/json"]["schema"] = {
        "type": "array",
        "items": _ref(model),
    }
    return answers


def _get(
    summary: str, answers: dict[str, Any], parameters: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": answers}}


def openapi_document(server_url: str, title: str) -> dict[str, Any]:
    """The API's OpenAPI 3.1 document; ``server_url`` is the API's base address."""
    _, definitions = models_json_schema(
        [(model, "serialization") for model in _MODELS], ref_template=_REF
    )
    reference = _path_parameter
    paths: dict[str, Any] = {
        "/issues": _get(
            "Issues residents raised, as /you-said lists them",
            _answers(IssuePage),
            _ISSUE_PARAMETERS,
        ),
        "/issues/{reference}": _get(
            "One issue with the commitments that answer it",
            _answers(IssueDetailRecord, not_found=True),
            [reference("reference", "The issue's reference, such as YS-0042.")],
        ),
        "/commitments": _get(
            "Commitments partners made, as /we-will lists them",
            _answers(CommitmentPage),
            _COMMITMENT_PARAMETERS,
        ),
        "/commitments/{reference}": _get(
            "One commitment with its updates and target date moves",
            _answers(CommitmentDetailRecord, not_found=True),
            [reference("reference", "The commitment's reference, such as WW-0107.")],
        ),
        "/partners": _get("Every partner", _list_answers(PartnerRecord)),
        "/partners/{slug}": _get(
            "One partner",
            _answers(PartnerRecord, not_found=True),
            [reference("slug", "The partner's slug.")],
        ),
        "/figures": _get("The whole system's scorecard figures", _answers(FiguresRecord)),
    }
    for plural, noun in PLACE_KINDS.items():
        paths[f"/{plural}"] = _get(f"Every {noun}", _list_answers(PlaceRecord))
    for plural, noun in FIGURE_KINDS.items():
        paths[f"/figures/{plural}/{{slug}}"] = _get(
            f"One {noun}'s scorecard figures",
            _answers(FiguresRecord, not_found=True),
            [reference("slug", f"The {noun}'s slug.")],
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": "1",
            "description": "Read-only. Every answer is open data under the "
            f"{LICENCE_NAME}. Lists take the same filters as the site's lists.",
            "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {})},
    }
