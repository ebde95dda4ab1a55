"""Keyword search over issues and commitments, ranked by relevance, on both databases.

One interface, two engines:

- SQLite: FTS5 tables ``issue_search`` and ``commitment_search`` that mirror the
  searchable columns, kept up to date by triggers, ranked with ``bm25``.
- PostgreSQL: a stored, generated ``search_vector`` column on ``issue`` and
  ``commitment`` with a GIN index, matched with ``@@`` and ranked with ``ts_rank``.

The migration that creates these objects holds their definitions. They are not
SQLModel tables or columns, so the model/migration comparison skips them by name
(:func:`is_search_schema_object`).

A person's words are never passed to either engine's query syntax: they are split
into words, and each word becomes a quoted prefix term, so quotes, operators, SQL and
HTML in a query are just text that matches nothing special.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from tracker.models import Commitment, Issue

#: Longer queries are cut: nobody types more, and it bounds the work per search.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12

# Unicode letters and digits; everything else (punctuation, operators, emoji) separates words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# A match on what residents said counts for more than a match on a commitment's text.
_COMMITMENT_MATCH_WEIGHT = 0.5


def is_search_schema_object(name: str | None) -> bool:
    """True for the search tables, triggers, columns and indexes the models do not describe."""
    if not name:
        return False
    return (
        name == "search_vector"
        or name.startswith(("issue_search", "commitment_search"))
        or name.startswith(("ix_issue_search", "ix_commitment_search"))
    )


@dataclass(frozen=True)
class SearchQuery:
    """What a person typed, and the words that will be searched for."""

    text: str
    terms: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def was_shortened(self) -> bool:
        return len(self.text) > MAX_QUERY_LENGTH


def parse_query(text: str | None) -> SearchQuery:
    """Split a person's query into at most ``MAX_TERMS`` lower-case words."""
    text = (text or "").strip()
    words = _WORD.findall(text[:MAX_QUERY_LENGTH].lower())
    unique = tuple(dict.fromkeys(words))[:MAX_TERMS]
    return SearchQuery(text=text, terms=unique)


def _fts5_match(terms: tuple[str, ...]) -> str:
    # Every word must appear, as a prefix ("appoint" finds "appointments").
    return " ".join(f'"{term}"*' for term in terms)


def _tsquery(terms: tuple[str, ...]) -> sa.ScalarSelect[Any]:
    """The words as a PostgreSQL ``tsquery``, every word a prefix, all required.

    Given as a subquery, computed once per statement, so the planner does not see
    the words: it then always finds the matches in the GIN index. Seeing a common
    word ("appointments" is in a quarter of the issues), it would instead test every
    row's ``search_vector``, which costs several times more for a prefix term than
    reading the index (docs/query-plans.md, "Search").
    """
    words = " & ".join(f"{term}:*" for term in terms)
    return sa.select(sa.func.to_tsquery("english", words)).scalar_subquery()


def issue_relevance(session: Session, query: SearchQuery) -> sa.Subquery:
    """Issues matching the query as ``(issue_id, relevance)``, higher relevance first.

    An issue matches on its title, summary or quotes, or on the text of any of its
    commitments; its relevance is its best match.
    """
    if session.get_bind().dialect.name == "postgresql":
        tsquery = _tsquery(query.terms)
        issue_vector: sa.ColumnClause[Any] = sa.literal_column("issue.search_vector")
        commitment_vector: sa.ColumnClause[Any] = sa.literal_column("commitment.search_vector")
        own = sa.select(
            col(Issue.id).label("issue_id"),
            sa.func.ts_rank(issue_vector, tsquery).label("relevance"),
        ).where(issue_vector.op("@@")(tsquery))
        via_commitments = sa.select(
            col(Commitment.issue_id).label("issue_id"),
            (sa.func.ts_rank(commitment_vector, tsquery) * _COMMITMENT_MATCH_WEIGHT).label(
                "relevance"
            ),
        ).where(commitment_vector.op("@@")(tsquery))
    else:
        match = _fts5_match(query.terms)
        issue_search = sa.table("issue_search", sa.column("rowid"))
        commitment_search = sa.table("commitment_search", sa.column("rowid"))
        # bm25 is lower for better matches; negate it so higher is better on both engines.
        own = sa.select(
            issue_search.c.rowid.label("issue_id"),
            (-sa.func.bm25(sa.literal_column("issue_search"), 10.0, 4.0, 2.0)).label("relevance"),
        ).where(sa.literal_column("issue_search").op("MATCH")(match))
        via_commitments = (
            sa.select(
                col(Commitment.issue_id).label("issue_id"),
                (
                    -sa.func.bm25(sa.literal_column("commitment_search"), 10.0, 4.0, 2.0)
                    * _COMMITMENT_MATCH_WEIGHT
                ).label("relevance"),
            )
            .join(commitment_search, commitment_search.c.rowid == col(Commitment.id))
            .where(sa.literal_column("commitment_search").op("MATCH")(match))
        )
    matches = sa.union_all(own, via_commitments).subquery("matches")
    return (
        sa.select(matches.c.issue_id, sa.func.max(matches.c.relevance).label("relevance"))
        .group_by(matches.c.issue_id)
        .subquery("issue_relevance")
    )


def commitment_relevance(session: Session, query: SearchQuery) -> sa.Subquery:
    """Commitments matching the query as ``(commitment_id, relevance)``, higher first.

    A commitment matches on its title, description or success measure.
    """
    if session.get_bind().dialect.name == "postgresql":
        tsquery = _tsquery(query.terms)
        vector: sa.ColumnClause[Any] = sa.literal_column("commitment.search_vector")
        return (
            sa.select(
                col(Commitment.id).label("commitment_id"),
                sa.func.ts_rank(vector, tsquery).label("relevance"),
            )
            .where(vector.op("@@")(tsquery))
            .subquery("commitment_relevance")
        )
    commitment_search = sa.table("commitment_search", sa.column("rowid"))
    return (
        sa.select(
            commitment_search.c.rowid.label("commitment_id"),
            (-sa.func.bm25(sa.literal_column("commitment_search"), 10.0, 4.0, 2.0)).label(
                "relevance"
            ),
        )
        .where(sa.literal_column("commitment_search").op("MATCH")(_fts5_match(query.terms)))
        .subquery("commitment_relevance")
    )
