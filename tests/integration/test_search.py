"""Keyword search finds issues and commitments by their words, ranked, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col

from tests.conftest import TODAY
from tests.factories import make_commitment, make_issue
from tracker import schema
from tracker.db import make_engine
from tracker.models import Commitment, CommitmentStatus, Issue
from tracker.references import allocate_number
from tracker.search import (
    MAX_TERMS,
    commitment_matches,
    issue_matches,
    parse_query,
)


def found_issues(session: Session, text: str) -> list[int]:
    """The issues the query finds, best match first, then newest, as /you-said lists them."""
    query = parse_query(text)
    if query.is_empty:
        return []
    matches = issue_matches(session, query)
    statement = matches.restrict(sa.select(col(Issue.id)).select_from(Issue)).order_by(
        matches.relevance.desc(), col(Issue.raised_on).desc(), col(Issue.number).desc()
    )
    return list(session.execute(statement).scalars())


def found_commitments(session: Session, text: str) -> list[int]:
    matches = commitment_matches(session, parse_query(text))
    statement = matches.restrict(sa.select(col(Commitment.id)).select_from(Commitment)).order_by(
        matches.relevance.desc(), col(Commitment.number).desc()
    )
    return list(session.execute(statement).scalars())


def days_ago(days: int) -> dict[str, object]:
    return {"raised_on": TODAY - timedelta(days=days)}


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
        session,
        title="Issue about access",
        quotes=["the pharmacy was shut when I got there"],
        **days_ago(1),
    )
    by_title = make_issue(
        session, title="Pharmacy opening hours do not suit working people", **days_ago(300)
    )

    assert found_issues(session, "pharmacy") == [by_title.id, by_quote.id]


def test_an_issue_is_found_by_the_text_of_its_commitments(session: Session) -> None:
    issue = make_issue(session, title="Hard to get help at night")
    make_commitment(session, issue=issue, title="Open a walk-in urgent treatment centre")

    assert found_issues(session, "treatment centre") == [issue.id]


def test_an_issue_matched_by_itself_and_its_commitments_is_found_once_by_its_best_match(
    session: Session,
) -> None:
    # A match on what residents said counts for more than the same words in a commitment.
    own = make_issue(session, title="Dental appointments for children", **days_ago(300))
    make_commitment(session, issue=own, title="Book dental appointments online")
    through_commitment = make_issue(session, title="Hard to see a dentist", **days_ago(1))
    make_commitment(session, issue=through_commitment, title="Dental appointments for children")

    assert found_issues(session, "dental appointments") == [own.id, through_commitment.id]


def test_any_match_on_an_issue_s_own_words_ranks_above_every_match_through_commitments(
    session: Session,
) -> None:
    # Even a passing mention in a quote outranks a commitment's title, and a newer issue.
    by_quote = make_issue(
        session,
        title="Getting about",
        summary="Residents told us about transport.",
        quotes=["the volunteer drivers scheme stopped"],
        **days_ago(200),
    )
    through_commitment = make_issue(session, title="Lifts to appointments", **days_ago(1))
    make_commitment(
        session,
        issue=through_commitment,
        title="Recruit volunteer drivers",
        description="Volunteer drivers will take residents to appointments.",
    )

    assert found_issues(session, "volunteer drivers") == [by_quote.id, through_commitment.id]


def test_issues_found_only_through_commitments_come_newest_first(session: Session) -> None:
    older = make_issue(session, title="Issue C", **days_ago(90))
    make_commitment(
        session,
        issue=older,
        title="Hearing loops in every surgery",
        description="Hearing loops fitted and tested.",
    )
    newer = make_issue(session, title="Issue D", **days_ago(10))
    make_commitment(session, issue=newer, title="Something else", description="A hearing loop.")

    assert found_issues(session, "hearing loop") == [newer.id, older.id]


def test_words_spread_over_an_issue_and_its_commitments_do_not_match(session: Session) -> None:
    # Every word must be in the issue's own words, or all in one of its commitments.
    issue = make_issue(session, title="Parking is hard to find", summary="No spaces.")
    make_commitment(session, issue=issue, title="Talk to the hospital", description="A meeting.")
    make_commitment(session, issue=issue, title="Review the car park", description="A survey.")

    assert found_issues(session, "parking hospital") == []
    assert found_issues(session, "hospital survey") == []
    assert found_issues(session, "hospital meeting") == [issue.id]


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


def test_a_commitment_title_match_ranks_above_a_description_match(session: Session) -> None:
    by_description = make_commitment(
        session, title="Improve the booking line", description="More call handlers at peak times."
    )
    by_title = make_commitment(session, title="Call handlers for the booking line")

    assert found_commitments(session, "handlers") == [by_title.id, by_description.id]


def test_an_edited_issue_is_found_by_its_new_words_only(session: Session) -> None:
    issue = make_issue(session, title="Leaflets only in English")
    session.commit()

    issue.title = "Leaflets only in large print"
    session.add(issue)
    session.commit()

    assert found_issues(session, "print") == [issue.id]
    assert found_issues(session, "english") == []


# --- An issue's commitments' words follow every change to its commitments ------------


def test_a_new_commitment_makes_its_issue_found_by_its_words(session: Session) -> None:
    issue = make_issue(session, title="Hard to get help at night")
    session.commit()
    assert found_issues(session, "pharmacist") == []

    make_commitment(session, issue=issue, title="A late-night pharmacist in every town")
    session.commit()

    assert found_issues(session, "pharmacist") == [issue.id]


def test_an_edited_commitment_makes_its_issue_found_by_its_new_words_only(
    session: Session,
) -> None:
    issue = make_issue(session, title="Hard to get help at night")
    commitment = make_commitment(
        session, issue=issue, title="Open a walk-in centre", description="In the town centre."
    )
    session.commit()

    commitment.title = "Extend the opening hours of the pharmacy"
    commitment.description = "Open until ten at night."
    commitment.success_measure = "Residents say they can get medicines at night."
    session.add(commitment)
    session.commit()

    assert found_issues(session, "walk") == []
    assert found_issues(session, "pharmacy") == [issue.id]
    assert found_issues(session, "medicines") == [issue.id]


def test_a_commitment_moved_to_another_issue_takes_its_words_with_it(session: Session) -> None:
    first = make_issue(session, title="Issue E")
    second = make_issue(session, title="Issue F")
    make_commitment(session, issue=first, title="Keep the walk-in centre open")
    moved = make_commitment(session, issue=first, title="Translate the leaflets into Polish")
    session.commit()

    moved.issue_id = second.id
    session.add(moved)
    session.commit()

    assert found_issues(session, "polish") == [second.id]
    assert found_issues(session, "walk centre") == [first.id]


def test_a_deleted_commitment_no_longer_finds_its_issue(session: Session) -> None:
    issue = make_issue(session, title="Issue G")
    kept = make_commitment(session, issue=issue, title="Keep the walk-in centre open")
    deleted = make_commitment(session, issue=issue, title="Translate the leaflets into Polish")
    session.commit()

    session.delete(deleted)
    session.commit()

    assert found_issues(session, "polish") == []
    assert found_issues(session, "walk centre") == [issue.id]
    session.delete(kept)
    session.commit()
    assert found_issues(session, "walk centre") == []


def test_a_commitment_s_other_changes_leave_its_issue_s_matches_alone(session: Session) -> None:
    issue = make_issue(session, title="Issue H")
    commitment = make_commitment(session, issue=issue, title="Translate the leaflets into Polish")
    session.commit()

    commitment.status = CommitmentStatus.IN_PROGRESS
    commitment.target_date = TODAY + timedelta(days=90)
    session.add(commitment)
    session.commit()

    assert found_issues(session, "polish leaflets") == [issue.id]


def test_commitments_written_in_one_statement_each_find_their_issue(session: Session) -> None:
    # As the demo data is loaded: many commitments, for many issues, in one statement.
    issues = [make_issue(session, title=f"Issue number {n}") for n in range(3)]
    template = make_commitment(session, issue=issues[0], title="Keep the walk-in centre open")
    session.commit()
    rows = [
        {
            "number": allocate_number(session, Commitment.REFERENCE_PREFIX),
            "issue_id": issues[n % 3].id,
            "partner_id": template.partner_id,
            "title": f"Commitment about {word}",
            "description": "",
            "success_measure": "",
            "accountable_role": "Director of Primary Care",
            "committed_on": TODAY,
            "original_target_date": TODAY,
            "target_date": TODAY,
            "status": CommitmentStatus.NOT_STARTED,
            "version": 1,
            "created_at": template.created_at,
            "updated_at": template.updated_at,
        }
        for n, word in enumerate(["ramps", "hoists", "braille", "signage", "ramps"])
    ]
    session.execute(sa.insert(Commitment), rows)
    session.commit()

    # Both found only through commitments, so the newer (higher reference) first.
    assert found_issues(session, "ramps") == [issues[1].id, issues[0].id]
    assert found_issues(session, "braille") == [issues[2].id]
    assert found_issues(session, "walk centre") == [issues[0].id]
    assert found_issues(session, "hoists") == [issues[1].id]


def test_the_migration_gives_existing_issues_their_commitments_words_and_is_undone(
    new_database_url: Callable[[], str], db_kind: str
) -> None:
    # Migration 0012 (PostgreSQL only) adds the commitments' words to each issue.
    engine = make_engine(new_database_url())
    schema.upgrade(engine, "0011")
    with Session(engine) as session:
        issue = make_issue(session, title="Hard to get help at night")
        make_commitment(session, issue=issue, title="A late-night pharmacist in every town")
        make_commitment(session, issue=issue, title="Open the walk-in centre at night")
        make_issue(session, title="Without a commitment")
        session.commit()
        issue_id = issue.id

    schema.upgrade(engine)
    with Session(engine) as session:
        assert found_issues(session, "pharmacist") == [issue_id]
        assert found_issues(session, "walk centre") == [issue_id]
        assert found_issues(session, "pharmacist walk") == []

    schema.downgrade(engine, "0011")
    if db_kind == "postgresql":
        inspector = sa.inspect(engine)
        assert "commitments_search_vector" not in {
            c["name"] for c in inspector.get_columns("issue")
        }
        assert {index["name"] for index in inspector.get_indexes("issue")} >= {
            "ix_issue_search_vector"
        }
        assert "ix_issue_search_document" not in {i["name"] for i in inspector.get_indexes("issue")}
    schema.upgrade(engine)
    with Session(engine) as session:
        assert found_issues(session, "pharmacist") == [issue_id]
    engine.dispose()


# --- Whatever is typed -------------------------------------------------------------


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
