"""The scheduled jobs: quarterly draft board reports, weekly digests, and the queue of
reports asked for from the workspace.

Every job takes the database session and an explicit ``now`` (an aware datetime), so
tests decide what time it is. The scheduler process (:mod:`tracker.reports.scheduler`)
calls them on its timetable; more than one scheduler may run at once, and the database
makes sure each piece of work happens once:

- a run of a job is claimed by inserting its :class:`~tracker.models.JobRun`, unique on
  (job, run key), such as (``weekly_digests``, ``2026-W48``): whoever inserts it runs it;
- each scheduled draft has a unique ``Report.scheduled_key``, each digest a unique
  (week, recipient) :class:`~tracker.models.DigestDelivery`, and each escalation a unique
  (week, record) :class:`~tracker.models.Escalation`, so even a run that is retried only
  does what is still missing;
- emails are queued (:func:`tracker.mail.queue_email`), a digest in the same transaction
  as its delivery record, and sent by the scheduler's email outbox job; one recipient
  whose digest cannot be written or queued is recorded in the run log, and the others
  still get theirs;
- a :class:`~tracker.models.ReportRequest` is claimed with one conditional UPDATE, and a
  request whose scheduler died while generating it is claimed again after
  :data:`REQUEST_TIMEOUT`.

:func:`catch_up`, called when the scheduler starts, does each job's latest run if it was
missed while no scheduler was running (or failed, or was cut short), exactly once.

Every function expects a session with no transaction of the caller's in progress: it
commits its own work as it goes, one short transaction per piece.
"""

from __future__ import annotations

import logging
import os
import socket
import time as monotonic_time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from tracker.clock import LONDON, local_date
from tracker.errors import TrackerError
from tracker.mail import queue_email
from tracker.models import (
    DigestDelivery,
    Escalation,
    JobOutcome,
    JobRun,
    Partner,
    Report,
    ReportRequest,
    ReportRequestState,
    ReportStatus,
    User,
)
from tracker.rendering import pluralise
from tracker.reports import digests
from tracker.reports.periods import Period, parse_period, period_of
from tracker.reports.store import generate_report

log = logging.getLogger(__name__)

QUARTERLY_DRAFTS = "quarterly_drafts"
WEEKLY_DIGESTS = "weekly_digests"
#: What the run log calls each job.
JOB_LABELS = {
    QUARTERLY_DRAFTS: "Quarterly draft board reports",
    WEEKLY_DIGESTS: "Weekly digests",
}

#: The timetable, in England's time (the scheduler's cron triggers are built from it):
#: the quarter's drafts at 06:00 on the first day of January, April, July and October,
#: for the quarter just ended; the digests at 07:00 every Monday.
DRAFTS_MONTHS = (1, 4, 7, 10)
DRAFTS_AT = time(6, 0)
DIGESTS_WEEKDAY = 0  # Monday
DIGESTS_AT = time(7, 0)

#: A report request still "being generated" after this long is taken to belong to a
#: scheduler that died, and is claimed again.
REQUEST_TIMEOUT = timedelta(minutes=10)
#: A run still "running" after this long was cut short; :func:`catch_up` runs it again.
STALE_RUN_AFTER = timedelta(hours=2)
#: Attempts at writing a generated report when SQLite says another process wrote first.
_SQLITE_ATTEMPTS = 5
#: The longest error text kept on a run or a request.
MAX_ERROR_LENGTH = 2000


def worker_name() -> str:
    """This process, as the run log and the request queue name it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


def _describe(error: BaseException) -> str:
    text = error.message if isinstance(error, TrackerError) else f"{type(error).__name__}: {error}"
    return text[:MAX_ERROR_LENGTH]


# --- the timetable -----------------------------------------------------------------------


def drafts_period_due(now: datetime) -> Period:
    """The quarter whose drafts were last due by ``now``: the quarter just ended, once
    06:00 on its successor's first day has passed."""
    local = now.astimezone(LONDON)
    current = period_of(local.date())
    if local < datetime.combine(current.start, DRAFTS_AT, tzinfo=LONDON):
        current = current.previous()
    return current.previous()


def digest_week_due(now: datetime) -> str:
    """The ISO week (``2026-W48``) whose digests were last due by ``now``: this week's
    from 07:00 on Monday, last week's before then."""
    local = now.astimezone(LONDON)
    monday = local.date() - timedelta(days=(local.weekday() - DIGESTS_WEEKDAY) % 7)
    if local < datetime.combine(monday, DIGESTS_AT, tzinfo=LONDON):
        monday -= timedelta(days=7)
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


# --- claiming and recording runs -------------------------------------------------------------


def claim_run(session: Session, job: str, run_key: str, now: datetime) -> JobRun | None:
    """Claim the run ``run_key`` of ``job`` by inserting its :class:`JobRun`; committed.

    Returns None when the run already exists: another scheduler has done it, or is
    doing it. The unique (job, run_key) decides, so two schedulers cannot both win.
    """
    run = JobRun(
        job=job,
        run_key=run_key,
        started_at=_utc(now),
        outcome=JobOutcome.RUNNING,
        host=worker_name(),
    )
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        session.rollback()
        return None
    session.commit()
    return run


def _reclaim_run(session: Session, job: str, run_key: str, now: datetime) -> JobRun | None:
    """Claim again a run that failed, or that has been "running" too long (its scheduler
    died): one conditional UPDATE, so only one scheduler gets it."""
    now = _utc(now)
    retryable = sa.or_(
        col(JobRun.outcome) == JobOutcome.FAILED,
        sa.and_(
            col(JobRun.outcome) == JobOutcome.RUNNING,
            col(JobRun.started_at) < now - STALE_RUN_AFTER,
        ),
    )
    earlier = session.exec(
        select(JobRun).where(col(JobRun.job) == job, col(JobRun.run_key) == run_key)
    ).first()
    if earlier is None:
        session.rollback()
        return None
    note = f"Retried; the earlier attempt: {earlier.error or 'did not finish'}"
    session.rollback()  # end the read before writing (SQLite)
    result = session.execute(
        sa.update(JobRun)
        .where(col(JobRun.job) == job, col(JobRun.run_key) == run_key, retryable)
        .values(
            outcome=JobOutcome.RUNNING,
            started_at=now,
            finished_at=None,
            error=None,
            summary=note[:MAX_ERROR_LENGTH],
            host=worker_name(),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if _rowcount(result) != 1:
        return None
    return session.exec(
        select(JobRun).where(col(JobRun.job) == job, col(JobRun.run_key) == run_key)
    ).one()


def _rowcount(result: Any) -> int:
    count: int = result.rowcount
    return count


@dataclass
class Outcome:
    """What a run did, in words for the run log, and what went wrong along the way."""

    summary: str = ""
    problems: list[str] = field(default_factory=list)


def _run(
    session: Session, run: JobRun, now: datetime, work: Callable[[], Outcome], note: str = ""
) -> JobRun:
    """Do ``work`` for the claimed ``run``, then record how it went."""
    started = monotonic_time.monotonic()
    try:
        outcome = work()
    except Exception as error:  # noqa: BLE001 - any failure is recorded in the run log
        session.rollback()
        log.exception("The %s run %s failed", run.job, run.run_key)
        outcome = Outcome(problems=[_describe(error)])
    run = session.get(JobRun, run.id) or run
    earlier = run.summary if run.summary and run.summary.startswith("Retried") else ""
    run.summary = " ".join(part for part in (note, earlier, outcome.summary) if part) or None
    run.outcome = JobOutcome.FAILED if outcome.problems else JobOutcome.SUCCEEDED
    run.error = "\n".join(outcome.problems)[:MAX_ERROR_LENGTH] or None
    run.finished_at = _utc(now) + timedelta(seconds=monotonic_time.monotonic() - started)
    session.add(run)
    session.commit()
    log.info("%s %s: %s. %s", run.job, run.run_key, run.outcome.label, run.summary or "")
    return run


def _claim(
    session: Session, job: str, run_key: str, now: datetime, retry: bool
) -> tuple[JobRun | None, bool]:
    """Claim a run, or with ``retry`` take on one that failed or was cut short; the
    second value says whether it was taken on again."""
    run = claim_run(session, job, run_key, now)
    if run is None and retry:
        run = _reclaim_run(session, job, run_key, now)
        return run, run is not None
    return run, False


def _is_sqlite_conflict(session: Session, error: OperationalError) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "sqlite" and "database is locked" in str(error)


def _generate(
    session: Session,
    period: Period,
    partner: Partner | None,
    *,
    as_at: date,
    created_by: User | None = None,
    scheduled_key: str | None = None,
    before_commit: Callable[[Report], bool] | None = None,
) -> Report | None:
    """Generate and commit one report; retried if SQLite refuses the write because
    another process wrote meanwhile. ``before_commit`` may veto the commit (returns
    False), and then nothing is kept and None is returned."""
    for attempt in range(1, _SQLITE_ATTEMPTS + 1):
        try:
            report = generate_report(
                session,
                period,
                partner,
                as_at=as_at,
                created_by=created_by,
                scheduled_key=scheduled_key,
            )
            if before_commit is not None and not before_commit(report):
                session.rollback()
                return None
            session.commit()
            return report
        except OperationalError as error:
            session.rollback()
            if attempt == _SQLITE_ATTEMPTS or not _is_sqlite_conflict(session, error):
                raise
            log.info("SQLite was busy writing the report; trying again")
    return None  # pragma: no cover - the loop returns or raises


# --- quarterly draft board reports -----------------------------------------------------------


def scheduled_key(period: Period, partner: Partner | None) -> str:
    """``2026/27 Q2 system`` or ``2026/27 Q2 partner 7``: one scheduled draft each."""
    return f"{period.name} system" if partner is None else f"{period.name} partner {partner.id}"


def quarterly_drafts(session: Session, now: datetime, *, retry: bool = False) -> JobRun | None:
    """Draft the board reports of the quarter just ended (the whole system, and each
    partner), and tell the engagement team. None when another scheduler has the run.

    ``retry`` (used by :func:`catch_up`) also takes on a run that failed or was cut short.
    """
    period = drafts_period_due(now)
    run, again = _claim(session, QUARTERLY_DRAFTS, period.name, now, retry)
    if run is None:
        return None
    today = local_date(now)
    return _run(
        session, run, now, lambda: _draft_reports(session, period, today, again), _note(retry)
    )


def _note(retry: bool) -> str:
    return "Caught up when the scheduler started." if retry else ""


def _draft_reports(session: Session, period: Period, today: date, again: bool) -> Outcome:
    """Draft each scope's report unless drafted already. The team is told about the new
    drafts; on a run taken on ``again`` (the email may be what failed), about every
    scheduled draft of the quarter still unpublished."""
    outcome = Outcome()
    scopes: list[Partner | None] = [None]
    scopes.extend(session.exec(select(Partner).order_by(col(Partner.name))).all())
    session.commit()
    made: list[Report] = []
    already = 0
    for partner in scopes:
        key = scheduled_key(period, partner)
        scope = "whole system" if partner is None else partner.name
        exists = session.exec(select(Report.id).where(col(Report.scheduled_key) == key)).first()
        session.rollback()  # end the read: generating starts its own transaction
        if exists is not None:
            already += 1
            continue
        try:
            report = _generate(session, period, partner, as_at=today, scheduled_key=key)
        except IntegrityError:
            # Another scheduler drafted this one first.
            session.rollback()
            already += 1
            continue
        except Exception as error:  # noqa: BLE001 - one scope failing leaves the others
            session.rollback()
            log.exception("Could not draft the %s report for %s", period.name, scope)
            outcome.problems.append(f"{scope}: {_describe(error)}")
            continue
        if report is not None:
            made.append(report)
    parts = [f"Drafted {len(made)} of {pluralise(len(scopes), 'report')} for {period.name}."]
    if already:
        parts.append(f"{already} had been drafted already.")
    to_mention = _unpublished_scheduled_drafts(session, period) if again else made
    if to_mention:
        sent, problems = _email_team_about_drafts(session, period, to_mention)
        parts.append(f"Emailed {pluralise(sent, 'person', 'people')} in the engagement team.")
        outcome.problems.extend(problems)
    outcome.summary = " ".join(parts)
    return outcome


def _unpublished_scheduled_drafts(session: Session, period: Period) -> list[Report]:
    drafts = session.exec(
        select(Report)
        .where(
            col(Report.scheduled_key).startswith(f"{period.name} "),
            col(Report.status) == ReportStatus.DRAFT,
        )
        .order_by(col(Report.id))
    ).all()
    return list(drafts)


def _email_team_about_drafts(
    session: Session, period: Period, reports: list[Report]
) -> tuple[int, list[str]]:
    team = digests.engagement_team(session)
    if not team:
        session.rollback()
        return 0, []
    subject, body = digests.report_drafts_email(period.name, reports)
    addresses = [member.email for member in team]
    session.rollback()  # end the read before writing (SQLite)
    sent = 0
    problems: list[str] = []
    for address in addresses:
        try:
            queue_email(session, address, subject, body)
        except TrackerError as error:
            problems.append(f"Email to {address}: {error.message}")
        else:
            sent += 1
    session.commit()
    return sent, problems


# --- weekly digests -------------------------------------------------------------------------


def weekly_digests(session: Session, now: datetime, *, retry: bool = False) -> JobRun | None:
    """Email each partner lead their digest and the engagement team what has been silent
    longest, recording the escalations. None when another scheduler has the run.

    A digest with nothing in it is not sent. ``retry`` as for :func:`quarterly_drafts`.
    """
    week = digest_week_due(now)
    run, _again = _claim(session, WEEKLY_DIGESTS, week, now, retry)
    if run is None:
        return None
    return _run(session, run, now, lambda: _send_digests(session, week, _utc(now)), _note(retry))


def _send_digests(session: Session, week: str, now: datetime) -> Outcome:
    today = local_date(now)
    threshold_days: int = current_app.config["NO_RECENT_UPDATE_DAYS"]
    outcome = Outcome()
    silence = digests.silent_records(session, today)
    escalated = _record_escalations(session, week, today, silence)
    session.commit()

    counts = {"sent": 0, "already": 0, "empty": 0}
    leads = [(lead.id, lead.email) for lead in digests.partner_leads(session)]
    for lead_id, address in leads:
        # One lead's digest failing (a record that breaks its email, say) must not stop
        # everyone else's: it is recorded in the run log and the run carries on.
        try:
            lead = session.get(User, lead_id)
            assert lead is not None
            digest = digests.partner_digest(session, lead, today, threshold_days)
            if digest.item_count == 0:
                counts["empty"] += 1
                continue
            subject, body = digests.partner_digest_email(digest, today)
        except Exception as error:  # noqa: BLE001 - recorded in the run log
            _digest_failed(session, address, error, outcome)
            continue
        _deliver(
            session, week, lead_id, address, digest.item_count, subject, body, now, counts, outcome
        )
    team = [(member.id, member.email) for member in digests.engagement_team(session)]
    if silence.records:
        try:
            subject, body = digests.team_digest_email(silence, today)
        except Exception as error:  # noqa: BLE001 - recorded; the leads' digests stand
            _digest_failed(session, "the engagement team", error, outcome)
            team = []
        for member_id, address in team:
            item_count = len(silence.records)
            _deliver(
                session, week, member_id, address, item_count, subject, body, now, counts, outcome
            )
    else:
        counts["empty"] += len(team)
    session.rollback()
    outcome.summary = (
        f"Sent {pluralise(counts['sent'], 'digest')} for {week}"
        f" ({counts['already']} sent already, {counts['empty']} with nothing to say)."
        f" Escalated {pluralise(len(silence.issues), 'issue')} and"
        f" {pluralise(len(silence.commitments), 'commitment')} ({escalated} new this week)."
    )
    return outcome


def _record_escalations(session: Session, week: str, today: date, silence: digests.Silence) -> int:
    """Add this week's escalations that are not recorded yet; returns how many were added."""
    recorded = {
        (entity_type, entity_id)
        for entity_type, entity_id in session.execute(
            sa.select(col(Escalation.entity_type), col(Escalation.entity_id)).where(
                col(Escalation.week) == week
            )
        ).all()
    }
    added = 0
    for record in silence.records:
        if (record.entity_type, record.entity_id) in recorded:
            continue
        try:
            with session.begin_nested():
                session.add(
                    Escalation(
                        week=week,
                        escalated_on=today,
                        entity_type=record.entity_type,
                        entity_id=record.entity_id,
                        days_silent=record.days_silent,
                    )
                )
        except IntegrityError:
            continue  # another scheduler recorded it first
        added += 1
    return added


def _digest_failed(session: Session, address: str, error: BaseException, outcome: Outcome) -> None:
    session.rollback()
    log.warning("The digest to %s failed: %s", address, _describe(error))
    outcome.problems.append(f"Digest to {address}: {_describe(error)}")


def _deliver(
    session: Session,
    week: str,
    recipient_id: int | None,
    address: str,
    item_count: int,
    subject: str,
    body: str,
    now: datetime,
    counts: dict[str, int],
    outcome: Outcome,
) -> None:
    """Queue one digest at most once a week: its delivery row and its email are
    committed together, and the unique (week, recipient) of the row decides who queues
    it, so two schedulers cannot both send it and a failure leaves neither, for a retry.
    """
    session.rollback()  # end any read before writing (SQLite)
    delivery = DigestDelivery(
        week=week, recipient_id=recipient_id or 0, sent_at=now, item_count=item_count
    )
    try:
        with session.begin_nested():
            session.add(delivery)
            queue_email(session, address, subject, body)
    except IntegrityError:
        session.rollback()
        counts["already"] += 1
        return
    except Exception as error:  # noqa: BLE001 - recorded; the other digests go on
        _digest_failed(session, address, error, outcome)
        return
    session.commit()
    counts["sent"] += 1


# --- reports asked for from the workspace ------------------------------------------------------


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    """Waiting requests, and requests whose scheduler has not finished them in time."""
    return sa.or_(
        col(ReportRequest.state) == ReportRequestState.QUEUED,
        sa.and_(
            col(ReportRequest.state) == ReportRequestState.RUNNING,
            col(ReportRequest.started_at) < now - REQUEST_TIMEOUT,
        ),
    )


def claim_request(
    session: Session, request_id: int, now: datetime, worker: str
) -> ReportRequest | None:
    """Claim one request with a single conditional UPDATE; committed.

    The UPDATE changes the row only while it is still claimable, and the row count says
    whether this worker won: on SQLite writes take turns, and on PostgreSQL a second
    UPDATE of the same row waits for the first and then finds it no longer claimable.
    """
    now = _utc(now)
    result = session.execute(
        sa.update(ReportRequest)
        .where(col(ReportRequest.id) == request_id, _claimable(now))
        .values(
            state=ReportRequestState.RUNNING,
            claimed_by=worker[:120],
            started_at=now,
            finished_at=None,
            error=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if _rowcount(result) != 1:
        return None
    request = session.get(ReportRequest, request_id)
    if request is not None:
        session.refresh(request)
    return request


def process_report_requests(session: Session, now: datetime, worker: str) -> list[int]:
    """Generate every report waiting in the queue, oldest first; returns the ids of the
    requests this worker handled (each now Ready or Failed)."""
    now = _utc(now)
    handled: list[int] = []
    while True:
        waiting = session.exec(
            select(ReportRequest.id)
            .where(_claimable(now))
            .order_by(col(ReportRequest.requested_at), col(ReportRequest.id))
            .limit(10)
        ).all()
        session.rollback()  # end the read before claiming (SQLite)
        claimed = None
        for request_id in waiting:
            if request_id is not None:
                claimed = claim_request(session, request_id, now, worker)
            if claimed is not None:
                break
        if claimed is None:
            return handled
        _generate_requested(session, claimed, now, worker)
        handled.append(claimed.id or 0)


def _generate_requested(
    session: Session, request: ReportRequest, now: datetime, worker: str
) -> None:
    """Generate the report for a claimed request and mark it Ready, in one transaction;
    on failure, mark it Failed with the reason."""
    request_id = request.id
    still_ours = sa.and_(
        col(ReportRequest.id) == request_id,
        col(ReportRequest.state) == ReportRequestState.RUNNING,
        col(ReportRequest.claimed_by) == worker[:120],
    )
    started = monotonic_time.monotonic()

    def finished_at() -> datetime:
        return now + timedelta(seconds=monotonic_time.monotonic() - started)

    def mark_done(report: Report) -> bool:
        result = session.execute(
            sa.update(ReportRequest)
            .where(still_ours)
            .values(state=ReportRequestState.DONE, report_id=report.id, finished_at=finished_at())
            .execution_options(synchronize_session=False)
        )
        # Zero rows: this worker took too long and another has claimed the request; its
        # report will stand, and this one is not kept.
        return _rowcount(result) == 1

    try:
        period = parse_period(request.period)
        partner = session.get(Partner, request.partner_id) if request.partner_id else None
        requester = session.get(User, request.requested_by_id) if request.requested_by_id else None
        _generate(
            session,
            period,
            partner,
            as_at=local_date(now),
            created_by=requester,
            before_commit=mark_done,
        )
    except Exception as error:  # noqa: BLE001 - the request records why it failed
        session.rollback()
        log.exception("Could not generate the report for request %s", request_id)
        session.execute(
            sa.update(ReportRequest)
            .where(still_ours)
            .values(
                state=ReportRequestState.FAILED, error=_describe(error), finished_at=finished_at()
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
    session.refresh(request)


# --- catching up on start ---------------------------------------------------------------------


def catch_up(session: Session, now: datetime, worker: str | None = None) -> list[JobRun]:
    """Do each job's latest due run if no scheduler has done it (it was down, the run
    failed, or it was cut short), and any waiting report requests. Returns the runs done.
    """
    runs = [
        quarterly_drafts(session, now, retry=True),
        weekly_digests(session, now, retry=True),
    ]
    process_report_requests(session, now, worker or worker_name())
    return [run for run in runs if run is not None]
