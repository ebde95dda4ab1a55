"""The commitments list and the commitment page are valid HTML on the demo data,
unfiltered, filtered, searched and paged, and with every part of a commitment's history."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from tests.html_validator import check_html, describe
from tracker.demo import DemoSummary
from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Partner,
    Theme,
    Update,
)


def test_commitment_pages_are_valid_html(
    app: Flask, session: Session, client: FlaskClient, demo_data: DemoSummary
) -> None:
    partner = session.exec(select(Partner).order_by(col(Partner.id))).first()
    theme = session.exec(select(Theme).order_by(col(Theme.id))).first()
    neighbourhood = session.exec(select(Area).where(col(Area.parent_id).is_not(None))).first()
    community = session.exec(select(Community).order_by(col(Community.id))).first()
    assert partner and theme and neighbourhood and community
    moved = session.exec(
        select(Commitment)
        .where(col(Commitment.target_date) != col(Commitment.original_target_date))
        .order_by(col(Commitment.number))
    ).first()
    delivered = session.exec(
        select(Commitment).where(col(Commitment.status) == CommitmentStatus.DELIVERED)
    ).first()
    not_started = session.exec(
        select(Commitment).where(col(Commitment.status) == CommitmentStatus.NOT_STARTED)
    ).first()
    assert moved and delivered and not_started
    # The demo hides nothing and links only to web pages: add a hidden update and an
    # evidence link that must not become a link, so their markup is checked too.
    update = session.exec(
        select(Update).where(col(Update.commitment_id) == moved.id).order_by(col(Update.posted_at))
    ).first()
    assert update is not None
    update.hidden_at = datetime(2026, 11, 1, 10, tzinfo=UTC)
    update.hidden_reason = "It named a member of the public."
    session.add(
        Update(
            commitment_id=moved.id,
            posted_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
            narrative="Papers for the board.",
            evidence_links=[
                {"title": "Board paper", "url": "https://example.org/board?a=1&b=2"},
                {"title": "Not a web page", "url": "javascript:alert(1)"},
                {"title": "", "url": "https://example.org/untitled"},
            ],
        )
    )
    session.commit()
    total = session.exec(select(sa.func.count()).select_from(Commitment)).one()
    assert total > 20  # enough for a second page

    paths = [
        "/we-will",
        f"/we-will?status=overdue&partner={partner.slug}",
        f"/we-will?theme={theme.slug}&area={neighbourhood.slug}&due=90&sort=target-date",
        f"/we-will?community={community.slug}&q=residents",
        "/we-will?q=residents",
        "/we-will?q=%3Cscript%3E&sort=last-update",
        "/we-will?q=zzzzzz",
        "/we-will?page=2",
        "/we-will?status=bogus&due=abc&page=-1&partner=nobody",
        f"/we-will/{moved.reference}",
        f"/we-will/{delivered.reference}",
        f"/we-will/{not_started.reference}",
        "/we-will/WW-9999",
        "/we-will/banana",
    ]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), f"{path} answered {response.status_code}"
        assert response.mimetype == "text/html"
        pages[path] = response.get_data(as_text=True)
    fragment = client.get("/we-will?status=overdue", headers={"HX-Request": "true"})
    pages["htmx fragment (wrapped)"] = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Fragment</title>'
        f"</head><body><main>{fragment.get_data(as_text=True)}</main></body></html>"
    )

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
