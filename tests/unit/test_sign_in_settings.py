"""Sign-in settings come from the environment, with safe defaults."""

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import create_app
from tracker.config import ConfigurationError, settings_from_environment

DEVELOPMENT = {"TRACKER_ENV": "development", "SECRET_KEY": "k" * 40}


def test_sign_in_defaults(tmp_path):
    settings = settings_from_environment(tmp_path, environ=DEVELOPMENT)
    assert settings["SESSION_IDLE_MINUTES"] == 30
    assert settings["SESSION_ABSOLUTE_HOURS"] == 12
    assert settings["SIGN_IN_MAX_FAILURES"] == 5
    assert settings["SIGN_IN_LOCKOUT_MINUTES"] == 15
    assert settings["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] == 20
    assert settings["TRUSTED_PROXIES"] == 0
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sign_in_settings_are_read_and_checked(tmp_path):
    settings = settings_from_environment(
        tmp_path, environ={**DEVELOPMENT, "SIGN_IN_MAX_FAILURES": "3", "TRUSTED_PROXIES": "1"}
    )
    assert settings["SIGN_IN_MAX_FAILURES"] == 3
    assert settings["TRUSTED_PROXIES"] == 1
    with pytest.raises(ConfigurationError, match="SESSION_IDLE_MINUTES must be 1 or more"):
        settings_from_environment(tmp_path, environ={**DEVELOPMENT, "SESSION_IDLE_MINUTES": "0"})


def test_trusted_proxies_make_the_app_read_forwarded_addresses(tmp_path):
    url = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    assert not isinstance(create_app({"DATABASE_URL": url}).wsgi_app, ProxyFix)
    app = create_app({"DATABASE_URL": url, "TRUSTED_PROXIES": 1})
    assert isinstance(app.wsgi_app, ProxyFix)
