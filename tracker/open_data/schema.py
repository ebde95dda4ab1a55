"""The published datasets: one model per kind of record, each field with its meaning.

The downloads (CSV and JSON) and the field dictionary on ``/data`` are all made from
these models, so what a file holds and what the dictionary says it holds cannot
drift apart. A field's type and allowed values come from its annotation, its
meaning from its description; :func:`field_dictionary` reads both from the model's
JSON Schema, as any client of the JSON would.

Nothing personal is published: partners and roles, never staff names or email
addresses, and a hidden update keeps only when and why it was hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from tracker.figures.catalogue import CATALOGUE, Shown
from tracker.models import CommitmentStatus, EngagementKind, PartnerKind
from tracker.rules import ResponseState

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

#: List fields whose items may hold "; " themselves, so CSV separates them with " | ";
#: every other list field with "; ".
PIPE_SEPARATED = frozenset({"quotes", "evidence_urls"})


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, use_enum_values=True)


class CommitmentRecord(_Record):
    """A partner's commitment ("We will") in answer to an issue residents raised."""

    reference: str = Field(description="The commitment's public reference.", examples=["WW-0107"])
    url: str = Field(description="The commitment's page, with its full history.")
    title: str = Field(description="What the partner will do, in a line.")
    issue_reference: str = Field(
        description="The reference of the issue the commitment answers.", examples=["YS-0042"]
    )
    partner: str = Field(description="The name of the partner that made the commitment.")
    partner_slug: str = Field(description="The partner's identifier in addresses and files.")
    status: CommitmentStatus = Field(description="The status the partner last gave it.")
    overdue: bool = Field(
        description="True when the target date has passed and the commitment is neither "
        "Delivered nor Not going ahead (judged on the day the file was made)."
    )
    no_recent_update: bool = Field(
        description="True when an open commitment has had no update for the site's "
        "threshold of days (judged on the day the file was made)."
    )
    committed_on: date = Field(description="The day the partner made the commitment.")
    target_date: date = Field(description="The day it is now due.")
    original_target_date: date = Field(description="The day it was first promised for.")
    target_date_moved: bool = Field(
        description="True when the target date is no longer the one first promised."
    )
    delivered_on: date | None = Field(description="The day it was marked Delivered, if it was.")
    last_update_on: date | None = Field(
        description="The day of the latest update, if there has been one."
    )
    status_reason: str | None = Field(
        description="The partner's public reason for the status (given for Delayed and "
        "Not going ahead)."
    )
    description: str = Field(description="What the partner will do, in full.")
    success_measure: str = Field(description="How residents will know it worked.")
    accountable_role: str = Field(description="The job title answerable for it.")


class IssueRecord(_Record):
    """An issue residents raised ("You said"), and who owns the response."""

    reference: str = Field(description="The issue's public reference.", examples=["YS-0042"])
    url: str = Field(description="The issue's page.")
    title: str = Field(description="The issue, in a line.")
    residents_said: str = Field(description="What residents said, summarised.")
    quotes: list[str] = Field(
        description=(
            "Short anonymised quotes from residents; in CSV, separated by a vertical bar (|)."
        )
    )
    raised_on: date = Field(description="The day the issue was first raised.")
    people_count: int | None = Field(
        description="How many people raised it, where that was counted."
    )
    lead_partner: str | None = Field(description="The partner that owns the response, if any.")
    lead_partner_slug: str | None = Field(description="The lead partner's identifier.")
    response: ResponseState = Field(
        description="How the issue stands with its partners: awaiting (no commitment "
        "yet), responded (at least one commitment still open) or closed (every "
        "commitment Delivered or Not going ahead)."
    )
    days_awaiting_response: int | None = Field(
        description="For an issue awaiting a response, the days since it was raised."
    )
    themes: list[str] = Field(description="Its themes; in CSV, separated by semicolons.")
    areas: list[str] = Field(description="The areas it concerns; in CSV, separated by semicolons.")
    communities: list[str] = Field(
        description="The communities who raised it; in CSV, separated by semicolons."
    )
    commitments: int = Field(description="How many commitments answer it.")


class UpdateRecord(_Record):
    """A dated update a partner posted on a commitment ("We did")."""

    commitment_reference: str = Field(
        description="The commitment the update is on.", examples=["WW-0107"]
    )
    posted_on: date = Field(description="The day it was posted (in England).")
    previous_status: CommitmentStatus | None = Field(
        description="The status before this update, when it changed the status."
    )
    new_status: CommitmentStatus | None = Field(
        description="The status this update set, when it changed the status."
    )
    previous_target_date: date | None = Field(
        description="The target date before this update, when it moved the date."
    )
    new_target_date: date | None = Field(
        description="The target date this update set, when it moved the date."
    )
    progress_percent: int | None = Field(description="How far along the partner said it was.")
    body: str | None = Field(
        description="What the partner said; empty for a hidden update, whose words are "
        "no longer published."
    )
    reason: str | None = Field(
        description="Why the status or target date changed; empty for a hidden update."
    )
    evidence_urls: list[str] = Field(
        description=(
            "Addresses of evidence the partner linked; in CSV, separated by a vertical bar (|)."
        )
    )
    hidden: bool = Field(description="True when the update has been hidden.")
    hidden_on: date | None = Field(description="The day it was hidden.")
    hidden_reason: str | None = Field(description="The public reason it was hidden.")


class PartnerRecord(_Record):
    """A partner organisation of the Integrated Care System."""

    slug: str = Field(description="The partner's identifier in addresses and files.")
    name: str = Field(description="The partner's name.")
    kind: PartnerKind = Field(description="What kind of organisation it is.")
    website: str | None = Field(description="The partner's own website.")
    url: str = Field(description="The partner's scorecard on this site.")


class EngagementRecord(_Record):
    """An engagement: where residents were heard."""

    reference: str = Field(description="The engagement's public reference.", examples=["EN-0003"])
    url: str = Field(description="The engagement's page.")
    title: str = Field(description="What it was, in a line.")
    kind: EngagementKind = Field(description="What kind of engagement it was.")
    summary: str = Field(description="What happened, summarised.")
    started_on: date = Field(description="The day it started (or was held).")
    ended_on: date | None = Field(description="The day it ended, if it ran over several days.")
    area: str | None = Field(description="The area it was held in, if one.")
    organiser: str | None = Field(description="The partner that organised it, if one.")
    communities: list[str] = Field(
        description="The communities heard there; in CSV, separated by semicolons."
    )
    participants: int | None = Field(description="How many people took part, where counted.")
    write_up_url: str | None = Field(description="The address of its published write-up.")
    issues: list[str] = Field(
        description="The references of the issues heard there; in CSV, separated by semicolons."
    )


def _figure_field(key: str) -> tuple[Any, Any]:
    figure = CATALOGUE[key]
    if figure.shown is Shown.MEDIAN:
        kind: Any = float | None
        words = " (median, in days; empty when there is nothing to measure)"
    else:
        kind, words = int, ""
    # The threshold is a setting: the dictionary names it rather than today's value.
    definition = figure.definition.replace("{threshold_days}", "the site's threshold of")
    return kind, Field(description=f"{figure.label}: {definition.rstrip('.')}{words}.")


#: The figures of every scorecard: one row for the whole system and one for each
#: partner, theme, area and community, a column for each figure of the catalogue.
_SLICE_FIGURE_FIELDS: dict[str, Any] = {
    "slice": (str, Field(description="Whose figures: system, partner, theme, area or community.")),
    "slug": (str | None, Field(description="The partner's, theme's, area's or community's slug.")),
    "name": (str, Field(description="Whose figures, in words.")),
    "judged_on": (date, Field(description="The day Overdue and No recent update were judged on.")),
    "due_so_far": (
        int,
        Field(
            description="Commitments whose first promised date has passed: the whole "
            "that delivered_on_time is a share of."
        ),
    ),
    **{key: _figure_field(key) for key in CATALOGUE},
}
SliceFiguresRecord: type[BaseModel] = create_model(
    "SliceFiguresRecord",
    __base__=_Record,
    __doc__="The scorecard figures of the whole system or of one slice.",
    **_SLICE_FIGURE_FIELDS,
)


class PlaceRecord(_Record):
    """A theme, area or community that issues are grouped by."""

    slug: str = Field(description="Its identifier in addresses and files.")
    name: str = Field(description="Its name.")
    url: str = Field(description="Its scorecard on this site.")
    within: str | None = Field(
        default=None, description="For an area within another, the slug of that area."
    )


class TargetDateMove(_Record):
    """One move of a commitment's target date."""

    moved_on: date = Field(description="The day of the update that moved it.")
    previous_target_date: date = Field(description="The date before the move.")
    new_target_date: date = Field(description="The date after the move.")
    reason: str | None = Field(
        description="Why it moved; empty when the update that moved it was hidden."
    )


class CommitmentDetailRecord(CommitmentRecord):
    """A commitment with its updates, newest first, and every move of its target date."""

    updates: list[UpdateRecord] = Field(description="Its updates, newest first.")
    target_date_moves: list[TargetDateMove] = Field(
        description="Every move of its target date, oldest first."
    )


class IssueDetailRecord(IssueRecord):
    """An issue with the commitments that answer it."""

    supporting_partners: list[str] = Field(description="Partners supporting the lead partner.")
    commitment_records: list[CommitmentRecord] = Field(
        description="The commitments that answer it, oldest first."
    )


class FigureRecord(_Record):
    """One figure of a scorecard, as the site shows it."""

    key: str = Field(description="The figure's identifier.", examples=["overdue"])
    label: str = Field(description="The figure's name.")
    definition: str = Field(description="What it counts, in plain words.")
    shown: str = Field(
        description="How the site shows it: count, count-and-share (a count with its "
        "share of the figure before it), share (a percentage of out_of) or median (days)."
    )
    value: int | float | None = Field(
        description="The count, or the median in days; empty when there is nothing to measure."
    )
    out_of: int | None = Field(description="For a share, the number it is a share of.")
    as_shown: str = Field(description="The figure in the words the scorecards show.")
    list_url: str = Field(description="The list of the records behind it, on this site.")


class FiguresRecord(_Record):
    """The figures of the whole system, or of one partner, theme, area or community."""

    slice: str = Field(
        description="Whose figures: system, or the kind of slice.", examples=["partner"]
    )
    slug: str | None = Field(description="The partner's, theme's, area's or community's slug.")
    name: str = Field(description="Whose figures, in words.")
    judged_on: date = Field(description="The day Overdue and No recent update were judged on.")
    figures: list[FigureRecord] = Field(description="Every figure of the scorecard.")


class Links(_Record):
    """Addresses of the pages of a list."""

    self: str = Field(description="This page.")
    first: str = Field(description="The first page.")
    last: str = Field(description="The last page.")
    prev: str | None = Field(description="The page before, if any.")
    next: str | None = Field(description="The page after, if any.")


class _Page(_Record):
    total: int = Field(description="How many records match, on every page.")
    page: int = Field(description="This page's number, from 1.")
    pages: int = Field(description="How many pages there are.")
    links: Links
    notices: list[str] = Field(
        description="Parts of the address that were not understood and so not used."
    )


class IssuePage(_Page):
    """A page of issues."""

    data: list[IssueRecord]


class CommitmentPage(_Page):
    """A page of commitments."""

    data: list[CommitmentRecord]


class ErrorRecord(_Record):
    """What went wrong."""

    error: str = Field(description="What went wrong, in plain words.")


@dataclass(frozen=True)
class Dataset:
    """A dataset anyone may download whole from ``/data``."""

    name: str
    title: str
    model: type[BaseModel]
    summary: str


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "issues",
            "Issues residents raised",
            IssueRecord,
            "Every issue, its lead partner and whether partners have answered.",
        ),
        Dataset(
            "commitments",
            "Commitments partners made",
            CommitmentRecord,
            "Every commitment, its status, its dates and whether it is overdue.",
        ),
        Dataset(
            "updates",
            "Updates on commitments",
            UpdateRecord,
            "Every update partners posted, with status changes and target date moves.",
        ),
        Dataset(
            "engagements",
            "Engagements",
            EngagementRecord,
            "Every engagement where residents were heard, and the issues heard there.",
        ),
        Dataset(
            "figures",
            "Scorecard figures",
            SliceFiguresRecord,
            "The figures of the whole system and of every partner, theme, area and "
            "community, as the scorecards show them today.",
        ),
        Dataset(
            "partners",
            "Partners",
            PartnerRecord,
            "Every partner organisation.",
        ),
    )
}


@dataclass(frozen=True)
class FieldEntry:
    """One field of a dataset as the field dictionary describes it."""

    name: str
    type: str
    meaning: str
    allowed: tuple[str, ...] = ()
    optional: bool = False


_TYPE_WORDS = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false",
}


def field_dictionary(model: type[BaseModel]) -> list[FieldEntry]:
    """Each field of ``model``: its name, type, meaning and allowed values, read from
    the model's JSON Schema."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.get("$defs", {})
    entries = []
    for name, spec in schema["properties"].items():
        variants = spec.get("anyOf", [spec])
        optional = any(variant.get("type") == "null" for variant in variants)
        (kind,) = [variant for variant in variants if variant.get("type") != "null"] or [{}]
        if "$ref" in kind:
            kind = definitions[kind["$ref"].rsplit("/", 1)[-1]]
        allowed = tuple(str(value) for value in kind.get("enum", ()))
        if kind.get("format") == "date":
            words = "date (YYYY-MM-DD)"
        elif kind.get("type") == "array":
            words = "list of text"
        else:
            words = _TYPE_WORDS.get(kind.get("type", "string"), "text")
        entries.append(FieldEntry(name, words, spec.get("description", ""), allowed, optional))
    return entries
