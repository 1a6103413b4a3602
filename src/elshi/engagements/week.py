"""This week's engagements (Monday to Sunday in the person's time zone), for the home page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import QuerySet
from django.utils import timezone

from elshi.engagements.models import Engagement
from elshi.missions.models import Mission

__all__ = ["this_week", "week_range"]


def week_range(zone: zoneinfo.ZoneInfo, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The UTC bounds of the local Monday-to-Sunday week that contains ``now``."""
    local = (now or timezone.now()).astimezone(zone)
    monday = (local - dt.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday.astimezone(dt.UTC), (monday + dt.timedelta(days=7)).astimezone(dt.UTC)


def this_week(
    missions: QuerySet[Mission], zone: zoneinfo.ZoneInfo, *, now: dt.datetime | None = None, limit: int = 8
) -> list[Engagement]:
    """Engagements at ``missions`` that run at some time this week, in order of their start."""
    start, end = week_range(zone, now)
    rows = Engagement.objects.filter(mission__in=missions, starts_at__lt=end, ends_at__gte=start)
    return list(rows.select_related("mission").order_by("starts_at")[:limit])
