"""/you-said/YS-0042: a change of an issue's lead partner is part of its public history.

PRODUCT.md: nothing public changes without a trace; a reassigned owner appears in
the public history, dated, with the reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.factories import make_commitment, make_issue, make_partner, make_user
from tests.pages import RenderedPage, counting_selects, get_page
from tracker.models import LeadPartnerChange
from tracker.rendering import format_date


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def history(page: RenderedPage) -> list[tuple[str, str, str]]:
    return [
        (
            item.find("time").text,
            item.find(cls="app-history__title").text,
            " ".join(p.text for p in item.find_all("p")[1:]),
        )
        for item in page.main.find("ol", cls="app-history").find_all("li", cls="app-history__item")
    ]


def change_lead(session, issue, new, when: datetime, reason: str) -> LeadPartnerChange:
    change = LeadPartnerChange(
        issue_id=issue.id,
        changed_at=when,
        previous_partner_id=issue.lead_partner_id,
        new_partner_id=new.id,
        reason=reason,
        changed_by_id=make_user(session).id,
    )
    session.add(change)
    issue.lead_partner_id = new.id
    session.flush()
    return change


def test_a_change_of_lead_partner_shows_in_the_history_with_its_date_and_reason(client, session):
    council = make_partner(session, name="Vale District Council")
    hospital = make_partner(session, name="Riverside Hospitals")
    issue = make_issue(session, raised_on=date(2026, 2, 1), lead_partner=council, people_count=None)
    change_lead(session, issue, hospital, at(date(2026, 2, 20)), "The hospital runs the clinic.")
    commitment = make_commitment(
        session, issue=issue, partner=hospital, committed_on=date(2026, 3, 1)
    )

    page = get_page(client, f"/you-said/{issue.reference}")

    assert history(page) == [
        ("1 February 2026", "Residents raised this issue", "Raised by residents."),
        (
            "20 February 2026",
            "Lead partner changed from Vale District Council to Riverside Hospitals",
            "Reason: The hospital runs the clinic.",
        ),
        (
            "1 March 2026",
            f"Commitment {commitment.reference} made",
            f"Riverside Hospitals committed to: {commitment.title}. "
            f"Target date: {format_date(commitment.original_target_date)}.",
        ),
    ]
    # The page names the partner that leads it now.
    lead_links = [
        a for a in page.main.find_all("a") if a.attrs["href"] == "/partners/" + hospital.slug
    ]
    assert lead_links and lead_links[0].text == "Riverside Hospitals"


def test_a_first_lead_partner_for_an_unassigned_issue_reads_as_set(client, session):
    issue = make_issue(session, lead_partner=None, raised_on=date(2026, 2, 1))
    carers = make_partner(session, name="Vale Carers Centre")
    change_lead(session, issue, carers, at(date(2026, 2, 3)), "Carers asked us to lead it.")

    page = get_page(client, f"/you-said/{issue.reference}")

    assert history(page)[1] == (
        "3 February 2026",
        "Lead partner set to Vale Carers Centre",
        "Reason: Carers asked us to lead it.",
    )


def test_changes_on_one_day_keep_the_order_they_happened_in(client, session):
    first, second, third = (make_partner(session, name=name) for name in ("A", "B", "C"))
    issue = make_issue(session, lead_partner=first, raised_on=date(2026, 2, 1))
    change_lead(session, issue, second, at(date(2026, 2, 5), hour=9), "Morning.")
    change_lead(session, issue, third, at(date(2026, 2, 5), hour=16), "Afternoon.")

    titles = [title for _, title, _ in history(get_page(client, f"/you-said/{issue.reference}"))]

    assert titles[1:] == ["Lead partner changed from A to B", "Lead partner changed from B to C"]


def test_the_reason_is_shown_as_text(client, session):
    issue = make_issue(session)
    change_lead(session, issue, make_partner(session), at(date(2026, 2, 5)), "<b>bold</b> move")
    html = client.get(f"/you-said/{issue.reference}").get_data(as_text=True)
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; move" in html


def test_changes_of_lead_partner_do_not_add_queries(client, session, engine):
    issue = make_issue(session, raised_on=date(2026, 1, 1))
    make_commitment(session, issue=issue, committed_on=date(2026, 3, 1))
    with counting_selects(engine) as none:
        get_page(client, f"/you-said/{issue.reference}")
    for day in range(1, 6):
        change_lead(session, issue, make_partner(session), at(date(2026, 2, day)), f"Move {day}")
    with counting_selects(engine) as several:
        page = get_page(client, f"/you-said/{issue.reference}")
    assert len([t for _, t, _ in history(page) if t.startswith("Lead partner")]) == 5
    # The changes come with the issue itself: still the page's usual eight queries.
    assert len(none) == len(several) == 8
