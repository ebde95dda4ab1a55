"""Figures are computed once per data version, shared by every process, refreshed at
most once in FIGURES_REFRESH_SECONDS while writes keep coming, in the background while
pages show the older figures, and dropped when an update is hidden.

These tests commit for real, into a database of their own: two apps on it stand for
two web processes, sharing snapshots in the database or in Redis.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, g
from sqlalchemy import event
from sqlmodel import Session, select

from tests.conftest import TODAY, make_test_app
from tests.factories import make_commitment, make_issue, make_partner, make_update, make_user
from tests.integration.test_page_cache import redis_url
from tests.pages import get_page
from tracker.data_version import current_version
from tracker.db import get_database
from tracker.demo import load_demo_data
from tracker.figures import snapshot
from tracker.figures.counting import scorecard
from tracker.figures.every_slice import FigureSet
from tracker.figures.slices import (
    SliceKind,
    area_slice,
    community_slice,
    partner_slice,
    system_slice,
    theme_slice,
)
from tracker.figures.snapshot import SnapshotKey, _store, page_figures, wait_for_refreshes
from tracker.manage.records import hide_update
from tracker.models import Area, Community, Partner, Role, Theme

THRESHOLD = 90
#: Each computation of every slice's figures runs one statement with this: the issue
#: counts, with each slice's issues awaiting a response longest.
COMPUTING = "AS waiting_1"


@pytest.fixture(params=["database", "redis"])
def storage(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The settings of each place snapshots are kept in."""
    if request.param == "database":
        return {"REDIS_URL": None}
    # A prefix of its own, so runs side by side keep apart.
    return {"REDIS_URL": redis_url(), "FIGURES_KEY_PREFIX": f"test-{uuid.uuid4().hex}:"}


@pytest.fixture
def make_process(
    new_migrated_database_url: Callable[[], str], storage: dict[str, Any]
) -> Iterator[Callable[..., Flask]]:
    """A factory of apps on one new database: each stands for a web process."""
    url = new_migrated_database_url()
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        defaults = {
            "FIXED_TODAY": TODAY,
            "FIGURE_SNAPSHOTS_DISABLED": False,
            "FIGURES_REFRESH_SECONDS": 0,
        }
        app = make_test_app(url, **{**defaults, **storage, **settings})
        made.append(app)
        return app

    yield make
    for app in made:
        wait_for_refreshes(app)
        with app.app_context():
            _store().forget_all()
        get_database(app).engine.dispose()


@contextmanager
def committing(app: Flask) -> Iterator[Session]:
    with app.app_context(), get_database(app).session() as session:
        yield session


@contextmanager
def counting_computations(*apps: Flask) -> Iterator[list[str]]:
    """Every computation of the snapshot that the apps run."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if COMPUTING in statement:
            seen.append(statement)

    engines = [get_database(app).engine for app in apps]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)


def issues_raised(app: Flask, path: str = "/") -> str:
    page = get_page(app.test_client(), path)
    return page.find(id="figure-issues-raised").find(cls="app-figure-card__number").text


def add_issue(app: Flask) -> None:
    with committing(app) as session:
        make_issue(session)


def figures_as_a_page_sees_them(app: Flask) -> tuple[FigureSet, bool]:
    """The figures a page would show now, and whether they are from before a write."""
    with app.test_request_context("/"), get_database(app).sessionmaker() as session:
        figures = page_figures(session, TODAY, THRESHOLD)
        return figures, bool(g.get("uses_stale_figures"))


def test_figures_are_computed_once_per_version_and_shared_by_every_process(make_process):
    first, second = make_process(), make_process()
    with committing(first) as session:
        partner = make_partner(session, slug="vale-council")
        make_commitment(session, issue=make_issue(session, lead_partner=partner))
        make_issue(session)

    with counting_computations(first, second) as computations:
        assert issues_raised(first) == "2"
        assert issues_raised(second) == "2"
        for path in ("/partners", "/partners/vale-council", "/"):
            assert second.test_client().get(path).status_code == 200
    assert len(computations) == 1

    add_issue(second)
    with counting_computations(first, second) as computations:
        assert issues_raised(first) == "2"  # it starts the refresh, and doesn't wait
        wait_for_refreshes(first)
        assert issues_raised(first) == "3"
        assert issues_raised(second) == "3"
    assert len(computations) == 1


def test_a_process_reads_each_snapshot_from_its_store_once(make_process, monkeypatch):
    app = make_process()
    add_issue(app)
    assert issues_raised(app) == "1"  # computed and stored
    with app.app_context():
        store = _store()
    reads: list[SnapshotKey] = []
    read = store.get

    def counted(key: SnapshotKey) -> Any:
        reads.append(key)
        return read(key)

    monkeypatch.setattr(store, "get", counted)
    for _ in range(3):
        assert issues_raised(app) == "1"
    assert len(reads) == 1  # then kept in the process's memory

    add_issue(app)
    assert issues_raised(app) == "1"  # a new version: not in the store yet
    wait_for_refreshes(app)
    for _ in range(3):
        assert issues_raised(app) == "2"
    assert len(reads) == 3
    assert reads[1] == reads[2] != reads[0]


def test_a_page_after_a_write_shows_the_older_figures_until_the_refresh_is_due(make_process):
    app = make_process(FIGURES_REFRESH_SECONDS=3600)
    add_issue(app)
    assert issues_raised(app) == "1"

    add_issue(app)
    with counting_computations(app) as computations:
        figures, stale = figures_as_a_page_sees_them(app)
        assert issues_raised(app) == "1"
    assert (figures.system.issues_raised, stale) == (1, True)
    assert computations == []

    app.config["FIGURES_REFRESH_SECONDS"] = 0
    figures, stale = figures_as_a_page_sees_them(app)
    assert (figures.system.issues_raised, stale) == (1, True)
    wait_for_refreshes(app)
    figures, stale = figures_as_a_page_sees_them(app)
    assert (figures.system.issues_raised, stale) == (2, False)
    assert issues_raised(app) == "2"


def test_while_one_process_computes_the_others_show_the_older_figures(make_process):
    first, second = make_process(), make_process()
    add_issue(first)
    assert issues_raised(first) == "1"
    add_issue(first)
    with committing(first) as session:
        key = SnapshotKey(current_version(session), TODAY, THRESHOLD)
    with first.app_context():
        token = _store().claim(key)  # the first process is computing it
    assert token is not None

    with counting_computations(second) as computations:
        figures, stale = figures_as_a_page_sees_them(second)
    assert (figures.system.issues_raised, stale) == (1, True)
    assert computations == []

    with first.app_context():
        _store().release(key, token)
    with counting_computations(second) as computations:
        figures, stale = figures_as_a_page_sees_them(second)
        assert (figures.system.issues_raised, stale) == (1, True)
        wait_for_refreshes(second)
    assert len(computations) == 1
    figures, stale = figures_as_a_page_sees_them(second)
    assert (figures.system.issues_raised, stale) == (2, False)


def test_the_request_that_starts_a_refresh_is_answered_from_the_older_figures(make_process):
    app = make_process()
    add_issue(app)
    assert issues_raised(app) == "1"

    add_issue(app)
    with counting_computations(app) as computations:
        figures, stale = figures_as_a_page_sees_them(app)
        assert (figures.system.issues_raised, stale) == (1, True)
        wait_for_refreshes(app)
    assert len(computations) == 1
    with counting_computations(app) as computations:
        figures, stale = figures_as_a_page_sees_them(app)
        assert issues_raised(app) == "2"
    assert (figures.system.issues_raised, stale) == (2, False)
    assert computations == []


def test_a_failed_refresh_is_logged_and_releases_its_claim(make_process, monkeypatch, caplog):
    app = make_process()
    add_issue(app)
    assert issues_raised(app) == "1"
    add_issue(app)

    def fail(*_args: Any) -> FigureSet:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(snapshot, "compute_snapshot", fail)
    with caplog.at_level(logging.ERROR, logger=snapshot.__name__):
        figures, stale = figures_as_a_page_sees_them(app)
        wait_for_refreshes(app)
    assert (figures.system.issues_raised, stale) == (1, True)
    assert "Refreshing the figures" in caplog.text

    monkeypatch.undo()
    figures_as_a_page_sees_them(app)  # the claim was released: this one claims again
    wait_for_refreshes(app)
    figures, stale = figures_as_a_page_sees_them(app)
    assert (figures.system.issues_raised, stale) == (2, False)


def test_hiding_an_update_drops_every_snapshot(make_process):
    app = make_process(FIGURES_REFRESH_SECONDS=3600)
    with committing(app) as session:
        commitment = make_commitment(session)
        update = make_update(session, commitment=commitment)
        team = make_user(session, role=Role.ENGAGEMENT)
    assert figures_as_a_page_sees_them(app)[0].system.commitments_made == 1

    with committing(app) as session:
        update = session.get(type(update), update.id)
        team = session.get(type(team), team.id)
        hide_update(session, team, update, "It named a member of staff.")
    with app.app_context():
        assert _store().latest(TODAY, THRESHOLD) is None

    with counting_computations(app) as computations:
        figures, stale = figures_as_a_page_sees_them(app)
    assert stale is False
    assert len(computations) == 1


def test_the_snapshot_equals_each_slice_counted_directly_on_the_demo_data(make_process):
    app = make_process()
    with committing(app) as session:
        load_demo_data(session, today=TODAY)
    figures, stale = figures_as_a_page_sees_them(app)
    assert not stale
    with app.app_context(), get_database(app).sessionmaker() as session:
        assert figures.system == scorecard(session, system_slice(), TODAY, THRESHOLD).figures
        kinds = (
            (Partner, partner_slice, SliceKind.PARTNER),
            (Theme, theme_slice, SliceKind.THEME),
            (Area, area_slice, SliceKind.AREA),
            (Community, community_slice, SliceKind.COMMUNITY),
        )
        for model, make_slice, kind in kinds:
            records = session.exec(select(model)).all()
            assert records
            for record in records:
                direct = scorecard(session, make_slice(record), TODAY, THRESHOLD).figures
                assert figures.of(kind, record.id) == direct, (kind, record.name)
