"""gunicorn settings that note how each request was answered, for ``--breakdown``.

``python -m benchmarks.loadtest --breakdown`` serves the site with these settings and
reads the notes back after the mixed run (:func:`benchmarks.loadtest.summarise`). For
each request, one JSON line in ``LOADTEST_BREAKDOWN_FILE``: when it began, the worker,
its address, its status, the data version it saw, whether a page was rendered (a
template was rendered) or sent from the cache (and then whether it carried an
``ETag``: a copy without one is a page kept a moment only), whether the page showed
older figures, whether a figures computation was running in this worker or anywhere
(its lock in Redis), and the time it took inside the app, in all and on this thread's
CPU. Time spent queued before a worker took the request is not in it: wrk's own
latencies include it, and the difference is the queue.

Only the app's public hooks are used, so the same settings serve older code
(``--source``) too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import runpy
import threading
import time
from pathlib import Path
from typing import Any

_OLDER_CODE = Path(__file__).resolve().parent / "older_code.py"
_PROJECT_SETTINGS = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def post_worker_init(worker: Any) -> None:
    from flask import g, request, template_rendered

    from tracker.clock import today
    from tracker.public import cache

    if os.environ.get("LOADTEST_OLDER_CODE") == "1":
        _older_code().post_worker_init(worker)
    else:
        # gunicorn reads this file instead of the project's gunicorn.conf.py: run its hook.
        runpy.run_path(str(_PROJECT_SETTINGS))["post_worker_init"](worker)
    app = worker.wsgi
    notes = Path(os.environ["LOADTEST_BREAKDOWN_FILE"])
    snapshots = app.extensions.get("tracker.figure_snapshots")

    def rendered(_sender: Any, **_extra: Any) -> None:
        g.loadtest_rendered = True

    template_rendered.connect(rendered, app, weak=False)

    @app.before_request
    def start() -> None:
        g.loadtest_started = (time.time(), time.perf_counter(), time.thread_time())
        try:
            g.loadtest_version = cache._latest_stamp().version
        except Exception:  # noqa: BLE001 - a note missing a field, not a failure
            g.loadtest_version = None

    @app.after_request
    def note(response: Any) -> Any:
        started = g.get("loadtest_started")
        if started is None or request.path == "/loadtest/trivial":
            return response
        wall, perf, cpu = started
        line = (
            json.dumps(
                {
                    "at": wall,
                    "pid": os.getpid(),
                    "path": request.full_path.rstrip("?"),
                    "status": response.status_code,
                    "version": g.get("loadtest_version"),
                    "rendered": bool(g.get("loadtest_rendered")),
                    # A render the app made of itself once a response had gone.
                    "after_response": "tracker.render_after_response" in request.environ,
                    "etag": "ETag" in response.headers,
                    "older_figures": bool(g.get("uses_stale_figures")),
                    "refresh_here": _refreshing_here(),
                    "refresh_anywhere": _refreshing_anywhere(snapshots, app, today),
                    "ms": (time.perf_counter() - perf) * 1000,
                    "cpu_ms": (time.thread_time() - cpu) * 1000,
                }
            )
            + "\n"
        )
        with notes.open("a") as noted:  # one write a line: whole lines from every worker
            noted.write(line)
        return response


def _refreshing_here() -> bool:
    return any(thread.name.startswith("figures-") for thread in threading.enumerate())


def _refreshing_anywhere(snapshots: Any, app: Any, today: Any) -> bool | None:
    """Whether a figures computation holds its lock in Redis (None without Redis)."""
    if snapshots is None or not hasattr(snapshots, "redis"):
        return None
    day = snapshots._day(today(), app.config["NO_RECENT_UPDATE_DAYS"])
    return bool(snapshots.redis.exists(f"{day}:lock"))


def _older_code() -> Any:
    spec = importlib.util.spec_from_file_location("loadtest_older_code", _OLDER_CODE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
