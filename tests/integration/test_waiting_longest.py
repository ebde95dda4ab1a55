"""The issues waiting longest for a response, as the scorecard pages list them: found
for every slice at once with the figures, then loaded by id on each page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlmodel import select

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner
from tracker.figures.every_slice import FigureSet, every_slice_figures
from tracker.figures.slices import (
    SHORT_LIST_SIZE,
    SliceKind,
    area_slice,
    community_slice,
    partner_slice,
    system_slice,
    theme_slice,
)
from tracker.models import Area, Community, Partner, Theme
from tracker.public.scorecards import longest_awaiting_issues

THRESHOLD = 90


def references(awaiting) -> list[tuple[str, int]]:
    return [(found.issue.reference, found.days_waited) for found in awaiting]


def found_directly(figures: FigureSet) -> FigureSet:
    """``figures`` as a snapshot stored before the lists' ids were kept holds them."""
    return replace(figures, waiting_longest=None)


def test_each_slices_list_from_the_figures_equals_the_list_found_directly(session, demo_data):
    figures = every_slice_figures(session, TODAY, THRESHOLD)
    direct = found_directly(figures)
    slices = [system_slice()]
    for model, make_slice in (
        (Partner, partner_slice),
        (Theme, theme_slice),
        (Area, area_slice),
        (Community, community_slice),
    ):
        records = session.exec(select(model)).all()
        assert records
        slices += [make_slice(record) for record in records]

    lengths = set()
    for slice_ in slices:
        expected = references(longest_awaiting_issues(session, slice_, TODAY, direct))
        ids = figures.waiting_longest_of(slice_.kind, slice_.record_id)
        assert references(longest_awaiting_issues(session, slice_, TODAY, figures)) == expected, (
            slice_.kind,
            slice_.name,
        )
        assert len(ids or []) == len(expected), (slice_.kind, slice_.name)
        lengths.add(len(expected))
    # The demo data has full lists and shorter ones.
    assert SHORT_LIST_SIZE in lengths
    assert min(lengths) < SHORT_LIST_SIZE, lengths


def test_an_issue_that_got_a_commitment_after_the_figures_is_left_out(session):
    partner = make_partner(session)
    issues = [
        make_issue(session, lead_partner=partner, raised_on=TODAY - timedelta(days=days))
        for days in (70, 60, 50)
    ]
    figures = every_slice_figures(session, TODAY, THRESHOLD)

    make_commitment(session, issue=issues[0], partner=partner)

    for slice_ in (system_slice(), partner_slice(partner)):
        awaiting = longest_awaiting_issues(session, slice_, TODAY, figures)
        assert references(awaiting) == [(issues[1].reference, 60), (issues[2].reference, 50)]


def test_the_ids_survive_the_snapshots_json_and_an_older_snapshot_is_still_read(session):
    partner = make_partner(session)
    older = make_issue(session, lead_partner=partner, raised_on=TODAY - timedelta(days=40))
    newer = make_issue(session, raised_on=TODAY - timedelta(days=10))
    make_commitment(session, issue=make_issue(session, raised_on=TODAY - timedelta(days=90)))
    figures = every_slice_figures(session, TODAY, THRESHOLD)

    stored = FigureSet.from_json(figures.to_json())
    assert stored.waiting_longest_of(SliceKind.SYSTEM, None) == [older.id, newer.id]
    assert stored.waiting_longest_of(SliceKind.PARTNER, partner.id) == [older.id]
    assert stored.waiting_longest_of(SliceKind.THEME, 12345) == []

    before_the_ids = figures.to_json()
    del before_the_ids["waiting_longest"]
    old_shape = FigureSet.from_json(before_the_ids)
    assert old_shape.waiting_longest_of(SliceKind.SYSTEM, None) is None
    assert references(longest_awaiting_issues(session, system_slice(), TODAY, old_shape)) == [
        (older.reference, 40),
        (newer.reference, 10),
    ]
