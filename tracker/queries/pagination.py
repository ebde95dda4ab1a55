"""Pages of a list: which rows a page holds, its page numbers, and what happens when an
address asks for a page past the end (the last page is shown)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

#: Rows on one page of a list.
PAGE_SIZE = 20

#: Page numbers past this are surely past the end; they are not sent to the database,
#: whose offsets are 64-bit, but answered with the last page.
LAST_PAGE_TRIED = 10**9

T = TypeVar("T")
R = TypeVar("R")


def relationship(attribute: Any) -> QueryableAttribute[Any]:
    """A SQLModel relationship as the attribute SQLAlchemy's loader options expect.

    SQLModel types relationships as the related model, so mypy cannot see that
    ``Commitment.partner`` is an instrumented attribute at class level.
    """
    relationship: QueryableAttribute[Any] = attribute
    return relationship


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the total across all pages."""

    rows: list[T]
    number: int
    total: int
    #: The page the address asked for; differs from ``number`` when it was past the end.
    requested: int
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        """How many pages the list has (at least one, even when it is empty)."""
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        """True when there is a page before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """True when there is a page after this one."""
        return self.number < self.count

    @property
    def first_row(self) -> int:
        """The position of this page's first row in the whole list (1-based)."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_row(self) -> int:
        """The position of this page's last row in the whole list (1-based)."""
        return (self.number - 1) * self.size + len(self.rows)

    def numbers_to_show(self) -> list[int | None]:
        """Page numbers for the pagination links; ``None`` stands for a gap.

        The first, the last, and the pages either side of this one, as in
        ``1 … 4 5 6 … 12``. A gap of a single page shows that page instead.
        """
        wanted = {1, self.count, self.number - 1, self.number, self.number + 1}
        numbers: list[int | None] = []
        previous = 0
        for n in sorted(n for n in wanted if 1 <= n <= self.count):
            if n - previous == 2:
                numbers.append(previous + 1)
            elif n - previous > 2:
                numbers.append(None)
            numbers.append(n)
            previous = n
        return numbers


def page_number(requested: int, total: int) -> int:
    """The page to show: the one asked for, or the last when it is past the end."""
    last = max(1, math.ceil(total / PAGE_SIZE))
    return min(max(requested, 1), last)


def row_offset(page_number: int) -> int:
    """How many rows come before page ``page_number``."""
    return (page_number - 1) * PAGE_SIZE


class PageRows(NamedTuple, Generic[R]):
    """The rows of the page shown, its number and the total across every page."""

    rows: Sequence[R]
    number: int
    total: int


def rows_of_page(
    requested: int, fetch: Callable[[int], Sequence[R]], count: Callable[[], int]
) -> PageRows[R]:
    """The rows of page ``requested``, or of the last page when it is past the end.

    ``fetch(number)`` reads one page of rows, each carrying the total across every
    page in a ``total`` column (a window count), so a page within the list costs one
    query. Only an empty page past the first costs more: ``count()`` for the total on
    its own, then the last page.
    """
    number = min(max(requested, 1), LAST_PAGE_TRIED)
    rows = fetch(number)
    if rows:
        return PageRows(rows, number, int(rows[0].total))  # type: ignore[attr-defined]
    if number == 1:
        return PageRows(rows, 1, 0)
    total = count()
    number = page_number(number, total)
    return PageRows(fetch(number) if total else [], number, total)


def total_column(matching: Callable[..., Any], *, ranked: bool) -> Any:
    """The ``total`` column of a page's query: how many rows match on every page.

    ``matching(*columns)`` is the list's query (its joins and filters) selecting
    ``columns``. A list in an order of columns that an index keeps (the newest, the
    soonest due) counts in a subquery of its own, which the database plans apart
    and runs once, so the page itself is read from the index and stops after its
    rows. A ``ranked`` list (a search, best match first) has to rank every match
    before it can show the first, so it counts them as it goes (a window count)
    rather than running the search twice.
    """
    if ranked:
        return sa.func.count().over().label("total")
    return matching(sa.func.count()).correlate(None).scalar_subquery().label("total")


def parse_page(args: Mapping[str, str], notices: list[str]) -> int:
    """The page number in the address (``?page=3``); page 1, with a notice, when it is
    not a whole number of at least 1."""
    raw = args.get("page")
    raw = raw.strip() if raw is not None else None
    if not raw:
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        notices.append("The page number in the address was not recognised, so page 1 is shown.")
        return 1
    return number
