"""gunicorn.conf.py: each worker compiles every template before its first request."""

import runpy
from pathlib import Path
from types import SimpleNamespace

from tracker.rendering import TEMPLATE_SUFFIXES

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_starting_worker_compiles_every_template(app):
    settings = runpy.run_path(str(CONFIG))
    environment = app.jinja_env
    environment.cache.clear()
    names = environment.list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES))
    assert "layout.html" in names
    assert "nhsuk/components/tag/template.jinja" in names
    assert any(name.startswith("email/") for name in names)

    settings["post_worker_init"](SimpleNamespace(wsgi=app))

    loaded = {name for (_loader, name) in environment.cache}
    assert loaded == set(names)
