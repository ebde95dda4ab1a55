"""The public site: pages anyone can read without signing in.

One blueprint; its routes live in one module per part of the site, and the reads
behind them in the read layer, :mod:`tracker.queries`.
"""

from flask import Blueprint

from tracker.public import cache

blueprint = Blueprint("public", __name__)
cache.cache_pages(blueprint)

# Importing the view modules registers their routes on the blueprint.
from tracker.public import (  # noqa: E402, F401, I001
    commitment_views,
    data_views,
    feed_views,
    issue_views,
    report_views,
    scorecard_views,
    views,
)
