"""The audit log view: admins only, newest first, filterable, before and after shown."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_commitment, make_user
from tests.html_validator import check_html, describe
from tests.pages import get_page, notices
from tests.workspace import make_signed_in
from tracker.models import AuditEvent, Role


def add_event(session, **fields) -> AuditEvent:
    defaults = {
        "occurred_at": datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        "action": "commitment.edited",
        "entity_type": "commitment",
        "entity_id": 1,
    }
    event = AuditEvent(**{**defaults, **fields})
    session.add(event)
    session.flush()
    return event


def entry_headings(page) -> list[str]:
    return [heading.text for heading in page.find_all("h3")]


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/manage/audit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/manage/audit")


@pytest.mark.parametrize("role", [Role.ENGAGEMENT, Role.PARTNER])
def test_only_admins_may_read_the_log(client, session, role):
    make_signed_in(client, session, role)
    page = get_page(client, "/manage/audit", status=403)
    assert "You cannot do that" in page.title


def test_admin_sees_each_change_with_who_when_and_before_and_after(client, session):
    editor = make_user(session, name="Ada Editor", role=Role.ENGAGEMENT)
    add_event(
        session,
        user_id=editor.id,
        action="commitment.edited",
        entity_id=7,
        before={"title": "Old <b>title</b>"},
        after={"title": "New title"},
    )
    add_event(
        session,
        action="demo.loaded",
        entity_type="system",
        entity_id=None,
        occurred_at=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
    )
    make_signed_in(client, session, Role.ADMIN)

    page = get_page(client, "/manage/audit")

    assert page.title.startswith("Audit log – ")
    assert entry_headings(page) == ["demo.loaded on system", "commitment.edited on commitment 7"]
    text = page.main.text
    assert "Ada Editor" in text and "The command line or a scheduled job" in text
    assert "Old <b>title</b>" in text and "New title" in text
    html = client.get("/manage/audit").get_data(as_text=True)
    assert "Old &lt;b&gt;title&lt;/b&gt;" in html


def test_each_event_time_is_a_valid_machine_readable_moment_in_utc(client, session):
    # Stored moments carry microseconds; a <time datetime> value may carry at most
    # three digits of a second's fraction, so the page gives whole seconds in UTC.
    add_event(session, occurred_at=datetime(2026, 7, 1, 13, 45, 7, 123456, tzinfo=UTC))
    make_signed_in(client, session, Role.ADMIN)

    page = get_page(client, "/manage/audit")

    moment = page.main.find("time")
    assert moment.attrs["datetime"] == "2026-07-01T13:45:07Z"
    assert moment.text == "2:45pm on 1 July 2026"


def test_a_moment_reads_back_aware_in_utc_as_it_was_stored(session):
    # Both databases give back the moment stored, aware and in UTC, whatever zone it
    # was written in, so no reader has to mend it.
    written = datetime(2026, 7, 1, 14, 45, 7, 123456, tzinfo=ZoneInfo("Europe/London"))
    event = add_event(session, occurred_at=written)
    session.expire_all()

    read = session.get(AuditEvent, event.id).occurred_at

    assert read == written
    assert read.tzinfo == UTC
    assert read.isoformat() == "2026-07-01T13:45:07.123456+00:00"


def test_filters_narrow_the_log_and_keep_their_values(client, session):
    editor = make_user(session, name="Ada Editor", role=Role.ENGAGEMENT)
    commitment = make_commitment(session)
    add_event(session, user_id=editor.id, action="commitment.edited", entity_id=commitment.id)
    add_event(session, user_id=editor.id, action="issue.created", entity_type="issue")
    add_event(session, action="commitment.edited", entity_id=commitment.id + 1000)
    make_signed_in(client, session, Role.ADMIN)

    by_person = get_page(client, f"/manage/audit?user={editor.id}")
    assert by_person.headings[1] == (2, "2 entries")

    by_record = get_page(client, f"/manage/audit?record={commitment.reference.lower()}")
    assert entry_headings(by_record) == [f"commitment.edited on commitment {commitment.id}"]
    record_input = next(e for e in by_record.find_all("input") if e.attrs.get("name") == "record")
    assert record_input.attrs["value"] == commitment.reference

    by_action = get_page(client, "/manage/audit?action=issue.created")
    assert entry_headings(by_action) == ["issue.created on issue 1"]

    by_date = get_page(client, "/manage/audit?from=2026-11-21&to=2026-11-30")
    assert by_date.headings[1] == (2, "0 entries")


def test_unreadable_filters_give_a_notice_not_an_error(client, session):
    make_signed_in(client, session, Role.ADMIN)
    page = get_page(client, "/manage/audit?user=someone&from=31/02/2026&page=0")
    assert any("person in the address was not recognised" in n for n in notices(page))
    assert any("from date was not recognised" in n for n in notices(page))


def test_the_log_page_is_valid_html(client, session):
    add_event(session, before={"status": "in_progress"}, after={"status": "delivered"})
    make_signed_in(client, session, Role.ADMIN)
    html = client.get("/manage/audit").get_data(as_text=True)
    errors = check_html({"audit log": html})
    assert not errors["audit log"], describe(errors)


def test_htmx_gets_only_the_results(client, session):
    add_event(session, action="issue.created", entity_type="issue")
    make_signed_in(client, session, Role.ADMIN)
    response = client.get("/manage/audit?action=issue.created", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="results-heading"' in html
    assert "issue.created" in html and "on issue 1" in html
