"""The demo's plan: every record and its history, decided in memory before anything is written.

One ``random.Random`` is drawn from in one fixed order, so the same seed, scale and
``today`` always give the same plan.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import TypeVar

from tracker import clock
from tracker.config import DEFAULT_NO_RECENT_UPDATE_DAYS
from tracker.demo import words
from tracker.demo.sizing import HISTORY_DAYS, DemoSize
from tracker.models import CommitmentStatus, EngagementKind, PartnerKind

_Key = TypeVar("_Key")


class Storyline(enum.Enum):
    """What happens to a commitment over its life. Each gives one status and its flags."""

    NEW_NOT_STARTED = "new, not started"
    STALE_NOT_STARTED = "not started, and nothing heard for months"
    ON_TRACK = "in progress, on time"
    OVERDUE = "in progress, past its target date"
    GONE_QUIET = "in progress, no update for months"
    DELAYED = "delayed, target date moved"
    DELIVERED = "delivered"
    DELIVERED_AFTER_DELAY = "delayed once, then delivered"
    NOT_GOING_AHEAD = "not going ahead"


#: How many days old (today minus committed_on) a commitment on each storyline may
#: be: old enough for its events to have happened, young enough to stay inside the
#: two years of history once the issue's wait for a response is added.
_AGE_RANGE: dict[Storyline, tuple[int, int]] = {
    Storyline.NEW_NOT_STARTED: (3, 75),
    Storyline.STALE_NOT_STARTED: (120, 500),
    Storyline.ON_TRACK: (20, 400),
    Storyline.OVERDUE: (120, 640),
    Storyline.GONE_QUIET: (150, 640),
    Storyline.DELAYED: (60, 640),
    Storyline.DELIVERED: (45, 640),
    Storyline.DELIVERED_AFTER_DELAY: (150, 640),
    Storyline.NOT_GOING_AHEAD: (30, 640),
}
_OPEN_STORYLINES: dict[Storyline, int] = {
    Storyline.NEW_NOT_STARTED: 8,
    Storyline.STALE_NOT_STARTED: 5,
    Storyline.ON_TRACK: 25,
    Storyline.OVERDUE: 8,
    Storyline.GONE_QUIET: 8,
    Storyline.DELAYED: 12,
}
_CLOSED_STORYLINES: dict[Storyline, int] = {
    Storyline.DELIVERED: 24,
    Storyline.DELIVERED_AFTER_DELAY: 4,
    Storyline.NOT_GOING_AHEAD: 6,
}
_ALL_STORYLINES = {**_OPEN_STORYLINES, **_CLOSED_STORYLINES}

#: Shares of issues by response state: awaiting a response, closed, and the rest responded.
_AWAITING_SHARE = 0.1
_CLOSED_SHARE = 0.25


@dataclass(slots=True)
class AreaPlan:
    name: str
    slug: str
    parent: int | None


@dataclass(slots=True)
class EngagementPlan:
    kind: EngagementKind
    title: str
    summary: str
    started_on: date
    ended_on: date | None
    area: int | None
    organising_partner: int
    communities: list[int]
    participant_count: int
    write_up_url: str | None
    #: The topic a survey, report or panel was about; None for open conversations.
    theme: int | None
    number: int = 0


@dataclass(slots=True)
class UpdatePlan:
    posted_at: datetime
    narrative: str
    previous_status: CommitmentStatus
    new_status: CommitmentStatus
    progress_percent: int | None
    previous_target_date: date | None
    new_target_date: date | None
    reason: str | None
    evidence_links: list[dict[str, str]]


@dataclass(slots=True)
class CommitmentPlan:
    storyline: Storyline
    committed_on: date
    original_target_date: date
    issue: IssuePlan | None = None
    partner: int = 0
    title: str = ""
    description: str = ""
    success_measure: str = ""
    accountable_role: str = ""
    target_date: date = date.min
    status: CommitmentStatus = CommitmentStatus.NOT_STARTED
    status_reason: str | None = None
    delivered_on: date | None = None
    updates: list[UpdatePlan] = field(default_factory=list)
    number: int = 0

    @property
    def last_update_on(self) -> date | None:
        return self.updates[-1].posted_at.date() if self.updates else None


@dataclass(slots=True)
class IssuePlan:
    raised_on: date
    commitments: list[CommitmentPlan]
    title: str = ""
    summary: str = ""
    quotes: list[str] = field(default_factory=list)
    people_count: int = 0
    lead_partner: int = 0
    supporting_partners: list[int] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)
    areas: list[int] = field(default_factory=list)
    communities: list[int] = field(default_factory=list)
    engagements: list[int] = field(default_factory=list)
    number: int = 0


@dataclass
class DemoPlan:
    partners: list[words.PartnerText]
    areas: list[AreaPlan]
    themes: list[words.ThemeText]
    communities: list[words.CommunityText]
    engagements: list[EngagementPlan]
    issues: list[IssuePlan]
    commitments: list[CommitmentPlan]
    today: date


class History:
    """A commitment's updates as they are posted, keeping status and target date in step."""

    def __init__(self, planner: DemoPlanner, target_date: date) -> None:
        self.planner = planner
        self.status = CommitmentStatus.NOT_STARTED
        self.target_date = target_date
        self.progress: int | None = None
        self.status_reason: str | None = None
        self.delivered_on: date | None = None
        self.updates: list[UpdatePlan] = []

    def post(
        self,
        on: date,
        narrative: str,
        new_status: CommitmentStatus,
        *,
        new_target_date: date | None = None,
        reason: str | None = None,
        evidence: bool = False,
    ) -> None:
        moved = new_target_date is not None
        self.updates.append(
            UpdatePlan(
                posted_at=self.planner.working_hours(on),
                narrative=narrative,
                previous_status=self.status,
                new_status=new_status,
                progress_percent=self.progress,
                previous_target_date=self.target_date if moved else None,
                new_target_date=new_target_date,
                reason=reason,
                evidence_links=[self.planner.evidence_link(on)] if evidence else [],
            )
        )
        if new_status is not self.status or moved:
            # The public reason belongs to the latest change of status or target date.
            self.status_reason = reason if new_status in _STATUSES_WITH_REASON else None
        self.status = new_status
        if new_target_date is not None:
            self.target_date = new_target_date

    def work(self, first: date, last: date, status: CommitmentStatus) -> None:
        """Progress updates from ``first`` to ``last``, about one per update interval."""
        if last < first:
            return
        for on in self.planner.timeline(first, last):
            rng = self.planner.rng
            if self.status is CommitmentStatus.NOT_STARTED:
                self.progress = rng.randint(5, 15)
                self.post(on, rng.choice(words.STARTED), CommitmentStatus.IN_PROGRESS)
            elif status is CommitmentStatus.IN_PROGRESS:
                self.progress = min(90, (self.progress or 0) + rng.randint(5, 20))
                self.post(on, rng.choice(words.PROGRESS), status, evidence=rng.random() < 0.2)
            else:
                self.post(on, rng.choice(words.STILL_DELAYED), status)

    def delay(self, on: date) -> None:
        rng = self.planner.rng
        reason = rng.choice(words.DELAY_REASONS)
        new_target_date = _month_end(max(self.target_date, on) + timedelta(rng.randint(60, 240)))
        self.post(
            on,
            f"This will take longer than we said. {reason}",
            CommitmentStatus.DELAYED,
            new_target_date=new_target_date,
            reason=reason,
        )


_STATUSES_WITH_REASON = frozenset({CommitmentStatus.DELAYED, CommitmentStatus.NOT_GOING_AHEAD})


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _deal(rng: random.Random, weights: Mapping[_Key, int], count: int) -> list[_Key]:
    """``count`` picks in proportion to ``weights``, shuffled.

    Every key is picked at least once when ``count`` allows, so even the smallest
    demo shows every status and kind. Largest remainders keep the shares exact.
    """
    keys = list(weights)
    picks = dict.fromkeys(keys, 1 if count >= len(keys) else 0)
    remaining = count - sum(picks.values())
    total = sum(weights.values())
    shares = {key: remaining * weights[key] / total for key in keys}
    for key in keys:
        picks[key] += int(shares[key])
    left_over = count - sum(picks.values())
    by_remainder = sorted(keys, key=lambda key: shares[key] - int(shares[key]), reverse=True)
    for key in by_remainder[:left_over]:
        picks[key] += 1
    cards = [key for key in keys for _ in range(picks[key])]
    rng.shuffle(cards)
    return cards


class DemoPlanner:
    """Builds every record of the demo in memory, in one fixed order of random draws."""

    def __init__(self, size: DemoSize, rng: random.Random, today: date) -> None:
        self.size = size
        self.rng = rng
        self.today = today
        self.yesterday = today - timedelta(days=1)
        self.partners = list(words.PARTNERS[: size.partners])
        self.themes = list(words.THEMES[: size.themes])
        self.communities = list(words.COMMUNITIES[: size.communities])
        self.areas: list[AreaPlan] = []
        # One shuffled queue of wording per theme, so titles repeat only once all are used.
        self.issue_wording: dict[int, list[int]] = {}

    def plan(self) -> DemoPlan:
        self.plan_areas()
        engagements = self.plan_engagements()
        issues = self.plan_issues()
        self.describe_issues(issues, engagements)
        commitments = [commitment for issue in issues for commitment in issue.commitments]
        # References follow the order things happened: YS-0001 is the oldest issue.
        commitments.sort(key=lambda c: (c.committed_on, c.issue.number if c.issue else 0))
        for number, commitment in enumerate(commitments, start=1):
            commitment.number = number
        return DemoPlan(
            partners=self.partners,
            areas=self.areas,
            themes=self.themes,
            communities=self.communities,
            engagements=engagements,
            issues=issues,
            commitments=commitments,
            today=self.today,
        )

    # --- places ---

    def plan_areas(self) -> None:
        for borough, neighbourhoods in words.BOROUGHS[: self.size.boroughs]:
            parent = len(self.areas)
            self.areas.append(AreaPlan(borough, words.slug(borough), None))
            for name in neighbourhoods[: self.size.neighbourhoods_per_borough]:
                self.areas.append(AreaPlan(name, words.slug(name), parent))

    def partners_of(self, kinds: Sequence[PartnerKind]) -> list[int]:
        return [index for index, partner in enumerate(self.partners) if partner.kind in kinds]

    # --- engagements ---

    def plan_engagements(self) -> list[EngagementPlan]:
        rng = self.rng
        count = self.size.engagements
        kinds = _deal(rng, words.ENGAGEMENT_KINDS, count)
        first_day = self.today - timedelta(days=HISTORY_DAYS + 30)
        span = HISTORY_DAYS + 30 - 14
        engagements = []
        for index, kind in enumerate(kinds):
            # Spread evenly over the history, the first on its first day, so every
            # issue has an engagement that came before it.
            offset = index * span // count + (rng.randint(0, span // count) if index else 0)
            started_on = first_day + timedelta(days=min(offset, span))
            engagements.append(self.plan_engagement(kind, started_on))
        engagements.sort(key=lambda engagement: engagement.started_on)
        for number, engagement in enumerate(engagements, start=1):
            engagement.number = number
        return engagements

    def plan_engagement(self, kind: EngagementKind, started_on: date) -> EngagementPlan:
        rng = self.rng
        wording = words.ENGAGEMENT_WORDING[kind]
        area = rng.randrange(len(self.areas)) if rng.random() < wording.area_share else None
        place = self.areas[area].name if area is not None else "Riverside and Vale"
        theme = rng.randrange(len(self.themes)) if "{theme" in wording.title else None
        communities = rng.sample(range(len(self.communities)), rng.randint(*wording.communities))
        if "{community" in wording.title and not communities:
            communities = [rng.randrange(len(self.communities))]
        if kind is EngagementKind.HEALTHWATCH_REPORT:
            organisers = self.partners_of([PartnerKind.HEALTHWATCH])
        else:
            organisers = self.partners_of(wording.organisers) or [0]
        ended_on: date | None = None
        if wording.days:
            ended_on = started_on + timedelta(days=rng.randint(*wording.days))
            if ended_on >= self.today:
                ended_on = None  # still running
        # Single-day events are over on the day; longer ones once they have ended.
        finished_on = started_on if wording.days is None else ended_on
        fields = {
            "place": place,
            "venue": rng.choice(words.VENUES),
            "theme": self.themes[theme].name if theme is not None else "",
            "theme_phrase": self.themes[theme].phrase if theme is not None else "",
            "community": self.communities[communities[0]].name if communities else "",
            "community_phrase": self.communities[communities[0]].phrase if communities else "",
            "month": started_on.strftime("%B %Y"),
        }
        title = wording.title.format(**fields)
        return EngagementPlan(
            kind=kind,
            title=title,
            summary=wording.summary.format(**fields),
            started_on=started_on,
            ended_on=ended_on,
            area=area,
            organising_partner=rng.choice(organisers),
            communities=sorted(communities),
            participant_count=rng.randint(*wording.participants),
            # A write-up is published a few weeks after the engagement ends.
            write_up_url=(
                f"https://example.org/riverside-and-vale/heard/{words.slug(title)}"
                if finished_on is not None and (self.today - finished_on).days > 45
                else None
            ),
            theme=theme,
        )

    # --- issues and commitments: when things happened, and to what ---

    def plan_issues(self) -> list[IssuePlan]:
        rng = self.rng
        count = self.size.issues
        awaiting = max(2, round(count * _AWAITING_SHARE))
        closed = round(count * _CLOSED_SHARE)
        responded = count - awaiting - closed
        # Every answered issue has at least one commitment; the rest are shared at random.
        per_issue = [1] * (closed + responded)
        for _ in range(self.size.commitments - len(per_issue)):
            per_issue[rng.randrange(len(per_issue))] += 1
        closed_counts, responded_counts = per_issue[:closed], per_issue[closed:]
        # A closed issue has only Delivered or Not going ahead commitments; a responded
        # one has at least one still open. The rest follow the overall mix.
        closed_cards = _deal(rng, _CLOSED_STORYLINES, sum(closed_counts))
        open_cards = _deal(rng, _OPEN_STORYLINES, responded)
        mixed_cards = _deal(rng, _ALL_STORYLINES, sum(responded_counts) - responded)
        issues = []
        for commitments in closed_counts:
            storylines = [closed_cards.pop() for _ in range(commitments)]
            issues.append(self.plan_answered_issue(storylines))
        for commitments in responded_counts:
            storylines = [open_cards.pop()] + [mixed_cards.pop() for _ in range(commitments - 1)]
            issues.append(self.plan_answered_issue(storylines))
        for index in range(awaiting):
            issues.append(IssuePlan(raised_on=self.awaiting_since(index), commitments=[]))
        issues.sort(key=lambda issue: issue.raised_on)
        for number, issue in enumerate(issues, start=1):
            issue.number = number
        return issues

    def awaiting_since(self, index: int) -> date:
        """When an issue still awaiting a response was raised.

        The first has waited most of a year and the second only days, so the
        demo always shows both a long silence and a fresh issue.
        """
        if index == 0:
            days = self.rng.randint(240, 420)
        elif index == 1:
            days = self.rng.randint(3, 20)
        else:
            days = self.rng.randint(3, 420)
        return self.today - timedelta(days=days)

    def plan_answered_issue(self, storylines: list[Storyline]) -> IssuePlan:
        rng = self.rng
        commitments = []
        for storyline in storylines:
            committed_on = self.today - timedelta(days=rng.randint(*_AGE_RANGE[storyline]))
            commitments.append(self.plan_commitment(storyline, committed_on))
        commitments.sort(key=lambda commitment: commitment.committed_on)
        # The first response came between a week and three months after the issue was raised.
        raised_on = commitments[0].committed_on - timedelta(days=rng.randint(7, 90))
        issue = IssuePlan(raised_on=raised_on, commitments=commitments)
        for commitment in commitments:
            commitment.issue = issue
        return issue

    def plan_commitment(self, storyline: Storyline, committed_on: date) -> CommitmentPlan:
        rng = self.rng
        age = (self.today - committed_on).days
        if storyline is Storyline.ON_TRACK:
            target = max(committed_on + timedelta(60), self.today + timedelta(rng.randint(14, 300)))
            target = _month_end(target)
        elif storyline is Storyline.OVERDUE:
            target = committed_on + timedelta(rng.randint(60, age - 7))
            # Month ends read naturally ("by the end of March"), unless that would
            # push the date past today and stop it being overdue.
            target = _month_end(target) if _month_end(target) < self.today else target
        else:
            low, high = _TARGET_DAYS.get(storyline, (90, 400))
            target = _month_end(committed_on + timedelta(rng.randint(low, high)))
        history = self.history(storyline, committed_on, target)
        return CommitmentPlan(
            storyline=storyline,
            committed_on=committed_on,
            original_target_date=target,
            target_date=history.target_date,
            status=history.status,
            status_reason=history.status_reason,
            delivered_on=history.delivered_on,
            updates=history.updates,
        )

    def history(self, storyline: Storyline, committed_on: date, target: date) -> History:
        """Post the updates that take a commitment along ``storyline`` up to yesterday."""
        rng = self.rng
        history = History(self, target)
        yesterday = self.yesterday
        age = (self.today - committed_on).days
        first = min(committed_on + timedelta(rng.randint(3, 21)), yesterday)
        in_progress = CommitmentStatus.IN_PROGRESS

        if storyline is Storyline.NEW_NOT_STARTED:
            if rng.random() < 0.4 and committed_on < yesterday:
                on = self.day_between(committed_on + timedelta(1), yesterday)
                history.post(on, rng.choice(words.PLANNING), CommitmentStatus.NOT_STARTED)
        elif storyline is Storyline.STALE_NOT_STARTED:
            if rng.random() < 0.4:
                on = committed_on + timedelta(rng.randint(3, 30))
                history.post(on, rng.choice(words.PLANNING), CommitmentStatus.NOT_STARTED)
        elif storyline in (Storyline.ON_TRACK, Storyline.OVERDUE):
            last = max(first, self.today - timedelta(rng.randint(1, 60)))
            history.work(first, last, in_progress)
        elif storyline is Storyline.GONE_QUIET:
            # Silent for a few days more than the default "No recent update" line.
            silent_days = rng.randint(DEFAULT_NO_RECENT_UPDATE_DAYS + 5, min(300, age - 30))
            last = max(first, self.today - timedelta(silent_days))
            history.work(first, last, in_progress)
        elif storyline is Storyline.DELAYED:
            delayed_on = self.day_between(first + timedelta(14), yesterday)
            history.work(first, self.before(delayed_on), in_progress)
            history.delay(delayed_on)
            if (yesterday - delayed_on).days > 60 and rng.random() < 0.25:
                delayed_on = self.day_between(delayed_on + timedelta(30), yesterday)
                history.delay(delayed_on)
            last = self.today - timedelta(rng.randint(1, 120))
            history.work(delayed_on + timedelta(14), last, CommitmentStatus.DELAYED)
        elif storyline is Storyline.DELIVERED:
            delivered_on = self.day_between(first + timedelta(21), yesterday)
            history.work(first, self.before(delivered_on), in_progress)
            self.deliver(history, delivered_on)
        elif storyline is Storyline.DELIVERED_AFTER_DELAY:
            delayed_on = self.day_between(first + timedelta(14), yesterday - timedelta(60))
            history.work(first, self.before(delayed_on), in_progress)
            history.delay(delayed_on)
            resumed_on = self.day_between(delayed_on + timedelta(14), yesterday - timedelta(30))
            history.post(resumed_on, rng.choice(words.RESUMED), in_progress)
            delivered_on = self.day_between(resumed_on + timedelta(14), yesterday)
            history.work(resumed_on + timedelta(7), self.before(delivered_on), in_progress)
            self.deliver(history, delivered_on)
        else:  # Storyline.NOT_GOING_AHEAD
            decided_on = self.day_between(committed_on + timedelta(14), yesterday)
            if rng.random() < 0.6:
                history.work(first, self.before(decided_on), in_progress)
            reason = rng.choice(words.NOT_GOING_AHEAD_REASONS)
            history.progress = None
            history.post(decided_on, reason, CommitmentStatus.NOT_GOING_AHEAD, reason=reason)
        return history

    def deliver(self, history: History, on: date) -> None:
        history.progress = 100
        history.delivered_on = on
        history.post(
            on, self.rng.choice(words.DELIVERED), CommitmentStatus.DELIVERED, evidence=True
        )

    # --- issues: what, where, who from, who owns it ---

    def describe_issues(self, issues: list[IssuePlan], engagements: list[EngagementPlan]) -> None:
        rng = self.rng
        starts = [engagement.started_on for engagement in engagements]
        for issue in issues:
            # Heard at one of the last few engagements before the issue was raised.
            heard_before = _count_on_or_before(starts, issue.raised_on)
            candidates = list(range(max(0, heard_before - 4), heard_before))
            heard_at = 2 if rng.random() < 0.15 else 1
            issue.engagements = sorted(rng.sample(candidates, min(heard_at, len(candidates))))
            source = engagements[issue.engagements[-1]]
            self.describe_issue(issue, source)

    def describe_issue(self, issue: IssuePlan, source: EngagementPlan) -> None:
        rng = self.rng
        theme_index = source.theme if source.theme is not None else rng.randrange(len(self.themes))
        theme = self.themes[theme_index]
        issue.themes = [theme_index]
        if rng.random() < 0.25:
            issue.themes = sorted({theme_index, rng.randrange(len(self.themes))})
        area = source.area if source.area is not None else rng.randrange(len(self.areas))
        issue.areas = [area]
        if rng.random() < 0.2:
            issue.areas = sorted({area, rng.randrange(len(self.areas))})
        issue.communities = (
            sorted(rng.sample(source.communities, min(len(source.communities), 2)))
            if source.communities
            else [rng.randrange(len(self.communities))]
        )
        wording = self.next_issue_wording(theme_index)
        said = theme.issues[wording]
        issue.title = said.title
        issue.summary = said.summary.format(area=self.areas[area].name)
        issue.quotes = rng.sample(said.quotes, rng.randint(1, len(said.quotes)))
        issue.people_count = rng.randint(3, max(4, min(150, source.participant_count // 2)))
        leads = self.partners_of(list(theme.lead_roles)) or [0]
        issue.lead_partner = rng.choice(leads)
        if rng.random() < 0.3:
            others = [index for index in range(len(self.partners)) if index != issue.lead_partner]
            issue.supporting_partners = sorted(rng.sample(others, rng.randint(1, 2)))
        # The first commitment answers the issue directly; later ones follow it up
        # with residents, then take on other parts of the theme.
        follow_ups = [
            words.CommitmentWording(
                follow_up.title.format(phrase=theme.phrase),
                follow_up.description,
                follow_up.success_measure,
            )
            for follow_up in rng.sample(
                words.FOLLOW_UP_COMMITMENTS, len(words.FOLLOW_UP_COMMITMENTS)
            )
        ]
        related = [promise for index, promise in enumerate(theme.commitments) if index != wording]
        promises = [theme.commitments[wording], *follow_ups, *rng.sample(related, len(related))]
        for position, commitment in enumerate(issue.commitments):
            if position and issue.supporting_partners and rng.random() < 0.5:
                commitment.partner = rng.choice(issue.supporting_partners)
            else:
                commitment.partner = issue.lead_partner
            promise = promises[position % len(promises)]
            commitment.title = promise.title
            commitment.description = promise.description
            commitment.success_measure = promise.success_measure
            kind = self.partners[commitment.partner].kind
            commitment.accountable_role = theme.lead_roles.get(kind) or rng.choice(
                words.ACCOUNTABLE_ROLES[kind]
            )

    def next_issue_wording(self, theme: int) -> int:
        queue = self.issue_wording.setdefault(theme, [])
        if not queue:
            wordings = len(self.themes[theme].issues)
            queue.extend(self.rng.sample(range(wordings), wordings))
        return queue.pop()

    # --- dates and times ---

    def before(self, milestone: date) -> date:
        """The last working update before a milestone: a few weeks earlier, not the day before."""
        return milestone - timedelta(days=self.rng.randint(10, 40))

    def day_between(self, first: date, last: date) -> date:
        """A day from ``first`` to ``last``; ``last`` if the range is empty."""
        if last <= first:
            return last
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def timeline(self, first: date, last: date) -> list[date]:
        """Distinct days from ``first`` to ``last``, both ends included, spaced about one
        update interval apart."""
        span = (last - first).days
        interval = self.size.update_interval_days
        count = min(span + 1, 1 + int(span / interval * self.rng.uniform(0.6, 1.4)))
        if count == 1:
            return [last]
        inner = sorted(self.rng.sample(range(1, span), count - 2))
        return [first, *(first + timedelta(days=day) for day in inner), last]

    def working_hours(self, day: date) -> datetime:
        """A time during the working day in England, stored in UTC.

        Between 9am and 5pm the date is the same in London and UTC, so an update's
        date never depends on which one a reader uses.
        """
        moment = time_of_day(self.rng.randint(9, 16), self.rng.randint(0, 59))
        return datetime.combine(day, moment, tzinfo=clock.LONDON).astimezone(UTC)

    def evidence_link(self, on: date) -> dict[str, str]:
        title = self.rng.choice(words.EVIDENCE_TITLES)
        return {
            "title": f"{title}, {on:%B %Y}",
            "url": f"https://example.org/riverside-and-vale/papers/{words.slug(title)}-{on:%Y-%m}",
        }


def _count_on_or_before(days: list[date], day: date) -> int:
    """How many of the sorted ``days`` are on or before ``day``."""
    low, high = 0, len(days)
    while low < high:
        middle = (low + high) // 2
        if days[middle] <= day:
            low = middle + 1
        else:
            high = middle
    return low


#: How far after committed_on the first target date falls, in days.
_TARGET_DAYS: dict[Storyline, tuple[int, int]] = {
    Storyline.NEW_NOT_STARTED: (90, 360),
    Storyline.STALE_NOT_STARTED: (90, 540),
    Storyline.GONE_QUIET: (90, 540),
    Storyline.DELAYED: (60, 360),
    Storyline.DELIVERED: (60, 400),
    Storyline.DELIVERED_AFTER_DELAY: (60, 300),
    Storyline.NOT_GOING_AHEAD: (90, 400),
}
