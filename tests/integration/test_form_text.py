"""Every text box in every form refuses control characters, and one-line boxes refuse
line breaks (the rule in tracker/plain_text.py), by construction: a new form or field
gets the rule from the base form without asking for it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

import tracker
from tests.factories import make_commitment
from tests.pages import RenderedPage
from tests.workspace import csrf_token, make_signed_in
from tracker.manage.forms import TrackerForm
from tracker.models import Role


def every_form_class() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(module.name)
    found: list[type[FlaskForm]] = []
    waiting = [FlaskForm]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            waiting.append(subclass)
            if subclass.__module__.startswith("tracker."):
                found.append(subclass)
    return sorted(set(found), key=lambda form: f"{form.__module__}.{form.__qualname__}")


FORMS = every_form_class()


def test_the_walk_finds_the_forms():
    names = {form.__name__ for form in FORMS}
    assert {"SignInForm", "InviteForm", "IssueForm", "UpdateForm", "PublishForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__name__)
def test_every_form_uses_the_base_form(form_class):
    assert issubclass(form_class, TrackerForm)


def constructor_arguments(form_class: type[FlaskForm], session) -> dict[str, Any]:
    """What the few forms that need more than posted data are made with."""
    name = form_class.__name__
    if name == "UpdateForm":
        return {"commitment": make_commitment(session)}
    if name == "PublishForm":
        return {"correctable": []}
    if name == "NewCommitmentForm":
        return {"partners": []}
    return {}


def text_fields(form: FlaskForm) -> list[Any]:
    # Passwords and hidden fields are the two kinds the rule leaves alone (TrackerForm
    # says why); every other text box a person types into is checked.
    return [
        field
        for field in form
        if isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField)
    ]


def posted(app, session, form_class, name: str, value: str) -> FlaskForm:
    arguments = constructor_arguments(form_class, session)
    with app.test_request_context(method="POST", data=MultiDict({name: value})):
        form = form_class(meta={"csrf": False}, **arguments)
        form.validate()
        return form


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__name__)
def test_every_text_box_refuses_a_nul_and_one_line_boxes_refuse_line_breaks(
    app, session, form_class
):
    arguments = constructor_arguments(form_class, session)
    with app.test_request_context(method="POST"):
        names = [
            (field.name, isinstance(field, TextAreaField))
            for field in text_fields(form_class(meta={"csrf": False}, **arguments))
        ]
    for name, multiline in names:
        form = posted(app, session, form_class, name, "a\x00b")
        field = form[name]
        assert any("control characters" in message for message in field.errors), name

        form = posted(app, session, form_class, name, "first\nsecond")
        refused = any("line breaks" in message for message in form[name].errors)
        assert refused is not multiline, name


def test_a_multi_line_box_keeps_line_breaks_and_tabs(app, session):
    from tracker.manage.record_forms import HideUpdateForm

    form = posted(app, session, HideUpdateForm, "reason", "Line one\r\n\tLine two")
    assert form.validate()
    form = posted(app, session, HideUpdateForm, "reason", "Bell\x07")
    assert form.reason.errors == [
        "Why this update is being hidden must not contain control characters"
    ]


@pytest.mark.parametrize("character", ["\x00", "\t", "\x7f", "\x85", "\u2028"])
def test_a_one_line_box_refuses_each_kind_of_control_character(app, session, character):
    from tracker.manage.record_forms import ReferenceForm

    form = posted(app, session, ReferenceForm, "name", f"Riverside{character}Council")
    assert form.name.errors == ["Name must not contain line breaks or control characters"]


def test_the_message_is_in_the_error_summary_and_the_input_is_kept(client, session):
    make_signed_in(client, session, Role.ADMIN)
    token = csrf_token(client, "/manage/reference-data/themes/new")
    response = client.post(
        "/manage/reference-data/themes/new",
        data={"csrf_token": token, "name": "Carers\x00 voices", "description": "About\ncarers"},
    )
    assert response.status_code == 400
    page = RenderedPage(response.get_data(as_text=True))
    summary = page.find(cls="nhsuk-error-summary")
    assert [item.text for item in summary.find_all("li")] == [
        "Name must not contain line breaks or control characters"
    ]
    assert "Carers" in page.find("input", id="name").attrs["value"]


def test_a_nul_in_the_sign_in_form_is_refused_not_a_server_error(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "someone\x00@example.nhs.uk", "password": "x"},
    )
    assert response.status_code == 400
    assert "must not contain line breaks or control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("x\x00@example.nhs.uk", "X Person", "Email address must not contain"),
        ("x@example.nhs.uk", "X\x00Person", "Name must not contain"),
        ("x@example.nhs.uk", "X Person\nBcc: y@example.com", "Name must not contain"),
    ],
)
def test_create_user_refuses_control_characters(app, runner, session, email, name, message):
    from sqlmodel import select

    from tracker.models import User

    result = runner.invoke(
        args=["create-user", "--email", email, "--name", name, "--role", "admin"],
        input="riverside meadow lantern\nriverside meadow lantern\n",
    )
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(session.exec(select(User))) == []
