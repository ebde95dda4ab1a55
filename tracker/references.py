"""Public reference numbers (``YS-0042``, ``WW-0107``, ``EN-0012``).

Numbers come from a counter per prefix that only ever goes up, so a reference
printed in a board paper always means the same record.
"""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.models import ReferenceCounter


def allocate_numbers(session: Session, prefix: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers for ``prefix`` and return them.

    The counter row is locked for the rest of the transaction on PostgreSQL, so
    two writers cannot be handed the same number.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    counter = session.exec(
        select(ReferenceCounter).where(ReferenceCounter.prefix == prefix).with_for_update()
    ).one_or_none()
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, last_number=0)
        session.add(counter)
    first = counter.last_number + 1
    counter.last_number += count
    session.flush()
    return range(first, first + count)


def allocate_number(session: Session, prefix: str) -> int:
    """Reserve the next number for ``prefix``."""
    return allocate_numbers(session, prefix, 1)[0]
