"""gunicorn settings for measuring code from before ``make loadtest`` existed.

``python -m benchmarks.loadtest --source DIR`` serves the checkout in DIR (an older
commit, for "before" figures). Its app may not know the ``LOADTEST_ROUTE`` and
``PAGE_CACHE_DISABLED`` settings, so each worker is given them here, before it
answers its first request. Current code needs none of this.
"""

from __future__ import annotations

import os
from typing import Any

TRIVIAL_PATH = "/loadtest/trivial"
_LINE = "<p>The trivial page a load test compares every public page with.</p>\n"
TRIVIAL_PAGE = ("<!DOCTYPE html>\n<title>Trivial</title>\n" + _LINE * 400).encode()[: 24 * 1024]


def post_worker_init(worker: Any) -> None:
    from flask import Response

    app = worker.wsgi
    if os.environ.get("PAGE_CACHE_DISABLED") == "1":
        app.config["PAGE_CACHE_DISABLED"] = True
    if "loadtest_trivial" not in app.view_functions:
        app.add_url_rule(
            TRIVIAL_PATH,
            "loadtest_trivial",
            lambda: Response(TRIVIAL_PAGE, mimetype="text/html"),
        )
