"""The workspace's forms, and the base form every form in the tracker is made from.

CSRF protection comes with every FlaskForm; :class:`TrackerForm` adds the rule for
the characters text may hold (tracker/plain_text.py) to every text box.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, HiddenField, PasswordField, StringField, TextAreaField
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
