"""The "You said, we did" accountability tracker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    select_autoescape,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import converters, db, loadtest, logs, rendering, security_headers
from tracker.config import settings_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SERVICE_NAME = "You said, we did"

csrf = CSRFProtect()
htmx = rendering.htmx


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI, error pages.

    ``test_config`` replaces the environment: tests pass the settings they need
    and nothing is read from ``os.environ``.
    """
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    if test_config is None:
        app.config.from_mapping(settings_from_environment(Path(app.instance_path)))
        # Tests keep pytest's own log capture; every real process logs the same way.
        logs.configure(app.config["LOG_FORMAT"])
    else:
        base = settings_from_environment(
            Path(app.instance_path),
            environ={
                "TRACKER_ENV": "development",
                "SECRET_KEY": "test-secret-key",
                # Fixed, so tests never write a key file into instance/.
                "TOTP_ENCRYPTION_KEY": "dGVzdC10b3RwLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
            },
        )
        app.config.from_mapping({**base, **test_config})

    # The NHS.UK frontend macros expect ChainableUndefined for optional nested params.
    app.jinja_options = {
        **app.jinja_options,
        "undefined": ChainableUndefined,
        # The NHS macros are .jinja files: without this, text passed to them (names,
        # titles, quotes) would be written out unescaped. Email bodies (.txt) stay plain.
        "autoescape": select_autoescape(["html", "htm", "xml", "jinja"]),
        "loader": ChoiceLoader(
            [
                FileSystemLoader(str(PROJECT_ROOT / "templates")),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
    }

    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Client addresses (for the sign-in limits) and https come from the proxies.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    logs.init_app(app)
    # Before any blueprint adds its routes, which take their converters from the map.
    converters.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    rendering.init_app(app)
    security_headers.init_app(app)

    from tracker import errors
    from tracker.api import blueprint as api_blueprint
    from tracker.figures import snapshot as figure_snapshots
    from tracker.manage import blueprint as manage_blueprint
    from tracker.public import blueprint as public_blueprint
    from tracker.public import cache as page_cache

    page_cache.init_app(app)
    figure_snapshots.init_app(app)

    app.register_blueprint(public_blueprint)
    app.register_blueprint(manage_blueprint)
    app.register_blueprint(api_blueprint)
    loadtest.init_app(app)
    errors.init_app(app)

    from tracker.cli import register_commands

    register_commands(app)

    @app.context_processor
    def service_details() -> dict[str, Any]:
        return {"service_name": SERVICE_NAME, "ics_name": app.config["ICS_NAME"]}

    return app
