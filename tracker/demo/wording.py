"""The shapes of the demo's word pools, shared by the pools in tracker/demo/."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.models import PartnerKind


@dataclass(frozen=True)
class PartnerText:
    name: str
    slug: str
    kind: PartnerKind
    description: str


@dataclass(frozen=True)
class IssueWording:
    title: str
    summary: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class CommitmentWording:
    title: str
    description: str
    success_measure: str


@dataclass(frozen=True)
class ThemeText:
    name: str
    slug: str
    #: How the theme reads inside a sentence: "a survey about <phrase>".
    phrase: str
    description: str
    #: The kinds of partner that lead on this theme, and the job title that answers for it.
    lead_roles: dict[PartnerKind, str]
    issues: tuple[IssueWording, ...]
    commitments: tuple[CommitmentWording, ...]


@dataclass(frozen=True)
class CommunityText:
    name: str
    slug: str
    phrase: str
    description: str


@dataclass(frozen=True)
class EngagementWording:
    title: str
    summary: str
    #: Smallest and largest number taking part.
    participants: tuple[int, int]
    #: How long it ran in days, or None for a single day.
    days: tuple[int, int] | None
    #: Share held in one area (the rest cover the whole ICS).
    area_share: float
    #: Fewest and most communities it reached out to specially.
    communities: tuple[int, int]
    organisers: tuple[PartnerKind, ...]


def issue(title: str, summary: str, *quotes: str) -> IssueWording:
    return IssueWording(title, summary, quotes)


def commitment(title: str, description: str, success_measure: str) -> CommitmentWording:
    return CommitmentWording(title, description, success_measure)
