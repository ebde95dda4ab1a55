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


class OneTimeCodeForm(FlaskForm):
    """The code step of signing in, with a code from the authenticator app."""

    code = StringField(
        "Security code",
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=64, message="Enter the 6-digit code from your authenticator app"),
        ],
    )


class RecoveryCodeForm(FlaskForm):
    """The code step of signing in, with one of the person's recovery codes."""

    code = StringField(
        "Recovery code",
        validators=[
            DataRequired("Enter one of your recovery codes"),
            Length(max=64, message="Enter a recovery code, like abcde-23456"),
        ],
    )


class TwoFactorSetupForm(FlaskForm):
    """Confirms set-up with a code from the app; the password only when replacing."""

    code = StringField(
        "Code from your authenticator app",
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=64, message="Enter the 6-digit code from your authenticator app"),
        ],
    )
    password = PasswordField(
        "Your current password",
        validators=[Length(max=MAX_LENGTH, message="Your current password is not correct")],
    )


class ConfirmPasswordForm(FlaskForm):
    """A change to your own sign-in needs your current password."""

    password = PasswordField(
        "Your current password",
        validators=[
            DataRequired("Enter your current password"),
            Length(max=MAX_LENGTH, message="Your current password is not correct"),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password"),
            Length(max=MAX_LENGTH, message="Your current password is not correct"),
        ],
    )
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )
