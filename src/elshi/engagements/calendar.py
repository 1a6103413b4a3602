"""Engagements in the publishing calendar and its ICS feeds, beside the posts (``add_calendar_items``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from icalendar import Event

from elshi.engagements.invites import engagement_event
from elshi.engagements.models import Engagement
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, missions_with
from elshi.publishing.calendar import add_calendar_items

__all__ = ["EngagementItems", "register"]


class EngagementItems:
    """Each engagement on every day it runs (its mission's local time), and in the feeds without its link."""

    def by_day(
        self,
        request: HttpRequest,
        visible: QuerySet[Mission],
        chosen: dict[str, str],
        first: dt.date,
        last: dt.date,
    ) -> dict[dt.date, list[tuple[Any, dt.datetime, str]]]:
        """Engagements beside the posts, on each day they run (in their mission's local time)."""
        if chosen["channel"] or chosen["state"]:
            return {}  # those filters are about posts
        rows = Engagement.objects.filter(
            mission__in=visible,
            starts_at__lt=dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), dt.UTC),
            ends_at__gte=dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), dt.UTC),
        ).select_related("mission")
        if chosen["mission"]:
            rows = rows.filter(mission__slug=chosen["mission"])
        if chosen["campaign"].isdigit():
            rows = rows.filter(campaign_id=int(chosen["campaign"]))
        language = request.LANGUAGE_CODE
        days: dict[dt.date, list[tuple[Any, dt.datetime, str]]] = {}
        for engagement in rows.order_by("starts_at"):
            zone = engagement.mission.zone
            local = engagement.starts_at.astimezone(zone)
            day, end = local.date(), engagement.ends_at.astimezone(zone).date()
            while day <= end and day <= last:
                days.setdefault(day, []).append((engagement, local, engagement.display_title(language)))
                day += dt.timedelta(days=1)
        return days

    def ics_events(self, request: HttpRequest, user: AbstractBaseUser, data: dict[str, Any]) -> list[Event]:
        """The feed's engagements: the mission's (or the campaign's, at missions the user may see)."""
        if data.get("k") == "mission":
            rows = Engagement.objects.filter(mission_id=int(data.get("id") or 0))
        else:
            rows = Engagement.objects.filter(
                campaign_id=int(data.get("id") or 0), mission__in=missions_with(user, Perm.VIEW)
            )
        events = []
        for engagement in rows.select_related("mission"):
            # Staff calendars: the place, never the meeting link (a feed URL is easily shared).
            event = engagement_event(engagement, "en", with_link=False)
            event.add("url", request.build_absolute_uri(reverse("engagement_detail", args=[engagement.pk])))
            events.append(event)
        return events


ENGAGEMENTS = EngagementItems()


def register() -> None:
    add_calendar_items(ENGAGEMENTS)
