"""The fictional demo ICS, Riverside and Vale, and the ``tracker demo-data`` command.

``make run`` loads it into an empty database so the site shows a system that looks
alive: every date is counted back from today, so there are always fresh updates,
Overdue commitments, commitments with no recent update and issues still awaiting a
response. Every partner, place and quote is invented.

The same ``seed``, ``scale`` and ``today`` always give the same records. The words
come from the hand-written pools in :mod:`tracker.demo.words`, picked with
``random.Random(seed)``.

How big the demo is at each scale, with ``f = min(1, ln(N) / ln(170))`` (0 at
scale 1, 1 at scale 170 and above), as :func:`demo_size` computes it:

============  =========  =========================================  ==========
record        scale 1    scale N                                    scale 170
============  =========  =========================================  ==========
partners      8          min(40, 8 + ceil(32 (N - 1) / 169))        40
areas         6          boroughs (2 to 4, growing with partners)   20
                         x (1 + neighbourhoods: min(4, 2 + N // 25))
themes        10         10                                         10
communities   8          min(14, 8 + N // 25)                       14
engagements   12         12 N                                       2,040
issues        60         60 N                                       10,200
commitments   120        round(60 N (2 + f))                        30,600
updates       about 400  one every round(70 - 27 f) days or so       about 150,000
                         of each commitment's working life
============  =========  =========================================  ==========

A bigger system gets more commitments per issue and more frequent updates, as a
large ICS with a long-running tracker would. Scale 170 is the large dataset the
benchmarks run against (``make bench``).

The package, by what each module owns:

- :mod:`~tracker.demo.sizing`: how many of each record at a scale, and what a load wrote;
- :mod:`~tracker.demo.planning`: every record and its history, decided in memory;
- :mod:`~tracker.demo.writing`: the empty-database check and the bulk inserts;
- :mod:`~tracker.demo.accounts`: the demo staff accounts and their published password;
- :mod:`~tracker.demo.words`: the invented names, places and quotes;
- :mod:`~tracker.demo.command`: the ``tracker demo-data`` command.
"""

from tracker.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_ACCOUNTS_REFUSED,
    DEMO_PASSWORD,
    DemoAccount,
    add_demo_accounts,
)
from tracker.demo.command import demo_data_command
from tracker.demo.sizing import (
    DEFAULT_SEED,
    HISTORY_DAYS,
    DemoDataError,
    DemoSize,
    DemoSummary,
    demo_size,
)
from tracker.demo.writing import database_is_empty, load_demo_data

__all__ = [
    "DEFAULT_SEED",
    "DEMO_ACCOUNTS",
    "DEMO_ACCOUNTS_REFUSED",
    "DEMO_PASSWORD",
    "HISTORY_DAYS",
    "DemoAccount",
    "DemoDataError",
    "DemoSize",
    "DemoSummary",
    "add_demo_accounts",
    "database_is_empty",
    "demo_data_command",
    "demo_size",
    "load_demo_data",
]
