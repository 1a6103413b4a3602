"""The home page for today: its tiles, their scope, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from elshi.clearance import actions as clearance_actions
from elshi.content.expiring import expiring_claims
from elshi.content.models import Claim, Post
from elshi.missions.middleware import SESSION_KEY
from elshi.missions.models import Channel
from elshi.monitoring.models import DailyIndex
from elshi.monitoring.today import image_glance
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.today import day_range
from elshi.web.sparkline import sparkline
from tests.queries import queries_of
from tests.tell.conftest import tell, two_step, write_post  # noqa: F401  (shared fixtures)


def _delivery(post: Post, channel: Channel, state: str, due: dt.datetime, **extra: Any) -> Delivery:
    return Delivery.objects.create(post=post, channel=channel, state=state, due_at=due, **extra)


def _posts(
    people: dict[str, Any], mission: Any, channel: Channel, n: int, due: dt.datetime, first: int = 0
) -> None:
    for i in range(first, first + n):
        post = Post.objects.create(mission=mission, title=f"post {i}", created_by=people["author"])
        _delivery(post, channel, DeliveryState.SCHEDULED, due + dt.timedelta(minutes=i))
        _delivery(
            post,
            Channel.objects.create(mission=mission, platform="x", handle=f"@x{i}-{mission.slug}"),
            DeliveryState.FAILED_PERMANENT,
            due,
            last_error=f"boom {i}",
            last_error_at=due,
        )


def test_day_range_is_the_local_day_in_utc() -> None:
    now = dt.datetime(2026, 12, 3, 3, 30, tzinfo=dt.UTC)  # 22:30 on the 2nd in Washington
    start, end = day_range(zoneinfo.ZoneInfo("America/New_York"), now)
    assert (start, end) == (
        dt.datetime(2026, 12, 2, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, 5, tzinfo=dt.UTC),
    )


def test_sparkline_scales_to_the_box_and_skips_missing_days() -> None:
    line = sparkline([40.0, None, 60.0, 50.0], width=62, height=22, pad=1)
    assert line.points == "1.0,21.0 41.0,1.0 61.0,11.0"
    assert line.last == (61.0, 11.0)
    assert sparkline([None, 50.0]).points == ""  # one known value draws no line


def test_home_shows_today_for_the_mission_only(
    login: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    berlin = Channel.objects.create(mission=missions["berlin"], platform="mastodon", handle="@b")
    washington = Channel.objects.create(mission=missions["washington"], platform="mastodon", handle="@w")
    now = timezone.now()
    mine = Post.objects.create(mission=missions["berlin"], title="Berlin today", created_by=people["author"])
    theirs = Post.objects.create(
        mission=missions["washington"], title="Washington today", created_by=people["outsider"]
    )
    _delivery(mine, berlin, DeliveryState.SCHEDULED, now)
    _delivery(theirs, washington, DeliveryState.UNCONFIRMED, now, last_error="timeout", last_error_at=now)
    body = login("author").get("/").content.decode()
    assert "Berlin today" in body and "Washington today" not in body
    assert "Every delivery went through" in body  # Berlin has no failure; Washington's is not shown
    client = login("admin")
    session = client.session
    session[SESSION_KEY] = "astana-hq"  # working for HQ: the page covers every mission
    session.save()
    admin = client.get("/").content.decode()
    assert "Berlin today" in admin and "Washington today" in admin and "timeout" in admin


def test_viewer_sees_no_listening_or_queue_tiles(login: Any) -> None:
    body = login("viewer").get("/").content.decode()
    assert "Open alerts" not in body and "Image score" not in body and "My clearance queue" not in body
    assert "Going out today" in body


def test_home_has_no_inline_script_or_style(login: Any) -> None:
    body = login("admin").get("/").content.decode()
    main = body.split("<main", 1)[1]
    assert "style=" not in main and "<script>" not in main and "<script " not in main


def test_queue_tile_lists_what_the_approver_may_decide(
    login: Any,
    people: dict[str, Any],
    write_post: Any,  # noqa: F811
) -> None:
    post = write_post()
    clearance_actions.do_submit(post, acting_user=people["author"])
    assert (
        post.title
        in login("approver").get("/").content.decode().split('id="t-queue"')[1].split("</section>")[0]
    )
    # Four eyes: the author is no approver, and an approver who wrote the post would not see it either.
    assert 'id="t-queue"' not in login("author").get("/").content.decode()


def test_home_queries_do_not_grow_with_posts(
    login: Any,
    people: dict[str, Any],
    missions: dict[str, Any],
    write_post: Any,  # noqa: F811
) -> None:
    channel = Channel.objects.create(mission=missions["berlin"], platform="mastodon", handle="@count")
    now = timezone.now()
    client = login("approver")
    _posts(people, missions["berlin"], channel, 2, now)
    clearance_actions.do_submit(write_post(), acting_user=people["author"])
    client.get("/")  # the first request of a session writes it; count steady pages only
    few = queries_of(client, "/")
    _posts(people, missions["berlin"], channel, 12, now + dt.timedelta(minutes=30), first=2)
    for _ in range(5):
        clearance_actions.do_submit(write_post(), acting_user=people["author"])
    assert queries_of(client, "/") == few


def test_expiring_claims_within_thirty_days(db: Any) -> None:
    today = dt.date(2026, 12, 3)
    for subject, until in [
        ("past", today - dt.timedelta(days=1)),
        ("soon", today + dt.timedelta(days=30)),
        ("later", today + dt.timedelta(days=31)),
        ("open", None),
    ]:
        Claim.objects.create(
            subject=subject,
            statements={"en": subject},
            value=Decimal(1),
            unit="count",
            source_title="s",
            source_url="https://example.org",
            source_date=today,
            valid_until=until,
        )
    rows, total = expiring_claims(today)
    assert [c.subject for c in rows] == ["soon"] and total == 1


@pytest.mark.parametrize("who", ["outsider"])
def test_home_never_names_another_missions_posts(
    login: Any, people: dict[str, Any], missions: dict[str, Any], who: str
) -> None:
    channel = Channel.objects.create(mission=missions["berlin"], platform="mastodon", handle="@b2")
    post = Post.objects.create(mission=missions["berlin"], title="Berlin secret", created_by=people["author"])
    _delivery(post, channel, DeliveryState.FAILED_PERMANENT, timezone.now(), last_error="x")
    assert "Berlin secret" not in login(who).get("/").content.decode()


def test_image_glance_reads_the_rollup_with_change_and_peers(login: Any) -> None:
    end = dt.date(2026, 11, 30)
    # The 28 days before: balanced (50). This period: a balanced day, then an all-positive one: 6 of 8 (75).
    DailyIndex.objects.create(
        day=end - dt.timedelta(days=40), country="KZ", mentions=4, toned=4, positive=2, negative=2
    )
    DailyIndex.objects.create(
        day=end - dt.timedelta(days=1), country="KZ", mentions=4, toned=4, positive=2, negative=2
    )
    DailyIndex.objects.create(day=end, country="KZ", mentions=4, toned=4, positive=4, negative=0)
    DailyIndex.objects.create(day=end, country="UZ", mentions=2, toned=2, positive=0, negative=2)
    glance = image_glance()
    assert glance is not None and (glance.start, glance.end) == (end - dt.timedelta(days=27), end)
    assert (glance.score, glance.previous, glance.change) == (75.0, 50.0, 25.0)
    assert glance.peers[0] == ("UZ", 0.0) and glance.peers[-1][1] is None
    assert glance.daily[-2:] == [50.0, 100.0] and glance.daily[0] is None
    body = login("analyst").get("/").content.decode()
    assert "<polyline" in body and "+25.0" in body
