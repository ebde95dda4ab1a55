"""Settings read from the environment, with their defaults.

Every setting the application reads is listed here and in the README's
configuration table. Nothing else reads ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEFAULT_ICS_NAME = "Riverside and Vale ICS"
DEFAULT_NO_RECENT_UPDATE_DAYS = 90

# Staff sign-in (see tracker/manage/services.py and tracker/manage/auth.py).
DEFAULT_SESSION_IDLE_MINUTES = 30
DEFAULT_SESSION_ABSOLUTE_HOURS = 12
DEFAULT_SIGN_IN_MAX_FAILURES = 5
DEFAULT_SIGN_IN_LOCKOUT_MINUTES = 15
DEFAULT_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20


class ConfigurationError(RuntimeError):
    """The environment does not describe a usable configuration."""


def _int_setting(environ: dict[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be {minimum} or more, not {value}.")
    return value


def development_secret_key(instance_path: Path) -> str:
    """Return the development secret key kept in ``instance/``, creating it once.

    Keeping it on disk means sessions survive a restart of ``make run``.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def settings_from_environment(
    instance_path: Path, environ: dict[str, str] | None = None
) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if environ is None else environ)
    mode = env.get("TRACKER_ENV", "production").strip().lower()
    if mode not in ("production", "development"):
        raise ConfigurationError(
            f"TRACKER_ENV must be 'production' or 'development', not {mode!r}."
        )
    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if mode == "production":
            raise ConfigurationError(
                "SECRET_KEY must be set when TRACKER_ENV is 'production' (the default). "
                "Set SECRET_KEY to a long random string, or set TRACKER_ENV=development "
                "to use a key generated in instance/ for local use."
            )
        secret_key = development_secret_key(instance_path)
    database_url = env.get("DATABASE_URL", "").strip() or (
        f"sqlite:///{instance_path / 'tracker.sqlite3'}"
    )
    return {
        "TRACKER_ENV": mode,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": normalise_database_url(database_url),
        "ICS_NAME": env.get("ICS_NAME", "").strip() or DEFAULT_ICS_NAME,
        "NO_RECENT_UPDATE_DAYS": _int_setting(
            env, "NO_RECENT_UPDATE_DAYS", DEFAULT_NO_RECENT_UPDATE_DAYS
        ),
        # Shared cache of public pages (and later rate limits) across web processes.
        "REDIS_URL": env.get("REDIS_URL", "").strip() or None,
        # Staff sessions end after this long without a request, and after this long
        # whatever happens; wrong passwords lock an account, and limit an address.
        "SESSION_IDLE_MINUTES": _int_setting(
            env, "SESSION_IDLE_MINUTES", DEFAULT_SESSION_IDLE_MINUTES
        ),
        "SESSION_ABSOLUTE_HOURS": _int_setting(
            env, "SESSION_ABSOLUTE_HOURS", DEFAULT_SESSION_ABSOLUTE_HOURS
        ),
        "SIGN_IN_MAX_FAILURES": _int_setting(
            env, "SIGN_IN_MAX_FAILURES", DEFAULT_SIGN_IN_MAX_FAILURES
        ),
        "SIGN_IN_LOCKOUT_MINUTES": _int_setting(
            env, "SIGN_IN_LOCKOUT_MINUTES", DEFAULT_SIGN_IN_LOCKOUT_MINUTES
        ),
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": _int_setting(
            env, "SIGN_IN_MAX_FAILURES_PER_ADDRESS", DEFAULT_SIGN_IN_MAX_FAILURES_PER_ADDRESS
        ),
        # Proxies in front of the app whose X-Forwarded-For and -Proto to believe. Behind
        # a proxy, without this every client shares the proxy's address, and the
        # per-address sign-in limit would hold them all back together.
        "TRUSTED_PROXIES": _int_setting(env, "TRUSTED_PROXIES", 0, minimum=0),
        "SESSION_COOKIE_SECURE": mode == "production",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
