"""Atom feeds of what partners post on commitments: every public update, newest first.

One feed for the whole system and one for each partner, theme, area, community,
issue and commitment (issue 12, item 7). Each is read with a fixed number of
queries, whatever its size: for a scoped feed, one to find its record and one for
its entries; for the whole system, the entries alone. The entries query walks the
index on ``commitment_update.posted_at`` newest first and stops at
:data:`FEED_SIZE` (docs/query-plans.md).

A partner's, theme's, area's or community's feed holds the updates of exactly the
commitments its scorecard counts: the scope's commitment clause is the slice's own
(:mod:`tracker.figures.slices`), so no new membership rule is written here.

What an entry says follows the commitment page's history
(templates/components/commitment_timeline.html): a hidden update keeps its entry,
its status change and its target date move, but never its words, reason, progress or
evidence; it says when it was hidden and the public reason. The hidden update's words
are not even read: the query selects them only for updates that are not hidden.
Nothing names a member of staff: only the partner and the accountable role.

The XML is built with :mod:`xml.etree.ElementTree`, which escapes every text and
attribute as it writes them, so no text can close an element or a CDATA section
(there are none), whatever it holds. What it cannot do is refuse the characters XML
1.0 forbids (most control characters), so every text passes through
:func:`xml_text` on its way in. Links are absolute, from ``PUBLIC_BASE_URL``
(:func:`tracker.addresses.public_url`), never from the request's Host.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tracker.addresses import public_url
from tracker.clock import local_date
from tracker.errors import RecordNotFound
from tracker.figures.slices import (
    Slice,
    SliceKind,
    area_slice,
    community_slice,
    partner_slice,
    theme_slice,
)
from tracker.models import (
    Area,
    Commitment,
    CommitmentStatus,
    Community,
    Issue,
    Partner,
    Theme,
    Update,
    format_reference,
)
from tracker.queries.commitments import EvidenceLink, evidence_link
from tracker.rendering import datetime_attribute, format_date, pluralise

#: How many entries a feed holds: the newest updates in its scope.
FEED_SIZE = 50

#: The ``updated`` of a feed with no entries: fixed, so a feed reader polling an empty
#: feed never sees it change.
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)

#: ``Content-Type`` of every feed (RFC 4287, section 7).
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"

#: What XML 1.0 forbids (every C0 control character but tab, line feed and carriage
#: return; lone surrogates; U+FFFE and U+FFFF), with DEL and the C1 controls, which it
#: allows but which are invisible and mean nothing in a feed reader.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters an XML 1.0 document may not hold, and with
    line breaks as ``\\n`` (a parser would turn a bare carriage return into one)."""
    return _NOT_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


# --- What a feed covers ----------------------------------------------------------------


@dataclass(frozen=True)
class FeedScope:
    """The commitments a feed follows, its title and the addresses it links to."""

    title: str
    #: The feed's own address: its endpoint and values.
    endpoint: str
    values: dict[str, str]
    #: The HTML page the feed is the feed of.
    page_endpoint: str
    page_values: dict[str, str]
    #: Which commitments' updates belong; ``None`` for every commitment.
    commitments: ColumnElement[bool] | None = None


#: The slice kinds with a feed of their own: record model, noun in a "not found"
#: message, slice builder, page and feed endpoints, and the title's wording.
_SLICE_FEEDS: dict[SliceKind, tuple[type[Any], str, Any, str, str]] = {
    SliceKind.PARTNER: (Partner, "partner", partner_slice, "public.partner", "commitments by {}"),
    SliceKind.THEME: (Theme, "theme", theme_slice, "public.theme", "commitments about {}"),
    SliceKind.AREA: (Area, "area", area_slice, "public.area", "commitments in {}"),
    SliceKind.COMMUNITY: (
        Community,
        "community",
        community_slice,
        "public.community",
        "commitments on issues {} raised",
    ),
}


def system_scope() -> FeedScope:
    """Every commitment's updates: the site-wide feed."""
    return FeedScope(
        title="Updates on every commitment",
        endpoint="public.updates_feed",
        values={},
        page_endpoint="public.home",
        page_values={},
    )


def slice_scope(session: Session, kind: SliceKind, slug: str) -> FeedScope:
    """The updates on the commitments a partner's, theme's, area's or community's
    scorecard counts (an area's include its sub-areas'). One query finds the record;
    raises :class:`RecordNotFound` for an unknown slug, as the scorecard page does."""
    model, noun, make_slice, page_endpoint, wording = _SLICE_FEEDS[kind]
    record = session.exec(select(model).where(col(model.slug) == slug)).one_or_none()
    if record is None:
        listed_on = "the list of partners" if kind is SliceKind.PARTNER else "the home page"
        raise RecordNotFound(
            f"There is no {noun} at this address. Check the address is correct, "
            f"or choose one from {listed_on}."
        )
    slice_: Slice = make_slice(record)
    return FeedScope(
        title="Updates on " + wording.format(record.name),
        endpoint=f"public.{kind.value}_feed",
        values={"slug": record.slug},
        page_endpoint=page_endpoint,
        page_values={"slug": record.slug},
        commitments=slice_.commitments,
    )


def issue_scope(session: Session, number: int) -> FeedScope:
    """The updates on every commitment made about one issue. One query finds the issue;
    raises :class:`RecordNotFound` as the issue's page does."""
    found = session.execute(
        sa.select(col(Issue.id), col(Issue.title)).where(col(Issue.number) == number)
    ).one_or_none()
    reference = format_reference(Issue.REFERENCE_PREFIX, number)
    if found is None:
        raise RecordNotFound(
            f"There is no issue with the reference {reference}. Check the reference, or "
            "find the issue in the list of issues residents raised."
        )
    issue_id, title = found
    return FeedScope(
        title=f"Updates on You said {reference}: {title}",
        endpoint="public.issue_feed",
        values={"reference": reference},
        page_endpoint="public.issue",
        page_values={"reference": reference},
        commitments=col(Commitment.issue_id) == issue_id,
    )


def commitment_scope(session: Session, number: int) -> FeedScope:
    """The updates on one commitment. One query finds it; raises
    :class:`RecordNotFound` as the commitment's page does."""
    found = session.execute(
        sa.select(col(Commitment.id), col(Commitment.title)).where(col(Commitment.number) == number)
    ).one_or_none()
    reference = format_reference(Commitment.REFERENCE_PREFIX, number)
    if found is None:
        raise RecordNotFound(
            f"There is no commitment with the reference {reference}. Check the reference, "
            "or find the commitment in the list of commitments partners made."
        )
    commitment_id, title = found
    return FeedScope(
        title=f"Updates on We will {reference}: {title}",
        endpoint="public.commitment_feed",
        values={"reference": reference},
        page_endpoint="public.commitment",
        page_values={"reference": reference},
        commitments=col(Update.commitment_id) == commitment_id,
    )


# --- The entries -------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One update as a feed shows it; a hidden update's words are never here."""

    update_id: int
    posted_at: datetime
    hidden_at: datetime | None
    hidden_reason: str | None
    #: ``None`` when hidden; so are ``reason``, ``progress_percent`` and ``evidence``.
    narrative: str | None
    reason: str | None
    progress_percent: int | None
    evidence: tuple[EvidenceLink, ...]
    #: ``(from, to)`` when the update changed the status; ``from`` may be unknown.
    status_change: tuple[CommitmentStatus | None, CommitmentStatus] | None
    #: ``(from, to)`` when the update moved the target date.
    target_date_change: tuple[date, date] | None
    commitment_reference: str
    commitment_title: str
    accountable_role: str
    partner_name: str

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def updated_at(self) -> datetime:
        """When the entry last changed: when it was hidden, or else when it was posted."""
        return self.hidden_at or self.posted_at

    @property
    def changes(self) -> list[str]:
        """The status change and target date move, in the commitment page's words."""
        said = []
        if self.status_change is not None:
            previous, new = self.status_change
            if previous is None:
                said.append(f"Status set to {new.label}.")
            else:
                said.append(f"Status changed from {previous.label} to {new.label}.")
        if self.target_date_change is not None:
            before, after = self.target_date_change
            days = (after - before).days
            how_far = pluralise(abs(days), "day") + (" later" if days > 0 else " earlier")
            said.append(
                f"Target date moved from {format_date(before)} to {format_date(after)} ({how_far})."
            )
        return said

    @property
    def what_happened(self) -> str:
        """The title's account: ``status changed from In progress to Delayed``."""
        parts = []
        if self.status_change is not None:
            previous, new = self.status_change
            parts.append(
                f"status set to {new.label}"
                if previous is None
                else f"status changed from {previous.label} to {new.label}"
            )
        if self.target_date_change is not None:
            before, after = self.target_date_change
            parts.append(f"target date moved from {format_date(before)} to {format_date(after)}")
        return " and ".join(parts) or "update posted"

    @property
    def hidden_notice(self) -> str | None:
        """``Update hidden on 3 May 2027: <reason>``, as the commitment page says it."""
        if self.hidden_at is None:
            return None
        reason = self.hidden_reason or "no reason was given"
        return f"Update hidden on {format_date(local_date(self.hidden_at))}: {reason}"

    @property
    def title(self) -> str:
        head = f"{self.commitment_reference} {self.commitment_title}"
        if self.hidden_at is None:
            return f"{head}: {self.what_happened}"
        hidden_on = format_date(local_date(self.hidden_at))
        if self.status_change is None and self.target_date_change is None:
            return f"{head}: update hidden on {hidden_on}"
        return f"{head}: {self.what_happened} (update hidden on {hidden_on})"

    @property
    def text(self) -> str:
        """The entry's content as plain text: the update's words (unless hidden), its
        changes, reason, progress and evidence, and who is accountable."""
        if self.hidden_notice is not None:
            blocks = [[self.hidden_notice, *self.changes]]
        else:
            details = list(self.changes)
            if self.reason:
                details.append(f"Reason: {self.reason}")
            if self.progress_percent is not None:
                details.append(f"Progress: {self.progress_percent}%")
            if self.evidence:
                details.append("Evidence:")
                details += [f"- {_evidence_words(link)}" for link in self.evidence]
            blocks = [[self.narrative or ""], details]
        blocks.append([f"Partner: {self.partner_name}. Accountable: {self.accountable_role}."])
        return "\n\n".join("\n".join(block) for block in blocks if block)


def _evidence_words(link: EvidenceLink) -> str:
    address = "" if not link.url or link.url == link.title else f": {link.url}"
    if not link.is_web_link and link.url:
        return f"{link.title}{address} (not a web address, so not linked)"
    return f"{link.title}{address}"


def _shown_unless_hidden(column: Any) -> Any:
    """The column's value for an update that is not hidden, else NULL: a hidden
    update's words never leave the database."""
    return sa.case((col(Update.hidden_at).is_(None), column), else_=None).label(column.key)


def _entries_statement(commitments: ColumnElement[bool] | None) -> Any:
    """The newest :data:`FEED_SIZE` updates on the commitments ``commitments`` selects."""
    earlier = aliased(Update, name="earlier_update")
    # An update that records no previous target date moved the date in force before
    # it (queries/commitments.py: target_date_history): the date the latest earlier
    # update set, or the original one. Looked up only for such updates.
    in_force = (
        sa.select(col(earlier.new_target_date))
        .where(
            col(earlier.commitment_id) == col(Update.commitment_id),
            col(earlier.new_target_date).is_not(None),
            col(earlier.posted_at) < col(Update.posted_at),
        )
        .order_by(col(earlier.posted_at).desc())
        .limit(1)
        .scalar_subquery()
    )
    previous_target_date = sa.case(
        (
            sa.and_(
                col(Update.new_target_date).is_not(None),
                col(Update.previous_target_date).is_(None),
            ),
            sa.func.coalesce(in_force, col(Commitment.original_target_date)),
        ),
        else_=col(Update.previous_target_date),
    ).label("previous_target_date")
    statement = (
        sa.select(
            col(Update.id),
            col(Update.posted_at),
            col(Update.hidden_at),
            col(Update.hidden_reason),
            _shown_unless_hidden(col(Update.narrative)),
            _shown_unless_hidden(col(Update.reason)),
            _shown_unless_hidden(col(Update.progress_percent)),
            _shown_unless_hidden(col(Update.evidence_links)),
            col(Update.previous_status),
            col(Update.new_status),
            previous_target_date,
            col(Update.new_target_date),
            col(Commitment.number),
            col(Commitment.title),
            col(Commitment.accountable_role),
            col(Partner.name),
        )
        .join(Commitment, col(Commitment.id) == col(Update.commitment_id))
        .join(Partner, col(Partner.id) == col(Commitment.partner_id))
        .order_by(col(Update.posted_at).desc(), col(Update.id).desc())
        .limit(FEED_SIZE)
    )
    if commitments is not None:
        statement = statement.where(commitments)
    return statement


def feed_entries(session: Session, scope: FeedScope) -> list[FeedEntry]:
    """The newest :data:`FEED_SIZE` updates in ``scope``, newest first: one query."""
    rows = session.execute(_entries_statement(scope.commitments)).all()
    return [_entry(row) for row in rows]


def _entry(row: Any) -> FeedEntry:
    status_change = None
    if row.new_status is not None and row.new_status != row.previous_status:
        status_change = (row.previous_status, row.new_status)
    move = None
    if row.new_target_date is not None and row.new_target_date != row.previous_target_date:
        move = (row.previous_target_date, row.new_target_date)
    return FeedEntry(
        update_id=row.id,
        posted_at=row.posted_at,
        hidden_at=row.hidden_at,
        hidden_reason=row.hidden_reason,
        narrative=row.narrative,
        reason=row.reason,
        progress_percent=row.progress_percent,
        evidence=tuple(evidence_link(link) for link in row.evidence_links or []),
        status_change=status_change,
        target_date_change=move,
        commitment_reference=format_reference(Commitment.REFERENCE_PREFIX, row.number),
        commitment_title=row.title,
        accountable_role=row.accountable_role,
        partner_name=row.name,
    )


# --- Atom ------------------------------------------------------------------------------


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """A child element, its text and attributes cleaned of what XML may not hold."""
    element = ET.SubElement(
        parent, tag, {name: xml_text(value) for name, value in attributes.items()}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_document(
    scope: FeedScope, entries: Iterable[FeedEntry], *, site_title: str, author: str
) -> bytes:
    """The feed as an Atom 1.0 document (RFC 4287), UTF-8 encoded.

    ``site_title`` ends the feed's title (``You said, we did – <ICS name>``);
    ``author`` is the feed's author, the ICS. Needs an app context, for the addresses.
    """
    entries = list(entries)
    feed_address = public_url(scope.endpoint, **scope.values)
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, "xml:lang": "en-GB"})
    _add(feed, "id", feed_address)
    _add(feed, "title", f"{scope.title} – {site_title}")
    newest = max((entry.updated_at for entry in entries), default=EMPTY_FEED_UPDATED)
    _add(feed, "updated", datetime_attribute(newest))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_address)
    _add(
        feed,
        "link",
        rel="alternate",
        type="text/html",
        href=public_url(scope.page_endpoint, **scope.page_values),
    )
    _add(_add(feed, "author"), "name", author)
    for entry in entries:
        page = public_url("public.commitment", reference=entry.commitment_reference)
        element = _add(feed, "entry")
        _add(element, "id", f"{page}#update-{entry.update_id}")
        _add(element, "title", entry.title)
        _add(element, "updated", datetime_attribute(entry.updated_at))
        _add(element, "published", datetime_attribute(entry.posted_at))
        _add(element, "link", rel="alternate", type="text/html", href=f"{page}#updates")
        _add(_add(element, "author"), "name", entry.partner_name)
        if entry.hidden_notice is not None:
            _add(element, "summary", entry.hidden_notice, type="text")
        _add(element, "content", entry.text, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
