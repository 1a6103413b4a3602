"""The calendar (month, week, filters, drag to reschedule) and its ICS feeds."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from elshi.clearance import actions as clearance_actions
from elshi.clearance.models import Policy
from elshi.content.models import PostState
from elshi.missions import actions as mission_actions
from elshi.publishing.feed_links import do_create_link, link_token


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_month_and_week_show_posts_at_mission_local_time(
    people: dict[str, Any], write_post: Any, missions: dict[str, Any]
) -> None:
    post = write_post(hours=30)
    local = post.scheduled_at.astimezone(missions["berlin"].zone)
    for view in ("month", "week"):
        page = (
            _client(people["author"])
            .get(f"/publish/calendar/?view={view}&date={local.date().isoformat()}")
            .content.decode()
        )
        cell = page.split(f'data-date="{local.date().isoformat()}"')[1].split("</td>")[0]
        assert post.title in cell and local.strftime("%H:%M") in cell
        assert 'draggable="true"' in cell
    # Filters narrow it; an outsider never sees it.
    other = (
        _client(people["author"])
        .get(f"/publish/calendar/?date={local.date().isoformat()}&mission=washington")
        .content.decode()
    )
    assert post.title not in other
    assert (
        post.title
        not in _client(people["outsider"])
        .get(f"/publish/calendar/?date={local.date().isoformat()}")
        .content.decode()
    )
    viewer_cell = (
        _client(people["viewer"]).get(f"/publish/calendar/?date={local.date().isoformat()}").content.decode()
    )
    assert (
        post.title in viewer_cell and 'draggable="true"' not in viewer_cell
    )  # viewers read, they do not move


def test_drag_reschedule_keeps_local_time_and_clearance(
    people: dict[str, Any], write_post: Any, missions: dict[str, Any]
) -> None:
    clearance_actions.do_save_policy(  # a policy that lets a cleared post move by up to three days
        Policy(mission=missions["berlin"], name="Berlin", reschedule_window_minutes=3 * 24 * 60),
        [{"role": "approver", "at_hq": False, "mode": "any"}],
        acting_user=None,
    )
    post = write_post(hours=30)
    clearance_actions.do_submit(post, acting_user=people["author"])
    clearance = clearance_actions.check_decide(people["approver"], post, "approve", "")
    clearance_actions.do_decide(clearance, "approve", "", acting_user=people["approver"])
    post.refresh_from_db()
    before = post.scheduled_at.astimezone(missions["berlin"].zone)
    target = (before + dt.timedelta(days=2)).date()
    response = _client(people["author"]).post(
        f"/tell/posts/{post.pk}/reschedule/", {"date": target.isoformat()}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    post.refresh_from_db()
    after = post.scheduled_at.astimezone(missions["berlin"].zone)
    assert after.date() == target and after.time() == before.time()
    assert post.state == PostState.SCHEDULED
    past = (timezone.now() - dt.timedelta(days=3)).date().isoformat()
    refused = _client(people["author"]).post(
        f"/tell/posts/{post.pk}/reschedule/", {"date": past}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 400 and "future" in refused.json()["error"]
    assert (
        _client(people["viewer"])
        .post(f"/tell/posts/{post.pk}/reschedule/", {"date": target.isoformat()})
        .status_code
        == 403
    )


def test_ics_feed_per_mission(people: dict[str, Any], write_post: Any) -> None:
    post = write_post(hours=50)
    client = _client(people["author"])
    client.post("/publish/calendar/links/", {"target": "mission:berlin", "with_drafts": "on"})
    page = client.get("/publish/calendar/").content.decode()
    url = re.search(r"(http://testserver/ical/[^<]+\.ics)", page).group(1)  # type: ignore[union-attr]
    feed = Client().get(url.replace("http://testserver", ""))  # a calendar app has no session
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]).startswith(post.title)
    assert event.decoded("dtstart") == post.scheduled_at.replace(microsecond=0)  # ICS keeps whole seconds
    assert str(event["uid"]) == f"post-{post.pk}@elshi"
    # The link dies with the role, and a forged link is refused.
    from elshi.missions.models import Mission

    mission_actions.do_set_role(people["author"], Mission.objects.get(slug="berlin"), None, acting_user=None)
    assert Client().get(url.replace("http://testserver", "")).status_code == 404
    assert Client().get("/ical/forged-token.ics").status_code == 404


def test_ics_feed_per_campaign(people: dict[str, Any], write_post: Any, missions: dict[str, Any]) -> None:
    from elshi.content import actions
    from elshi.content.models import Campaign

    def campaign_feed_token(user: Any, campaign: Campaign) -> str:
        return link_token(do_create_link(user, campaign, with_drafts=True, acting_user=user))

    campaign = actions.do_save(
        Campaign(name="Digital", goal="g", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1)),
        acting_user=None,
        m2m={"missions": [missions["berlin"]]},
    )
    post = write_post()
    post.campaign = campaign
    post.save()
    feed = Client().get(f"/ical/{campaign_feed_token(people['author'], campaign)}.ics")
    assert [str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")] == [
        f"{post.title} [draft]"
    ]
    assert Client().get(f"/ical/{campaign_feed_token(people['outsider'], campaign)}.ics").status_code == 404
