"""Work done at the same moment by several processes, against a committed database.

The ``app`` fixture keeps every test inside one rolled-back transaction, which
concurrent work cannot share. These helpers give a test an app on a throwaway
database of its own whose commits are real, and run work in threads released
together, each with its own session and so its own database connection, as separate
web or scheduler processes would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask
from sqlmodel import Session

from tests.conftest import TODAY, make_test_app
from tracker.db import get_database


def committed_app(new_migrated_database_url: Callable[[], str], **settings: Any) -> Iterator[Flask]:
    """An app on a new, migrated database whose commits are real; for a fixture to yield.

    Pass the ``new_migrated_database_url`` fixture (tests/conftest.py).
    """
    app = make_test_app(new_migrated_database_url(), FIXED_TODAY=TODAY, **settings)
    yield app
    get_database(app).engine.dispose()


def at_the_same_moment(app: Flask, work: Callable[[Session, str], Any], count: int = 2) -> list:
    """Run ``work(session, name)`` in ``count`` threads released together, each in the
    app's context with its own session; returns what each returned, in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            with app.app_context(), get_database(app).sessionmaker() as session:
                barrier.wait(timeout=30)
                results[number] = work(session, f"worker-{number}")
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    return results
