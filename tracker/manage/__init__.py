"""The staff workspace: sign-in and sign-out, and the pages under ``/manage``.

Modules: :mod:`~tracker.manage.auth` (who is signed in, timeouts, the access check),
:mod:`~tracker.manage.passwords` (password rules and hashing),
:mod:`~tracker.manage.services` (every write, with its audit event),
:mod:`~tracker.manage.forms` and :mod:`~tracker.manage.views`.
"""

from flask import Blueprint

blueprint = Blueprint("manage", __name__)

# Importing the views registers their routes on the blueprint.
from tracker.manage import views  # noqa: E402, F401
