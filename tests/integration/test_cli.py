"""The `tracker` command as an operator uses it: a real process and real databases."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

TRACKER = str(Path(sys.executable).with_name("tracker"))
#: The settings production cannot start without.
PRODUCTION = {
    "SECRET_KEY": "s" * 40,
    "PUBLIC_BASE_URL": "https://tracker.example.nhs.uk",
    "TOTP_ENCRYPTION_KEY": "dGVzdC10b3RwLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
}


def run_tracker(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DATABASE_URL", "TRACKER_ENV", "PUBLIC_BASE_URL"}
    }
    environment.update(env)
    return subprocess.run(
        [TRACKER, *args], env=environment, capture_output=True, text=True, timeout=120
    )


def test_db_upgrade_builds_an_empty_database(new_database_url):
    url = new_database_url()
    result = run_tracker("db", "upgrade", DATABASE_URL=url, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "Database is at revision" in result.stdout
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    assert "commitment" in sa.inspect(engine).get_table_names()
    engine.dispose()

    current = run_tracker("db", "current", DATABASE_URL=url, **PRODUCTION)
    assert current.returncode == 0
    assert current.stdout.strip() != ""


def test_production_without_secret_key_exits_with_a_clear_error(new_database_url):
    result = run_tracker("db", "upgrade", DATABASE_URL=new_database_url())
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_public_base_url_exits_with_a_clear_error(new_database_url):
    result = run_tracker(
        "db", "upgrade", DATABASE_URL=new_database_url(), SECRET_KEY=PRODUCTION["SECRET_KEY"]
    )
    assert result.returncode != 0
    assert "PUBLIC_BASE_URL must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_exits_with_a_clear_error():
    result = run_tracker("db", "current", TRACKER_ENV="staging")
    assert result.returncode != 0
    assert "TRACKER_ENV must be" in result.stderr
    assert "Traceback" not in result.stderr
