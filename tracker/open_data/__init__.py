"""Open data: the published datasets, their field dictionary, and their downloads.

Part of the read layer, below the views: :mod:`tracker.open_data.schema` defines each
dataset's records and what every field means, and :mod:`tracker.open_data.downloads`
reads them and writes them as CSV or JSON.
"""
