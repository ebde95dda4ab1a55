"""The scheduler's timetable on England's clock: which run is due at any moment, and
the cron triggers that fire the runs, which must agree with each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from tracker.clock import LONDON
from tracker.mail import SEND_EVERY_SECONDS
from tracker.reports.jobs import (
    QUARTERLY_DRAFTS,
    WEEKLY_DIGESTS,
    digest_week_due,
    drafts_period_due,
)
from tracker.reports.periods import Period
from tracker.reports.scheduler import (
    POLL_SECONDS,
    build_scheduler,
    quarterly_trigger,
    weekly_trigger,
)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


# --- the quarter whose drafts are due ----------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "period"),
    [
        (london(2026, 11, 24, 12, 0), Period(2026, 2)),  # mid-Q3: Q2's drafts were last due
        (london(2027, 1, 1, 5, 59, 59), Period(2026, 2)),  # not yet 06:00
        (london(2027, 1, 1, 6, 0), Period(2026, 3)),  # 1 January: Q3 has just ended
        (london(2027, 3, 31, 23, 59), Period(2026, 3)),
        (london(2027, 4, 1, 6, 0), Period(2026, 4)),  # the new financial year: Q4 of 2026/27
        (london(2027, 7, 1, 6, 0), Period(2027, 1)),
        (london(2027, 10, 1, 6, 0), Period(2027, 2)),
    ],
)
def test_the_drafts_due_are_for_the_quarter_just_ended_from_six_on_its_first_day(moment, period):
    assert drafts_period_due(moment) == period


def test_six_in_the_morning_is_judged_on_englands_clock_in_summer_time():
    # 1 April 2027 is in British Summer Time: 06:00 in England is 05:00 UTC.
    assert drafts_period_due(datetime(2027, 4, 1, 4, 59, 59, tzinfo=UTC)) == Period(2026, 3)
    assert drafts_period_due(datetime(2027, 4, 1, 5, 0, tzinfo=UTC)) == Period(2026, 4)


# --- the week whose digests are due ------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        (london(2026, 11, 23, 6, 59), "2026-W47"),  # Monday before 07:00: last week's
        (london(2026, 11, 23, 7, 0), "2026-W48"),
        (london(2026, 11, 24, 12, 0), "2026-W48"),  # Tuesday
        (london(2026, 11, 29, 23, 59), "2026-W48"),  # Sunday night
        (london(2026, 12, 28, 7, 0), "2026-W53"),  # 2026 has 53 ISO weeks
        (london(2027, 1, 3, 12, 0), "2026-W53"),
        (london(2027, 1, 4, 7, 0), "2027-W01"),
        (london(2027, 3, 29, 7, 0), "2027-W13"),  # the first Monday of summer time
    ],
)
def test_the_digests_due_are_this_weeks_from_seven_on_monday(moment, week):
    assert digest_week_due(moment) == week


# --- the triggers agree with the timetable ------------------------------------------------


def fire_times(trigger, start: datetime, count: int) -> list[datetime]:
    times: list[datetime] = []
    previous = None
    now = start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        times.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)
    return times


def test_the_quarterly_trigger_fires_at_six_on_the_first_day_of_each_quarter():
    fires = fire_times(quarterly_trigger(), london(2026, 11, 24, 12, 0), 5)
    assert [fire.astimezone(LONDON).replace(tzinfo=None) for fire in fires] == [
        datetime(2027, 1, 1, 6, 0),
        datetime(2027, 4, 1, 6, 0),
        datetime(2027, 7, 1, 6, 0),
        datetime(2027, 10, 1, 6, 0),
        datetime(2028, 1, 1, 6, 0),
    ]
    # In summer time that is 05:00 UTC.
    assert fires[1].astimezone(UTC) == datetime(2027, 4, 1, 5, 0, tzinfo=UTC)


def test_each_quarterly_firing_starts_a_new_quarters_run():
    for fire in fire_times(quarterly_trigger(), london(2026, 1, 1, 0, 0), 12):
        just_before = drafts_period_due(fire - timedelta(seconds=1))
        assert drafts_period_due(fire) == just_before.next()


def test_the_weekly_trigger_fires_at_seven_every_monday_through_the_clock_changes():
    fires = fire_times(weekly_trigger(), london(2027, 3, 20, 12, 0), 3)
    assert [fire.astimezone(LONDON).replace(tzinfo=None) for fire in fires] == [
        datetime(2027, 3, 22, 7, 0),
        datetime(2027, 3, 29, 7, 0),  # the clocks went forward on Sunday 28 March
        datetime(2027, 4, 5, 7, 0),
    ]


def test_each_weekly_firing_starts_a_new_weeks_run():
    weeks = []
    for fire in fire_times(weekly_trigger(), london(2026, 12, 1, 0, 0), 60):
        assert digest_week_due(fire) != digest_week_due(fire - timedelta(seconds=1))
        weeks.append(digest_week_due(fire))
    assert len(set(weeks)) == 60


def test_the_scheduler_catches_up_first_then_keeps_the_timetable_and_polls_the_queues():
    scheduler = build_scheduler(Flask(__name__), worker="test:1")
    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == {
        "catch_up",
        QUARTERLY_DRAFTS,
        WEEKLY_DIGESTS,
        "report_requests",
        "email_outbox",
    }
    assert str(jobs[QUARTERLY_DRAFTS].trigger) == str(quarterly_trigger())
    assert str(jobs[WEEKLY_DIGESTS].trigger) == str(weekly_trigger())
    assert jobs["report_requests"].trigger.interval == timedelta(seconds=POLL_SECONDS)
    assert POLL_SECONDS <= 5
    # Web requests only queue emails: the scheduler sends them within seconds.
    assert jobs["email_outbox"].trigger.interval == timedelta(seconds=SEND_EVERY_SECONDS)
    assert SEND_EVERY_SECONDS <= 5
    # Catching up has no trigger of its own: it runs once, as soon as the scheduler starts.
    assert jobs["catch_up"].trigger.__class__.__name__ == "DateTrigger"
