"""Addresses at the edges: ids past the database's integer range, page numbers past any
list, and control characters in the path or query string. None of them may answer 500.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Rule

from tests.workspace import csrf_token, make_signed_in
from tracker.converters import DATABASE_ID_MAX
from tracker.models import Role

HUGE = "99999999999999999999"


def int_rules(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())
    ]


def with_id(rule: Rule, value: str) -> str:
    return re.sub(r"<int:[^>]+>", value, rule.rule)


def argument_free_pages(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
    )


def test_every_route_with_a_number_in_it_is_checked(app):
    # If this list grows, the new route is covered by the same converter; this only
    # guards against the walk below finding nothing to check.
    assert len(int_rules(app)) >= 10


def test_an_id_past_the_database_integer_range_answers_404_on_every_route(app, client, session):
    make_signed_in(client, session, Role.ADMIN)
    token = csrf_token(client, "/manage/account")
    for rule in int_rules(app):
        url = with_id(rule, HUGE)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"


@pytest.mark.parametrize("value", [str(DATABASE_ID_MAX + 1), HUGE, "0" + HUGE])
def test_ids_past_the_largest_database_integer_do_not_match_any_route(app, value):
    adapter = app.url_map.bind("localhost")
    for rule in int_rules(app):
        with pytest.raises(NotFound):
            adapter.match(with_id(rule, value), method=sorted(rule.methods or ())[0])


def test_the_largest_database_integer_still_matches(app):
    adapter = app.url_map.bind("localhost")
    _endpoint, arguments = adapter.match(f"/manage/users/{DATABASE_ID_MAX}")
    assert arguments == {"user_id": DATABASE_ID_MAX}


def test_the_largest_database_integer_reaches_the_lookup_and_is_not_found(app, client, session):
    make_signed_in(client, session, Role.ADMIN)
    assert client.get(f"/manage/users/{DATABASE_ID_MAX}").status_code == 404
    assert client.get(f"/reports/{DATABASE_ID_MAX}.pdf").status_code == 404


def test_a_huge_page_number_on_any_list_is_not_a_server_error(app, client, session):
    make_signed_in(client, session, Role.ADMIN)
    for path in argument_free_pages(app):
        for page in (HUGE, "-" + HUGE, str(DATABASE_ID_MAX + 1)):
            response = client.get(f"{path}?page={page}")
            assert response.status_code < 500, f"{path}?page={page}: {response.status_code}"


def test_huge_numbers_in_the_audit_log_filters_are_not_a_server_error(client, session):
    make_signed_in(client, session, Role.ADMIN)
    for query in (f"user={HUGE}", f"record={HUGE}", f"record=YS-{HUGE}", f"page={HUGE}"):
        response = client.get(f"/manage/audit?{query}")
        assert response.status_code < 500, query


@pytest.mark.parametrize("path", ["/you-said", "/we-will", "/engagements"])
def test_a_nul_in_the_search_box_is_refused_with_a_message(client, path):
    response = client.get(f"{path}?q=%00")
    assert response.status_code == 400
    assert "cannot be used" in response.get_data(as_text=True)


def test_control_characters_in_any_query_parameter_are_refused_on_every_page(app, client, session):
    make_signed_in(client, session, Role.ADMIN)
    for path in argument_free_pages(app):
        for query in ("q=a%00b", "partner=%01", "status=%7f", "%00=x"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, f"{path}?{query}: {response.status_code}"


def test_a_search_with_ordinary_text_still_works(client):
    assert client.get("/you-said?q=GP+access").status_code == 200
    assert client.get("/we-will?q=caf%C3%A9").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/you-said/YS-%00",
        "/we-will/WW-0001%00",
        "/engagements/EN-%0a1",
        "/partners/a%00b",
        "/account/accept/abc%00def",
        "/account/reset/abc%1fdef",
    ],
)
def test_control_characters_in_the_address_find_no_page(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("character", ["\x00", "\n", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"])
def test_a_text_part_holding_any_character_one_line_text_refuses_matches_no_route(app, character):
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/partners/riverside")[0] == "public.partner"
    with pytest.raises(NotFound):
        adapter.match(f"/partners/river{character}side")


@pytest.mark.parametrize(
    "path",
    [
        "/manage/issues/YS-%00",
        "/manage/commitments/WW-%00/edit",
        "/manage/reference-data/themes/a%00b/edit",
    ],
)
def test_control_characters_in_a_workspace_address_find_no_page(client, session, path):
    make_signed_in(client, session, Role.ADMIN)
    assert client.get(path).status_code == 404


# --- request size and the session cookie --------------------------------------------------


def test_a_request_over_the_size_limit_gets_a_clear_413_page(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "email": "x@example.nhs.uk", "password": "p" * 2**21}
    )
    assert response.status_code == 413
    assert "too large for this service" in response.get_data(as_text=True)


def test_the_production_session_cookie_is_a_host_only_secure_cookie(database_url, tmp_path):
    from cryptography.fernet import Fernet

    from tests.conftest import make_test_app
    from tracker.config import settings_from_environment

    production = settings_from_environment(
        tmp_path,
        environ={
            "SECRET_KEY": "s" * 40,
            "PUBLIC_BASE_URL": "https://tracker.example.nhs.uk",
            "TOTP_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        },
    )
    settings = {
        key: production[key]
        for key in ("SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "TRUSTED_HOSTS")
    }
    client = make_test_app(database_url, **settings).test_client()

    response = client.get("/login", base_url="https://tracker.example.nhs.uk")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "secure" in attributes and "path=/" in attributes
    assert not any(part.startswith("domain=") for part in attributes)
