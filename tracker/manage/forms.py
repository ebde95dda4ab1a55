"""The workspace's form layer: the base form every form in the tracker is made from,
and the fields the workspace's forms share.

CSRF protection comes with every FlaskForm; :class:`TrackerForm` adds the rule for
the characters text may hold (tracker/plain_text.py) to every text box, and puts the
messages of a service's :class:`~tracker.manage.problems.InvalidInput` beside the
fields they name. :class:`DateField` is the one date input. The templates show these
fields with the macros of ``templates/manage/fields.html``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length, StopValidation

from tracker import plain_text
from tracker.manage.passwords import MAX_LENGTH


class PlainText:
    """The plain-text rule for one text box: no control characters, and no line breaks
    unless the box is a multi-line one. Runs first, and stops the field's other checks,
    so nothing (an inline check that queries the database, say) sees the text."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and plain_text.has_refused_characters(
            field.data, multiline=self.multiline
        ):
            raise StopValidation(plain_text.refusal(field.label.text, multiline=self.multiline))


class TrackerForm(FlaskForm):
    """The base of every form: each text box gets :class:`PlainText` as it is made.

    Done as the fields are bound, so a new form or field cannot forget the rule
    (tests/integration/test_form_text.py walks every form to prove it). Two kinds are
    left alone. Passwords: they are hashed, never stored, shown or sent to the database
    as text, and refusing a character someone already has in theirs would lock them
    out. Hidden fields: they hold what the page put there, which nobody can see to
    correct, and each is checked where it is used (a return address by
    ``auth.safe_next_url``, a version number as digits).
    """

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: Any) -> Any:
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(
                field, PasswordField | HiddenField
            ):
                rule = PlainText(multiline=isinstance(field, TextAreaField))
                field.validators = [rule, *field.validators]
            return field

    def add_problems(self, problems: Mapping[str, str]) -> None:
        """Show a service's messages (``InvalidInput.problems``) beside the fields they
        name; a message for no field of this form goes above the form."""
        for name, message in problems.items():
            form_field = self._fields.get(name)
            if isinstance(form_field, DateField):
                form_field.mark_error(message)
            elif form_field is not None:
                form_field.errors = [*form_field.errors, message]
            else:
                self.form_errors.append(message)

    @property
    def has_errors(self) -> bool:
        return bool(self.form_errors) or any(form_field.errors for form_field in self)


DATE_PARTS = ("day", "month", "year")


class DateField(Field):
    """A date typed as day, month and year in three boxes (the NHS.UK date input).

    The boxes post as ``<name>-day``, ``<name>-month`` and ``<name>-year``; what was
    typed is kept in :attr:`parts`, so it is shown again beside an error. The field's
    id is the day box's, so the error summary links to the first box. ``required`` is
    the message when all three are left empty (None: the date is optional).

    As the NHS.UK pattern asks, a date with a box left empty says which
    ("Target date must include a month and year") and marks only those boxes
    (:attr:`error_parts`); a date that does not exist marks all three.
    """

    process_errors: list[Any]
    errors: list[Any]

    def __init__(
        self,
        label: str | None = None,
        validators: Sequence[Any] | None = None,
        *,
        required: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.id = f"{self.name}-day"
        self.required = required
        self.parts: dict[str, str] = dict.fromkeys(DATE_PARTS, "")
        #: The boxes to mark as wrong.
        self.error_parts: tuple[str, ...] = ()

    @property
    def base_id(self) -> str:
        """The id of the group of boxes; the boxes' ids add ``-day``, ``-month``, ``-year``."""
        return self.id.removesuffix("-day")

    @property
    def is_empty(self) -> bool:
        return not any(self.parts.values())

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data if isinstance(data, date) else None
        if self.data is not None:
            self.parts = {part: str(getattr(self.data, part)) for part in DATE_PARTS}
        if formdata is None:
            return
        self.parts = {
            part: str(formdata.get(f"{self.name}-{part}") or "").strip()[:10] for part in DATE_PARTS
        }
        self.raw_data = [self.parts[part] for part in DATE_PARTS]
        self.data = None
        missing = tuple(part for part in DATE_PARTS if not self.parts[part])
        if len(missing) == len(DATE_PARTS):
            return
        label = self.label.text
        if missing:
            self.error_parts = missing
            self.process_errors.append(f"{label} must include a {' and '.join(missing)}")
            return
        self.data = _real_date(self.parts)
        if self.data is None:
            self.error_parts = DATE_PARTS
            self.process_errors.append(f"{label} must be a real date, like 15 3 2026")

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
        if self.is_empty and self.required:
            self.error_parts = DATE_PARTS
            raise StopValidation(self.required)

    def mark_error(self, message: str) -> None:
        """Add a message found by a rule outside the form (a date in the past, say)."""
        self.errors = [*self.errors, message]
        self.error_parts = DATE_PARTS


def _real_date(parts: Mapping[str, str]) -> date | None:
    if not all(parts[part].isascii() and parts[part].isdigit() for part in DATE_PARTS):
        return None
    if len(parts["year"]) != 4:
        return None
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return None


class SignInForm(TrackerForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
        ],
    )
    # Only the length is checked here: the password rules are for choosing a password,
    # and saying a sign-in password breaks one would hint at what is stored.
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password"),
            Length(max=MAX_LENGTH, message="Enter a correct email address and password"),
        ],
    )
    next = HiddenField()


class SignOutForm(TrackerForm):
    """Only the CSRF token: signing out is a POST, so another site cannot do it for you."""


def _code(label: str, required: str, too_long: str) -> StringField:
    """A box for a one-time or recovery code; no code is longer than 64 characters."""
    return StringField(label, validators=[DataRequired(required), Length(max=64, message=too_long)])


def _app_code(label: str) -> StringField:
    """A box for the 6-digit code an authenticator app shows."""
    message = "Enter the 6-digit code from your authenticator app"
    return _code(label, message, message)


def _current_password(label: str, *, required: bool = True) -> PasswordField:
    """The person's current password. As at sign-in, only the length is checked here."""
    too_long = Length(max=MAX_LENGTH, message="Your current password is not correct")
    if not required:
        return PasswordField(label, validators=[too_long])
    return PasswordField(label, validators=[DataRequired("Enter your current password"), too_long])


class OneTimeCodeForm(TrackerForm):
    """The code step of signing in, with a code from the authenticator app."""

    code = _app_code("Security code")


class RecoveryCodeForm(TrackerForm):
    """The code step of signing in, with one of the person's recovery codes."""

    code = _code(
        "Recovery code",
        "Enter one of your recovery codes",
        "Enter a recovery code, like abcde-23456",
    )


class TwoFactorSetupForm(TrackerForm):
    """Confirms set-up with a code from the app; the password only when replacing."""

    code = _app_code("Code from your authenticator app")
    password = _current_password("Your current password", required=False)


class ConfirmPasswordForm(TrackerForm):
    """A change to your own sign-in needs your current password."""

    password = _current_password("Your current password")


class ChangePasswordForm(TrackerForm):
    current_password = _current_password("Current password")
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )
