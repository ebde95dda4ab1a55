"""Settings read from the environment, with their defaults.

Every setting the application reads is listed here and in the README's
configuration table. Nothing else reads ``os.environ``.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

DEFAULT_ICS_NAME = "Riverside and Vale ICS"
DEFAULT_NO_RECENT_UPDATE_DAYS = 90

# Public pages a proxy may serve from its own copy (see tracker/public/cache.py).
DEFAULT_PAGE_CACHE_PROXY_SECONDS = 5
DEFAULT_PAGE_CACHE_STALE_SECONDS = 15
# While a page is rendered after a write, others are sent its latest copy if it is
# at most this old (see tracker/public/cache.py).
DEFAULT_PAGE_CACHE_RENDERING_STALE_SECONDS = 5
DEFAULT_FIGURES_REFRESH_SECONDS = 5

# Staff sign-in (see tracker/manage/services.py and tracker/manage/auth.py).
DEFAULT_SESSION_IDLE_MINUTES = 30
DEFAULT_SESSION_ABSOLUTE_HOURS = 12
DEFAULT_SIGN_IN_MAX_FAILURES = 5
DEFAULT_SIGN_IN_LOCKOUT_MINUTES = 15
DEFAULT_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20

# Email (see tracker/mail.py).
DEFAULT_MAIL_PORT = 587
DEFAULT_MAIL_FROM = "no-reply@localhost"

# The site's address (see _address_settings). In development without PUBLIC_BASE_URL,
# links point where `tracker run` serves by default; `make run` sets its own address.
DEVELOPMENT_PUBLIC_BASE_URL = "http://localhost:5000"
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1")
# A host name or IPv4 address; a leading dot also lets in every subdomain (Werkzeug's rule).
_HOST_NAME = re.compile(r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")

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
    }


def _address_settings(environ: dict[str, str], mode: str) -> dict[str, Any]:
    """The site's public address, and the host names requests may be addressed to.

    Links in emails and on printed pages are built from PUBLIC_BASE_URL alone, never
    from a request's Host header, which anyone can forge. Flask refuses (400) any
    request whose Host is not in TRUSTED_HOSTS, so a forged Host reaches no view.
    """
    base_url = public_base_url(environ.get("PUBLIC_BASE_URL", ""))
    if base_url is None:
        if mode == "production":
            raise ConfigurationError(
                "PUBLIC_BASE_URL must be set when TRACKER_ENV is 'production' (the "
                "default): the site's public address, such as https://tracker.example.nhs.uk. "
                "Links in emails and printed pages use it, and requests addressed to any "
                "other host name (except those in ALLOWED_HOSTS) are refused."
            )
        base_url = DEVELOPMENT_PUBLIC_BASE_URL
    hosts = [urlsplit(base_url).hostname or ""]
    hosts += allowed_hosts(environ.get("ALLOWED_HOSTS", ""))
    if mode == "development":
        hosts += DEVELOPMENT_HOSTS
    return {
        "PUBLIC_BASE_URL": base_url,
        # Flask's own setting; never empty, as an empty list would let every host in.
        "TRUSTED_HOSTS": list(dict.fromkeys(hosts)),
    }


def allowed_hosts(raw: str) -> list[str]:
    """``10.0.0.12, tracker.internal`` as a list of lower-case host names."""
    hosts = [host.strip().lower() for host in raw.split(",") if host.strip()]
    for host in hosts:
        if not _HOST_NAME.fullmatch(host):
            raise ConfigurationError(
                "ALLOWED_HOSTS must be host names or IPv4 addresses separated by commas, "
                f"such as 10.0.0.12,tracker.internal (no https://, port or path), not {host!r}."
            )
    return hosts


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


# Keys (see _secret_key and _totp_key_settings). Flask signs the session cookie with
# SECRET_KEY; 32 bytes is the least that cannot be guessed offline from a captured cookie.
SECRET_KEY_MIN_BYTES = 32

# The largest request body, in megabytes: the biggest form today (an issue, about 20 kB
# of text) fits many times over. A view that takes files may allow more for itself
# (``request.max_content_length``) rather than raising this for every route.
DEFAULT_MAX_REQUEST_MB = 1


def _list_setting(environ: dict[str, str], name: str) -> list[str]:
    """``a, b,`` as ``["a", "b"]``: for settings that take several values."""
    return [value.strip() for value in environ.get(name, "").split(",") if value.strip()]


def _fernet_key(name: str, value: str) -> str:
    try:
        Fernet(value)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a Fernet key (32 random bytes in URL-safe base64, 44 "
            'characters), such as the output of: python -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"'
        ) from None
    return value


def _secret_key(environ: dict[str, str], mode: str, instance_path: Path) -> str:
    secret_key = environ.get("SECRET_KEY", "").strip()
    if not secret_key:
        if mode == "production":
            raise ConfigurationError(
                "SECRET_KEY must be set when TRACKER_ENV is 'production' (the default). "
                "Set SECRET_KEY to a long random string, or set TRACKER_ENV=development "
                "to use a key generated in instance/ for local use."
            )
        secret_key = development_key(instance_path, "secret_key", lambda: secrets.token_hex(32))
    if mode == "production" and len(secret_key.encode("utf-8")) < SECRET_KEY_MIN_BYTES:
        raise ConfigurationError(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_BYTES} bytes long in production: "
            "a long random string, such as the output of: "
            'python -c "import secrets; print(secrets.token_hex(32))"'
        )
    return secret_key


def _totp_key_settings(environ: dict[str, str], mode: str, instance_path: Path) -> dict[str, Any]:
    """The key that encrypts second-factor secrets (tracker/manage/two_factor_keys.py)."""
    totp_key = environ.get("TOTP_ENCRYPTION_KEY", "").strip()
    if not totp_key:
        if mode == "production":
            raise ConfigurationError(
                "TOTP_ENCRYPTION_KEY must be set when TRACKER_ENV is 'production' (the "
                "default): the key that encrypts two-step verification secrets, made with: "
                'python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            )
        totp_key = development_key(
            instance_path, "totp_encryption_key", lambda: Fernet.generate_key().decode("ascii")
        )
    name = "TOTP_ENCRYPTION_KEY_FALLBACKS"
    return {
        "TOTP_ENCRYPTION_KEY": _fernet_key("TOTP_ENCRYPTION_KEY", totp_key),
        name: [_fernet_key(name, key) for key in _list_setting(environ, name)],
    }


def _request_settings(environ: dict[str, str], mode: str) -> dict[str, Any]:
    """The largest request, and the session cookie's name."""
    return {
        "MAX_CONTENT_LENGTH": _int_setting(environ, "MAX_REQUEST_MB", DEFAULT_MAX_REQUEST_MB)
        * 1024
        * 1024,
        # Browsers accept a __Host- cookie only if it is Secure, for Path=/ and has no
        # Domain (Flask's defaults), so no subdomain can set or overwrite it. Plain
        # http in development cannot carry a Secure cookie, so it keeps Flask's name.
        "SESSION_COOKIE_NAME": "__Host-session" if mode == "production" else "session",
    }


def development_key(instance_path: Path, name: str, make: Callable[[], str]) -> str:
    """Return the development key kept in ``instance/<name>``, made once with ``make``.

    Keeping keys on disk means sessions and two-step verification survive a restart
    of ``make run``.
    """
    key_file = instance_path / name
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = make()
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
    secret_key = _secret_key(env, mode, instance_path)
    database_url = env.get("DATABASE_URL", "").strip() or (
        f"sqlite:///{instance_path / 'tracker.sqlite3'}"
    )
    return {
        "TRACKER_ENV": mode,
        "SECRET_KEY": secret_key,
        # A key being retired goes here (comma-separated; Flask 3.1's own setting):
        # sessions it signed still count until they end, and new ones use SECRET_KEY.
        "SECRET_KEY_FALLBACKS": _list_setting(env, "SECRET_KEY_FALLBACKS"),
        "DATABASE_URL": normalise_database_url(database_url),
        "ICS_NAME": env.get("ICS_NAME", "").strip() or DEFAULT_ICS_NAME,
        "NO_RECENT_UPDATE_DAYS": _int_setting(
            env, "NO_RECENT_UPDATE_DAYS", DEFAULT_NO_RECENT_UPDATE_DAYS
        ),
        # One readable line per event, or one JSON object a line for a log collector.
        "LOG_FORMAT": _choice_setting(env, "LOG_FORMAT", ("text", "json"), "text"),
        # Shared cache of public pages (and later rate limits) across web processes.
        "REDIS_URL": env.get("REDIS_URL", "").strip() or None,
        # The page cache itself can be switched off (to measure pages as rendered).
        "PAGE_CACHE_DISABLED": _bool_setting(env, "PAGE_CACHE_DISABLED", default=False),
        # How long a proxy in front of the site may answer for a cached public page
        # itself (s-maxage; 0 for never), and for how much longer it may answer with
        # that copy while it asks for a new one (stale-while-revalidate).
        "PAGE_CACHE_PROXY_SECONDS": _int_setting(
            env, "PAGE_CACHE_PROXY_SECONDS", DEFAULT_PAGE_CACHE_PROXY_SECONDS, minimum=0
        ),
        "PAGE_CACHE_STALE_SECONDS": _int_setting(
            env, "PAGE_CACHE_STALE_SECONDS", DEFAULT_PAGE_CACHE_STALE_SECONDS, minimum=0
        ),
        # While one request renders a page after a write, others for it are sent the
        # latest copy, if it showed the site at most this many seconds ago (0: never).
        "PAGE_CACHE_RENDERING_STALE_SECONDS": _int_setting(
            env,
            "PAGE_CACHE_RENDERING_STALE_SECONDS",
            DEFAULT_PAGE_CACHE_RENDERING_STALE_SECONDS,
            minimum=0,
        ),
        # Figures are computed once per data version and shared (tracker/figures/snapshot.py):
        # while writes keep coming, at most once in this many seconds; pages show the
        # previous figures meanwhile. Switched off, each page counts its own (tests).
        "FIGURES_REFRESH_SECONDS": _int_setting(
            env, "FIGURES_REFRESH_SECONDS", DEFAULT_FIGURES_REFRESH_SECONDS, minimum=0
        ),
        "FIGURE_SNAPSHOTS_DISABLED": _bool_setting(env, "FIGURE_SNAPSHOTS_DISABLED", default=False),
        # `make loadtest` only: adds the trivial page every figure is compared with.
        "LOADTEST_ROUTE": _bool_setting(env, "LOADTEST_ROUTE", default=False),
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
        **_address_settings(env, mode),
        "SESSION_COOKIE_SECURE": mode == "production",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        **_request_settings(env, mode),
        **_totp_key_settings(env, mode, instance_path),
    }


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
