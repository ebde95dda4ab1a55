"""gunicorn's settings for the tracker.

gunicorn reads this file from the directory it is started in, so the README's
production command, run from the project's folder, uses it; settings given on the
command line (``--workers``, ``--bind``) apply as well.
"""

import gc


def post_worker_init(worker):
    """Make the worker ready before it answers its first request.

    - Compile every template. Otherwise a worker compiles a page's templates (the
      NHS.UK frontend's macros among them) on the first request for that page: most
      of a second for the first list page, paid by a resident, with other requests
      queued behind it. Here it is paid once, as the worker starts.
    - Then freeze what the worker holds so far (the app, its libraries, the compiled
      templates: about 190,000 objects) out of the cyclic garbage collector's reach.
      They live as long as the worker, yet the collector's occasional full pass
      walked them all: a pause of about 0.2-0.3 s in the middle of whichever
      request triggered it, the slowest requests of a busy worker. Frozen, a full
      pass walks only what requests made since, in a few milliseconds.
    """
    from tracker.rendering import compile_every_template

    compile_every_template(worker.wsgi)
    gc.collect()
    gc.freeze()
