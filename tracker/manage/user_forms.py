"""Forms for managing staff accounts and for the emailed links. CSRF comes with each."""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, EmailField, Field, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from tracker.db import get_session
from tracker.manage import accounts
from tracker.manage.forms import TrackerForm
from tracker.manage.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from tracker.models import Partner, Role

#: Something, an @, something with a dot in it: the mail server has the final say.
EMAIL_FORMAT = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.nhs.uk"


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _email_validators(required_message: str) -> list[Any]:
    return [
        DataRequired(required_message),
        Length(
            max=accounts.EMAIL_MAX_LENGTH,
            message=f"Email address must be {accounts.EMAIL_MAX_LENGTH} characters or fewer",
        ),
        Regexp(EMAIL_FORMAT, message=EMAIL_FORMAT_MESSAGE),
    ]


def _role_field() -> Any:
    return StringField("Role", validators=[DataRequired("Choose a role")])


def _partner_field() -> Any:
    return StringField("Partner")


class _RoleAndPartnerChecks:
    """Reading and checking a role, and the partner that goes with it (partner leads only).

    Both are plain text fields: the page offers only the roles the signed-in person
    may give, and the view refuses any other role with a 403 rather than a form error.
    Each form declares the fields itself, so they come in the page's order.
    """

    role: Any
    partner: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Every partner by name, for the menu and to check the choice.
        self.partners = accounts.partners_by_name(get_session())

    def chosen_role(self) -> Role | None:
        """The role picked, or None when none (or no real one) was."""
        return next((role for role in Role if role.value == self.role.data), None)

    def chosen_partner(self) -> Partner | None:
        """The partner picked, or None for "No partner" (or one that does not exist)."""
        return next((p for p in self.partners if p.slug == self.partner.data), None)

    def validate_role(self, field: Field) -> None:
        if field.data and self.chosen_role() is None:
            raise ValidationError("Choose a role")

    def validate_partner(self, field: Field) -> None:
        if field.data and self.chosen_partner() is None:
            raise ValidationError("Choose a partner from the list")
        problem = accounts.partner_problem(self.chosen_role(), self.chosen_partner())
        if problem is not None:
            raise ValidationError(problem)


class InviteForm(_RoleAndPartnerChecks, TrackerForm):
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired("Enter their full name"),
            Length(
                max=accounts.NAME_MAX_LENGTH,
                message=f"Name must be {accounts.NAME_MAX_LENGTH} characters or fewer",
            ),
        ],
    )
    email = EmailField(
        "Work email address",
        filters=[_strip],
        validators=_email_validators("Enter their work email address"),
    )

    role = _role_field()
    partner = _partner_field()

    def validate_email(self, field: Field) -> None:
        if accounts.email_in_use(get_session(), field.data):
            raise ValidationError(f"There is already an account for {field.data.lower()}")


class RoleForm(_RoleAndPartnerChecks, TrackerForm):
    """Change an account's role and partner."""

    role = _role_field()
    partner = _partner_field()


class PasswordForm(TrackerForm):
    """A new password, chosen from an emailed link. The rules are checked by the service,
    which knows whose password it is."""

    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter a password"),
            Length(
                max=PASSWORD_MAX_LENGTH,
                message=f"Password must be {PASSWORD_MAX_LENGTH} characters or fewer",
            ),
        ],
    )


class ResetRequestForm(TrackerForm):
    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=_email_validators("Enter your email address"),
    )


class TwoFactorResetForm(TrackerForm):
    """Why someone's two-step verification is being reset, and that their identity was checked.

    The reason is kept in the audit log; the service checks it again.
    """

    reason = TextAreaField(
        "Why you are resetting it",
        filters=[_strip],
        validators=[
            DataRequired("Enter why you are resetting their two-step verification"),
            Length(
                max=accounts.TWO_FACTOR_RESET_REASON_MAX_LENGTH,
                message=(
                    f"The reason must be {accounts.TWO_FACTOR_RESET_REASON_MAX_LENGTH} "
                    "characters or fewer"
                ),
            ),
        ],
    )
    identity_checked = BooleanField(
        "I have checked that it is really them asking",
        validators=[DataRequired("Confirm that you have checked it is really them asking")],
    )
