"""Engagements in the Tell calendar and in the missions' ICS feeds, permission-checked like posts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from elshi.engagements.models import Engagement

pytestmark = pytest.mark.django_db


def test_calendar_shows_engagements_of_visible_missions(login: Any, engagement: Engagement) -> None:
    local = engagement.starts_at.astimezone(engagement.mission.zone)
    url = f"/publish/calendar/?date={local.date().isoformat()}"
    page = login("viewer").get(url).content.decode()
    assert f"/engage/engagements/{engagement.pk}/" in page and local.strftime("%H:%M") in page
    assert f"/engage/engagements/{engagement.pk}/" not in login("outsider").get(url).content.decode()
    week = login("viewer").get(url + "&view=week").content.decode()
    assert "Forum side event" in week
    # filtering on washington hides Berlin's engagement
    assert "Forum side event" not in login("admin").get(url + "&mission=washington").content.decode()


def test_mission_ics_feed_carries_engagements_without_the_link(login: Any, engagement: Engagement) -> None:
    login("author").post("/publish/calendar/links/", {"target": "mission:berlin"})
    page = login("author").get("/publish/calendar/").content.decode()
    urls = re.findall(r"(http://testserver/ical/[^<]+\.ics)", page)
    feeds = [Client().get(u.replace("http://testserver", "")) for u in urls]
    events = [e for f in feeds for e in Calendar.from_ical(f.content).walk("VEVENT")]
    [event] = [e for e in events if str(e["uid"]) == f"engagement-{engagement.pk}@elshi"]
    assert event.decoded("dtstart") == engagement.starts_at
    assert all("zoom.us" not in f.content.decode() for f in feeds)
    # the outsider's feed (Washington) has no Berlin engagement
    login("outsider").post("/publish/calendar/links/", {"target": "mission:washington"})
    page = login("outsider").get("/publish/calendar/").content.decode()
    for url in re.findall(r"(http://testserver/ical/[^<]+\.ics)", page):
        assert b"engagement-" not in Client().get(url.replace("http://testserver", "")).content
