"""``tracker scheduler``: the process that runs the scheduled jobs.

Run one (or more: the database makes sure each piece of work happens once) beside the
web servers, with the same settings. On England's clock:

- at 06:00 on 1 January, April, July and October: draft the board reports of the
  quarter just ended and email the engagement team;
- at 07:00 every Monday: the weekly digests and escalations;
- every :data:`POLL_SECONDS` seconds: generate the reports asked for from the workspace;
- every :data:`tracker.mail.SEND_EVERY_SECONDS` seconds: send the queued emails (the
  web processes only queue them).

When it starts it catches up: a run missed while no scheduler was running (or one that
failed or was cut short) is done once, straight away. SIGTERM or Ctrl-C stops it after
the jobs already running have finished; a report cut short by a harder stop is claimed
again after :data:`tracker.reports.jobs.REQUEST_TIMEOUT`.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from typing import Any

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from tracker import clock, mail
from tracker.clock import LONDON
from tracker.db import get_database
from tracker.reports import jobs

log = logging.getLogger(__name__)

#: How often the queue of report requests is checked, in seconds.
POLL_SECONDS = 5

Job = Callable[[Session, datetime], Any]


def quarterly_trigger() -> CronTrigger:
    """06:00 in England on the first day of each quarter of the NHS financial year."""
    return CronTrigger(
        month=",".join(str(month) for month in jobs.DRAFTS_MONTHS),
        day=1,
        hour=jobs.DRAFTS_AT.hour,
        minute=jobs.DRAFTS_AT.minute,
        timezone=LONDON,
    )


def weekly_trigger() -> CronTrigger:
    """07:00 in England every Monday."""
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[jobs.DIGESTS_WEEKDAY]
    return CronTrigger(
        day_of_week=weekday,
        hour=jobs.DIGESTS_AT.hour,
        minute=jobs.DIGESTS_AT.minute,
        timezone=LONDON,
    )


def in_app(app: Flask, job: Job, name: str) -> Callable[[], None]:
    """``job`` as the scheduler calls it: in the app's context, with its own session and
    the time it starts. A failure is logged and the scheduler carries on."""

    def run() -> None:
        with app.app_context():
            try:
                with get_database(app).sessionmaker() as session:
                    job(session, clock.now())
            except Exception:
                log.exception("The job %r stopped with an error", name)

    return run


def build_scheduler(app: Flask, worker: str) -> BlockingScheduler:
    """The scheduler with its timetable; catching up is its first job."""
    scheduler = BlockingScheduler(
        timezone=LONDON,
        # A run delayed (say, by a busy machine) still runs once; the database's run
        # log, not the scheduler's memory, decides whether it has happened.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    scheduler.add_job(
        in_app(app, lambda session, now: jobs.catch_up(session, now, worker), "catch up"),
        id="catch_up",
        name="Catch up on missed runs",
        next_run_time=datetime.now(LONDON),
    )
    scheduler.add_job(
        in_app(app, jobs.quarterly_drafts, jobs.QUARTERLY_DRAFTS),
        quarterly_trigger(),
        id=jobs.QUARTERLY_DRAFTS,
        name=jobs.JOB_LABELS[jobs.QUARTERLY_DRAFTS],
    )
    scheduler.add_job(
        in_app(app, jobs.weekly_digests, jobs.WEEKLY_DIGESTS),
        weekly_trigger(),
        id=jobs.WEEKLY_DIGESTS,
        name=jobs.JOB_LABELS[jobs.WEEKLY_DIGESTS],
    )
    scheduler.add_job(
        in_app(
            app,
            lambda session, now: jobs.process_report_requests(session, now, worker),
            "report requests",
        ),
        IntervalTrigger(seconds=POLL_SECONDS, timezone=LONDON),
        id="report_requests",
        name="Generate requested reports",
    )
    scheduler.add_job(
        in_app(
            app,
            lambda session, now: mail.send_queued_emails(session, now, worker),
            "email outbox",
        ),
        IntervalTrigger(seconds=mail.SEND_EVERY_SECONDS, timezone=LONDON),
        id="email_outbox",
        name="Send queued emails",
        next_run_time=datetime.now(LONDON),
    )
    return scheduler


@click.command("scheduler", help="Run the scheduled jobs (board report drafts, weekly digests).")
@with_appcontext
def scheduler_command() -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = jobs.worker_name()
    scheduler = build_scheduler(app, worker)

    def stop(signal_number: int, _frame: FrameType | None) -> None:
        log.info(
            "Received %s: stopping once the running jobs finish",
            signal.Signals(signal_number).name,
        )
        if scheduler.running:
            scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(
        "Scheduler %s started: drafts at %s on 1 Jan/Apr/Jul/Oct, digests at %s on "
        "Mondays (England), report requests every %s seconds, queued emails every %s "
        "seconds",
        worker,
        jobs.DRAFTS_AT.strftime("%H:%M"),
        jobs.DIGESTS_AT.strftime("%H:%M"),
        POLL_SECONDS,
        mail.SEND_EVERY_SECONDS,
    )
    if not app.config.get("MAIL_SERVER"):
        log.warning("MAIL_SERVER is not set: emails will be written to this log, not sent")
    scheduler.start()
    log.info("Scheduler %s stopped", worker)
