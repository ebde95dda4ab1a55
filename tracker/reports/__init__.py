"""Quarterly board reports, and the scheduled jobs that produce them and chase silence.

- :mod:`~tracker.reports.periods`: NHS financial-year quarters (``2026/27 Q3``);
- :mod:`~tracker.reports.content`: the figures and lists a report shows, from the database,
  gathered section by section (``headline``, ``activity``, ``changes``, ``silence``,
  ``communities``, ``scorecard_table``, ``appendix``) with links from ``links``;
- :mod:`~tracker.reports.rendering`: the report template to HTML, and HTML to a tagged PDF
  with a URL fetcher that reaches nothing outside ``static/``;
- :mod:`~tracker.reports.store`: generating a draft and storing it with its PDF;
- :mod:`~tracker.reports.publishing`: asking for a report, publishing and corrections;
- :mod:`~tracker.reports.report_command`: ``tracker report``;
- :mod:`~tracker.reports.jobs` and :mod:`~tracker.reports.scheduler`: the scheduled jobs
  and the ``tracker scheduler`` process;
- :mod:`~tracker.reports.digests`: the weekly emails.
"""
