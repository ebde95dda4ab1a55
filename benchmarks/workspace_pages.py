"""How fast the staff workspace's pages render against the large dataset.

The large dataset has no staff and no audit log, so this benchmark adds them to the
benchmark database once (and finds them there when it runs again): about ninety
accounts (two partner leads for every partner, an engagement team and two admins)
and :data:`AUDIT_EVENTS` audit events in bulk, one for every engagement, issue,
commitment and update the dataset holds, as the workspace would have written them,
topped up with edits of commitments.

Each page is requested through the app in this process, signed in as the person
who would use it: the partner lead of the partner with the most commitments, an
engagement officer, or an admin. Workspace pages are never cached, so every
request renders the page and runs its queries. Figures are the median and 95th
percentile of repeated requests after one warm-up request, and the number of SQL
statements one request runs: pairs of records with the most and the fewest rows
below them show whether that number grows with the rows (an N+1 query would).
Posting an update is timed through the form too: the write, its audit event and
the data version's advance, up to the redirect that follows.
"""

from __future__ import annotations

import random
import re
import secrets
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from itertools import islice
from math import ceil
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from benchmarks import BenchmarkDatabase, BenchmarkResult, ensure_large_dataset, measured_on
from tracker import audit, clock, create_app
from tracker.db import get_database
from tracker.manage import auth
from tracker.manage.passwords import hash_password
from tracker.models import (
    AuditEvent,
    Commitment,
    Engagement,
    Issue,
    Partner,
    Role,
    Update,
    User,
    format_reference,
)
from tracker.queries.pagination import PAGE_SIZE
from tracker.rules import CLOSED_STATUSES

TITLE = "Staff workspace pages on the large dataset"
REQUESTS = 20
#: Updates posted through the form, each timed.
UPDATE_POSTS = 50
#: The audit log's size: a few years of a busy ICS's writes.
AUDIT_EVENTS = 200_000
#: A member of staff waits for these: the slowest 5% of views within a second.
BUDGET_P95_MS = 1000.0
#: Accounts this benchmark adds have addresses here, so a second run finds them.
ACCOUNT_DOMAIN = "workspace-benchmark.example"
LEADS_PER_PARTNER = 2
ENGAGEMENT_OFFICERS = 6
ADMINS = 2
#: Rows written to the audit log per statement.
BATCH = 5_000

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ellen",
    "Farid",
    "Gemma",
    "Hamza",
    "Isla",
    "Jonah",
    "Kiran",
    "Leah",
    "Marcus",
    "Nadia",
    "Owen",
    "Poppy",
    "Rahul",
    "Sofia",
    "Theo",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zara",
]
SURNAMES = [
    "Adeyemi",
    "Barker",
    "Chowdhury",
    "Doyle",
    "Evans",
    "Fraser",
    "Gill",
    "Hussain",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Novak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
]
NARRATIVES = (
    "We ran two more evening clinics this week and booked 38 appointments.",
    "The new phone menu went live on Monday; waits at 8am fell to under ten minutes.",
    "We met the residents' group again and agreed the leaflet wording with them.",
    "Recruitment for the two link worker posts closed; interviews are next week.",
    "The pilot in Northgate is running; we will report the first figures next month.",
)


@dataclass(frozen=True)
class Accounts:
    """The people whose pages are measured."""

    admin_id: int
    officer_id: int
    lead_id: int
    partner_slug: str


@dataclass(frozen=True)
class WorkspacePage:
    label: str
    address: str
    #: Who requests it.
    user_id: int


# --- Staff and the audit log, added once ------------------------------------------


def _account_email(label: str) -> str:
    return f"{label}@{ACCOUNT_DOMAIN}"


def _busiest_partner(session: Session) -> Partner:
    """The partner with the most commitments (the lowest id of any tie)."""
    count = sa.func.count(col(Commitment.id))
    partner_id = session.exec(
        select(Commitment.partner_id)
        .group_by(col(Commitment.partner_id))
        .order_by(count.desc(), col(Commitment.partner_id))
        .limit(1)
    ).one()
    partner = session.get(Partner, partner_id)
    assert partner is not None
    return partner


def _ensure_accounts(session: Session, busiest: Partner) -> Accounts:
    """Every account this benchmark uses, added (with their audit events) when missing."""
    partners = session.exec(select(Partner).order_by(col(Partner.id))).all()
    wanted: list[tuple[str, Role, int | None]] = [
        (_account_email(f"admin-{n}"), Role.ADMIN, None) for n in range(1, ADMINS + 1)
    ]
    wanted += [
        (_account_email(f"engagement-{n}"), Role.ENGAGEMENT, None)
        for n in range(1, ENGAGEMENT_OFFICERS + 1)
    ]
    wanted += [
        (_account_email(f"{partner.slug}-{n}"), Role.PARTNER, partner.id)
        for partner in partners
        for n in range(1, LEADS_PER_PARTNER + 1)
    ]
    existing = set(
        session.exec(select(User.email).where(col(User.email).endswith(f"@{ACCOUNT_DOMAIN}"))).all()
    )
    missing = [account for account in wanted if account[0] not in existing]
    if missing:
        # One hash of a password nobody knows: these accounts are signed in by the
        # benchmark itself, never through the form.
        password_hash = hash_password(secrets.token_urlsafe(24))
        names = random.Random(7)
        for email, role, partner_id in missing:
            user = User(
                email=email,
                name=f"{names.choice(FIRST_NAMES)} {names.choice(SURNAMES)}",
                role=role,
                partner_id=partner_id,
                password_hash=password_hash,
                created_at=clock.now(),
            )
            session.add(user)
            session.flush()
            audit.record(
                session,
                actor=None,
                action="user.created",
                entity_type="user",
                entity_id=user.id,
                after={"email": email, "name": user.name, "role": role, "partner_id": partner_id},
            )
        session.commit()

    def account_id(email: str) -> int:
        user_id = session.exec(select(User.id).where(col(User.email) == email)).one()
        assert user_id is not None
        return user_id

    return Accounts(
        admin_id=account_id(_account_email("admin-1")),
        officer_id=account_id(_account_email("engagement-1")),
        lead_id=account_id(_account_email(f"{busiest.slug}-1")),
        partner_slug=busiest.slug,
    )


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _batches(session: Session, statement: Any, key: Any) -> Iterator[Any]:
    """Rows of ``statement`` in order of ``key``, read a batch at a time."""
    last = 0
    while True:
        rows = session.execute(statement.where(key > last).order_by(key).limit(BATCH)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _audit_events(session: Session, today: date) -> Iterator[dict[str, Any]]:
    """Events for the dataset's records, as the workspace writes them, then edits."""
    leads: dict[int, list[int]] = {}
    for user_id, partner_id in session.execute(
        sa.select(col(User.id), col(User.partner_id)).where(
            col(User.role) == Role.PARTNER, col(User.email).endswith(f"@{ACCOUNT_DOMAIN}")
        )
    ):
        leads.setdefault(partner_id, []).append(user_id)
    officers = list(
        session.execute(
            sa.select(col(User.id)).where(
                col(User.role) == Role.ENGAGEMENT, col(User.email).endswith(f"@{ACCOUNT_DOMAIN}")
            )
        ).scalars()
    )
    chance = random.Random(170)

    def event(
        moment: datetime, user_id: int | None, action: str, kind: str, record_id: int, **json: Any
    ) -> dict[str, Any]:
        return {
            "occurred_at": _utc(moment),
            "user_id": user_id,
            "action": action,
            "entity_type": kind,
            "entity_id": record_id,
            "before": audit.json_value(json.get("before")),
            "after": audit.json_value(json.get("after")),
        }

    engagements = sa.select(
        col(Engagement.id),
        col(Engagement.number),
        col(Engagement.title),
        col(Engagement.started_on),
        col(Engagement.created_at),
    )
    for engagement_id, number, title, started_on, created_at in _batches(
        session, engagements, col(Engagement.id)
    ):
        yield event(
            created_at,
            chance.choice(officers),
            "engagement.created",
            "engagement",
            engagement_id,
            after={"number": number, "title": title, "started_on": started_on},
        )

    issues = sa.select(
        col(Issue.id),
        col(Issue.number),
        col(Issue.title),
        col(Issue.raised_on),
        col(Issue.lead_partner_id),
        col(Issue.created_at),
    )
    for issue_id, number, title, raised_on, lead_partner_id, created_at in _batches(
        session, issues, col(Issue.id)
    ):
        yield event(
            created_at,
            chance.choice(officers),
            "issue.created",
            "issue",
            issue_id,
            after={
                "number": number,
                "title": title,
                "raised_on": raised_on,
                "lead_partner_id": lead_partner_id,
            },
        )

    commitments = sa.select(
        col(Commitment.id),
        col(Commitment.number),
        col(Commitment.issue_id),
        col(Commitment.partner_id),
        col(Commitment.title),
        col(Commitment.original_target_date),
        col(Commitment.created_at),
    )
    for commitment_id, number, issue_id, partner_id, title, target, created_at in _batches(
        session, commitments, col(Commitment.id)
    ):
        yield event(
            created_at,
            chance.choice(leads.get(partner_id) or officers),
            "commitment.created",
            "commitment",
            commitment_id,
            after={
                "number": number,
                "issue_id": issue_id,
                "partner_id": partner_id,
                "title": title,
                "original_target_date": target,
                "target_date": target,
                "status": "not_started",
                "version": 1,
            },
        )

    updates = sa.select(
        col(Update.id),
        col(Update.commitment_id),
        col(Commitment.partner_id),
        col(Update.posted_at),
        col(Update.narrative),
        col(Update.previous_status),
        col(Update.new_status),
        col(Update.progress_percent),
        col(Update.previous_target_date),
        col(Update.new_target_date),
        col(Update.reason),
        col(Update.evidence_links),
    ).join(Commitment, col(Commitment.id) == col(Update.commitment_id))
    for row in _batches(session, updates, col(Update.id)):
        (update_id, commitment_id, partner_id, posted_at, narrative, previous, new) = row[:7]
        progress, previous_target, new_target, reason, links = row[7:]
        yield event(
            posted_at,
            chance.choice(leads.get(partner_id) or officers),
            "commitment.update_posted",
            "commitment",
            commitment_id,
            before={"status": previous, "target_date": previous_target},
            after={
                "id": update_id,
                "narrative": narrative,
                "previous_status": previous,
                "new_status": new,
                "progress_percent": progress,
                "previous_target_date": previous_target,
                "new_target_date": new_target,
                "reason": reason,
                "evidence_links": links,
                "update_id": update_id,
                "status": new,
                "target_date": new_target or previous_target,
            },
        )

    # Then edits to the words of commitments, at any time in the last two years.
    start = datetime.combine(today - timedelta(days=730), time_of_day(9), tzinfo=UTC)
    ids = list(session.execute(sa.select(col(Commitment.id), col(Commitment.partner_id))).all())
    while True:
        commitment_id, partner_id = chance.choice(ids)
        yield event(
            start + timedelta(minutes=chance.randrange(730 * 24 * 60)),
            chance.choice(leads.get(partner_id) or officers),
            "commitment.edited",
            "commitment",
            commitment_id,
            before={"accountable_role": "Practice manager", "version": 3},
            after={"accountable_role": "Head of patient experience", "version": 4},
        )


def _ensure_audit_log(session: Session, today: date) -> int:
    """Fill the audit log up to :data:`AUDIT_EVENTS` events; the number stored after."""
    stored = session.exec(select(sa.func.count()).select_from(AuditEvent)).one()
    if stored < AUDIT_EVENTS:
        events = _audit_events(session, today)
        while batch := list(islice(events, min(BATCH, AUDIT_EVENTS - stored))):
            session.execute(sa.insert(AuditEvent), batch)
            stored += len(batch)
            if stored >= AUDIT_EVENTS:
                break
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            # As autovacuum would soon after: plans then suit the rows just written.
            session.execute(sa.text("ANALYZE audit_event, user_account"))
            session.commit()
    return stored


# --- The pages --------------------------------------------------------------------


def _record_by_children(
    session: Session, model: Any, child_key: Any, *, most: bool
) -> tuple[str, int]:
    """The reference of the ``model`` record with the most (or fewest, but some) children,
    and how many it has."""
    count = sa.func.count()
    number, children = session.execute(
        sa.select(model.number, count)
        .join_from(model, child_key.table, child_key == model.id)
        .group_by(model.id, model.number)
        .order_by(count.desc() if most else count.asc(), model.number)
        .limit(1)
    ).one()
    return format_reference(model.REFERENCE_PREFIX, number), children


def _pages(session: Session, accounts: Accounts, today: date) -> list[WorkspacePage]:
    """Every page measured, with who requests it, on records of the large dataset."""
    open_commitments = session.exec(
        select(sa.func.count())
        .select_from(Commitment)
        .where(col(Commitment.status).not_in(CLOSED_STATUSES))
    ).one()
    issues = session.exec(select(sa.func.count()).select_from(Issue)).one()
    events = session.exec(select(sa.func.count()).select_from(AuditEvent)).one()
    commitment_issue = Commitment.__table__.c.issue_id  # type: ignore[attr-defined]
    update_commitment = Update.__table__.c.commitment_id  # type: ignore[attr-defined]
    busiest_issue, most_commitments = _record_by_children(
        session, Issue, commitment_issue, most=True
    )
    quietest_issue, fewest_commitments = _record_by_children(
        session, Issue, commitment_issue, most=False
    )
    busiest_commitment, most_updates = _record_by_children(
        session, Commitment, update_commitment, most=True
    )
    quietest_commitment, fewest_updates = _record_by_children(
        session, Commitment, update_commitment, most=False
    )
    busiest_person = session.execute(
        sa.select(col(AuditEvent.user_id))
        .where(col(AuditEvent.user_id).is_not(None))
        .group_by(col(AuditEvent.user_id))
        .order_by(sa.func.count().desc(), col(AuditEvent.user_id))
        .limit(1)
    ).scalar_one()
    # The whole of last month.
    month_end = today.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    last_open_page = ceil(open_commitments / PAGE_SIZE)
    last_issue_page = ceil(issues / PAGE_SIZE)
    lead, officer, admin = accounts.lead_id, accounts.officer_id, accounts.admin_id
    return [
        WorkspacePage("Partner lead's dashboard", "/manage", lead),
        WorkspacePage("Team's dashboard, all partners", "/manage", officer),
        WorkspacePage(
            f"Team's dashboard, last page ({last_open_page})",
            f"/manage?page={last_open_page}",
            officer,
        ),
        WorkspacePage(
            "Team's dashboard, one partner", f"/manage?partner={accounts.partner_slug}", officer
        ),
        WorkspacePage("Team's dashboard, finished", "/manage?show=finished", officer),
        WorkspacePage("Issues", "/manage/issues", officer),
        WorkspacePage("Issues, searched", "/manage/issues?q=appointments", officer),
        WorkspacePage(
            f"Issues, last page ({last_issue_page})",
            f"/manage/issues?page={last_issue_page}",
            officer,
        ),
        WorkspacePage("Partner lead's issues", "/manage/issues", lead),
        WorkspacePage(
            f"Issue with the most commitments ({most_commitments})",
            f"/manage/issues/{busiest_issue}",
            officer,
        ),
        WorkspacePage(
            f"Issue with the fewest commitments ({fewest_commitments})",
            f"/manage/issues/{quietest_issue}",
            officer,
        ),
        WorkspacePage(
            f"Commitment with the most updates ({most_updates})",
            f"/manage/commitments/{busiest_commitment}",
            officer,
        ),
        WorkspacePage(
            f"Commitment with the fewest updates ({fewest_updates})",
            f"/manage/commitments/{quietest_commitment}",
            officer,
        ),
        WorkspacePage("Engagements", "/manage/engagements", officer),
        WorkspacePage("Users", "/manage/users", officer),
        WorkspacePage(f"Audit log ({events:,} events)", "/manage/audit", admin),
        WorkspacePage(
            "Audit log, last page",
            f"/manage/audit?page={ceil(events / PAGE_SIZE)}",
            admin,
        ),
        WorkspacePage("Audit log, one person", f"/manage/audit?user={busiest_person}", admin),
        WorkspacePage(
            "Audit log, the commonest action",
            "/manage/audit?action=commitment.update_posted",
            admin,
        ),
        WorkspacePage(
            "Audit log, one record",
            f"/manage/audit?record={busiest_commitment}",
            admin,
        ),
        WorkspacePage(
            "Audit log, one month",
            f"/manage/audit?from={month_start.isoformat()}&to={month_end.isoformat()}",
            admin,
        ),
    ]


# --- Measuring --------------------------------------------------------------------


def _signed_in(app: Flask, user_id: int) -> FlaskClient:
    """A client signed in as ``user_id``, as the sign-in form leaves a session."""
    client = app.test_client()
    with app.test_request_context(), get_database(app).sessionmaker() as session:
        user = session.get(User, user_id)
        assert user is not None
        values = auth.session_values(user, second_factor_done=True)
    with client.session_transaction() as flask_session:
        flask_session.clear()
        flask_session.update(values)
    return client


class _StatementCounter:
    """Counts the SQL statements the app runs while it is in a ``with`` block."""

    def __init__(self, app: Flask) -> None:
        self.engine = get_database(app).engine
        self.count = 0

    def _seen(self, *_args: Any) -> None:
        self.count += 1

    def __enter__(self) -> _StatementCounter:
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def _time_page(app: Flask, page: WorkspacePage) -> tuple[list[float], int]:
    client = _signed_in(app, page.user_id)
    response = client.get(page.address)  # warm-up: templates compiled, connections open
    if response.status_code != 200:
        raise RuntimeError(f"{page.address} answered {response.status_code}")
    with _StatementCounter(app) as statements:
        client.get(page.address)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(page.address)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, statements.count


def _commitment_to_update(session: Session, partner_slug: str) -> tuple[str, int]:
    """The reference and version of the partner's first open commitment."""
    number, version = session.execute(
        sa.select(col(Commitment.number), col(Commitment.version))
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .where(col(Partner.slug) == partner_slug, col(Commitment.status).not_in(CLOSED_STATUSES))
        .order_by(col(Commitment.number))
        .limit(1)
    ).one()
    return format_reference(Commitment.REFERENCE_PREFIX, number), version


def _time_update_posts(app: Flask, accounts: Accounts) -> tuple[str, list[float], int]:
    """Post :data:`UPDATE_POSTS` updates through the form as the partner lead."""
    with app.app_context(), get_database(app).sessionmaker() as session:
        reference, version = _commitment_to_update(session, accounts.partner_slug)
    client = _signed_in(app, accounts.lead_id)
    page = f"/manage/commitments/{reference}"
    form = client.get(page).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if found is None:
        raise RuntimeError(f"No update form on {page}")
    timings: list[float] = []
    statements = 0
    for number in range(UPDATE_POSTS):
        data = {
            "csrf_token": found.group(1),
            "version": str(version),
            "return_to": page,
            "narrative": NARRATIVES[number % len(NARRATIVES)],
            "status": "",
            "progress_percent": str(number % 100),
            "new_target_date-day": "",
            "new_target_date-month": "",
            "new_target_date-year": "",
            "reason": "",
            **{f"evidence_{n}_{part}": "" for n in (1, 2, 3) for part in ("title", "url")},
        }
        counter = _StatementCounter(app)
        started = time.perf_counter()
        with counter:
            response = client.post(f"{page}/updates", data=data)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302:
            raise RuntimeError(f"Posting an update on {reference} answered {response.status_code}")
        statements = counter.count
        version += 1
    return reference, timings, statements


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _prepare(database: BenchmarkDatabase) -> tuple[Flask, Accounts, list[WorkspacePage]]:
    """The large dataset with staff and an audit log, an app on it, and the pages."""
    ensure_large_dataset(database)
    app = create_app({"DATABASE_URL": database.url, "PAGE_CACHE_DISABLED": True})
    with app.app_context(), get_database(app).sessionmaker() as session:
        today = clock.today()
        accounts = _ensure_accounts(session, _busiest_partner(session))
        started = time.perf_counter()
        stored = _ensure_audit_log(session, today)
        print(
            f"   {database.label}: {stored:,} audit events "
            f"({time.perf_counter() - started:.0f} s to check or add them)",
            flush=True,
        )
        pages = _pages(session, accounts, today)
    return app, accounts, pages


def run(databases: list[BenchmarkDatabase]) -> BenchmarkResult:
    """Time every workspace page that reads many rows, and posting an update, on each database."""
    lines = [
        f"## {TITLE}",
        "",
        measured_on(databases),
        "",
        f"The large dataset with staff accounts ({LEADS_PER_PARTNER} partner leads for every "
        f"partner, {ENGAGEMENT_OFFICERS} engagement officers, {ADMINS} admins) and an audit "
        f"log of {AUDIT_EVENTS:,} events. Each page is requested "
        f"{REQUESTS} times after a warm-up, through the app in the benchmark's own process, "
        "signed in as who would use it: the partner lead of the partner with the most "
        "commitments, an engagement officer, or an admin (the audit log). Workspace pages "
        "are never cached. Queries: SQL statements in one view, signing-in checks included. "
        f"Posting an update is {UPDATE_POSTS} posts of the update form as the partner lead, "
        "each timed from the request to the redirect (the update, its audit event and the "
        f"data version's advance, committed). Budget: 95th percentile under "
        f"{BUDGET_P95_MS:.0f} ms.",
        "",
    ]
    missed: list[str] = []
    for database in databases:
        app, accounts, pages = _prepare(database)
        lines += [
            f"### {database.label}",
            "",
            "| page | signed in as | median | p95 | queries |",
            "|---|---|---:|---:|---:|",
        ]
        roles = {
            accounts.lead_id: "partner lead",
            accounts.officer_id: "engagement",
            accounts.admin_id: "admin",
        }
        for page in pages:
            timings, queries = _time_page(app, page)
            median, p95 = statistics.median(timings), _p95(timings)
            print(
                f"   {database.label} {page.label}: {median:.0f} ms, p95 {p95:.0f} ms "
                f"({queries} queries)",
                flush=True,
            )
            lines.append(
                f"| {page.label} (`{page.address}`) | {roles[page.user_id]} "
                f"| {median:.0f} ms | {p95:.0f} ms | {queries} |"
            )
            if p95 > BUDGET_P95_MS:
                missed.append(f"{database.label} {page.label}: p95 {p95:.0f} ms")
        reference, timings, queries = _time_update_posts(app, accounts)
        median, p95 = statistics.median(timings), _p95(timings)
        print(f"   {database.label} posting an update: {median:.0f} ms ({queries} queries)")
        lines += [
            f"| Posting an update (`POST /manage/commitments/{reference}/updates`, "
            f"{UPDATE_POSTS} posts) | partner lead | {median:.0f} ms | {p95:.0f} ms | {queries} |",
            "",
        ]
        if p95 > BUDGET_P95_MS:
            missed.append(f"{database.label} posting an update: p95 {p95:.0f} ms")
        get_database(app).engine.dispose()
    return BenchmarkResult("\n".join(lines), missed)
