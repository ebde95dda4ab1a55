"""Keyword search over issues and commitments, ranked by relevance, on both databases.

One interface, two engines:

- SQLite: FTS5 tables ``issue_search`` and ``commitment_search`` that mirror the
  searchable columns, kept up to date by triggers, ranked with ``bm25``.
- PostgreSQL: a stored, generated ``search_vector`` column on ``issue`` and
  ``commitment``, matched with ``@@`` and ranked with ``ts_rank``. Each issue also
  holds ``commitments_search_vector``, the words of all its commitments, kept up to
  date by triggers on ``commitment``; one GIN index on
  ``search_vector || commitments_search_vector`` finds the issues matching on their
  own words or their commitments' in one index scan, with no join.

The migrations that create these objects (0002 and 0012) hold their definitions.
They are not SQLModel tables or columns, so the model/migration comparison skips
them by name (:func:`is_search_schema_object`).

"Best match" for issues, on both engines: first the issues that match on their own
words (title, summary, quotes), ranked by the engine (``ts_rank`` or ``bm25``), where
a match in the title counts for more than one in the summary, which counts for more
than one in the quotes; then the issues that match only through their commitments'
text, all ranked equal. Lists break ties newest first, so those come newest first.
For commitments, a match in the title counts for more than one in the description,
which counts for more than one in the success measure.

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

# bm25's column weights on SQLite: title, then summary (or description), then quotes
# (or success measure), as the weights A, B and C do on PostgreSQL.
_BM25_WEIGHTS = (10.0, 4.0, 2.0)

# An issue matching on its own words has a relevance of at least 1 (one more than its
# rank, which is never negative); one matching only through a commitment has 0.
_OWN_WORDS = 1.0
_ONLY_COMMITMENTS = 0.0


def is_search_schema_object(name: str | None) -> bool:
    """True for the search tables, triggers, columns and indexes the models do not describe."""
    if not name:
        return False
    return (
        name in ("search_vector", "commitments_search_vector")
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


@dataclass(frozen=True)
class Matches:
    """The rows of one table (``issue`` or ``commitment``) that match a search.

    :meth:`restrict` keeps a statement over that table to the matching rows, and
    ``relevance`` is then an expression of each row, higher for a better match, to
    order by. On PostgreSQL the matches are a condition on the table's own row; on
    SQLite they are a ranked subquery joined on the row's id.
    """

    relevance: sa.ColumnElement[Any]
    condition: sa.ColumnElement[bool] | None = None
    ranked: sa.Subquery | None = None
    ranked_on: sa.ColumnElement[bool] | None = None

    def restrict(self, statement: sa.Select[Any]) -> sa.Select[Any]:
        """``statement`` (selecting from the table searched) with only the matching rows."""
        if self.ranked is not None:
            statement = statement.join(self.ranked, self.ranked_on)
        if self.condition is not None:
            statement = statement.where(self.condition)
        return statement


def _fts5_match(terms: tuple[str, ...]) -> str:
    # Every word must appear, as a prefix ("appoint" finds "appointments").
    return " ".join(f'"{term}"*' for term in terms)


def _bm25(table: str) -> sa.ColumnElement[Any]:
    """FTS5's rank of the row matched in ``table``, higher for a better match, at least 0.

    bm25 itself is negative and lower for a better match, so it is negated.
    """
    return -sa.func.bm25(sa.literal_column(table), *_BM25_WEIGHTS)


def _tsquery(terms: tuple[str, ...]) -> sa.ScalarSelect[Any]:
    """The words as a PostgreSQL ``tsquery``, every word a prefix, all required.

    Given as a subquery, computed once per statement, so the planner does not see
    the words: it then always finds the matches in the GIN index. Seeing a common
    word ("appointments" is in a quarter of the issues), it would instead test every
    row's vector, which costs several times more for a prefix term than reading the
    index (docs/query-plans.md, "Search").
    """
    words = " & ".join(f"{term}:*" for term in terms)
    return sa.select(sa.func.to_tsquery("english", words)).scalar_subquery()


def issue_matches(session: Session, query: SearchQuery) -> Matches:
    """The issues matching the query, best match first (see the module's docstring).

    An issue matches when its title, summary and quotes, or any one of its
    commitments, hold every word of the query (as a prefix).
    """
    if session.get_bind().dialect.name == "postgresql":
        return _postgresql_issue_matches(query.terms)
    match = _fts5_match(query.terms)
    issue_search = sa.table("issue_search", sa.column("rowid"))
    commitment_search = sa.table("commitment_search", sa.column("rowid"))
    own = sa.select(
        issue_search.c.rowid.label("issue_id"),
        (_OWN_WORDS + _bm25("issue_search")).label("relevance"),
    ).where(sa.literal_column("issue_search").op("MATCH")(match))
    via_commitments = (
        sa.select(
            col(Commitment.issue_id).label("issue_id"),
            sa.literal(_ONLY_COMMITMENTS, type_=sa.Float).label("relevance"),
        )
        .join(commitment_search, commitment_search.c.rowid == col(Commitment.id))
        .where(sa.literal_column("commitment_search").op("MATCH")(match))
    )
    found = sa.union_all(own, via_commitments).subquery("found")
    ranked = (
        sa.select(found.c.issue_id, sa.func.max(found.c.relevance).label("relevance"))
        .group_by(found.c.issue_id)
        .subquery("issue_relevance")
    )
    return Matches(
        relevance=ranked.c.relevance, ranked=ranked, ranked_on=ranked.c.issue_id == col(Issue.id)
    )


def _postgresql_issue_matches(terms: tuple[str, ...]) -> Matches:
    tsquery = _tsquery(terms)
    own: sa.ColumnClause[Any] = sa.literal_column("issue.search_vector")
    commitments: sa.ColumnClause[Any] = sa.literal_column("issue.commitments_search_vector")
    commitment_vector: sa.ColumnClause[Any] = sa.literal_column("commitment.search_vector")
    # The document joins the words of the issue and of all its commitments, so with
    # two words or more it also finds an issue whose words are spread over them
    # ("parking" in the issue, "hospital" in a commitment). Its GIN index narrows the
    # search; the second test keeps only an issue, or one of its commitments, that
    # holds every word. A query of one word (``numnode`` 1) is in the document only
    # if it is in one of them, so the commitments are never read for it.
    document = own.op("||")(commitments)  # ix_issue_search_document (migration 0012)
    in_a_commitment = (
        sa.select(col(Commitment.id))
        .where(col(Commitment.issue_id) == col(Issue.id))
        .where(commitment_vector.op("@@")(tsquery))
        .exists()
    )
    condition = sa.and_(
        document.op("@@")(tsquery),
        sa.or_(sa.func.numnode(tsquery) == 1, own.op("@@")(tsquery), in_a_commitment),
    )
    relevance = sa.case(
        (own.op("@@")(tsquery), _OWN_WORDS + sa.func.ts_rank(own, tsquery, type_=sa.Float)),
        else_=sa.literal(_ONLY_COMMITMENTS, type_=sa.Float),
    )
    return Matches(relevance=relevance, condition=condition)


def commitment_matches(session: Session, query: SearchQuery) -> Matches:
    """The commitments matching the query, best match first.

    A commitment matches when its title, description and success measure hold every
    word of the query (as a prefix); a title match ranks above a description match,
    which ranks above a success measure match.
    """
    if session.get_bind().dialect.name == "postgresql":
        tsquery = _tsquery(query.terms)
        vector: sa.ColumnClause[Any] = sa.literal_column("commitment.search_vector")
        return Matches(
            relevance=sa.func.ts_rank(vector, tsquery, type_=sa.Float),
            condition=vector.op("@@")(tsquery),
        )
    commitment_search = sa.table("commitment_search", sa.column("rowid"))
    ranked = (
        sa.select(
            commitment_search.c.rowid.label("commitment_id"),
            _bm25("commitment_search").label("relevance"),
        )
        .where(sa.literal_column("commitment_search").op("MATCH")(_fts5_match(query.terms)))
        .subquery("commitment_relevance")
    )
    return Matches(
        relevance=ranked.c.relevance,
        ranked=ranked,
        ranked_on=ranked.c.commitment_id == col(Commitment.id),
    )
