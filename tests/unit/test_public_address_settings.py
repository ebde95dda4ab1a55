"""The site's public address, and the host names it answers to, come from settings."""

import pytest

from tracker.config import (
    DEVELOPMENT_PUBLIC_BASE_URL,
    ConfigurationError,
    settings_from_environment,
)

PRODUCTION = {
    "SECRET_KEY": "k" * 40,
    "PUBLIC_BASE_URL": "https://tracker.example.nhs.uk",
    "TOTP_ENCRYPTION_KEY": "dGVzdC10b3RwLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
}
DEVELOPMENT = {"TRACKER_ENV": "development", "SECRET_KEY": "k" * 40}


def test_production_refuses_to_start_without_a_public_base_url(tmp_path):
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL must be set"):
        settings_from_environment(tmp_path, environ={"SECRET_KEY": "k" * 40})


def test_production_answers_only_to_the_public_base_urls_host(tmp_path):
    settings = settings_from_environment(tmp_path, environ=PRODUCTION)
    assert settings["PUBLIC_BASE_URL"] == "https://tracker.example.nhs.uk"
    assert settings["TRUSTED_HOSTS"] == ["tracker.example.nhs.uk"]


def test_the_port_and_path_of_the_public_base_url_are_not_part_of_the_host(tmp_path):
    environ = {**PRODUCTION, "PUBLIC_BASE_URL": "https://Tracker.Example.org:8443/ics/"}
    settings = settings_from_environment(tmp_path, environ=environ)
    assert settings["PUBLIC_BASE_URL"] == "https://Tracker.Example.org:8443/ics"
    assert settings["TRUSTED_HOSTS"] == ["tracker.example.org"]


def test_allowed_hosts_adds_names_such_as_a_health_checks_address(tmp_path):
    environ = {**PRODUCTION, "ALLOWED_HOSTS": " 10.0.0.12, tracker.internal ,,"}
    settings = settings_from_environment(tmp_path, environ=environ)
    assert settings["TRUSTED_HOSTS"] == ["tracker.example.nhs.uk", "10.0.0.12", "tracker.internal"]


@pytest.mark.parametrize("given", ["*", "https://tracker.internal", "tracker.internal/x", "a b"])
def test_allowed_hosts_must_be_host_names(tmp_path, given):
    with pytest.raises(ConfigurationError, match="ALLOWED_HOSTS"):
        settings_from_environment(tmp_path, environ={**PRODUCTION, "ALLOWED_HOSTS": given})


def test_development_has_a_default_address_and_answers_on_loopback(tmp_path):
    settings = settings_from_environment(tmp_path, environ=DEVELOPMENT)
    assert settings["PUBLIC_BASE_URL"] == DEVELOPMENT_PUBLIC_BASE_URL == "http://localhost:5000"
    assert set(settings["TRUSTED_HOSTS"]) == {"localhost", "127.0.0.1"}


def test_development_answers_on_its_public_base_url_and_loopback(tmp_path):
    environ = {**DEVELOPMENT, "PUBLIC_BASE_URL": "http://tracker.test:8000"}
    settings = settings_from_environment(tmp_path, environ=environ)
    assert settings["PUBLIC_BASE_URL"] == "http://tracker.test:8000"
    assert settings["TRUSTED_HOSTS"] == ["tracker.test", "localhost", "127.0.0.1"]
