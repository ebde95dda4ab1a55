"""Keyword search finds issues and commitments by their words, ranked, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from tests.factories import make_commitment, make_issue
from tracker.search import (
    MAX_TERMS,
    commitment_relevance,
    issue_relevance,
    parse_query,
)


def found_issues(session: Session, text: str) -> list[int]:
    query = parse_query(text)
    if query.is_empty:
        return []
    relevance = issue_relevance(session, query)
    rows = session.execute(
        sa.select(relevance.c.issue_id).order_by(relevance.c.relevance.desc(), relevance.c.issue_id)
    )
    return [row.issue_id for row in rows]


def found_commitments(session: Session, text: str) -> list[int]:
    relevance = commitment_relevance(session, parse_query(text))
    rows = session.execute(
        sa.select(relevance.c.commitment_id).order_by(relevance.c.relevance.desc())
    )
    return [row.commitment_id for row in rows]


def test_an_issue_is_found_by_a_word_of_its_title(session: Session) -> None:
    wanted = make_issue(session, title="Phone lines for GP appointments are always busy")
    make_issue(session, title="Buses to the hospital stop too early")

    assert found_issues(session, "appointments") == [wanted.id]


def test_words_are_matched_by_their_beginning_and_their_stem(session: Session) -> None:
    wanted = make_issue(session, title="Waiting for appointments at the eye clinic")

    assert found_issues(session, "appoint") == [wanted.id]
    assert found_issues(session, "waits") == [wanted.id]


def test_every_word_must_match(session: Session) -> None:
    both = make_issue(session, title="Parking at the hospital costs too much")
    make_issue(session, title="Parking near the surgery is hard to find")

    assert found_issues(session, "parking hospital") == [both.id]


def test_an_issue_is_found_by_what_residents_said_and_their_quotes(session: Session) -> None:
    by_summary = make_issue(session, title="Issue A", summary="Interpreters are rarely booked.")
    by_quote = make_issue(
        session, title="Issue B", quotes=["Nobody booked an interpreter for my mum"]
    )

    assert set(found_issues(session, "interpreter")) == {by_summary.id, by_quote.id}


def test_a_title_match_ranks_above_a_quote_match(session: Session) -> None:
    by_quote = make_issue(
        session, title="Issue about access", quotes=["the pharmacy was shut when I got there"]
    )
    by_title = make_issue(session, title="Pharmacy opening hours do not suit working people")

    assert found_issues(session, "pharmacy") == [by_title.id, by_quote.id]


def test_an_issue_is_found_by_the_text_of_its_commitments(session: Session) -> None:
    issue = make_issue(session, title="Hard to get help at night")
    make_commitment(session, issue=issue, title="Open a walk-in urgent treatment centre")

    assert found_issues(session, "treatment centre") == [issue.id]


def test_an_issue_matched_by_itself_and_its_commitments_is_found_once_by_its_best_match(
    session: Session,
) -> None:
    # A match on what residents said counts for more than the same words in a commitment.
    own = make_issue(session, title="Dental appointments for children")
    make_commitment(session, issue=own, title="Book dental appointments online")
    through_commitment = make_issue(session, title="Hard to see a dentist")
    make_commitment(session, issue=through_commitment, title="Dental appointments for children")

    assert found_issues(session, "dental appointments") == [own.id, through_commitment.id]


def test_a_commitment_is_found_by_its_description_and_success_measure(session: Session) -> None:
    wanted = make_commitment(
        session,
        title="Improve the booking line",
        description="We will add twelve call handlers at peak times.",
        success_measure="Nine in ten calls answered within five minutes.",
    )
    make_commitment(session, title="Something else entirely")

    assert found_commitments(session, "handlers") == [wanted.id]
    assert found_commitments(session, "answered") == [wanted.id]


def test_an_edited_issue_is_found_by_its_new_words_only(session: Session) -> None:
    issue = make_issue(session, title="Leaflets only in English")
    session.commit()

    issue.title = "Leaflets only in large print"
    session.add(issue)
    session.commit()

    assert found_issues(session, "print") == [issue.id]
    assert found_issues(session, "english") == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a",
        '"unbalanced quote',
        "NEAR(a b) OR NOT AND *",
        "'; DROP TABLE issue; --",
        "<script>alert(1)</script>",
        "x" * 2000,
        "GP 🏥 appointments 😡",
        "title:secret",
        "a:* & !b | c",
    ],
)
def test_odd_queries_never_break_the_search(session: Session, text: str) -> None:
    issue = make_issue(session, title="GP appointments by phone")

    found = found_issues(session, text)

    assert found in ([], [issue.id])
    if not parse_query(text).is_empty:
        assert found_commitments(session, text) == []


def test_queries_are_cut_to_a_bounded_number_of_words() -> None:
    query = parse_query(" ".join(f"word{n}" for n in range(50)))

    assert len(query.terms) == MAX_TERMS
    assert parse_query("GP 🏥 appointments").terms == ("gp", "appointments")
    assert parse_query("🏥").is_empty
