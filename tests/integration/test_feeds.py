"""Atom feeds of updates (/feeds/updates.atom and one per partner, theme, area, community,
issue and commitment), read with a real XML parser, on both databases."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.factories import (
    make_area,
    make_commitment,
    make_community,
    make_issue,
    make_partner,
    make_theme,
    make_update,
    make_user,
)
from tests.pages import counting_selects, get_page
from tracker.feeds import ATOM_CONTENT_TYPE, EMPTY_FEED_UPDATED, FEED_SIZE
from tracker.models import CommitmentStatus

PUBLIC = "https://tracker.example.nhs.uk"
ATOM = "{http://www.w3.org/2005/Atom}"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@pytest.fixture(autouse=True)
def public_address(app):
    app.config.update(PUBLIC_BASE_URL=PUBLIC)


def read_feed(client, url: str) -> ET.Element:
    """The feed at ``url``, parsed; checks what RFC 4287 requires of it and its entries."""
    response = client.get(url)
    assert response.status_code == 200, response.data[:500]
    assert response.headers["Content-Type"] == ATOM_CONTENT_TYPE
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert feed.find(ATOM + name) is not None, f"feed lacks {name}"
    links = {link.get("rel"): link for link in feed.findall(f"{ATOM}link")}
    assert links["self"].get("href") == PUBLIC + url
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("href").startswith(PUBLIC + "/")
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published", "content", "author/" + ATOM + "name"):
            assert entry.find(ATOM + name) is not None, f"entry lacks {name}"
        link = entry.find(f"{ATOM}link")
        assert link.get("rel") == "alternate"
        assert link.get("href").startswith(PUBLIC + "/we-will/WW-")
        assert entry.find(f"{ATOM}content").get("type") == "text"
        # RFC 3339, in UTC.
        datetime.strptime(entry.findtext(f"{ATOM}updated"), "%Y-%m-%dT%H:%M:%SZ")
    return feed


def entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def entry_ids(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]


# --- What an entry says ------------------------------------------------------------------


@pytest.fixture
def bus(session):
    """A commitment with a status change, a target date move, a plain update and a
    hidden update, posted by a named member of staff."""
    partner = make_partner(session, name="Vale District Council", slug="vale-council")
    author = make_user(session, name="Priya Staffname", email="priya@vale.example.gov.uk")
    commitment = make_commitment(
        session,
        partner=partner,
        issue=make_issue(session, lead_partner=partner),
        title="Run a later bus to the hospital",
        accountable_role="Head of Transport Planning",
        original_target_date=date(2027, 3, 1),
        target_date=date(2027, 6, 1),
        status=CommitmentStatus.DELAYED,
    )
    make_update(
        session,
        commitment=commitment,
        author=author,
        posted_at=at(date(2026, 9, 1)),
        narrative="We asked the bus company for a price.",
        previous_status=CommitmentStatus.NOT_STARTED,
        new_status=CommitmentStatus.IN_PROGRESS,
        progress_percent=10,
        evidence_links=[{"title": "Board paper", "url": "https://example.org/papers/sep"}],
    )
    make_update(
        session,
        commitment=commitment,
        author=author,
        posted_at=at(date(2026, 10, 1)),
        narrative="The route needs a new stop.",
        previous_status=CommitmentStatus.IN_PROGRESS,
        new_status=CommitmentStatus.DELAYED,
        previous_target_date=date(2027, 3, 1),
        new_target_date=date(2027, 6, 1),
        reason="A new bus stop needs planning permission.",
    )
    make_update(
        session,
        commitment=commitment,
        author=author,
        posted_at=at(date(2026, 11, 1)),
        narrative="Contact Mrs Smith on 07700 900123 for details.",
        reason="Secret reason",
        progress_percent=77,
        evidence_links=[{"title": "Private note", "url": "https://example.org/private"}],
        hidden_at=at(date(2026, 11, 3)),
        hidden_reason="It named a member of the public.",
    )
    make_update(
        session,
        commitment=commitment,
        author=author,
        posted_at=at(date(2026, 11, 10)),
        narrative="Drivers start training in January.",
    )
    return commitment


def test_a_commitment_feed_has_an_entry_per_update_newest_first(client, bus):
    feed = read_feed(client, f"/we-will/{bus.reference}/updates.atom")
    head = f"{bus.reference} Run a later bus to the hospital"
    assert entry_titles(feed) == [
        f"{head}: update posted",
        f"{head}: update hidden on 3 November 2026",
        f"{head}: status changed from In progress to Delayed and target date moved "
        "from 1 March 2027 to 1 June 2027",
        f"{head}: status changed from Not started to In progress",
    ]
    assert feed.findtext(f"{ATOM}updated") == "2026-11-10T10:00:00Z"
    assert feed.findtext(f"{ATOM}title").startswith(
        f"Updates on We will {bus.reference}: Run a later bus to the hospital – "
    )
    alternate = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate[0].get("href") == f"{PUBLIC}/we-will/{bus.reference}"
    page = f"{PUBLIC}/we-will/{bus.reference}"
    assert all(entry_id.startswith(page + "#update-") for entry_id in entry_ids(feed))
    assert len(set(entry_ids(feed))) == 4


def test_an_entry_holds_the_words_reason_progress_and_evidence(client, bus):
    feed = read_feed(client, f"/we-will/{bus.reference}/updates.atom")
    entries = feed.findall(f"{ATOM}entry")
    moved = entries[2].findtext(f"{ATOM}content")
    assert moved.startswith("The route needs a new stop.")
    assert "Status changed from In progress to Delayed." in moved
    assert "Target date moved from 1 March 2027 to 1 June 2027 (92 days later)." in moved
    assert "Reason: A new bus stop needs planning permission." in moved
    first = entries[3].findtext(f"{ATOM}content")
    assert "Progress: 10%" in first
    assert "Board paper: https://example.org/papers/sep" in first
    assert "Partner: Vale District Council. Accountable: Head of Transport Planning." in first
    assert entries[3].findtext(f"{ATOM}published") == "2026-09-01T10:00:00Z"


def test_a_hidden_update_keeps_its_entry_but_never_its_words(client, bus):
    response = client.get(f"/we-will/{bus.reference}/updates.atom")
    for secret in (b"Mrs Smith", b"07700", b"Secret reason", b"77%", b"Private note", b"private"):
        assert secret not in response.data
    entry = ET.fromstring(response.data).findall(f"{ATOM}entry")[1]
    notice = "Update hidden on 3 November 2026: It named a member of the public."
    assert entry.findtext(f"{ATOM}summary") == notice
    assert entry.findtext(f"{ATOM}content").startswith(notice)
    # Hiding changed the entry: a feed reader fetches it again and loses the words.
    assert entry.findtext(f"{ATOM}updated") == "2026-11-03T10:00:00Z"
    assert entry.findtext(f"{ATOM}published") == "2026-11-01T10:00:00Z"


def test_a_hidden_update_still_shows_the_status_change_and_date_move_it_made(client, session):
    commitment = make_commitment(session, title="Open a clinic", target_date=date(2027, 5, 1))
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 10, 1)),
        narrative="Words that were hidden.",
        previous_status=CommitmentStatus.IN_PROGRESS,
        new_status=CommitmentStatus.DELAYED,
        previous_target_date=date(2027, 1, 1),
        new_target_date=date(2027, 5, 1),
        hidden_at=at(date(2026, 10, 2)),
        hidden_reason=None,
    )
    feed = read_feed(client, f"/we-will/{commitment.reference}/updates.atom")
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == (
        f"{commitment.reference} Open a clinic: status changed from In progress to Delayed and "
        "target date moved from 1 January 2027 to 1 May 2027 (update hidden on 2 October 2026)"
    )
    content = entry.findtext(f"{ATOM}content")
    assert content.startswith("Update hidden on 2 October 2026: no reason was given")
    assert "Target date moved from 1 January 2027 to 1 May 2027 (120 days later)." in content
    assert "Words that were hidden" not in content


def test_no_staff_name_or_email_is_in_any_feed(client, bus):
    for url in ("/feeds/updates.atom", f"/we-will/{bus.reference}/updates.atom"):
        data = client.get(url).data
        assert b"Priya" not in data and b"Staffname" not in data and b"@vale" not in data
    feed = read_feed(client, f"/we-will/{bus.reference}/updates.atom")
    authors = {entry.findtext(f"{ATOM}author/{ATOM}name") for entry in feed.iter(f"{ATOM}entry")}
    assert authors == {"Vale District Council"}


def test_a_move_with_no_previous_date_recorded_moves_the_date_in_force(client, session):
    commitment = make_commitment(
        session, title="Open a clinic", original_target_date=date(2027, 1, 1)
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 9, 1)),
        new_target_date=date(2027, 2, 1),
    )
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 10, 1)),
        new_target_date=date(2027, 4, 1),
    )
    titles = entry_titles(read_feed(client, f"/we-will/{commitment.reference}/updates.atom"))
    head = f"{commitment.reference} Open a clinic: target date moved"
    assert titles == [
        f"{head} from 1 February 2027 to 1 April 2027",
        f"{head} from 1 January 2027 to 1 February 2027",
    ]


def test_text_that_xml_cannot_hold_is_removed_and_the_rest_escaped(client, session):
    commitment = make_commitment(session, title="Tricky & <b>bold</b> ]]> title\x0b")
    make_update(
        session,
        commitment=commitment,
        posted_at=at(date(2026, 10, 1)),
        narrative="A\x0bB\x01C\x1fD\x7fE <script>alert(1)</script> ]]> & done\r\nnext",
        reason="R\x0cR",
        new_status=CommitmentStatus.IN_PROGRESS,
        previous_status=CommitmentStatus.NOT_STARTED,
        evidence_links=[{"title": "Odd\x08 link", "url": "javascript:alert(1)"}],
    )
    response = client.get(f"/we-will/{commitment.reference}/updates.atom")
    for refused in (b"\x0b", b"\x01", b"\x1f", b"\x7f", b"\x08", b"\x0c", b"<script>", b"<b>"):
        assert refused not in response.data
    feed = read_feed(client, f"/we-will/{commitment.reference}/updates.atom")
    (entry,) = feed.findall(f"{ATOM}entry")
    content = entry.findtext(f"{ATOM}content")
    assert content.startswith("ABCDE <script>alert(1)</script> ]]> & done\nnext")
    assert "Reason: RR" in content
    assert "Odd link: javascript:alert(1) (not a web address, so not linked)" in content
    assert entry.findtext(f"{ATOM}title").startswith(
        f"{commitment.reference} Tricky & <b>bold</b> ]]> title:"
    )


def test_a_feed_with_no_updates_has_a_fixed_updated_time(client, session):
    commitment = make_commitment(session)
    feed = read_feed(client, f"/we-will/{commitment.reference}/updates.atom")
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == EMPTY_FEED_UPDATED.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_feed_holds_the_newest_fifty_updates(client, session):
    commitment = make_commitment(session)
    start = at(date(2026, 1, 1))
    for n in range(FEED_SIZE + 2):
        make_update(
            session, commitment=commitment, posted_at=start + timedelta(hours=n), narrative=f"N{n}"
        )
    feed = read_feed(client, "/feeds/updates.atom")
    contents = [entry.findtext(f"{ATOM}content") for entry in feed.findall(f"{ATOM}entry")]
    assert len(contents) == FEED_SIZE
    assert contents[0].startswith(f"N{FEED_SIZE + 1}\n")
    assert contents[-1].startswith("N2\n")


# --- Scopes: the commitments each scorecard counts ------------------------------------


@pytest.fixture
def slices(session):
    """Updates on commitments in different slices, each with a distinct narrative.

    P made c_p on an issue Q leads, in sub-area A2 of A1, themed T, raised by C.
    Q made c_q on an issue P supports (P's issues, not P's commitment), in area B.
    """
    p = make_partner(session, slug="p-partner", name="P")
    q = make_partner(session, slug="q-partner", name="Q")
    a1 = make_area(session, slug="a-one", name="A1")
    a2 = make_area(session, slug="a-two", name="A2", parent_id=a1.id)
    b = make_area(session, slug="b-area", name="B")
    t = make_theme(session, slug="t-theme", name="T")
    c = make_community(session, slug="c-community", name="C")
    first = make_issue(session, lead_partner=q, areas=[a2], themes=[t], communities=[c])
    second = make_issue(session, lead_partner=q, supporting_partners=[p], areas=[b])
    c_p = make_commitment(session, issue=first, partner=p)
    c_q = make_commitment(session, issue=second, partner=q)
    make_update(session, commitment=c_p, posted_at=at(date(2026, 10, 1)), narrative="on c_p")
    make_update(session, commitment=c_q, posted_at=at(date(2026, 10, 2)), narrative="on c_q")
    return {"c_p": c_p, "c_q": c_q, "first": first, "second": second}


def narratives(feed: ET.Element) -> list[str]:
    return [
        entry.findtext(f"{ATOM}content").split("\n")[0] for entry in feed.findall(f"{ATOM}entry")
    ]


@pytest.mark.parametrize(
    ("url", "expected", "page"),
    [
        ("/feeds/updates.atom", ["on c_q", "on c_p"], "/"),
        ("/partners/p-partner/updates.atom", ["on c_p"], "/partners/p-partner"),
        ("/partners/q-partner/updates.atom", ["on c_q"], "/partners/q-partner"),
        ("/themes/t-theme/updates.atom", ["on c_p"], "/themes/t-theme"),
        # An area's feed includes the areas within it, as its scorecard counts them.
        ("/areas/a-one/updates.atom", ["on c_p"], "/areas/a-one"),
        ("/areas/a-two/updates.atom", ["on c_p"], "/areas/a-two"),
        ("/areas/b-area/updates.atom", ["on c_q"], "/areas/b-area"),
        ("/communities/c-community/updates.atom", ["on c_p"], "/communities/c-community"),
    ],
)
def test_each_feed_holds_the_updates_on_the_commitments_its_page_counts(
    client, slices, url, expected, page
):
    feed = read_feed(client, url)
    assert narratives(feed) == expected
    alternate = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate[0].get("href") == PUBLIC + page


def test_an_issue_feed_holds_the_updates_on_its_commitments(client, session, slices):
    make_commitment(session, issue=slices["first"])  # no updates
    feed = read_feed(client, f"/you-said/{slices['first'].reference}/updates.atom")
    assert narratives(feed) == ["on c_p"]
    assert feed.findtext(f"{ATOM}title").startswith(
        f"Updates on You said {slices['first'].reference}: "
    )
    feed = read_feed(client, f"/you-said/{slices['second'].reference}/updates.atom")
    assert narratives(feed) == ["on c_q"]


# --- Not found ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/partners/no-such-partner/updates.atom",
        "/themes/no-such-theme/updates.atom",
        "/areas/no-such-area/updates.atom",
        "/communities/no-such-community/updates.atom",
        "/you-said/YS-9999/updates.atom",
        "/we-will/WW-9999/updates.atom",
        "/we-will/not-a-reference/updates.atom",
        "/you-said/WW-0001/updates.atom",
    ],
)
def test_an_unknown_record_has_the_same_not_found_page_as_its_html_page(client, url):
    feed = get_page(client, url, status=404)
    page = get_page(client, url.removesuffix("/updates.atom"), status=404)
    assert feed.title == page.title
    assert feed.main.text == page.main.text


def test_a_forgiven_reference_is_sent_on_to_its_proper_spelling(client, session):
    commitment = make_commitment(session)
    response = client.get(f"/we-will/ww-{commitment.number}/updates.atom")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/we-will/{commitment.reference}/updates.atom")


# --- Pages link to their feeds -----------------------------------------------------------


def alternate_feeds(client, url: str) -> list[tuple[str, str]]:
    page = get_page(client, url)
    return [
        (link.attrs["href"], link.attrs["title"])
        for link in page.find_all("link")
        if link.attrs.get("rel") == "alternate" and link.attrs.get("type") == "application/atom+xml"
    ]


def test_every_page_offers_the_site_wide_feed_and_its_own(client, slices):
    commitment, issue = slices["c_p"], slices["first"]
    own = {
        "/": None,
        "/we-will": None,
        f"/we-will/{commitment.reference}": f"/we-will/{commitment.reference}/updates.atom",
        f"/you-said/{issue.reference}": f"/you-said/{issue.reference}/updates.atom",
        "/partners/p-partner": "/partners/p-partner/updates.atom",
        "/themes/t-theme": "/themes/t-theme/updates.atom",
        "/areas/a-one": "/areas/a-one/updates.atom",
        "/communities/c-community": "/communities/c-community/updates.atom",
    }
    for url, feed in own.items():
        found = alternate_feeds(client, url)
        assert found[0] == ("/feeds/updates.atom", "Updates on every commitment (Atom feed)")
        assert [href for href, _title in found[1:]] == ([feed] if feed else [])
        if feed:
            visible = [
                link.attrs["href"]
                for link in get_page(client, url).main.find_all("a")
                if link.text == "Updates as a feed (Atom)"
            ]
            assert visible == [feed]
            read_feed(client, feed)


# --- Queries -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/feeds/updates.atom", 1),
        ("/partners/p-partner/updates.atom", 2),
        ("/themes/t-theme/updates.atom", 2),
        ("/areas/a-one/updates.atom", 2),
        ("/communities/c-community/updates.atom", 2),
        ("/you-said/{issue}/updates.atom", 2),
        ("/we-will/{commitment}/updates.atom", 2),
    ],
)
def test_a_feed_runs_the_same_queries_however_many_updates_it_holds(
    client, engine, session, slices, url, expected
):
    url = url.format(issue=slices["first"].reference, commitment=slices["c_p"].reference)
    with counting_selects(engine) as few:
        client.get(url)
    for n in range(12):
        for commitment in (slices["c_p"], slices["c_q"]):
            make_update(
                session,
                commitment=commitment,
                posted_at=at(date(2026, 10, 3)) + timedelta(hours=n),
                new_target_date=date(2027, 1, 1) + timedelta(days=n),
                hidden_at=at(date(2026, 11, 1)) if n % 3 == 0 else None,
            )
        make_commitment(session, issue=slices["first"], partner=slices["c_p"].partner)
    with counting_selects(engine) as many:
        client.get(url)
    assert len(few) == len(many) == expected
