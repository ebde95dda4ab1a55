"""gunicorn.conf.py: each worker compiles every template before its first request, then
freezes what it holds out of the garbage collector's full passes."""

import gc
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

    try:
        settings["post_worker_init"](SimpleNamespace(wsgi=app))

        loaded = {name for (_loader, name) in environment.cache}
        assert loaded == set(names)
        # The app and its compiled templates are out of the collector's full passes.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # a test process is not a worker: leave its collector as it was
