"""gunicorn's settings for the tracker.

gunicorn reads this file from the directory it is started in, so the README's
production command, run from the project's folder, uses it; settings given on the
command line (``--workers``, ``--bind``) apply as well.
"""


def post_worker_init(worker):
    """Compile every template before the worker answers its first request.

    Otherwise a worker compiles a page's templates (the NHS.UK frontend's macros among
    them) on the first request for that page: most of a second for the first list
    page, paid by a resident, with other requests queued behind it. Here it is paid
    once, as the worker starts, before it takes requests.
    """
    from tracker.rendering import compile_every_template

    compile_every_template(worker.wsgi)
