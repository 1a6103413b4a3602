"""Today's deliveries and the ones a person must look at, for the home page.

"Today" is the calendar day in the time zone the person works in (their mission's; UTC across missions
at HQ), turned into a UTC range, because deliveries are stored in UTC and a post due at 23:30 in
Washington is tomorrow in UTC. Each function runs a fixed number of queries whatever the number of
deliveries: one for the counts per state, one for the rows shown.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from elshi.missions.models import Mission
from elshi.publishing.models import NEEDS_A_PERSON, Delivery, DeliveryState

__all__ = ["DeliveryDigest", "day_range", "going_out_today", "needing_a_person"]


@dataclass(frozen=True)
class DeliveryDigest:
    total: int
    by_state: list[tuple[str, str, int]]  # (state, its label, how many), in the state machine's order
    shown: list[Delivery] = field(default_factory=list)


def day_range(zone: zoneinfo.ZoneInfo, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The UTC start and end of the local day that contains ``now`` in ``zone``."""
    local = (now or timezone.now()).astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=1)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _digest(deliveries: QuerySet[Delivery], limit: int) -> DeliveryDigest:
    counts = dict(deliveries.order_by().values_list("state").annotate(n=Count("pk")))
    by_state = [
        (value, str(label), counts[value]) for value, label in DeliveryState.choices if counts.get(value)
    ]
    shown = list(deliveries.select_related("post__mission", "channel")[:limit])
    return DeliveryDigest(sum(counts.values()), by_state, shown)


def going_out_today(
    missions: QuerySet[Mission], zone: zoneinfo.ZoneInfo, *, now: dt.datetime | None = None, limit: int = 8
) -> DeliveryDigest:
    """Deliveries due today at ``missions``, whatever their state (published ones included)."""
    start, end = day_range(zone, now)
    due = Delivery.objects.filter(post__mission__in=missions, due_at__gte=start, due_at__lt=end)
    return _digest(due.order_by("due_at"), limit)


def needing_a_person(missions: QuerySet[Mission], *, limit: int = 8) -> DeliveryDigest:
    """Failed and unconfirmed deliveries at ``missions``, most recent trouble first."""
    stuck = Delivery.objects.filter(post__mission__in=missions, state__in=NEEDS_A_PERSON)
    return _digest(stuck.order_by("-last_error_at", "-due_at"), limit)
