"""Settings come from the environment, with safe defaults."""

import pytest
from cryptography.fernet import Fernet

from tracker.config import ConfigurationError, settings_from_environment

TOTP_KEY = Fernet.generate_key().decode()
PRODUCTION = {
    "SECRET_KEY": "x" * 40,
    "PUBLIC_BASE_URL": "https://x.example",
    "TOTP_ENCRYPTION_KEY": TOTP_KEY,
}


def test_production_is_the_default_and_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        settings_from_environment(tmp_path, environ={})


def test_production_uses_the_given_secret_key_and_secure_cookies(tmp_path):
    settings = settings_from_environment(tmp_path, environ=PRODUCTION)
    assert settings["SECRET_KEY"] == "x" * 40
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "totp_encryption_key").exists()


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    first = settings_from_environment(tmp_path, environ={"TRACKER_ENV": "development"})
    second = settings_from_environment(tmp_path, environ={"TRACKER_ENV": "development"})
    assert len(first["SECRET_KEY"]) >= 32
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_defaults_to_sqlite_file_in_instance(tmp_path):
    settings = settings_from_environment(tmp_path, environ={"TRACKER_ENV": "development"})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


@pytest.mark.parametrize(
    "given", ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"]
)
def test_postgresql_urls_use_psycopg_3(tmp_path, given):
    settings = settings_from_environment(
        tmp_path, environ={"TRACKER_ENV": "development", "DATABASE_URL": given}
    )
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TRACKER_ENV": "staging"}, "TRACKER_ENV must be"),
        ({"TRACKER_ENV": "development", "NO_RECENT_UPDATE_DAYS": "ninety"}, "whole number"),
        ({"TRACKER_ENV": "development", "NO_RECENT_UPDATE_DAYS": "0"}, "1 or more"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(tmp_path, environ, message):
    with pytest.raises(ConfigurationError, match=message):
        settings_from_environment(tmp_path, environ=environ)


def test_no_recent_update_threshold_is_configurable(tmp_path):
    settings = settings_from_environment(
        tmp_path, environ={"TRACKER_ENV": "development", "NO_RECENT_UPDATE_DAYS": "60"}
    )
    assert settings["NO_RECENT_UPDATE_DAYS"] == 60


# --- keys and their rotation ----------------------------------------------------------


def test_production_refuses_a_secret_key_shorter_than_32_bytes(tmp_path):
    with pytest.raises(ConfigurationError, match="at least 32"):
        settings_from_environment(tmp_path, environ={**PRODUCTION, "SECRET_KEY": "s" * 31})


def test_a_short_secret_key_is_allowed_in_development(tmp_path):
    settings = settings_from_environment(
        tmp_path, environ={"TRACKER_ENV": "development", "SECRET_KEY": "short"}
    )
    assert settings["SECRET_KEY"] == "short"


def test_secret_key_fallbacks_are_read_as_a_list_for_rotation(tmp_path):
    settings = settings_from_environment(
        tmp_path, environ={**PRODUCTION, "SECRET_KEY_FALLBACKS": " old-one-" + "o" * 32 + " , "}
    )
    assert settings["SECRET_KEY_FALLBACKS"] == ["old-one-" + "o" * 32]
    assert settings_from_environment(tmp_path, environ=PRODUCTION)["SECRET_KEY_FALLBACKS"] == []


def test_production_refuses_to_start_without_a_totp_encryption_key(tmp_path):
    environ = {key: value for key, value in PRODUCTION.items() if key != "TOTP_ENCRYPTION_KEY"}
    with pytest.raises(ConfigurationError, match="TOTP_ENCRYPTION_KEY must be set"):
        settings_from_environment(tmp_path, environ=environ)


@pytest.mark.parametrize("name", ["TOTP_ENCRYPTION_KEY", "TOTP_ENCRYPTION_KEY_FALLBACKS"])
def test_a_totp_encryption_key_that_is_not_a_fernet_key_is_refused(tmp_path, name):
    with pytest.raises(ConfigurationError, match=f"{name} must be"):
        settings_from_environment(tmp_path, environ={**PRODUCTION, name: "not-a-key"})


def test_totp_encryption_key_and_its_fallbacks_are_read(tmp_path):
    old = Fernet.generate_key().decode()
    settings = settings_from_environment(
        tmp_path, environ={**PRODUCTION, "TOTP_ENCRYPTION_KEY_FALLBACKS": f"{old},"}
    )
    assert settings["TOTP_ENCRYPTION_KEY"] == TOTP_KEY
    assert settings["TOTP_ENCRYPTION_KEY_FALLBACKS"] == [old]


def test_development_generates_a_totp_encryption_key_once_and_keeps_it(tmp_path):
    first = settings_from_environment(tmp_path, environ={"TRACKER_ENV": "development"})
    second = settings_from_environment(tmp_path, environ={"TRACKER_ENV": "development"})
    assert first["TOTP_ENCRYPTION_KEY"] == second["TOTP_ENCRYPTION_KEY"]
    Fernet(first["TOTP_ENCRYPTION_KEY"])
    assert first["TOTP_ENCRYPTION_KEY"] != first["SECRET_KEY"]
    assert (tmp_path / "totp_encryption_key").stat().st_mode & 0o077 == 0


# --- requests and cookies -----------------------------------------------------------------


def test_requests_are_limited_to_one_megabyte_unless_configured(tmp_path):
    assert settings_from_environment(tmp_path, environ=PRODUCTION)["MAX_CONTENT_LENGTH"] == (
        1024 * 1024
    )
    settings = settings_from_environment(tmp_path, environ={**PRODUCTION, "MAX_REQUEST_MB": "100"})
    assert settings["MAX_CONTENT_LENGTH"] == 100 * 1024 * 1024


def test_the_production_session_cookie_has_the_host_prefix(tmp_path):
    settings = settings_from_environment(tmp_path, environ=PRODUCTION)
    # __Host- needs Secure, Path=/ and no Domain, or browsers refuse the cookie.
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings.get("SESSION_COOKIE_DOMAIN") in (None, False)
    assert settings.get("SESSION_COOKIE_PATH", "/") in (None, "/")


def test_the_development_session_cookie_works_over_plain_http(tmp_path):
    settings = settings_from_environment(tmp_path, environ={"TRACKER_ENV": "development"})
    assert settings["SESSION_COOKIE_NAME"] == "session"
    assert settings["SESSION_COOKIE_SECURE"] is False
