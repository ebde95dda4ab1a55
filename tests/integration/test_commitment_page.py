"""/we-will/WW-0107: one commitment, what was promised, every target date it has had and
why it moved, and the timeline of what the partner did, hidden updates included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue, make_partner, make_update
from tests.pages import RenderedPage, counting_selects, get_page
from tracker.models import CommitmentStatus


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def summary(page: RenderedPage) -> dict[str, str]:
    """Every row of every summary list on the page, as a reader gets them."""
    return {
        row.find(cls="nhsuk-summary-list__key").text: row.find(cls="nhsuk-summary-list__value").text
        for row in page.main.find_all(cls="nhsuk-summary-list__row")
    }


def timeline(page: RenderedPage) -> list:
    return page.main.find("ol", cls="app-timeline").find_all("li", cls="app-timeline__item")


FIRST_PROMISED = date(2026, 3, 31)
SECOND = date(2026, 6, 30)
NOW_DUE = date(2026, 9, 30)


@pytest.fixture
def partner(session):
    return make_partner(session, name="Vale District Council", slug="vale-council")


@pytest.fixture
def delayed(session, partner):
    """A commitment delayed twice, with progress, evidence and a hidden update."""
    issue = make_issue(session, title="Buses stop before visiting ends", lead_partner=partner)
    commitment = make_commitment(
        session,
        issue=issue,
        partner=partner,
        title="Run a later bus to the hospital",
        description="Add a bus leaving the hospital at 9pm.\n\nIt will run every day.",
        success_measure="Visitors can stay until visiting ends and still get home.",
        accountable_role="Head of Transport Planning",
        committed_on=date(2025, 11, 3),
        original_target_date=FIRST_PROMISED,
        target_date=NOW_DUE,
        status=CommitmentStatus.DELAYED,
        status_reason="The bus company could not find drivers.",
        last_update_on=date(2026, 8, 1),
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2025, 12, 1)),
        narrative="We have asked the bus company for a price.",
        previous_status=CommitmentStatus.NOT_STARTED,
        new_status=CommitmentStatus.IN_PROGRESS,
        progress_percent=10,
        evidence_links=[
            {"title": "Board paper, December 2025", "url": "https://example.org/papers/dec-2025"},
            {"title": "Sneaky link", "url": "javascript:alert(document.cookie)"},
        ],
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 2, 10)),
        narrative="The route needs a new stop.",
        previous_status=CommitmentStatus.IN_PROGRESS,
        new_status=CommitmentStatus.DELAYED,
        previous_target_date=FIRST_PROMISED,
        new_target_date=SECOND,
        reason="A new bus stop needs planning permission.",
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 4, 2)),
        narrative="Contact Mrs Smith on 07700 900123 for details.",
        hidden_at=at(date(2026, 4, 3)),
        hidden_reason="It named a member of the public.",
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 6, 15)),
        narrative="Still no drivers.",
        previous_status=CommitmentStatus.DELAYED,
        new_status=CommitmentStatus.DELAYED,
        previous_target_date=SECOND,
        new_target_date=NOW_DUE,
        reason="The bus company could not find drivers.",
        progress_percent=40,
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 8, 1)),
        narrative="Drivers start training in September.",
        progress_percent=60,
    )
    return commitment


# --- What was promised ------------------------------------------------------------


def test_the_page_shows_what_was_promised_by_whom_and_in_answer_to_what(client, delayed):
    page = get_page(client, f"/we-will/{delayed.reference}")

    assert page.title.startswith(
        f"Commitment {delayed.reference}: Run a later bus to the hospital – "
    )
    assert [h for h in page.headings if h[0] == 1] == [
        (1, f"We will {delayed.reference}: Run a later bus to the hospital")
    ]
    assert "Add a bus leaving the hospital at 9pm." in page.main.text
    rows = summary(page)
    assert (
        rows["How we will know it worked"]
        == "Visitors can stay until visiting ends and still get home."
    )
    assert rows["Accountable"] == "Head of Transport Planning"
    assert rows["Partner"] == "Vale District Council"
    assert (
        rows["In answer to"]
        == f"You said {delayed.issue.reference}: Buses stop before visiting ends"
    )
    links = {a.text: a.attrs["href"] for a in page.main.find_all("a")}
    assert links["Vale District Council"] == "/partners/vale-council"
    assert links[f"You said {delayed.issue.reference}: Buses stop before visiting ends"] == (
        f"/you-said/{delayed.issue.reference}"
    )
    assert rows["Committed on"] == "3 November 2025"


def test_breadcrumbs_lead_home_then_to_the_list_then_this_commitment(client, delayed):
    page = get_page(client, f"/we-will/{delayed.reference}")

    crumbs = page.find("nav", cls="nhsuk-breadcrumb")
    assert [(a.text, a.attrs["href"]) for a in crumbs.find("ol").find_all("a")] == [
        ("Home", "/"),
        ("We will", "/we-will"),
        (delayed.reference, f"/we-will/{delayed.reference}"),
    ]
    assert crumbs.find("ol").find_all("a")[-1].attrs["aria-current"] == "page"
    # On phones the breadcrumb becomes a back link, which goes to the list.
    assert crumbs.find("a", cls="nhsuk-back-link").attrs["href"] == "/we-will"


def test_headings_are_in_order(client, delayed):
    levels = [level for level, _ in get_page(client, f"/we-will/{delayed.reference}").headings]

    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


# --- Status and flags -------------------------------------------------------------


def test_status_shows_its_flags_and_the_public_reason_for_a_delay(client, delayed):
    page = get_page(client, f"/we-will/{delayed.reference}")

    status = page.main.find(cls="app-commitment-status")
    # Due 30 September 2026 and last updated 115 days ago.
    assert [tag.text for tag in status.find_all(cls="nhsuk-tag")] == [
        "Delayed",
        "Overdue",
        "No recent update",
    ]
    reason = page.main.find(cls="app-commitment-reason")
    assert reason.text.endswith("Why it is delayed: The bus company could not find drivers.")


def test_an_overdue_silent_commitment_says_so(client, session):
    commitment = make_commitment(
        session,
        status=CommitmentStatus.IN_PROGRESS,
        committed_on=TODAY - timedelta(days=200),
        target_date=TODAY - timedelta(days=1),
        last_update_on=TODAY - timedelta(days=120),
    )

    page = get_page(client, f"/we-will/{commitment.reference}")

    status = page.main.find(cls="app-commitment-status")
    assert [tag.text for tag in status.find_all(cls="nhsuk-tag")] == [
        "In progress",
        "Overdue",
        "No recent update",
    ]
    assert "No recent update: nothing new for 120 days." in status.text
    assert "Overdue: the target date, 23 November 2026, has passed" in status.text
    assert summary(page)["Last update"] == "27 July 2026 (120 days ago)"


def test_a_commitment_not_going_ahead_gives_its_public_reason(client, session):
    commitment = make_commitment(
        session,
        status=CommitmentStatus.NOT_GOING_AHEAD,
        status_reason="The building was sold.",
        target_date=TODAY - timedelta(days=10),
    )

    page = get_page(client, f"/we-will/{commitment.reference}")

    assert page.main.find(cls="app-commitment-reason").text.endswith(
        "Why it is not going ahead: The building was sold."
    )
    # Closed: never Overdue.
    assert [
        t.text for t in page.main.find(cls="app-commitment-status").find_all(cls="nhsuk-tag")
    ] == ["Not going ahead"]


def test_a_delivered_commitment_shows_when_it_was_delivered(client, session):
    commitment = make_commitment(
        session,
        status=CommitmentStatus.DELIVERED,
        delivered_on=date(2026, 10, 1),
        status_reason="Left over from an earlier delay.",
    )

    page = get_page(client, f"/we-will/{commitment.reference}")

    assert summary(page)["Delivered on"] == "1 October 2026"
    # Only Delayed and Not going ahead show a reason.
    assert not page.main.find_all(cls="app-commitment-reason")


def test_a_commitment_without_updates_says_how_long_it_has_waited(client, session):
    commitment = make_commitment(session, committed_on=TODAY - timedelta(days=12))

    page = get_page(client, f"/we-will/{commitment.reference}")

    assert summary(page)["Last update"] == "No updates yet (12 days since it was made)"
    assert "0 updates, newest first." in page.main.text
    (made,) = timeline(page)
    assert made.find("time").attrs["datetime"] == (TODAY - timedelta(days=12)).isoformat()


# --- The target date and how it moved --------------------------------------------


def test_a_target_date_moved_twice_shows_every_earlier_date_why_and_the_slip(client, delayed):
    page = get_page(client, f"/we-will/{delayed.reference}")

    rows = summary(page)
    assert (
        rows["Target date"]
        == "30 September 2026 (moved 2 times; 183 days later than first promised)"
    )
    assert rows["First promised for"] == "31 March 2026"
    changes = page.main.find("ol", cls="app-target-dates").find_all("li")
    assert [c.text for c in changes] == [
        "On 10 February 2026, moved from 31 March 2026 to 30 June 2026 (91 days later). "
        "Why: A new bus stop needs planning permission.",
        "On 15 June 2026, moved from 30 June 2026 to 30 September 2026 (92 days later). "
        "Why: The bus company could not find drivers.",
    ]
    assert (
        "First promised for 31 March 2026. The target date has moved 2 times and is now "
        "30 September 2026: 183 days later than first promised."
    ) in page.main.text


def test_a_target_date_moved_and_moved_back_says_it_is_back_to_the_first_date(client, session):
    commitment = make_commitment(
        session, original_target_date=FIRST_PROMISED, target_date=FIRST_PROMISED
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 1, 5)),
        previous_target_date=FIRST_PROMISED,
        new_target_date=SECOND,
        reason="Waiting for funding.",
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 2, 5)),
        previous_target_date=SECOND,
        new_target_date=FIRST_PROMISED,
        reason="The funding came early.",
    )

    page = get_page(client, f"/we-will/{commitment.reference}")

    assert (
        summary(page)["Target date"]
        == "31 March 2026 (moved 2 times; back to the date first promised)"
    )
    assert len(page.main.find("ol", cls="app-target-dates").find_all("li")) == 2
    assert "(91 days earlier)" in page.main.text


def test_a_target_date_never_moved_says_so(client, session):
    commitment = make_commitment(session, target_date=date(2027, 1, 31))
    make_update(session, commitment=commitment, posted_at=at(date(2026, 11, 1)))

    page = get_page(client, f"/we-will/{commitment.reference}")

    assert summary(page)["Target date"] == "31 January 2027"
    assert "First promised for" not in summary(page)
    assert "The target date has not moved: it is the date first promised." in page.main.text
    assert not page.main.find_all("ol", cls="app-target-dates")


# --- The timeline of updates ------------------------------------------------------


def test_updates_are_shown_newest_first_ending_with_the_day_it_was_made(client, delayed):
    page = get_page(client, f"/we-will/{delayed.reference}")

    items = timeline(page)
    assert [item.find("time").attrs["datetime"] for item in items] == [
        "2026-08-01",
        "2026-06-15",
        "2026-04-02",
        "2026-02-10",
        "2025-12-01",
        "2025-11-03",
    ]
    assert items[0].find("h3").text == "1 August 2026"
    assert "5 updates, newest first." in page.main.text
    assert items[-1].text == (
        "3 November 2025 Vale District Council made this commitment, "
        "with a target date of 31 March 2026."
    )


def test_each_update_shows_its_words_status_change_progress_and_target_date_change(client, delayed):
    items = timeline(get_page(client, f"/we-will/{delayed.reference}"))

    latest, second_move, _, first_move, first = items[:5]
    assert latest.find(cls="app-timeline__narrative").text == "Drivers start training in September."
    assert "Progress: 60%" in latest.text
    assert "Status changed" not in latest.text
    assert "Status changed from In progress to Delayed." in first_move.text
    assert (
        "Target date moved from 31 March 2026 to 30 June 2026 (91 days later)." in first_move.text
    )
    assert "Reason: A new bus stop needs planning permission." in first_move.text
    # Delayed again: no status change, but the date moved.
    assert "Status changed" not in second_move.text
    assert "Target date moved from 30 June 2026 to 30 September 2026" in second_move.text
    assert "Status changed from Not started to In progress." in first.text
    assert "Progress: 10%" in first.text


def test_a_hidden_update_leaves_a_dated_trace_with_the_reason_but_not_its_words(client, delayed):
    page = get_page(client, f"/we-will/{delayed.reference}")

    hidden = timeline(page)[2]
    assert "app-timeline__item--hidden" in hidden.classes
    assert hidden.find("h3").text == "2 April 2026"
    assert hidden.find(cls="app-timeline__hidden").text == (
        "Update hidden on 3 April 2026: It named a member of the public."
    )
    assert "Mrs Smith" not in page.main.text
    assert "07700 900123" not in page.main.text


def test_a_hidden_update_that_moved_the_date_keeps_the_move_but_not_its_reason(client, session):
    commitment = make_commitment(session, original_target_date=FIRST_PROMISED, target_date=SECOND)
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 2, 1)),
        narrative="Moved because of Mr Jones.",
        previous_target_date=FIRST_PROMISED,
        new_target_date=SECOND,
        reason="Mr Jones complained.",
        hidden_at=at(date(2026, 2, 2)),
        hidden_reason="It named a member of the public.",
    )

    page = get_page(client, f"/we-will/{commitment.reference}")

    assert "Mr Jones" not in page.main.text
    assert (
        summary(page)["Target date"]
        == "30 June 2026 (moved once; 91 days later than first promised)"
    )
    (change,) = page.main.find("ol", cls="app-target-dates").find_all("li")
    assert change.text.endswith("The reason was given in an update that has since been hidden.")
    assert "Target date moved from 31 March 2026 to 30 June 2026" in timeline(page)[0].text


def test_evidence_links_show_their_host_and_only_web_addresses_are_clickable(client, delayed):
    page = get_page(client, f"/we-will/{delayed.reference}")

    evidence = timeline(page)[4].find("ul", cls="app-evidence")
    first, second = evidence.find_all("li")
    link = first.find("a")
    assert link.text == "Board paper, December 2025"
    assert link.attrs["href"] == "https://example.org/papers/dec-2025"
    assert set(link.attrs["rel"].split()) == {"nofollow", "noopener"}
    assert first.text == "Board paper, December 2025 (example.org)"
    assert not second.find_all("a")
    assert "javascript:alert(document.cookie)" in second.text
    hrefs = [a.attrs.get("href", "") for a in page.find_all("a")]
    assert not [href for href in hrefs if href.strip().lower().startswith("javascript:")]


def test_the_page_links_a_stylesheet_that_prints_the_record_without_the_site(
    app, client, delayed, project_root: Path
):
    page = get_page(client, f"/we-will/{delayed.reference}")

    stylesheets = [
        link.attrs["href"]
        for link in page.find_all("link")
        if link.attrs.get("rel") == "stylesheet"
    ]
    assert "/static/css/we_will.css" in stylesheets
    css = (project_root / "static" / "css" / "we_will.css").read_text()
    print_rules = css[css.index("@media print") :]
    for hidden in (".nhsuk-header", ".nhsuk-footer", ".nhsuk-breadcrumb", "form"):
        assert hidden in print_rules.split("display: none")[0]
    assert "attr(href)" in print_rules
    assert page.main.find(cls="app-commitment-print-only").text == (
        f"{app.config['PUBLIC_BASE_URL']}/we-will/{delayed.reference}"
    )


# --- Addresses that hold no commitment -------------------------------------------


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "/we-will/WW-9999",
            "There is no commitment with the reference WW-9999. Check the reference, "
            "or find the commitment in the list of commitments partners made.",
        ),
        (
            "/we-will/banana",
            "“banana” is not a reference we recognise. Commitment references look like "
            "WW-0107: check the address, or browse the list of commitments.",
        ),
        (
            "/we-will/YS-0001",
            "“YS-0001” is not a reference we recognise. Commitment references look like "
            "WW-0107: check the address, or browse the list of commitments.",
        ),
    ],
)
def test_an_unknown_or_malformed_reference_gives_a_helpful_not_found_page(
    client, session, address, message
):
    make_commitment(session)

    page = get_page(client, address, status=404)

    assert page.find("h1").text == "Page not found"
    assert message in page.main.text
    assert page.main.find("a", cls=None)  # links onward to the lists


@pytest.mark.parametrize(
    "address",
    [
        "/we-will/" + "W" * 3000,
        "/we-will/WW-" + "9" * 40,
        "/we-will/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/we-will/WW-0001%00",
        "/we-will/%F0%9F%98%80",
    ],
)
def test_odd_references_give_a_not_found_page_not_an_error(client, session, address):
    response = client.get(address)

    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("spelling", ["ww-{n}", "WW{n:04d}", "ww-{n:04d}", "WW-{n:06d}"])
def test_other_spellings_of_a_reference_lead_to_its_one_address(client, session, spelling):
    commitment = make_commitment(session)

    response = client.get("/we-will/" + spelling.format(n=commitment.number))

    assert response.status_code == 301
    assert response.headers["Location"] == f"/we-will/{commitment.reference}"


# --- A page's query count is fixed ----------------------------------------------


def test_the_page_takes_two_queries_however_many_updates_it_has(client, session, engine, delayed):
    address = f"/we-will/{delayed.reference}"
    with counting_selects(engine) as few:
        assert client.get(address).status_code == 200
    for n in range(30):
        make_update(
            session,
            commitment=delayed,
            posted_at=at(date(2026, 9, 1)) + timedelta(hours=n),
            narrative=f"Update {n}.",
            previous_target_date=NOW_DUE,
            new_target_date=NOW_DUE + timedelta(days=n + 1),
            reason="More delays.",
            evidence_links=[{"title": "Paper", "url": f"https://example.org/{n}"}],
        )
    with counting_selects(engine) as many:
        page = get_page(client, address)

    assert len(timeline(page)) == 5 + 30 + 1
    assert len(few) == len(many) == 2
