"""Forms for commitments and their updates. CSRF protection and the plain-text rule
(tracker/plain_text.py) come with every TrackerForm.

The forms check each field on its own (required, length, a real date, a web
address); the rules that join fields together (a reason for Delayed, a future
target date) live in :mod:`tracker.manage.commitments`, and the views put their
messages on the fields here.

Many update forms can share one page (one per commitment on the dashboard), so
each form's element ids start with a prefix (the commitment's reference); the
field names stay plain, so every form posts the same names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import Field, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.manage import commitments
from tracker.manage.commitments import CommitmentText, UpdateInput
from tracker.manage.forms import DateField, TrackerForm
from tracker.models import Commitment, CommitmentStatus


def _whole_number(minimum: int, maximum: int, message: str) -> Any:
    def check(_form: Any, field: Field) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        if not (text.isascii() and text.isdigit()) or not minimum <= int(text) <= maximum:
            raise ValidationError(message)

    return check


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _PrefixedForm(TrackerForm):
    """A form whose element ids start with ``id_prefix``, so several fit on one page."""

    def __init__(self, *args: Any, id_prefix: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self:
            base = f"{id_prefix}{form_field.name}"
            form_field.id = f"{base}-day" if isinstance(form_field, DateField) else base


def _version_number(text: str | None) -> int | None:
    # Posted back from a hidden field, so anything may arrive.
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


# --- Posting an update --------------------------------------------------------------

EVIDENCE_NUMBERS = tuple(range(1, commitments.EVIDENCE_LINKS_MAX + 1))


def _evidence_title(number: int) -> StringField:
    return StringField(
        f"Title of evidence link {number}",
        filters=[_strip],
        validators=[
            Length(
                max=commitments.EVIDENCE_TITLE_MAX,
                message=f"Title of evidence link {number} must be "
                f"{commitments.EVIDENCE_TITLE_MAX} characters or fewer",
            )
        ],
    )


def _evidence_url(number: int) -> StringField:
    # Checked in UpdateForm.validate, beside its title (commitments.web_address_problem).
    return StringField(f"Address of evidence link {number}", filters=[_strip])


class UpdateForm(_PrefixedForm):
    """Post an update on a commitment ("We did")."""

    narrative = TextAreaField(
        "What has been done since the last update",
        validators=[
            DataRequired("Enter what has been done since the last update"),
            Length(
                max=commitments.NARRATIVE_MAX,
                message=f"Update must be {commitments.NARRATIVE_MAX:,} characters or fewer",
            ),
        ],
    )
    status = SelectField("Status", choices=[], validate_choice=False)
    progress_percent = StringField(
        "Progress (optional)",
        filters=[_strip],
        validators=[_whole_number(0, 100, "Progress must be a whole number from 0 to 100")],
    )
    new_target_date = DateField("New target date")
    reason = TextAreaField(
        "Reason (shown to the public)",
        validators=[
            Length(
                max=commitments.REASON_MAX,
                message=f"Reason must be {commitments.REASON_MAX:,} characters or fewer",
            )
        ],
    )
    evidence_1_title = _evidence_title(1)
    evidence_1_url = _evidence_url(1)
    evidence_2_title = _evidence_title(2)
    evidence_2_url = _evidence_url(2)
    evidence_3_title = _evidence_title(3)
    evidence_3_url = _evidence_url(3)
    version = HiddenField()
    return_to = HiddenField()

    def __init__(self, commitment: Commitment, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("id_prefix", f"{commitment.reference}-")
        super().__init__(*args, **kwargs)
        self.status.choices = [("", f"No change (now {commitment.status.label})")] + [
            (status.value, status.label) for status in CommitmentStatus
        ]
        if self.version.raw_data is None:
            # A fresh form (not one posted back) carries the version it was rendered at.
            self.version.data = str(commitment.version)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.status.data and self.status.data not in {
            status.value for status in CommitmentStatus
        }:
            self.status.errors = [*self.status.errors, "Select a status from the list"]
            valid = False
        for number in EVIDENCE_NUMBERS:
            title = getattr(self, f"evidence_{number}_title")
            url = getattr(self, f"evidence_{number}_url")
            problem = None
            if url.data:
                problem = commitments.web_address_problem(url.data)
            elif title.data:
                problem = f"Enter the address of evidence link {number}, or remove its title"
            if problem:
                url.errors = [*url.errors, problem]
                valid = False
        if self.seen_version is None:
            self.form_errors.append(
                "This form is out of date. Reload the page and post your update again."
            )
            valid = False
        return valid

    @property
    def seen_version(self) -> int | None:
        """The commitment's version when this form was rendered."""
        return _version_number(self.version.data)

    def evidence_fields(self) -> list[tuple[int, Field, Field]]:
        return [
            (
                number,
                getattr(self, f"evidence_{number}_title"),
                getattr(self, f"evidence_{number}_url"),
            )
            for number in EVIDENCE_NUMBERS
        ]

    def update_input(self) -> UpdateInput:
        """The update as typed (call after :meth:`validate`)."""
        progress = (self.progress_percent.data or "").strip()
        return UpdateInput(
            narrative=(self.narrative.data or "").strip(),
            new_status=commitments.STATUS_BY_CODE.get(self.status.data or ""),
            progress_percent=int(progress) if progress else None,
            new_target_date=self.new_target_date.data,
            reason=(self.reason.data or "").strip(),
            evidence_links=commitments.evidence_links(
                [(title.data or "", url.data or "") for _, title, url in self.evidence_fields()]
            ),
        )

    def keep_for_resubmit(self, current_version: int) -> None:
        """After a conflict, carry the version now stored so a second save is deliberate."""
        self.version.data = str(current_version)


# --- The words of a commitment ----------------------------------------------------------


def _text_validators(label: str, maximum: int, required: str) -> list[Any]:
    return [
        DataRequired(required),
        Length(max=maximum, message=f"{label} must be {maximum:,} characters or fewer"),
    ]


class CommitmentTextForm(_PrefixedForm):
    """The words of a commitment, shared by making one and editing one."""

    title = StringField(
        "Title",
        filters=[_strip],
        validators=_text_validators(
            "Title", commitments.TITLE_MAX, "Enter a title for the commitment"
        ),
    )
    description = TextAreaField(
        "What will be done",
        validators=_text_validators(
            "What will be done",
            commitments.DESCRIPTION_MAX,
            "Enter what will be done",
        ),
    )
    success_measure = TextAreaField(
        "How we'll know it worked",
        validators=_text_validators(
            "How we'll know it worked",
            commitments.SUCCESS_MEASURE_MAX,
            "Enter how you will know it worked",
        ),
    )
    accountable_role = StringField(
        "Accountable role",
        filters=[_strip],
        validators=_text_validators(
            "Accountable role",
            commitments.ACCOUNTABLE_ROLE_MAX,
            "Enter the job title of the person accountable",
        ),
    )

    def commitment_text(self) -> CommitmentText:
        return CommitmentText(
            title=(self.title.data or "").strip(),
            description=(self.description.data or "").strip(),
            success_measure=(self.success_measure.data or "").strip(),
            accountable_role=(self.accountable_role.data or "").strip(),
        )


class EditCommitmentForm(CommitmentTextForm):
    version = HiddenField()

    @property
    def seen_version(self) -> int | None:
        """The commitment's version when this form was rendered."""
        return _version_number(self.version.data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.seen_version is None:
            self.form_errors.append(
                "This form is out of date. Reload the page and make your changes again."
            )
            valid = False
        return valid

    def keep_for_resubmit(self, current_version: int) -> None:
        self.version.data = str(current_version)


class NewCommitmentForm(CommitmentTextForm):
    partner = SelectField("Partner making this commitment", choices=[], validate_choice=False)
    target_date = DateField("Target date", required="Enter the target date")

    def __init__(
        self, *args: Any, partners: Iterable[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choose_partner = partners is not None
        self.partner.choices = [("", "Select a partner")] + [
            (str(partner_id), name) for partner_id, name in (partners or [])
        ]
        if not self.choose_partner:
            del self.partner

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.choose_partner:
            known = {value for value, _ in self.partner.choices if value}
            if self.partner.data not in known:
                self.partner.errors = [
                    *self.partner.errors,
                    "Select the partner making this commitment",
                ]
                valid = False
        return valid

    @property
    def partner_id(self) -> int | None:
        if not self.choose_partner:
            return None
        value = self.partner.data or ""
        return int(value) if value.isdigit() else None
