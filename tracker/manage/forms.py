"""The workspace's forms. CSRF protection comes with every FlaskForm."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from tracker.manage.passwords import MAX_LENGTH


class SignInForm(FlaskForm):
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


class SignOutForm(FlaskForm):
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


class OneTimeCodeForm(FlaskForm):
    """The code step of signing in, with a code from the authenticator app."""

    code = _app_code("Security code")


class RecoveryCodeForm(FlaskForm):
    """The code step of signing in, with one of the person's recovery codes."""

    code = _code(
        "Recovery code",
        "Enter one of your recovery codes",
        "Enter a recovery code, like abcde-23456",
    )


class TwoFactorSetupForm(FlaskForm):
    """Confirms set-up with a code from the app; the password only when replacing."""

    code = _app_code("Code from your authenticator app")
    password = _current_password("Your current password", required=False)


class ConfirmPasswordForm(FlaskForm):
    """A change to your own sign-in needs your current password."""

    password = _current_password("Your current password")


class ChangePasswordForm(FlaskForm):
    current_password = _current_password("Current password")
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )
