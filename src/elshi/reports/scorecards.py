"""Mission scorecards: how each mission and each of its channels published over a period.

Definitions (UTC days; a *post* counts for a mission when at least one of its deliveries on the
mission's channels was published in the period):

- cadence: posts per week = posts / (days in the period / 7).
- regularity: the share of the period's weeks (7-day blocks from the first day; a last, shorter
  block counts as a week) with at least one post. 1.0 means something went out every week.
- languages: the languages of the published variants, against the host country's languages
  (``elshi.reports.countries.HOST_LANGUAGES``; the mission's working languages when the host country
  is not listed). coverage = host languages covered / host languages.
- engagement rate: engagements / views over the deliveries whose latest snapshot has views;
  engagements per delivery is shown as well (and alone where no platform reports views).
  engagements = likes + reposts + replies + quotes + link clicks (``elshi.reports.metrics``).
- claims share: published posts linked to at least one claim / published posts.
- clearance turnaround: median hours from submission to clearance, over clearances of the
  mission's posts closed as cleared in the period.
- failed / unconfirmed: deliveries due in the period now failed for good, or unconfirmed.
- reliability: published / (published + failed + unconfirmed) deliveries; none when nothing was due.
- score (0-100, for ranking): 100 x the mean of min(cadence / 3 per week, 1), regularity, language
  coverage, claims share and reliability (reliability left out when it is none). Engagement is shown
  but not scored: audiences and platforms differ too much between missions to compare it fairly.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from elshi.clearance.models import Clearance, ClearanceState
from elshi.content.models import Post
from elshi.missions.models import Mission
from elshi.publishing.models import Delivery, DeliveryState
from elshi.reports.countries import host_languages
from elshi.reports.metrics import latest_metrics
from elshi.reports.periods import Period, day_bounds

TARGET_PER_WEEK = 3.0


@dataclass
class Activity:
    """Published deliveries of one mission or channel, reduced to what the scorecard needs."""

    post_first: dict[int, dt.datetime] = field(default_factory=dict)  # post id -> first publication
    languages: set[str] = field(default_factory=set)
    deliveries: int = 0
    engagements: int = 0
    with_metrics: int = 0
    view_engagements: int = 0
    views: int = 0
    failed: int = 0
    unconfirmed: int = 0

    def add(self, d: Delivery, metrics: Any) -> None:
        assert d.published_at is not None  # noqa: S101 - only published deliveries are added
        first = self.post_first.get(d.post_id)
        self.post_first[d.post_id] = d.published_at if first is None else min(first, d.published_at)
        language = d.variant.language if d.variant else d.channel.language
        if language:
            self.languages.add(language)
        self.deliveries += 1
        if metrics is not None:
            self.with_metrics += 1
            self.engagements += metrics.engagements
            if metrics.views:
                self.views += metrics.views
                self.view_engagements += metrics.engagements


@dataclass
class Figures:
    posts: int
    posts_per_week: float
    regularity: float
    languages: list[str]
    deliveries: int
    engagements: int
    views: int
    engagement_rate: float | None
    engagements_per_delivery: float | None
    failed: int
    unconfirmed: int
    reliability: float | None


@dataclass
class ChannelCard:
    channel_id: int
    label: str
    figures: Figures


@dataclass
class MissionCard:
    mission_id: int
    slug: str
    name: str
    host_country: str
    figures: Figures
    host_languages: list[str]
    language_coverage: float
    missing_languages: list[str]
    claims_share: float
    median_turnaround_hours: float | None
    score: float
    rank: int = 0
    previous_score: float | None = None
    previous_rank: int | None = None
    channels: list[ChannelCard] = field(default_factory=list)

    @property
    def score_change(self) -> float | None:
        return None if self.previous_score is None else round(self.score - self.previous_score, 1)


def _figures(a: Activity, period: Period) -> Figures:
    weeks = math.ceil(period.days / 7)
    start, _end = day_bounds(period)
    active_weeks = {int((t - start).total_seconds() // (7 * 86400)) for t in a.post_first.values()}
    reliability_base = a.deliveries + a.failed + a.unconfirmed
    return Figures(
        posts=len(a.post_first),
        posts_per_week=round(len(a.post_first) / (period.days / 7), 2),
        regularity=round(len(active_weeks) / weeks, 3),
        languages=sorted(a.languages),
        deliveries=a.deliveries,
        engagements=a.engagements,
        views=a.views,
        engagement_rate=round(a.view_engagements / a.views, 4) if a.views else None,
        engagements_per_delivery=round(a.engagements / a.with_metrics, 2) if a.with_metrics else None,
        failed=a.failed,
        unconfirmed=a.unconfirmed,
        reliability=round(a.deliveries / reliability_base, 3) if reliability_base else None,
    )


def _turnarounds(missions: list[Mission], period: Period) -> dict[int, float]:
    start, end = day_bounds(period)
    hours: dict[int, list[float]] = defaultdict(list)
    rows = Clearance.objects.filter(
        post__mission__in=missions, state=ClearanceState.CLEARED, closed_at__gte=start, closed_at__lt=end
    ).values_list("post__mission_id", "submitted_at", "closed_at")
    for mission_id, submitted, closed in rows:
        if closed is None:
            continue
        hours[mission_id].append((closed - submitted).total_seconds() / 3600)
    return {m: round(statistics.median(h), 1) for m, h in hours.items()}


def _score(f: Figures, coverage: float, claims_share: float) -> float:
    parts = [min(f.posts_per_week / TARGET_PER_WEEK, 1.0), f.regularity, coverage, claims_share]
    if f.reliability is not None:
        parts.append(f.reliability)
    return round(100 * sum(parts) / len(parts), 1)


def _cards(missions: list[Mission], period: Period) -> list[MissionCard]:
    start, end = day_bounds(period)
    published = list(
        Delivery.objects.filter(
            channel__mission__in=missions,
            state=DeliveryState.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        ).select_related("channel", "variant")
    )
    metrics = latest_metrics([d.pk for d in published])
    by_mission: dict[int, Activity] = defaultdict(Activity)
    by_channel: dict[int, Activity] = defaultdict(Activity)
    labels: dict[int, tuple[int, str]] = {}
    for d in published:
        by_mission[d.channel.mission_id].add(d, metrics.get(d.pk))
        by_channel[d.channel_id].add(d, metrics.get(d.pk))
        labels[d.channel_id] = (
            d.channel.mission_id,
            f"{d.channel.get_platform_display()} {d.channel.handle}",
        )
    trouble = Delivery.objects.filter(
        channel__mission__in=missions,
        state__in=[DeliveryState.FAILED_PERMANENT, DeliveryState.UNCONFIRMED],
        due_at__gte=start,
        due_at__lt=end,
    ).select_related("channel")
    for d in trouble:
        labels.setdefault(
            d.channel_id, (d.channel.mission_id, f"{d.channel.get_platform_display()} {d.channel.handle}")
        )
        for activity in (by_mission[d.channel.mission_id], by_channel[d.channel_id]):
            if d.state == DeliveryState.FAILED_PERMANENT:
                activity.failed += 1
            else:
                activity.unconfirmed += 1
    post_ids = [p for a in by_mission.values() for p in a.post_first]

    with_claims = set(Post.objects.filter(pk__in=post_ids, claims__isnull=False).values_list("pk", flat=True))
    turnaround = _turnarounds(missions, period)
    cards = []
    for mission in missions:
        activity = by_mission[mission.pk]
        figures = _figures(activity, period)
        wanted = host_languages(mission.host_country, list(mission.languages))
        covered = [lang for lang in wanted if lang in activity.languages]
        coverage = round(len(covered) / len(wanted), 3) if wanted else 0.0
        claims = sum(1 for p in activity.post_first if p in with_claims)
        claims_share = round(claims / figures.posts, 3) if figures.posts else 0.0
        cards.append(
            MissionCard(
                mission.pk,
                mission.slug,
                mission.name,
                mission.host_country,
                figures,
                wanted,
                coverage,
                [lang for lang in wanted if lang not in activity.languages],
                claims_share,
                turnaround.get(mission.pk),
                _score(figures, coverage, claims_share),
                channels=sorted(
                    (
                        ChannelCard(cid, label, _figures(by_channel[cid], period))
                        for cid, (mid, label) in labels.items()
                        if mid == mission.pk
                    ),
                    key=lambda c: c.label,
                ),
            )
        )
    cards.sort(key=lambda c: (-c.score, c.name))
    for i, card in enumerate(cards, start=1):
        card.rank = i
    return cards


def scorecards(missions: list[Mission], start: dt.date, end: dt.date) -> list[MissionCard]:
    """Ranked scorecards for ``missions``, each with its score and rank in the previous period."""
    period = Period(start, end)
    cards = _cards(missions, period)
    before = {c.mission_id: c for c in _cards(missions, period.previous())}
    for card in cards:
        card.previous_score = before[card.mission_id].score
        card.previous_rank = before[card.mission_id].rank
    return cards
