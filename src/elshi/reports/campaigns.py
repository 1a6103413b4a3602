"""Campaign report: deliveries, reach and engagement against the campaign's KPIs, and the listening
signal of its narratives before, during and after it.

- reach = views summed over the latest snapshot of each published delivery (platforms without views
  add nothing); engagements as in ``elshi.reports.metrics``; engagement rate = engagements / reach
  over the deliveries that report views.
- KPIs (``Campaign.kpis``: ``[{"metric": ..., "target": ...}]``) understood: ``reach``, ``views``,
  ``engagements``, ``engagement_rate``, ``posts`` (posts with a published delivery), ``deliveries``
  (published deliveries), ``clicks`` (link clicks). Any other metric is listed as not measured.
- Listening: the target country's mentions in documents tagged with one of the campaign's
  narratives, in three windows: *before* (as long as the campaign, ending the day before it starts),
  *during* (its dates, up to today) and *after* (as long as the campaign, from the day after it ends,
  up to today; empty while the campaign runs).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from elshi.common.profile import current_profile
from elshi.content.models import Campaign
from elshi.monitoring.models import Mention
from elshi.publishing.models import Delivery, DeliveryState, MetricSnapshot

KNOWN_METRICS = ("reach", "views", "engagements", "engagement_rate", "posts", "deliveries", "clicks")


@dataclass
class Breakdown:
    key: str
    deliveries: int
    published: int
    failed: int
    reach: int
    engagements: int
    engagement_rate: float | None


@dataclass
class KpiLine:
    metric: str
    target: float
    actual: float | None
    progress: float | None  # actual / target


@dataclass
class SignalWindow:
    name: str
    start: dt.date
    end: dt.date
    mentions: int
    mean_tone: float | None
    positive_share: float
    negative_share: float


@dataclass
class CampaignReport:
    campaign_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    totals: Breakdown
    kpis: list[KpiLine]
    by_mission: list[Breakdown]
    by_platform: list[Breakdown]
    by_language: list[Breakdown]
    signal: list[SignalWindow]
    narratives: list[str]


class _Acc:
    def __init__(self) -> None:
        self.deliveries = self.published = self.failed = 0
        self.reach = self.engagements = self.view_engagements = self.clicks = 0
        self.posts: set[int] = set()

    def breakdown(self, key: str) -> Breakdown:
        rate = round(self.view_engagements / self.reach, 4) if self.reach else None
        return Breakdown(
            key, self.deliveries, self.published, self.failed, self.reach, self.engagements, rate
        )


def _latest(ids: list[int]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for snap in MetricSnapshot.objects.filter(delivery_id__in=ids).order_by(
        "delivery_id", "-fetched_at", "-pk"
    ):
        out.setdefault(snap.delivery_id, snap)
    return out


def _signal(country: str, keys: list[str], name: str, start: dt.date, end: dt.date) -> SignalWindow:
    q = Q()
    for key in keys:
        q |= Q(document__narratives__icontains=f'"{key}"')
    rows = Mention.objects.none()
    if keys and start <= end:
        rows = Mention.objects.filter(q, country=country, day__gte=start, day__lte=end)
    agg = rows.aggregate(
        n=Count("pk"),
        tone=Avg("tone_score"),
        pos=Count("pk", filter=Q(tone_label="positive")),
        neg=Count("pk", filter=Q(tone_label="negative")),
        toned=Count("pk", filter=~Q(tone_label="")),
    )
    toned = agg["toned"] or 0
    return SignalWindow(
        name,
        start,
        end,
        agg["n"] or 0,
        round(agg["tone"], 3) if agg["tone"] is not None else None,
        round(agg["pos"] / toned, 3) if toned else 0.0,
        round(agg["neg"] / toned, 3) if toned else 0.0,
    )


def campaign_report(campaign: Campaign, missions: list[Any], country: str | None = None) -> CampaignReport:
    """The report for ``campaign``, counting only deliveries on the channels of ``missions``; the
    listening signal is ``country``'s, by default the configured profile's target."""
    country = country or current_profile().target
    deliveries = list(
        Delivery.objects.filter(post__campaign=campaign, channel__mission__in=missions).select_related(
            "channel", "channel__mission", "variant"
        )
    )
    latest = _latest([d.pk for d in deliveries if d.state == DeliveryState.PUBLISHED])
    total = _Acc()
    groups: dict[str, dict[str, _Acc]] = {
        "mission": defaultdict(_Acc),
        "platform": defaultdict(_Acc),
        "language": defaultdict(_Acc),
    }
    for d in deliveries:
        keys = {
            "mission": d.channel.mission.name,
            "platform": str(d.channel.get_platform_display()),
            "language": d.variant.language if d.variant else (d.channel.language or "—"),
        }
        for acc in (total, *(groups[g][k] for g, k in keys.items())):
            acc.deliveries += 1
            if d.state in (DeliveryState.FAILED_PERMANENT, DeliveryState.UNCONFIRMED):
                acc.failed += 1
            if d.state != DeliveryState.PUBLISHED:
                continue
            acc.published += 1
            acc.posts.add(d.post_id)
            snap = latest.get(d.pk)
            if snap is None:
                continue
            engagements = sum(
                v or 0 for v in (snap.likes, snap.reposts, snap.replies, snap.quotes, snap.link_clicks)
            )
            acc.engagements += engagements
            acc.clicks += snap.link_clicks or 0
            if snap.views:
                acc.reach += snap.views
                acc.view_engagements += engagements
    totals = total.breakdown("total")
    actual: dict[str, float | None] = {
        "reach": totals.reach,
        "views": totals.reach,
        "engagements": totals.engagements,
        "engagement_rate": totals.engagement_rate,
        "posts": len(total.posts),
        "deliveries": totals.published,
        "clicks": total.clicks,
    }
    kpis = []
    for kpi in campaign.kpis or []:
        metric, target = str(kpi.get("metric", "")), float(kpi.get("target") or 0)
        value = actual.get(metric)
        progress = round(value / target, 3) if value is not None and target else None
        kpis.append(KpiLine(metric, target, value, progress))
    today = timezone.now().date()
    length = campaign.ends_on - campaign.starts_on
    narrative_keys = list(campaign.narratives.values_list("key", flat=True))
    before_end = campaign.starts_on - dt.timedelta(days=1)
    after_start = campaign.ends_on + dt.timedelta(days=1)
    signal = [
        _signal(country, narrative_keys, "before", before_end - length, before_end),
        _signal(country, narrative_keys, "during", campaign.starts_on, min(campaign.ends_on, today)),
        _signal(country, narrative_keys, "after", after_start, min(after_start + length, today)),
    ]

    def rows(group: str) -> list[Breakdown]:
        return [acc.breakdown(k) for k, acc in sorted(groups[group].items())]

    return CampaignReport(
        campaign.pk,
        campaign.name,
        campaign.starts_on,
        campaign.ends_on,
        totals,
        kpis,
        rows("mission"),
        rows("platform"),
        rows("language"),
        signal,
        narrative_keys,
    )
