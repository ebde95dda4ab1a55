"""The demo ICS on a real database: what it holds, that its history adds up, and the
``tracker demo-data`` command that loads it."""

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import select

from tests.conftest import TODAY, make_test_app
from tests.factories import make_partner, make_user
from tracker.config import DEFAULT_NO_RECENT_UPDATE_DAYS
from tracker.data_version import current_version
from tracker.db import get_database
from tracker.demo import DemoDataError, database_is_empty, load_demo_data
from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Engagement,
    EngagementKind,
    Issue,
    Partner,
    PartnerKind,
    ReferenceCounter,
    Theme,
    Update,
    metadata,
)
from tracker.references import allocate_number
from tracker.rules import (
    ResponseState,
    days_awaiting_response,
    is_overdue,
    issue_response_state,
    no_recent_update,
    no_recent_update_clause,
    overdue_clause,
)

NO_RECENT_UPDATE_DAYS = DEFAULT_NO_RECENT_UPDATE_DAYS
DEMO_TABLES = [
    "partner",
    "area",
    "theme",
    "community",
    "engagement",
    "engagement_community",
    "issue",
    "issue_theme",
    "issue_area",
    "issue_community",
    "issue_engagement",
    "issue_supporting_partner",
    "commitment",
    "commitment_update",
    "reference_counter",
]


@pytest.fixture
def demo(demo_data):
    """The demo at scale 1 as of TODAY, in the database the test runs on (see conftest)."""
    return demo_data


@pytest.fixture
def commitments(session, demo):
    return session.exec(
        select(Commitment)
        .options(selectinload(Commitment.updates), selectinload(Commitment.issue))
        .order_by(Commitment.number)
    ).all()


@pytest.fixture
def issues(session, demo):
    return session.exec(
        select(Issue)
        .options(
            selectinload(Issue.commitments),
            selectinload(Issue.engagements),
            selectinload(Issue.themes),
            selectinload(Issue.areas),
            selectinload(Issue.communities),
            selectinload(Issue.supporting_partners),
        )
        .order_by(Issue.number)
    ).all()


def count(session, model):
    return session.exec(select(sa.func.count()).select_from(model)).one()


# --- what the demo holds ------------------------------------------------------------


def test_scale_1_holds_the_documented_number_of_records(session, demo):
    stored = {
        "partners": count(session, Partner),
        "areas": count(session, Area),
        "themes": count(session, Theme),
        "communities": count(session, Community),
        "engagements": count(session, Engagement),
        "issues": count(session, Issue),
        "commitments": count(session, Commitment),
    }
    assert stored == {
        "partners": 8,
        "areas": 6,
        "themes": 10,
        "communities": 8,
        "engagements": 12,
        "issues": 60,
        "commitments": 120,
    }
    assert count(session, Update) == demo.updates
    assert 350 <= demo.updates <= 450
    assert demo.partners == 8 and demo.issues == 60 and demo.commitments == 120


def test_every_kind_of_partner_and_engagement_appears(session, demo):
    partner_kinds = set(session.exec(select(Partner.kind)).all())
    engagement_kinds = set(session.exec(select(Engagement.kind)).all())
    assert partner_kinds == set(PartnerKind)
    assert engagement_kinds == set(EngagementKind)


def test_neighbourhoods_sit_inside_boroughs(session, demo):
    areas = session.exec(select(Area)).all()
    boroughs = [area for area in areas if area.parent_id is None]
    neighbourhoods = [area for area in areas if area.parent_id is not None]
    assert len(boroughs) == 2
    assert len(neighbourhoods) == 4
    assert {area.parent_id for area in neighbourhoods} == {borough.id for borough in boroughs}


def test_engagements_name_where_and_who_was_heard(session, demo):
    engagements = session.exec(
        select(Engagement).options(selectinload(Engagement.communities))
    ).all()
    assert all(engagement.organising_partner_id is not None for engagement in engagements)
    assert all(engagement.participant_count for engagement in engagements)
    assert any(engagement.area_id is not None for engagement in engagements)
    assert any(engagement.communities for engagement in engagements)
    assert any(engagement.write_up_url for engagement in engagements)


def test_every_commitment_status_appears(commitments):
    assert {commitment.status for commitment in commitments} == set(CommitmentStatus)


def test_some_commitments_are_overdue_and_some_have_no_recent_update(session, commitments):
    overdue = {c.id for c in commitments if is_overdue(c, TODAY)}
    quiet = {c.id for c in commitments if no_recent_update(c, TODAY, NO_RECENT_UPDATE_DAYS)}
    assert 0 < len(overdue) < len(commitments)
    assert 0 < len(quiet) < len(commitments)
    # The pages filter with the SQL forms of the rules: they must find the same ones.
    assert set(session.exec(select(Commitment.id).where(overdue_clause(TODAY))).all()) == overdue
    assert (
        set(
            session.exec(
                select(Commitment.id).where(no_recent_update_clause(TODAY, NO_RECENT_UPDATE_DAYS))
            ).all()
        )
        == quiet
    )


def test_delayed_commitments_give_a_reason_and_record_the_moved_target_date(commitments):
    delayed = [c for c in commitments if c.status is CommitmentStatus.DELAYED]
    assert delayed
    for commitment in delayed:
        assert commitment.status_reason
        assert commitment.target_date != commitment.original_target_date
        moves = [update for update in commitment.updates if update.changes_target_date]
        assert moves, commitment.reference
        latest_move = moves[-1]
        assert latest_move.new_status is CommitmentStatus.DELAYED
        assert latest_move.new_target_date == commitment.target_date
        assert latest_move.reason == commitment.status_reason


def test_not_going_ahead_commitments_give_a_public_reason(commitments):
    stopped = [c for c in commitments if c.status is CommitmentStatus.NOT_GOING_AHEAD]
    assert stopped
    for commitment in stopped:
        assert commitment.status_reason
        assert commitment.updates[-1].reason == commitment.status_reason


def test_delivered_commitments_say_when_and_show_evidence(commitments):
    for commitment in commitments:
        if commitment.status is CommitmentStatus.DELIVERED:
            last = commitment.updates[-1]
            assert commitment.delivered_on == last.posted_at.date()
            assert last.progress_percent == 100
            assert last.evidence_links and last.evidence_links[0]["url"].startswith("https://")
            assert commitment.status_reason is None
        else:
            assert commitment.delivered_on is None


def test_every_response_state_appears_including_a_long_wait(issues):
    states = Counter(issue_response_state(issue) for issue in issues)
    assert set(states) == set(ResponseState)
    waits = [days_awaiting_response(issue, TODAY) for issue in issues]
    waiting = [days for days in waits if days is not None]
    assert max(waiting) >= 180
    assert min(waiting) <= 30


def test_issues_are_described_linked_and_owned(issues):
    for issue in issues:
        assert issue.title and issue.summary
        assert 1 <= len(issue.quotes) <= 3
        assert issue.lead_partner_id is not None
        assert issue.themes and issue.areas and issue.communities and issue.engagements
        assert issue.people_count and issue.people_count > 0
        assert issue.lead_partner_id not in {p.id for p in issue.supporting_partners}
    assert any(issue.supporting_partners for issue in issues)


def test_commitments_name_an_accountable_role_and_how_success_is_measured(commitments):
    for commitment in commitments:
        assert commitment.title and commitment.description and commitment.success_measure
        assert commitment.accountable_role
    # Job titles, never people: the same few titles recur across partners of a kind.
    roles = Counter(commitment.accountable_role for commitment in commitments)
    assert roles.most_common(1)[0][1] > 1


def test_all_text_is_filled_in(session, demo, issues, commitments):
    engagements = session.exec(select(Engagement)).all()
    texts = [
        *(text for engagement in engagements for text in (engagement.title, engagement.summary)),
        *(text for issue in issues for text in (issue.title, issue.summary, *issue.quotes)),
        *(
            text
            for commitment in commitments
            for text in (commitment.title, commitment.description, commitment.success_measure)
        ),
        *(update.narrative for commitment in commitments for update in commitment.updates),
    ]
    unfilled = [text for text in texts if "{" in text or "}" in text or not text.strip()]
    assert unfilled == []
    assert all(len(issue.title) <= 200 for issue in issues)


# --- the history adds up ----------------------------------------------------------------


def test_each_commitment_history_leads_to_its_current_state(commitments):
    for commitment in commitments:
        updates = commitment.updates
        reference = commitment.reference
        if not updates:
            assert commitment.status is CommitmentStatus.NOT_STARTED, reference
            assert commitment.last_update_on is None, reference
            assert commitment.target_date == commitment.original_target_date, reference
            continue
        posted = [update.posted_at for update in updates]
        assert posted == sorted(posted) and len(set(posted)) == len(posted), reference
        assert updates[0].previous_status is CommitmentStatus.NOT_STARTED, reference
        for before, after in zip(updates, updates[1:], strict=False):
            assert after.previous_status is before.new_status, reference
        assert updates[-1].new_status is commitment.status, reference
        assert commitment.last_update_on == updates[-1].posted_at.date(), reference

        target = commitment.original_target_date
        for update in updates:
            if update.new_target_date is not None:
                assert update.previous_target_date == target, reference
                assert update.new_target_date != target, reference
                assert update.reason, reference
                target = update.new_target_date
            else:
                assert update.previous_target_date is None, reference
        assert commitment.target_date == target, reference

        assert all(update.hidden_at is None for update in updates), reference
        assert all(update.posted_at.date() >= commitment.committed_on for update in updates)


def test_commitments_come_after_the_issue_and_issues_after_the_engagement(issues):
    for issue in issues:
        for commitment in issue.commitments:
            assert commitment.committed_on >= issue.raised_on, commitment.reference
        for engagement in issue.engagements:
            assert engagement.started_on <= issue.raised_on, issue.reference


def test_nothing_is_dated_after_today(session, demo, issues, commitments):
    engagements = session.exec(select(Engagement)).all()
    days = [
        *(engagement.started_on for engagement in engagements),
        *(engagement.ended_on for engagement in engagements if engagement.ended_on),
        *(issue.raised_on for issue in issues),
        *(commitment.committed_on for commitment in commitments),
        *(commitment.delivered_on for commitment in commitments if commitment.delivered_on),
        *(commitment.last_update_on for commitment in commitments if commitment.last_update_on),
        *(update.posted_at.date() for c in commitments for update in c.updates),
        *(record.created_at.date() for record in [*engagements, *issues, *commitments]),
    ]
    assert max(days) <= TODAY
    # Two years of history, ending with something posted in the last few days.
    assert min(days) >= TODAY - timedelta(days=800)
    latest_update = max(update.posted_at.date() for c in commitments for update in c.updates)
    assert latest_update >= TODAY - timedelta(days=14)


def test_default_today_is_the_clock_of_the_app(app, session):
    app.config["FIXED_TODAY"] = date(2025, 3, 31)
    with app.app_context():
        load_demo_data(session)
    latest = session.exec(select(sa.func.max(Commitment.last_update_on))).one()
    assert date(2025, 2, 1) <= latest < date(2025, 3, 31)


# --- references ---------------------------------------------------------------------


def test_references_count_up_in_the_order_things_happened(issues, commitments):
    assert [issue.number for issue in issues] == list(range(1, 61))
    assert [issue.raised_on for issue in issues] == sorted(issue.raised_on for issue in issues)
    assert [c.number for c in commitments] == list(range(1, 121))
    assert [c.committed_on for c in commitments] == sorted(c.committed_on for c in commitments)
    assert issues[0].reference == "YS-0001"


def test_reference_counters_continue_from_the_last_demo_number(session, demo):
    counters = {
        counter.prefix: counter.last_number
        for counter in session.exec(select(ReferenceCounter)).all()
    }
    assert counters == {"EN": 12, "YS": 60, "WW": 120}
    assert allocate_number(session, Issue.REFERENCE_PREFIX) == 61
    assert allocate_number(session, Commitment.REFERENCE_PREFIX) == 121


def test_records_added_after_the_demo_get_fresh_ids(session, demo):
    last_demo_partner = session.exec(select(sa.func.max(Partner.id))).one()
    partner = make_partner(session)
    assert partner.id > last_demo_partner


# --- determinism -------------------------------------------------------------------


def digest_of_demo_tables(session):
    """A fingerprint of every demo row, with ids replaced by their rank in their table.

    PostgreSQL sequences do not roll back, so two loads get different ids; the
    rank makes the fingerprint depend only on what was stored.
    """
    connection = session.connection()
    tables = [metadata.tables[name] for name in DEMO_TABLES]
    ranks = {}
    for table in tables:
        if "id" in table.c:
            ids = connection.execute(sa.select(table.c.id).order_by(table.c.id)).scalars()
            ranks[table.name] = {id_: rank for rank, id_ in enumerate(ids)}
    fingerprint = hashlib.sha256()
    for table in tables:
        rows = []
        for row in connection.execute(sa.select(table)).mappings():
            values = []
            for column in table.c:
                value = row[column.name]
                if value is not None and column.name == "id":
                    value = ranks[table.name][value]
                elif value is not None and column.foreign_keys:
                    target = next(iter(column.foreign_keys)).column.table.name
                    value = ranks[target][value] if target in ranks else value
                values.append((column.name, value))
            rows.append(repr(values))
        fingerprint.update(table.name.encode())
        for row in sorted(rows):
            fingerprint.update(row.encode())
    return fingerprint.hexdigest()


def load_and_fingerprint(session, seed, today=TODAY):
    with session.begin_nested() as savepoint:
        load_demo_data(session, seed=seed, today=today)
        fingerprint = digest_of_demo_tables(session)
        savepoint.rollback()
    return fingerprint


def test_the_same_seed_gives_the_same_records(session):
    first = load_and_fingerprint(session, seed=2026)
    second = load_and_fingerprint(session, seed=2026)
    other_seed = load_and_fingerprint(session, seed=7)
    other_day = load_and_fingerprint(session, seed=2026, today=TODAY + timedelta(days=1))
    assert first == second
    assert other_seed != first
    assert other_day != first


def test_loading_the_demo_advances_the_data_version(session):
    """Cached public pages must not go on showing an empty site after the demo loads."""
    before = current_version(session)
    load_demo_data(session, today=TODAY)
    session.commit()
    assert current_version(session) == before + 1


# --- only into an empty database -----------------------------------------------------


def test_loading_into_a_database_with_partners_is_refused(session):
    make_partner(session, slug="real-partner", name="A real partner")
    assert not database_is_empty(session)
    with pytest.raises(DemoDataError, match="already holds partners or issues"):
        load_demo_data(session, today=TODAY)
    assert count(session, Partner) == 1
    assert count(session, Issue) == 0


def test_staff_accounts_do_not_stop_the_demo_loading(session):
    make_user(session)
    assert database_is_empty(session)
    assert load_demo_data(session, today=TODAY).issues == 60


# --- the command ------------------------------------------------------------------------


LOADED = re.compile(
    r"^Loaded demo data: 8 partners, 60 issues, 120 commitments, \d+ updates in \d+\.\d s$"
)


def test_demo_data_command_loads_the_demo_and_says_how_long_it_took(runner, session):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    # The demo accounts follow on the next lines (tests/integration/test_demo_accounts.py).
    assert LOADED.match(result.output.splitlines()[0]), result.output
    assert count(session, Issue) == 60


def test_demo_data_command_takes_a_scale_and_a_seed(runner, session):
    result = runner.invoke(args=["demo-data", "--scale", "2", "--seed", "11"])
    assert result.exit_code == 0, result.output
    assert "120 issues" in result.output
    assert count(session, Issue) == 120


def test_demo_data_command_refuses_a_database_that_holds_records(runner, session):
    make_partner(session)
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 1
    assert "already holds partners or issues" in result.output
    assert count(session, Issue) == 0


def test_demo_data_command_with_if_empty_skips_quietly(runner, session):
    make_partner(session)
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert "demo data was not loaded" in result.output
    assert count(session, Issue) == 0


def test_demo_data_command_refuses_a_scale_below_1(runner):
    result = runner.invoke(args=["demo-data", "--scale", "0"])
    assert result.exit_code == 2
    assert "--scale" in result.output


def test_demo_data_command_on_a_database_without_tables_says_to_migrate(new_database_url):
    app = make_test_app(new_database_url())
    result = app.test_cli_runner().invoke(args=["demo-data"])
    get_database(app).engine.dispose()
    assert result.exit_code == 1
    assert "Run `tracker db upgrade` first" in result.output


def test_make_run_loads_the_demo_once_in_a_real_process(new_migrated_database_url):
    """`make run` loads the demo with --if-empty; loading again by hand is refused."""
    url = new_migrated_database_url()
    tracker = str(Path(sys.executable).with_name("tracker"))
    environment = {
        **{key: value for key, value in os.environ.items() if key != "TRACKER_ENV"},
        "DATABASE_URL": url,
        "SECRET_KEY": "s" * 40,
        "PUBLIC_BASE_URL": "https://tracker.example.nhs.uk",
        "TOTP_ENCRYPTION_KEY": "dGVzdC10b3RwLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
    }

    def run(*args):
        return subprocess.run(
            [tracker, *args], env=environment, capture_output=True, text=True, timeout=120
        )

    loaded = run("demo-data", "--if-empty")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("Loaded demo data: 8 partners, 60 issues")
    refused = run("demo-data")
    assert refused.returncode == 1
    assert "already holds partners or issues" in refused.stderr
    assert "Traceback" not in refused.stderr
