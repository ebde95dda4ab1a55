"""Settings come from the environment, with safe defaults."""

import pytest

from tracker.config import ConfigurationError, settings_from_environment


def test_production_is_the_default_and_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set"):
        settings_from_environment(tmp_path, environ={})


def test_production_uses_the_given_secret_key_and_secure_cookies(tmp_path):
    settings = settings_from_environment(tmp_path, environ={"SECRET_KEY": "x" * 40})
    assert settings["SECRET_KEY"] == "x" * 40
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


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
