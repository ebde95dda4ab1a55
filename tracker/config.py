"""Settings read from the environment, with their defaults.

Every setting the application reads is listed here and in the README's
configuration table. Nothing else reads ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_ICS_NAME = "Riverside and Vale ICS"
DEFAULT_NO_RECENT_UPDATE_DAYS = 90

# Staff sign-in (see tracker/manage/services.py and tracker/manage/auth.py).
DEFAULT_SESSION_IDLE_MINUTES = 30
DEFAULT_SESSION_ABSOLUTE_HOURS = 12
DEFAULT_SIGN_IN_MAX_FAILURES = 5
DEFAULT_SIGN_IN_LOCKOUT_MINUTES = 15
DEFAULT_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20

# Email (see tracker/mail.py).
DEFAULT_MAIL_PORT = 587
DEFAULT_MAIL_FROM = "no-reply@localhost"

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


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


def _bool_setting(environ: dict[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}.")


def _choice_setting(
    environ: dict[str, str], name: str, choices: tuple[str, ...], default: str
) -> str:
    value = environ.get(name, "").strip().lower() or default
    if value not in choices:
        allowed = " or ".join(repr(choice) for choice in choices)
        raise ConfigurationError(f"{name} must be {allowed}, not {value!r}.")
    return value


def _mail_settings(environ: dict[str, str], mode: str) -> dict[str, Any]:
    """Where email goes. Without MAIL_SERVER, messages are written to the log instead."""
    server = environ.get("MAIL_SERVER", "").strip() or None
    username = environ.get("MAIL_USERNAME", "").strip() or None
    sender = environ.get("MAIL_FROM", "").strip()
    if not sender:
        if mode == "production" and server:
            raise ConfigurationError(
                "MAIL_FROM must be set when MAIL_SERVER is set and TRACKER_ENV is "
                "'production': the address emails come from, such as "
                "no-reply@your-ics.nhs.uk."
            )
        sender = DEFAULT_MAIL_FROM
    return {
        "MAIL_SERVER": server,
        "MAIL_PORT": _int_setting(environ, "MAIL_PORT", DEFAULT_MAIL_PORT),
        "MAIL_USERNAME": username,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD", "") or None,
        # STARTTLS protects the password on the way to the server, so it is on
        # whenever there is a password to send, unless turned off explicitly.
        "MAIL_USE_TLS": _bool_setting(environ, "MAIL_USE_TLS", default=username is not None),
        "MAIL_FROM": sender,
        "PUBLIC_BASE_URL": public_base_url(environ.get("PUBLIC_BASE_URL", "")),
    }


def public_base_url(raw: str) -> str | None:
    """``https://tracker.example.nhs.uk`` (no trailing slash), or None when unset."""
    value = raw.strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(
            "PUBLIC_BASE_URL must be the site's address starting with https:// (or http://), "
            f"such as https://tracker.example.nhs.uk, not {raw.strip()!r}."
        )
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
        # One readable line per event, or one JSON object a line for a log collector.
        "LOG_FORMAT": _choice_setting(env, "LOG_FORMAT", ("text", "json"), "text"),
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
        **_mail_settings(env, mode),
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
