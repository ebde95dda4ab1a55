"""The trivial page `make loadtest` compares pages with exists only when asked for."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_test_app
from tracker.config import settings_from_environment
from tracker.loadtest import TRIVIAL_BYTES, TRIVIAL_PATH

DEVELOPMENT = {"TRACKER_ENV": "development", "SECRET_KEY": "x" * 64}


def test_a_normal_run_has_no_trivial_page(client):
    assert client.get(TRIVIAL_PATH).status_code == 404


def test_the_setting_is_off_unless_the_environment_turns_it_on(tmp_path: Path):
    environ = {**DEVELOPMENT, "TOTP_ENCRYPTION_KEY": "dGVzdC10b3RwLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM="}

    assert settings_from_environment(tmp_path, environ)["LOADTEST_ROUTE"] is False
    assert settings_from_environment(tmp_path, {**environ, "LOADTEST_ROUTE": "1"})["LOADTEST_ROUTE"]


def test_with_the_setting_the_trivial_page_answers_24_kb(database_url):
    app = make_test_app(database_url, LOADTEST_ROUTE=True)

    response = app.test_client().get(TRIVIAL_PATH)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert len(response.get_data()) == TRIVIAL_BYTES
