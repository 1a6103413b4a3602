"""Engage fixtures: channels at Berlin, a hybrid public engagement, a published site and a published post."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from elshi.content import actions as content_actions
from elshi.content.models import Claim, Post
from elshi.engagements import actions
from elshi.engagements.models import Engagement, MissionSite
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.models import Delivery

from .smtp import smtp_inbox  # noqa: F401 (a fixture for every test here)

LINK = "https://us02web.zoom.us/j/81234567890?pwd=Secr3tPassc0de"


@pytest.fixture(autouse=True)
def huey_immediate() -> Any:
    """Tasks queued after commit run inline here (in memory), as the worker would run them."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield HUEY
    finally:
        HUEY.immediate = before


@pytest.fixture
def channels(missions: dict[str, Any]) -> dict[str, Channel]:
    return {
        name: mission_actions.do_save_channel(
            Channel(mission=missions[slug], platform=platform, handle=handle), acting_user=None
        )
        for name, slug, platform, handle in [
            ("mastodon", "berlin", "mastodon", "@kz@berlin.example"),
            ("telegram", "berlin", "telegram", "@kz_de"),
            ("x_us", "washington", "x", "@kz_us"),
        ]
    }


def make_engagement(mission: Any, *, days: int = 10, capacity: int | None = 2, **extra: Any) -> Engagement:
    starts = (timezone.now() + dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    engagement = Engagement(
        mission=mission,
        kind=extra.pop("kind", "hybrid"),
        titles=extra.pop("titles", {"en": "Forum side event", "kk": "Форумның қосымша іс-шарасы"}),
        descriptions={"en": "Kazakhstan's green energy, <b>live</b> from Berlin."},
        venue="Embassy of Kazakhstan",
        address="Nordsternstraße 3, 10825 Berlin",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=capacity,
        visibility=extra.pop("visibility", "public"),
        **extra,
    )
    if engagement.kind != "physical":
        engagement.set_meeting_link(LINK)
        engagement.meeting_provider = "zoom"
    return actions.do_save_engagement(engagement, acting_user=None)


@pytest.fixture
def engagement(missions: dict[str, Any]) -> Engagement:
    return make_engagement(missions["berlin"])


@pytest.fixture
def site(missions: dict[str, Any]) -> MissionSite:
    return actions.do_save_site(
        MissionSite(
            mission=missions["berlin"],
            messages={
                "en": "Welcome to the <em>virtual</em> embassy.",
                "kk": "Виртуалды елшілікке қош келдіңіз.",
            },
            contacts={"en": "Nordsternstraße 3, Berlin"},
            consular={"en": "Consular hours: Mon-Fri 9-12"},
            is_published=True,
        ),
        acting_user=None,
    )


@pytest.fixture
def published(
    people: dict[str, Any], missions: dict[str, Any], channels: dict[str, Channel]
) -> dict[str, Any]:
    """A published post, a draft post, and a verified and an unverified claim."""
    made: dict[str, Any] = {}
    for name, text in [
        ("published", "Kazakhstan opens a trade house in Berlin."),
        ("draft", "DRAFT secret plan"),
    ]:
        post = content_actions.do_save_post(
            Post(mission=missions["berlin"], title=name, scheduled_at=timezone.now() - dt.timedelta(hours=1)),
            acting_user=people["author"],
            variants=[{"platform": "mastodon", "language": "en", "text": text}],
            channels=[channels["mastodon"]],
        )
        made[name] = post
    Delivery.objects.create(
        post=made["published"],
        channel=channels["mastodon"],
        state="published",
        due_at=timezone.now(),
        published_at=timezone.now(),
        remote_url="https://berlin.example/@kz/1",
    )
    for subject, verified in [("E-Government Index", True), ("Unverified figure", False)]:
        claim = Claim(
            subject=subject,
            value=Decimal(24),
            unit="rank",
            period=2024,
            statements={"en": f"{subject} statement"},
            source_title="UN E-Government Survey 2024",
            source_url="https://publicadministration.un.org/egovkb",
            source_date=dt.date(2024, 9, 1),
        )
        content_actions.do_save(claim, acting_user=None)
        if verified:
            content_actions.do_verify_claim(claim, acting_user=people["admin"])
        made[subject] = claim
    return made
