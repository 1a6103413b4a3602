"""The issue's "done when" in one path: compose (UI), two-step clearance (API), calendar and ICS."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from elshi.clearance.models import Policy
from elshi.content.models import Post
from elshi.missions import actions as mission_actions

from .conftest import EN, KK, RU


def _bearer(user: Any) -> Client:
    _token, plain = mission_actions.do_create_token(user, "t", acting_user=None)
    return Client(headers={"Authorization": f"Bearer {plain}"})


def test_multilingual_post_backed_by_a_claim_through_two_steps_to_calendar_and_ics(
    people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any], two_step: Policy
) -> None:
    editor = Client()
    editor.force_login(people["author"])
    local = (
        (timezone.now() + dt.timedelta(days=4)).astimezone(missions["berlin"].zone).replace(hour=9, minute=0)
    )
    form = {
        "mission": missions["berlin"].pk,
        "title": "EGDI 2024",
        "channels": [tell["mastodon"].pk],
        "claims": [tell["claim2024"].pk],
        "publish_at": local.strftime("%Y-%m-%dT%H:%M"),
        "v-TOTAL_FORMS": "3",
        "v-INITIAL_FORMS": "0",
        "v-MIN_NUM_FORMS": "0",
        "v-MAX_NUM_FORMS": "30",
    }
    for i, (lang, text) in enumerate((("en", EN), ("ru", RU), ("kk", KK))):
        form |= {f"v-{i}-platform": "mastodon", f"v-{i}-language": lang, f"v-{i}-text": text}
    assert editor.post("/tell/posts/new/", form).status_code == 302
    post = Post.objects.get(title="EGDI 2024")
    assert editor.post(f"/tell/posts/{post.pk}/submit/").status_code == 302

    first = _bearer(people["approver"]).post(
        f"/api/v1/posts/{post.pk}/approve", {}, content_type="application/json"
    )
    assert first.json()["state"] == "in_clearance"
    second = _bearer(tell["hq_approver"]).post(
        f"/api/v1/posts/{post.pk}/approve", {}, content_type="application/json"
    )
    body = second.json()
    assert body["state"] == "scheduled"
    assert [d["user"] for d in body["clearance"][0]["decisions"]] == ["approver", "hq_approver"]

    editor.post("/publish/calendar/links/", {"target": "mission:berlin"})  # a feed link of cleared posts
    calendar = editor.get(f"/publish/calendar/?date={local.date().isoformat()}").content.decode()
    cell = calendar.split(f'data-date="{local.date().isoformat()}"')[1].split("</td>")[0]
    assert "EGDI 2024" in cell and "09:00" in cell
    feed_url = re.search(r"http://testserver(/ical/[^<]+\.ics)", calendar).group(1)  # type: ignore[union-attr]
    events = Calendar.from_ical(Client().get(feed_url).content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["EGDI 2024 [scheduled]"]
