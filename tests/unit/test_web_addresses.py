"""The one rule for a web address typed into the site and shown as a link."""

from __future__ import annotations

import pytest

from tracker.addresses import WebAddressProblem, web_address_problem, web_link_host
from tracker.manage.commitments import web_address_problem as evidence_link_problem
from tracker.manage.records import web_address_problem as record_address_problem


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.example.nhs.uk/report", "www.example.nhs.uk"),
        ("http://example.org/minutes?page=2#item-4", "example.org"),
        ("HTTPS://EXAMPLE.ORG/Report", "example.org"),
        ("https://www.example.org:8443/report", "www.example.org"),
    ],
)
def test_a_web_address_of_a_named_site_is_linked_with_its_host(url, host):
    assert web_address_problem(url) is None
    assert web_link_host(url) == host


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://exa mple.org/", WebAddressProblem.SPACES),
        ("https://example.org/\x00", WebAddressProblem.SPACES),
        ("javascript:alert(1)", WebAddressProblem.NOT_HTTP),
        ("ftp://files.example.org/report.pdf", WebAddressProblem.NOT_HTTP),
        ("www.example.org/report", WebAddressProblem.NOT_HTTP),
        ("/relative/path", WebAddressProblem.NOT_HTTP),
        ("https://[::1", WebAddressProblem.NOT_HTTP),
        ("https://", WebAddressProblem.NOT_A_FULL_ADDRESS),
        ("https://localhost/report", WebAddressProblem.NOT_A_FULL_ADDRESS),
        ("http://localhost:5000/report", WebAddressProblem.NOT_A_FULL_ADDRESS),
        ("https://intranet/report", WebAddressProblem.NOT_A_FULL_ADDRESS),
        ("https://127.0.0.1/report", WebAddressProblem.NOT_A_FULL_ADDRESS),
        ("https://www.example.org:99999/report", WebAddressProblem.NOT_A_FULL_ADDRESS),
        ("https://www.example.org:port/report", WebAddressProblem.NOT_A_FULL_ADDRESS),
    ],
)
def test_an_address_that_leads_nowhere_for_a_resident_is_refused(url, problem):
    assert web_address_problem(url) is problem
    assert web_link_host(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.org:8443/report",
        "https://localhost/report",
        "http://localhost:5000/report",
        "https://www.example.org:99999/report",
        "https://intranet/report",
    ],
)
def test_evidence_links_and_record_addresses_follow_the_same_rule(url):
    accepted = web_address_problem(url) is None

    assert (evidence_link_problem(url) is None) is accepted
    assert (record_address_problem(url, "Website") is None) is accepted
