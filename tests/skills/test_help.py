"""Who needs help: each rule fires on a fixture that crosses its threshold and stays silent just below it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from elshi.clearance.models import Clearance, ClearanceState
from elshi.content.models import Post, Variant
from elshi.missions.models import Channel
from elshi.publishing.models import Delivery, DeliveryState, MetricSnapshot
from elshi.skills.help import evaluate, help_for_person

# The pages evaluate at the real time: the fixtures are dated from it.
NOW = timezone.now()


@pytest.fixture
def channels(missions: dict[str, Any]) -> dict[str, Channel]:
    return {
        slug: Channel.objects.create(mission=missions[slug], platform="mastodon", handle=f"@{slug}")
        for slug in ("berlin", "washington", "astana-hq")
    }


def send(
    people: dict[str, Any],
    channels: dict[str, Channel],
    *,
    mission: str = "berlin",
    author: str = "author",
    days_ago: float = 1,
    language: str = "de",
    media: list[dict[str, str]] | None = None,
    engagements: int | None = None,
) -> Delivery:
    channel = channels[mission]
    post = Post.objects.create(mission=channel.mission, title="sent", created_by=people[author])
    variant = Variant.objects.create(
        post=post, platform="mastodon", language=language, text="t", media=media or []
    )
    at = NOW - dt.timedelta(days=days_ago)
    delivery = Delivery.objects.create(
        post=post, channel=channel, variant=variant, state=DeliveryState.PUBLISHED, due_at=at, published_at=at
    )
    if engagements is not None:
        MetricSnapshot.objects.create(delivery=delivery, fetched_at=at, likes=engagements)
    return delivery


def keys(findings: list[Any], mission: str | None = None) -> set[tuple[str, str | None]]:
    return {
        (f.rule.key, f.user.get_username() if f.user else None)
        for f in findings
        if mission is None or f.mission.slug == mission
    }


def weekly(people: dict[str, Any], channels: dict[str, Channel], mission: str = "berlin", **kw: Any) -> None:
    """One post in each of the four weeks: no cadence finding."""
    for days in (1, 8, 15, 22):
        send(people, channels, mission=mission, days_ago=days, **kw)


IMG = {"url": "https://e.org/a.png", "alt": "The minister in Berlin"}
NO_ALT = {"url": "https://e.org/b.png", "alt": " "}


def test_alt_text_fires_above_a_fifth_of_at_least_three_images(people: Any, channels: Any) -> None:
    weekly(people, channels, media=[IMG])
    send(people, channels, media=[NO_ALT, IMG])  # 1 of 6 missing: 17%, silent
    assert ("alt_text", None) not in keys(evaluate(NOW), "berlin")
    send(people, channels, media=[NO_ALT])  # 2 of 7: 29%
    found = keys(evaluate(NOW), "berlin")
    assert ("alt_text", None) in found and ("alt_text", "author") in found


def test_alt_text_needs_three_images(people: Any, channels: Any) -> None:
    weekly(people, channels)
    send(people, channels, media=[NO_ALT, NO_ALT])
    assert not {k for k in keys(evaluate(NOW)) if k[0] == "alt_text"}


def _clearances(people: Any, missions: Any, back: int, cleared: int, author: str = "author") -> None:
    for state in [ClearanceState.CHANGES_REQUESTED] * back + [ClearanceState.CLEARED] * cleared:
        post = Post.objects.create(mission=missions["berlin"], title="c", created_by=people[author])
        clearance = Clearance.objects.create(post=post, state=state, submitted_by=people[author])
        Clearance.objects.filter(pk=clearance.pk).update(submitted_at=NOW - dt.timedelta(days=2))


def test_sent_back_fires_at_a_third_of_at_least_three(people: Any, missions: Any, channels: Any) -> None:
    _clearances(people, missions, back=1, cleared=3)  # 25%: silent
    assert ("sent_back", "author") not in keys(evaluate(NOW))
    _clearances(people, missions, back=1, cleared=0)  # 2 of 5: 40%
    assert ("sent_back", "author") in keys(evaluate(NOW))


def test_sent_back_needs_three_clearances(people: Any, missions: Any, channels: Any) -> None:
    _clearances(people, missions, back=2, cleared=0)
    assert ("sent_back", "author") not in keys(evaluate(NOW))


def test_cadence_fires_at_two_silent_weeks(people: Any, channels: Any) -> None:
    for days in (1, 8, 15):  # one silent week: silent
        send(people, channels, days_ago=days)
    assert ("cadence", None) not in keys(evaluate(NOW), "berlin")
    Delivery.objects.filter(published_at__lt=NOW - dt.timedelta(days=14)).delete()
    assert ("cadence", None) in keys(evaluate(NOW), "berlin")


def test_cadence_skips_a_mission_without_an_active_channel(people: Any, channels: Any) -> None:
    Channel.objects.filter(mission__slug="washington").update(is_active=False)
    assert ("cadence", None) not in keys(evaluate(NOW), "washington")
    assert ("cadence", None) in keys(evaluate(NOW), "berlin")  # active and silent


def test_host_language_fires_with_three_posts_none_in_german(people: Any, channels: Any) -> None:
    weekly(people, channels, language="ru")
    assert ("host_language", None) in keys(evaluate(NOW), "berlin")
    send(people, channels, language="de")
    assert ("host_language", None) not in keys(evaluate(NOW), "berlin")


def test_host_language_needs_three_posts(people: Any, channels: Any) -> None:
    send(people, channels, language="ru")
    send(people, channels, language="ru", days_ago=8)
    assert ("host_language", None) not in keys(evaluate(NOW), "berlin")


def test_engagement_below_a_quarter_of_the_other_missions_median(people: Any, channels: Any) -> None:
    for _ in range(5):
        send(people, channels, mission="washington", author="outsider", language="en", engagements=40)
        send(people, channels, mission="astana-hq", author="admin", language="kk", engagements=40)
        send(people, channels, engagements=11)  # 11 / 40 = 27.5%: silent
    assert ("engagement", None) not in keys(evaluate(NOW), "berlin")
    MetricSnapshot.objects.filter(delivery__channel=channels["berlin"]).update(likes=9)  # 22.5%
    assert ("engagement", None) in keys(evaluate(NOW), "berlin")


def test_engagement_needs_two_measured_peers(people: Any, channels: Any) -> None:
    for _ in range(5):
        send(people, channels, mission="washington", author="outsider", language="en", engagements=40)
        send(people, channels, engagements=1)
    assert ("engagement", None) not in keys(evaluate(NOW), "berlin")


def test_old_activity_is_outside_the_window(people: Any, channels: Any) -> None:
    send(people, channels, media=[NO_ALT, NO_ALT, NO_ALT], days_ago=29)
    assert not {k for k in keys(evaluate(NOW)) if k[0] == "alt_text"}


def test_home_tile_shows_the_persons_own_findings(people: Any, missions: Any, channels: Any) -> None:
    weekly(people, channels, media=[NO_ALT])
    mine = {f.rule.key for f in help_for_person(people["author"], missions["berlin"], now=NOW)}
    assert mine == {"alt_text"}
    assert help_for_person(people["approver"], missions["berlin"], now=NOW)  # the mission's finding
    theirs = help_for_person(people["outsider"], missions["washington"], now=NOW)
    assert {(f.rule.key, f.mission.slug) for f in theirs} == {("cadence", "washington")}  # never Berlin's


def test_help_page_for_mission_admins_and_hq_only(login: Any, people: Any, channels: Any) -> None:
    weekly(people, channels, media=[NO_ALT])
    assert login("author").get("/skills/help/").status_code == 403
    assert login("outsider").get("/skills/help/").status_code == 403
    body = login("admin").get("/skills/help/").content.decode()
    assert "Accessibility and alt text" in body and "author" in body


def test_scorecards_show_who_needs_help_to_hq_not_to_analysts(login: Any, people: Any, channels: Any) -> None:
    weekly(people, channels, media=[NO_ALT])
    assert 'id="who-needs-help"' in login("admin").get("/measure/scorecards/").content.decode()
    assert 'id="who-needs-help"' not in login("analyst").get("/measure/scorecards/").content.decode()
