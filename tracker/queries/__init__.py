"""The read layer every reader shares: the public pages, the workspace, the board
reports, the digests and the downloads.

- :mod:`tracker.queries.pagination`: pages of a list, and the page past the end;
- :mod:`tracker.queries.filters`: reading list filters from an address, and the SQL
  clauses behind each filter (the same clauses the figures count with);
- :mod:`tracker.queries.issues`, :mod:`tracker.queries.commitments`,
  :mod:`tracker.queries.engagements`: the lists and the one-record pages.

Modules here import models, rules and each other, never a view or a blueprint.
"""
