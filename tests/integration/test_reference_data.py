"""Partners, areas, themes and communities: the lists everything is filed under.

Each record's public address (its slug) is made from its name when it is added and
never changes afterwards, because addresses are printed in board papers. Nothing is
deleted, so history stays complete.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tests.factories import make_area, make_community, make_partner, make_theme
from tests.html_validator import check_html, describe
from tests.pages import RenderedPage, get_page
from tests.workspace import make_signed_in, post_form
from tracker.models import Area, AuditEvent, Community, Partner, PartnerKind, Role, Theme


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.exec(select(sa.func.count()).select_from(model)).one()


def events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def by_name(session: Session, model: Any, name: str) -> Any:
    session.expire_all()
    return session.exec(select(model).where(model.name == name)).one()


def rendered(response) -> RenderedPage:
    return RenderedPage(response.get_data(as_text=True))


def summary_errors(page: RenderedPage) -> list[str]:
    return [a.text for a in page.find(cls="nhsuk-error-summary").find_all("a")]


@pytest.fixture
def team(client, session):
    return make_signed_in(client, session, Role.ENGAGEMENT)


# --- Seeing what there is -------------------------------------------------------------


def test_the_index_counts_each_kind_and_links_to_its_list(client, session, team):
    make_theme(session)
    make_theme(session)
    make_community(session)
    make_area(session)

    page = get_page(client, "/manage/reference-data")

    assert page.find("h1").text == "Partners, areas, themes and communities"
    items = page.main.find_all("li", cls="app-kind-list__item")
    seen = {item.find("a").attrs["href"]: item.find("p").text for item in items}
    assert seen == {
        "/manage/reference-data/partners": "0 partners",
        "/manage/reference-data/areas": "1 area",
        "/manage/reference-data/themes": "2 themes",
        "/manage/reference-data/communities": "1 community",
    }


def test_a_list_shows_each_record_with_its_public_address(client, session, team):
    borough = make_area(session, name="Sallowmere", slug="sallowmere")
    make_area(session, name="Marsh End", slug="marsh-end", parent_id=borough.id)

    page = get_page(client, "/manage/reference-data/areas")

    names = [h.text for h in page.main.find_all("h2", cls="app-record__title")]
    assert names.index("Sallowmere") < names.index("Sallowmere: Marsh End")
    links = {a.attrs["href"] for a in page.main.find_all("a")}
    assert "/areas/marsh-end" in links
    assert "/manage/reference-data/areas/marsh-end/edit" in links
    assert "/manage/reference-data/areas/new" in links


# --- Adding ---------------------------------------------------------------------------


def test_adding_a_partner_makes_its_address_from_its_name(client, session, team):
    response = post_form(
        client,
        "/manage/reference-data/partners/new",
        {
            "name": "Carers & Families Network",
            "kind": "vcfs",
            "description": "Supports unpaid carers.",
            "website": "https://carers.example.org",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/reference-data/partners"
    partner = by_name(session, Partner, "Carers & Families Network")
    assert partner.slug == "carers-and-families-network"
    assert partner.kind is PartnerKind.VCFS
    assert partner.website == "https://carers.example.org"
    [event] = events(session, "partner.created")
    assert (event.entity_type, event.entity_id) == ("partner", partner.id)
    assert event.after["slug"] == "carers-and-families-network"
    assert event.after["name"] == "Carers & Families Network"
    listed = get_page(client, response.headers["Location"])
    assert "Its public address is /partners/carers-and-families-network." in listed.main.text
    get_page(client, "/partners/carers-and-families-network")


@pytest.mark.parametrize(
    ("existing", "name", "slug"),
    [
        ([], "Mental health", "mental-health"),
        (["mental-health"], "Mental Health!", "mental-health-2"),
        (["mental-health", "mental-health-2"], "Mental health?", "mental-health-3"),
        (["mental-health", "mental-health-3"], "Mental-health", "mental-health-2"),
        ([], "Santé mentale", "sante-mentale"),
        ([], "★ ★", "theme"),
        ([], "A" * 200, "a" * 74),
    ],
)
def test_a_new_address_never_repeats_an_existing_one(client, session, team, existing, name, slug):
    for number, taken in enumerate(existing):
        make_theme(session, slug=taken, name=f"Taken {number}")
    response = post_form(client, "/manage/reference-data/themes/new", {"name": name})
    assert response.status_code == 302
    assert by_name(session, Theme, name).slug == slug


def test_an_area_can_be_added_within_another(client, session, team):
    borough = make_area(session, name="Brackenford")
    response = post_form(
        client,
        "/manage/reference-data/areas/new",
        {"name": "Millbrook", "parent": str(borough.id)},
    )
    assert response.status_code == 302
    assert by_name(session, Area, "Millbrook").parent_id == borough.id


# --- Changing -------------------------------------------------------------------------


def test_changing_a_name_never_changes_the_public_address(client, session, team):
    community = make_community(session, name="Carers", slug="carers", description="Old")
    url = "/manage/reference-data/communities/carers/edit"
    form = get_page(client, url)
    assert form.find(id="name").attrs["value"] == "Carers"
    assert "/communities/carers" in form.main.text

    response = post_form(
        client,
        url,
        {"name": "Unpaid carers", "description": "Old", "slug": "unpaid-carers"},
    )

    assert response.status_code == 302
    changed = by_name(session, Community, "Unpaid carers")
    assert (changed.id, changed.slug) == (community.id, "carers")
    [event] = events(session, "community.changed")
    assert event.before == {"name": "Carers"}
    assert event.after == {"name": "Unpaid carers"}
    assert get_page(client, "/communities/carers").find("h1").text.endswith("Unpaid carers")
    get_page(client, "/communities/unpaid-carers", status=404)


def test_changing_a_partner_records_what_changed(client, session, team):
    partner = make_partner(session, name="Vale Hospice", slug="vale-hospice")
    response = post_form(
        client,
        "/manage/reference-data/partners/vale-hospice/edit",
        {"name": "Vale Hospice", "kind": "vcfs", "website": "https://hospice.example.org"},
    )
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Partner, partner.id)
    assert (stored.kind, stored.website, stored.slug) == (
        PartnerKind.VCFS,
        "https://hospice.example.org",
        "vale-hospice",
    )
    [event] = events(session, "partner.changed")
    assert event.before == {"kind": "nhs_trust", "website": None}
    assert event.after == {"kind": "vcfs", "website": "https://hospice.example.org"}


def test_moving_an_area_to_another_parent(client, session, team):
    old, new = make_area(session, name="Old borough"), make_area(session, name="New borough")
    area = make_area(session, name="Hamlet", slug="hamlet", parent_id=old.id)
    response = post_form(
        client, "/manage/reference-data/areas/hamlet/edit", {"name": "Hamlet", "parent": new.id}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Area, area.id).parent_id == new.id


# --- Bad input ------------------------------------------------------------------------

BAD_PARTNERS = [
    ({"name": ""}, "name", "Enter a name"),
    ({"name": "n" * 201}, "name", "Name must be 200 characters or fewer"),
    ({"name": "vale district council"}, "name", "There is already a partner called"),
    ({"kind": ""}, "kind", "Choose the kind of organisation"),
    ({"kind": "cabal"}, "kind", "Choose the kind of organisation from the list"),
    ({"website": "javascript:alert(1)"}, "website", "must be a web address starting with"),
    ({"website": "carers.example.org"}, "website", "must be a web address starting with"),
    ({"website": "https://"}, "website", "must be a web address starting with"),
    ({"website": "https://example.org:99999"}, "website", "must be a web address starting with"),
    ({"description": "d" * 2001}, "description", "2,000 characters or fewer"),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), BAD_PARTNERS)
def test_a_bad_partner_is_refused_with_its_errors_and_the_input_kept(
    client, session, team, overrides, field_id, message
):
    make_partner(session, name="Vale District Council")
    partners, audit = count(session, Partner), count(session, AuditEvent)
    data = {
        "name": "Riverside Carers",
        "kind": "vcfs",
        "description": "Carers' charity",
        "website": "https://carers.example.org",
        **overrides,
    }

    response = post_form(client, "/manage/reference-data/partners/new", data)

    assert response.status_code == 400
    page = rendered(response)
    assert page.title.startswith("Error: Add a partner")
    assert any(message in error for error in summary_errors(page))
    assert message in page.find(id=f"{field_id}-error").text
    if field_id != "name":
        assert page.find(id="name").attrs["value"] == "Riverside Carers"
    if field_id != "description":
        assert page.find(id="description").text == "Carers' charity"
    assert count(session, Partner) == partners
    assert count(session, AuditEvent) == audit


def test_a_duplicate_name_is_refused_when_changing_too(client, session, team):
    make_theme(session, name="GP access", slug="gp-access")
    make_theme(session, name="Dental care", slug="dental-care")
    response = post_form(
        client, "/manage/reference-data/themes/dental-care/edit", {"name": "GP Access"}
    )
    assert response.status_code == 400
    assert "There is already a theme called GP Access" in summary_errors(rendered(response))[0]
    assert by_name(session, Theme, "Dental care").slug == "dental-care"
    assert events(session, "theme.changed") == []


def test_names_in_messages_are_shown_as_text(client, session, team):
    make_theme(session, name="<b>Bold</b>", slug="bold")
    response = post_form(client, "/manage/reference-data/themes/new", {"name": "<B>bold</B>"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<B>bold</B>" not in html
    assert "There is already a theme called &lt;B&gt;bold&lt;/B&gt;" in html


def test_an_area_cannot_be_within_itself(client, session, team):
    area = make_area(session, name="Brackenford", slug="brackenford")
    response = post_form(
        client,
        "/manage/reference-data/areas/brackenford/edit",
        {"name": "Brackenford", "parent": str(area.id)},
    )
    assert response.status_code == 400
    page = rendered(response)
    assert "An area cannot be within itself" in page.find(id="parent-error").text
    session.expire_all()
    assert session.get(Area, area.id).parent_id is None


def test_an_area_cannot_be_made_its_own_ancestor(client, session, team):
    borough = make_area(session, name="Brackenford", slug="brackenford")
    town = make_area(session, name="Holloway Green", slug="holloway-green", parent_id=borough.id)
    street = make_area(session, name="Mill Lane", slug="mill-lane", parent_id=town.id)
    audit = count(session, AuditEvent)

    response = post_form(
        client,
        "/manage/reference-data/areas/brackenford/edit",
        {"name": "Brackenford", "parent": str(street.id)},
    )

    assert response.status_code == 400
    page = rendered(response)
    message = "Brackenford cannot be within Mill Lane, because Mill Lane is within Brackenford"
    assert summary_errors(page) == [message]
    assert message in page.find(id="parent-error").text
    selected = [o for o in page.find(id="parent").find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == [str(street.id)]
    session.expire_all()
    assert session.get(Area, borough.id).parent_id is None
    assert count(session, AuditEvent) == audit


def test_two_areas_may_share_a_name_only_within_different_parents(client, session, team):
    north, south = make_area(session, name="North"), make_area(session, name="South")
    make_area(session, name="Town Centre", parent_id=north.id)

    elsewhere = post_form(
        client,
        "/manage/reference-data/areas/new",
        {"name": "Town Centre", "parent": str(south.id)},
    )
    same_parent = post_form(
        client,
        "/manage/reference-data/areas/new",
        {"name": "town centre", "parent": str(north.id)},
    )

    assert elsewhere.status_code == 302
    assert same_parent.status_code == 400
    assert summary_errors(rendered(same_parent)) == [
        "There is already an area called town centre within North"
    ]
    session.expire_all()
    slugs = sorted(session.exec(select(Area.slug).where(Area.name == "Town Centre")).all())
    assert len(slugs) == 2 and len(set(slugs)) == 2


def test_html_in_a_name_is_stored_as_typed_and_shown_as_text(client, session, team):
    name = "<script>alert(1)</script> Group"
    response = post_form(client, "/manage/reference-data/communities/new", {"name": name})
    assert response.status_code == 302
    community = by_name(session, Community, name)
    assert community.slug == "script-alert-1-script-group"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Group" in html


def test_a_name_with_html_is_shown_as_text_on_its_public_page(client, session, team):
    name = "<script>alert(1)</script> Group"
    post_form(client, "/manage/reference-data/communities/new", {"name": name})
    html = client.get("/communities/script-alert-1-script-group").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


# --- Addresses and access -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/manage/reference-data/people",
        "/manage/reference-data/people/new",
        "/manage/reference-data/people/someone/edit",
        "/manage/reference-data/themes/no-such-theme/edit",
    ],
)
def test_an_unknown_kind_or_record_is_not_found(client, session, team, url):
    get_page(client, url, status=404)


def test_nothing_can_be_deleted(app):
    rules = [rule for rule in app.url_map.iter_rules() if "reference-data" in rule.rule]
    assert rules
    assert all("delete" not in rule.rule for rule in rules)
    assert all((rule.methods or set()) <= {"GET", "POST", "HEAD", "OPTIONS"} for rule in rules)


@pytest.mark.parametrize(
    "path",
    [
        "/manage/reference-data",
        "/manage/reference-data/partners",
        "/manage/reference-data/partners/new",
        "/manage/reference-data/areas/new",
        "/manage/reference-data/partners/own-partner/edit",
    ],
)
def test_a_partner_lead_cannot_change_reference_data(client, session, path):
    own = make_partner(session, name="Own partner", slug="own-partner")
    make_signed_in(client, session, Role.PARTNER, partner=own)
    get_page(client, path, status=403)
    partners, audit = count(session, Partner), count(session, AuditEvent)

    response = post_form(
        client, path, {"name": "Renamed", "kind": "other"}, token_from="/manage/issues"
    )

    assert response.status_code in (403, 405)
    assert (count(session, Partner), count(session, AuditEvent)) == (partners, audit)
    assert by_name(session, Partner, "Own partner").slug == "own-partner"


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get("/manage/reference-data/themes/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_reference_data_pages_are_valid_html(client, session, team):
    make_partner(session, name="Vale Hospice", slug="vale-hospice", website="https://x.org")
    make_area(session, name="Brackenford", slug="brackenford")
    make_theme(session, name="Dental care", slug="dental-care")
    pages = {
        url: client.get(url).get_data(as_text=True)
        for url in (
            "/manage/reference-data",
            "/manage/reference-data/partners",
            "/manage/reference-data/areas",
            "/manage/reference-data/themes",
            "/manage/reference-data/communities",
            "/manage/reference-data/partners/new",
            "/manage/reference-data/areas/new",
            "/manage/reference-data/themes/new",
            "/manage/reference-data/partners/vale-hospice/edit",
            "/manage/reference-data/areas/brackenford/edit",
            "/manage/reference-data/themes/dental-care/edit",
        )
    }
    pages["errors"] = post_form(
        client,
        "/manage/reference-data/partners/new",
        {"name": "", "kind": "", "website": "javascript:alert(1)"},
    ).get_data(as_text=True)

    errors = check_html(pages)

    assert not any(errors.values()), describe(errors)
