"""Calendar (ICS) links expire, can be revoked, end with the role, and leave out posts not yet cleared."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from elshi.audit.models import AuditEvent
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.models import CalendarLink

from .test_delivery import _cleared


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _link(client: Client, target: str = "mission:berlin", drafts: bool = False) -> str:
    """Create a link on the calendar page and return its path, as the page shows it."""
    data = {"target": target} | ({"with_drafts": "on"} if drafts else {})
    assert client.post("/publish/calendar/links/", data).status_code == 302
    page = client.get("/publish/calendar/").content.decode()
    return re.findall(r"http://testserver(/ical/[^<]+\.ics)", page)[0]


def _titles(path: str) -> list[str]:
    feed = Client().get(path)  # a calendar application has no session
    assert feed.status_code == 200, feed.status_code
    return sorted(str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT"))


@pytest.fixture
def two_posts(write_post: Any, people: dict[str, Any], webhook: Channel) -> tuple[Any, Any]:
    draft = write_post(hours=60)
    draft.title = "Still a draft"
    draft.save(update_fields=["title"])
    return draft, _cleared(write_post, people, webhook, hours=30)


def test_drafts_left_out_by_default(people: dict[str, Any], two_posts: tuple[Any, Any]) -> None:
    draft, cleared = two_posts
    assert _titles(_link(_client(people["author"]))) == [f"{cleared.title} [{cleared.get_state_display()}]"]


def test_drafts_included_when_asked_by_someone_who_drafts(people: dict[str, Any], two_posts: Any) -> None:
    draft, cleared = two_posts
    titles = _titles(_link(_client(people["author"]), drafts=True))
    assert f"{draft.title} [draft]" in titles and len(titles) == 2


def test_a_viewer_cannot_ask_for_drafts(people: dict[str, Any], two_posts: Any) -> None:
    client = _client(people["viewer"])
    client.post("/publish/calendar/links/", {"target": "mission:berlin", "with_drafts": "on"})
    assert not CalendarLink.objects.filter(user=people["viewer"]).exists()
    assert "Only people who write or clear" in client.get("/publish/calendar/").content.decode()


def test_drafts_drop_out_when_the_drafting_role_goes(
    people: dict[str, Any], missions: dict[str, Any], two_posts: Any
) -> None:
    path = _link(_client(people["author"]), drafts=True)
    mission_actions.do_set_role(people["author"], missions["berlin"], "viewer", acting_user=None)
    assert len(_titles(path)) == 1  # still a reader: the cleared post only


def test_outsider_cannot_link_another_missions_calendar(people: dict[str, Any]) -> None:
    response = _client(people["outsider"]).post("/publish/calendar/links/", {"target": "mission:berlin"})
    assert response.status_code == 403 and not CalendarLink.objects.exists()


def test_link_expires(people: dict[str, Any], two_posts: Any, settings: Any) -> None:
    settings.ELSHI_CALENDAR_LINK_DAYS = 30
    path = _link(_client(people["author"]))
    link = CalendarLink.objects.get()
    assert abs(link.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    page = _client(people["author"]).get("/publish/calendar/").content.decode()
    assert link.expires_at.date().isoformat() in page and "30 days" in page
    CalendarLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get(path).status_code == 404
    assert path not in _client(people["author"]).get("/publish/calendar/").content.decode()


def test_revoked_link_stops_and_is_audited(people: dict[str, Any], two_posts: Any) -> None:
    client = _client(people["author"])
    path = _link(client)
    link = CalendarLink.objects.get()
    assert _client(people["approver"]).post(f"/publish/calendar/links/{link.pk}/revoke/").status_code == 404
    assert Client().get(path).status_code == 200
    assert client.post(f"/publish/calendar/links/{link.pk}/revoke/").status_code == 302
    assert Client().get(path).status_code == 404
    assert AuditEvent.objects.filter(action="calendar_link.revoke").count() == 1
    assert AuditEvent.objects.filter(action="calendar_link.create").count() == 1


def test_role_removed_ends_the_link(people: dict[str, Any], missions: dict[str, Any], two_posts: Any) -> None:
    path = _link(_client(people["author"]))
    CalendarLink.objects.update(last_used_at=None)
    assert Client().get(path).status_code == 200
    assert CalendarLink.objects.get().last_used_at is not None  # shown on the calendar page
    mission_actions.do_set_role(people["author"], missions["berlin"], None, acting_user=None)
    assert Client().get(path).status_code == 404


def test_old_unexpiring_links_and_forgeries_open_nothing(people: dict[str, Any], two_posts: Any) -> None:
    old = signing.dumps({"u": people["author"].pk, "k": "mission", "id": 1}, salt="elshi.ics")
    assert Client().get(f"/ical/{old}.ics").status_code == 404
    assert Client().get("/ical/forged.ics").status_code == 404
    forged = signing.dumps("1", salt="elshi.ics.link")  # signed, but not a link id
    assert Client().get(f"/ical/{forged}.ics").status_code == 404
