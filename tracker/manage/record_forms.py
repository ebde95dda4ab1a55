"""Forms for the engagement team's records. CSRF protection and the plain-text rule
(tracker/plain_text.py) come with every TrackerForm.

The forms check what can be checked from the typed input alone (something entered,
not too long, a real date, a whole number, a choice from the list); the rules that
need the records (:mod:`tracker.manage.records`) are checked by the services, whose
messages the views add to these forms' fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from wtforms import Field, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from tracker.manage import records
from tracker.manage.forms import DateField, TrackerForm
from tracker.models import EngagementKind, PartnerKind

ENGAGEMENT_KINDS = {kind.value: kind for kind in EngagementKind}
PARTNER_KINDS = {kind.value: kind for kind in PartnerKind}

TextFieldT = TypeVar("TextFieldT", bound=StringField)


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# --- Fields -------------------------------------------------------------------------


class WholeNumberField(Field):
    """An optional whole number of 0 or more, with a plain-English error for anything else."""

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.typed = ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.typed = (valuelist[0] if valuelist else "").strip()[:20]
        self.data = None
        if not self.typed:
            return
        text = self.typed.replace(",", "")
        if not (text.isascii() and text.isdigit()) or int(text) > records.COUNT_MAX:
            raise ValueError(
                f"{self.label.text} must be a whole number from 0 to {records.COUNT_MAX:,}, like 25"
            )
        self.data = int(text)

    def process_data(self, value: Any) -> None:
        self.data = value
        self.typed = "" if value is None else str(value)

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


def _optional_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class ChoiceField(SelectField):
    """A menu of records by id; the empty first option means none."""

    def __init__(self, label: str | None = None, *, message: str, **kwargs: Any) -> None:
        super().__init__(label, coerce=_optional_id, validate_choice=False, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
        if self.data is not None and self.data not in {
            choice.value for choice in self.choices or []
        }:
            raise StopValidation(self.message)


class ChoicesField(SelectMultipleField):
    """Records chosen by id, shown as checkboxes; ``data`` is a list of ids."""

    def __init__(self, label: str | None = None, *, message: str, **kwargs: Any) -> None:
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = list(dict.fromkeys(int(value) for value in valuelist))
        except ValueError:
            self.data = []
            raise ValueError(self.message) from None

    def process_data(self, value: Any) -> None:
        self.data = list(value or [])

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
        allowed = {choice.value for choice in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise StopValidation(self.message)


def _choices(options: Iterable[records.Choice]) -> list[SelectChoice]:
    return [SelectChoice(option.id, option.label) for option in options]


def _menu(options: Iterable[records.Choice], none: str) -> list[SelectChoice]:
    """A menu whose first choice (value None) stands for none."""
    return [SelectChoice(None, none), *_choices(options)]


def _kinds(kinds: Iterable[Any], prompt: str) -> list[SelectChoice]:
    return [SelectChoice("", prompt), *[SelectChoice(kind.value, kind.label) for kind in kinds]]


def _limit(label: str, maximum: int) -> Length:
    return Length(max=maximum, message=f"{label} must be {maximum:,} characters or fewer")


def _text(
    field_class: type[TextFieldT],
    label: str,
    maximum: int,
    *,
    required: str | None = None,
    limit_label: str | None = None,
) -> TextFieldT:
    """A text box whose text is trimmed and at most ``maximum`` characters long.

    ``required`` is the message when it is left empty (``None``: it may be);
    ``limit_label`` names it in the message when it is too long (its label, unless given).
    """
    validators: list[Any] = [] if required is None else [DataRequired(required)]
    validators.append(_limit(limit_label or label, maximum))
    return field_class(label, filters=[strip], validators=validators)


def _kind(label: str, kinds: Iterable[Any], required: str) -> SelectField:
    """A menu of the kinds of a record, with a prompt as the empty first choice."""
    return SelectField(
        label,
        choices=_kinds(kinds, "Choose a kind"),
        validators=[DataRequired(required)],
        validate_choice=False,
    )


class WebAddress:
    """The web address rule of :func:`tracker.manage.records.web_address_problem`."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, form: Any, field: Field) -> None:
        if field.data:
            problem = records.web_address_problem(field.data, self.label)
            if problem:
                raise ValidationError(problem)


# --- Engagements ---------------------------------------------------------------------


class EngagementForm(TrackerForm):
    title = _text(
        StringField, "Title", records.TITLE_MAX, required="Enter a title for the engagement"
    )
    kind = _kind("Kind of engagement", EngagementKind, "Choose the kind of engagement")
    summary = _text(TextAreaField, "Summary", records.SUMMARY_MAX)
    started_on = DateField("Start date", required="Enter the date the engagement started")
    ended_on = DateField("End date")
    area = ChoiceField("Area", message="Choose an area from the list")
    organising_partner = ChoiceField("Organising partner", message="Choose a partner from the list")
    communities = ChoicesField(
        "Communities taking part", message="Choose communities from the list"
    )
    participant_count = WholeNumberField("Number of participants")
    write_up_url = StringField(
        "Link to the public write-up",
        filters=[strip],
        validators=[WebAddress("The write-up's address")],
    )

    def validate_kind(self, field: Field) -> None:
        if field.data and field.data not in ENGAGEMENT_KINDS:
            raise ValidationError("Choose the kind of engagement from the list")

    def set_choices(self, choices: records.RecordChoices) -> None:
        self.area.choices = _menu(choices.areas, "Across the whole area")
        self.organising_partner.choices = _menu(choices.partners, "Not recorded")
        self.communities.choices = _choices(choices.communities)

    def details(self) -> records.EngagementDetails:
        assert self.started_on.data is not None
        return records.EngagementDetails(
            title=self.title.data or "",
            kind=ENGAGEMENT_KINDS[self.kind.data],
            summary=self.summary.data or "",
            started_on=self.started_on.data,
            ended_on=self.ended_on.data,
            area_id=self.area.data,
            organising_partner_id=self.organising_partner.data,
            community_ids=tuple(self.communities.data or ()),
            participant_count=self.participant_count.data,
            write_up_url=self.write_up_url.data or None,
        )

    @staticmethod
    def values_of(engagement: Any) -> dict[str, Any]:
        """The form's starting values for an existing engagement."""
        return {
            "title": engagement.title,
            "kind": engagement.kind.value,
            "summary": engagement.summary,
            "started_on": engagement.started_on,
            "ended_on": engagement.ended_on,
            "area": engagement.area_id,
            "organising_partner": engagement.organising_partner_id,
            "communities": [community.id for community in engagement.communities],
            "participant_count": engagement.participant_count,
            "write_up_url": engagement.write_up_url or "",
        }


# --- Issues --------------------------------------------------------------------------


class IssueForm(TrackerForm):
    """An issue's details. Its lead partner is not here: that changes only through
    :class:`LeadPartnerForm`, which leaves a public trace (see :class:`NewIssueForm`)."""

    title = _text(StringField, "Title", records.TITLE_MAX, required="Enter a title for the issue")
    summary = _text(
        TextAreaField,
        "What residents said",
        records.SUMMARY_MAX,
        required="Enter what residents said",
    )
    quotes = _text(TextAreaField, "Quotes", records.QUOTES_MAX)
    raised_on = DateField("Date raised", required="Enter the date residents raised this")
    people_count = WholeNumberField("Number of people who raised it")
    themes = ChoicesField("Themes", message="Choose themes from the list")
    areas = ChoicesField("Areas", message="Choose areas from the list")
    communities = ChoicesField("Communities", message="Choose communities from the list")
    engagements = ChoicesField(
        "Engagements where residents raised it", message="Choose engagements from the list"
    )
    supporting_partners = ChoicesField(
        "Supporting partners", message="Choose supporting partners from the list"
    )

    def validate_quotes(self, field: Field) -> None:
        for number, quote in enumerate(records.quotes_from_text(field.data or ""), start=1):
            if len(quote) > records.QUOTE_MAX:
                raise ValidationError(
                    f"Quote {number} is {len(quote):,} characters long: each quote must be "
                    f"{records.QUOTE_MAX} characters or fewer"
                )

    def set_choices(self, choices: records.RecordChoices) -> None:
        self.themes.choices = _choices(choices.themes)
        self.areas.choices = _choices(choices.areas)
        self.communities.choices = _choices(choices.communities)
        self.engagements.choices = _choices(choices.engagements)
        self.supporting_partners.choices = _choices(choices.partners)

    def details(self) -> records.IssueDetails:
        assert self.raised_on.data is not None
        return records.IssueDetails(
            title=self.title.data or "",
            summary=self.summary.data or "",
            quotes=records.quotes_from_text(self.quotes.data or ""),
            raised_on=self.raised_on.data,
            people_count=self.people_count.data,
            theme_ids=tuple(self.themes.data or ()),
            area_ids=tuple(self.areas.data or ()),
            community_ids=tuple(self.communities.data or ()),
            engagement_ids=tuple(self.engagements.data or ()),
            supporting_partner_ids=tuple(self.supporting_partners.data or ()),
        )

    @staticmethod
    def values_of(issue: Any) -> dict[str, Any]:
        """The form's starting values for an existing issue."""
        return {
            "title": issue.title,
            "summary": issue.summary,
            "quotes": "\n".join(issue.quotes or []),
            "raised_on": issue.raised_on,
            "people_count": issue.people_count,
            "themes": [theme.id for theme in issue.themes],
            "areas": [area.id for area in issue.areas],
            "communities": [community.id for community in issue.communities],
            "engagements": [engagement.id for engagement in issue.engagements],
            "supporting_partners": [partner.id for partner in issue.supporting_partners],
        }


class NewIssueForm(IssueForm):
    """A new issue's details with its first lead partner, which leaves no trace to keep."""

    lead_partner = ChoiceField("Lead partner", message="Choose a partner from the list")

    def set_choices(self, choices: records.RecordChoices) -> None:
        super().set_choices(choices)
        self.lead_partner.choices = _menu(choices.partners, "Not yet assigned")


class LeadPartnerForm(TrackerForm):
    lead_partner = ChoiceField("New lead partner", message="Choose a partner from the list")
    reason = _text(
        TextAreaField,
        "Why the issue is moving to this partner",
        records.REASON_MAX,
        required="Enter why the lead partner is changing",
        limit_label="The reason",
    )

    def validate_lead_partner(self, field: Field) -> None:
        if field.data is None:
            raise ValidationError("Choose the new lead partner")

    def set_choices(self, partners: list[records.Choice]) -> None:
        self.lead_partner.choices = _menu(partners, "Choose a partner")


# --- Moderation ----------------------------------------------------------------------


class HideUpdateForm(TrackerForm):
    reason = _text(
        TextAreaField,
        "Why this update is being hidden",
        records.REASON_MAX,
        required="Enter why the update is being hidden",
        limit_label="The reason",
    )


# --- Reference data -----------------------------------------------------------------


class ReferenceForm(TrackerForm):
    """The fields every kind of reference data has; the kinds add theirs below."""

    name = _text(StringField, "Name", records.NAME_MAX, required="Enter a name")

    def set_choices(self, areas: list[records.Choice]) -> None:
        """Only areas offer a menu of other records: the area they are within."""

    def details(self) -> records.ReferenceDetails:
        return records.ReferenceDetails(name=self.name.data or "")


class DescribedForm(ReferenceForm):
    """A theme or a community: a name and a description."""

    description = _text(TextAreaField, "Description", records.DESCRIPTION_MAX)

    def details(self) -> records.ReferenceDetails:
        return records.ReferenceDetails(
            name=self.name.data or "", description=self.description.data or ""
        )


class PartnerForm(DescribedForm):
    kind = _kind("Kind of organisation", PartnerKind, "Choose the kind of organisation")
    website = StringField("Website", filters=[strip], validators=[WebAddress("Website")])

    def validate_kind(self, field: Field) -> None:
        if field.data and field.data not in PARTNER_KINDS:
            raise ValidationError("Choose the kind of organisation from the list")

    def details(self) -> records.ReferenceDetails:
        return records.ReferenceDetails(
            name=self.name.data or "",
            kind=PARTNER_KINDS[self.kind.data],
            description=self.description.data or "",
            website=self.website.data or None,
        )


class AreaForm(ReferenceForm):
    parent = ChoiceField("Within", message="Choose an area from the list")

    def set_choices(self, areas: list[records.Choice]) -> None:
        self.parent.choices = _menu(areas, "None: a borough or the whole area")

    def details(self) -> records.ReferenceDetails:
        return records.ReferenceDetails(name=self.name.data or "", parent_id=self.parent.data)


REFERENCE_FORMS: dict[str, type[ReferenceForm]] = {
    "partners": PartnerForm,
    "areas": AreaForm,
    "themes": DescribedForm,
    "communities": DescribedForm,
}


def reference_values(kind: records.ReferenceKind, record: Any) -> dict[str, Any]:
    """A reference data form's starting values for an existing record."""
    values: dict[str, Any] = {"name": record.name}
    if "description" in kind.fields:
        values["description"] = record.description
    if "kind" in kind.fields:
        values["kind"] = record.kind.value
    if "website" in kind.fields:
        values["website"] = record.website or ""
    if "parent_id" in kind.fields:
        values["parent"] = record.parent_id
    return values
