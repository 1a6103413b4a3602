"""Measure fixtures: a small listening corpus and a small publishing history whose figures are known.

Period under study: Monday 2 March to Sunday 8 March 2026; the previous period is 23 February to
1 March. Figures the tests compute by hand are written next to the data that makes them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from elshi.monitoring import rollup
from elshi.monitoring.models import Document, Mention

START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 8)
_ids = itertools.count()


def mention(
    country: str,
    day: dt.date,
    tone: str,
    *,
    narratives: list[str] | None = None,
    language: str = "en",
    outlet_country: str = "",
    title: str = "",
    count: int = 1,
) -> Mention:
    n = next(_ids)
    doc = Document.objects.create(
        canonical_url=f"https://news.example/{n}",
        source_id="test",
        title=title or f"Article {n}",
        published_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
        language=language,
        outlet=f"Outlet {language}",
        outlet_country=outlet_country,
        content_hash=f"h{n}",
        story_id=f"s{n}",
        narratives=narratives or [],
    )
    score = {"positive": 0.6, "negative": -0.6, "neutral": 0.0}.get(tone)
    made = Mention.objects.create(
        document=doc, country=country, count=count, tone_label=tone, tone_score=score, day=day
    )
    rollup.refresh([day])  # as every import does: listening's index reads the daily rollup
    return made


@pytest.fixture
def corpus(db: Any) -> dict[str, Any]:
    """KZ this week: 4 positive, 1 negative, 1 neutral (image score 50 + 50 x (4/6 - 1/6) = 75.0);
    KZ the week before: 1 positive, 1 negative, 2 neutral (score 50.0); UZ this week: 2 neutral.
    Share of voice this week: KZ 6 / 8 = 0.75.
    The 'water' narrative: 0 mentions before, 1 this week (the negative one, in German, from DE)."""
    from elshi.content.models import Narrative

    for key, titles in [
        ("digital", {"en": "Digital state", "ru": "Цифровое государство"}),
        ("water", {"en": "Water security", "ru": "Водная безопасность"}),
    ]:
        Narrative.objects.update_or_create(key=key, defaults={"titles": titles})
    for i in range(4):
        mention("KZ", START + dt.timedelta(days=i), "positive", narratives=["digital"], title=f"KZ good {i}")
    mention(
        "KZ",
        START + dt.timedelta(days=2),
        "negative",
        narratives=["water"],
        language="de",
        outlet_country="DE",
        title="Kasachstan Wasserkrise",
    )
    mention("KZ", START + dt.timedelta(days=3), "neutral")
    for i, tone in enumerate(["positive", "negative", "neutral", "neutral"]):
        mention("KZ", START - dt.timedelta(days=1 + i), tone, narratives=["digital"] * (tone != "negative"))
    mention("UZ", START, "neutral")
    mention("UZ", START + dt.timedelta(days=1), "neutral")
    return {"start": START, "end": END}


def at(day: int, hour: int = 10, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def history(people: dict[str, Any], missions: dict[str, Any]) -> dict[str, Any]:
    """Publishing from 2 to 15 March 2026 (two weeks), hand-computed in test_scorecards.py.

    Berlin (host DE): Mastodon M (de) and Telegram T (en).
      P1 03-02: M (de) + T (en), claim, campaign; M latest views 1000 / engagements 40+5+3+0+2 = 50
            (an older snapshot says 100 views, 1 like), T views none / 10 likes.
      P2 03-04: M (de), campaign, no claim; views 500 / 20 + 5 = 25.
      P3 03-05: T (en), claim, no metrics.
      P4 failed for good on T (due 03-10); P5 unconfirmed on M (due 03-12).
      Clearances closed in the period: 6 h, 24 h, 2 h (median 6.0).
    Washington (host US): X channel, W1 03-09 (en) 4 likes, no views; W0 on 02-20 (previous period).
    """
    from elshi.clearance.models import Clearance
    from elshi.content.models import Campaign, Claim, Narrative, Post, Variant
    from elshi.missions.models import Channel
    from elshi.publishing.models import Delivery, MetricSnapshot

    berlin, washington = missions["berlin"], missions["washington"]
    m = Channel.objects.create(
        mission=berlin, platform="mastodon", handle="@kz@berlin.example", language="de"
    )
    t = Channel.objects.create(mission=berlin, platform="telegram", handle="@kz_de", language="en")
    x = Channel.objects.create(mission=washington, platform="x", handle="@kz_us", language="en")
    claim = Claim.objects.create(
        subject="UN E-Government Development Index",
        statements={"en": "#24 in 2024"},
        value=24,
        unit="rank",
        period=2024,
        source_title="UN E-Government Survey 2024",
        source_url="https://publicadministration.un.org/egovkb",
        source_date=dt.date(2024, 9, 1),
        verified_at=at(1, month=1),
    )
    campaign = Campaign.objects.create(
        name="Digital Kazakhstan",
        goal="Known in Germany",
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 8),
        kpis=[
            {"metric": "reach", "target": 3000},
            {"metric": "engagements", "target": 100},
            {"metric": "posts", "target": 4},
            {"metric": "sentiment", "target": 1},
        ],
    )
    digital = Narrative.objects.get_or_create(key="digital", defaults={"titles": {"en": "Digital state"}})[0]
    campaign.narratives.add(digital)
    campaign.missions.add(berlin)
    author = people["author"]

    def post(mission: Any, title: str, *, claims: bool = False, in_campaign: bool = False) -> Post:
        p = Post.objects.create(
            mission=mission,
            title=title,
            created_by=author,
            state="scheduled",
            campaign=campaign if in_campaign else None,
        )
        if claims:
            p.claims.add(claim)
        return p

    def deliver(
        p: Post, channel: Any, language: str, when: dt.datetime, state: str = "published"
    ) -> Delivery:
        variant = Variant.objects.create(post=p, platform=channel.platform, language=language, text=p.title)
        return Delivery.objects.create(
            post=p,
            channel=channel,
            variant=variant,
            state=state,
            due_at=when,
            published_at=when if state == "published" else None,
            remote_url=f"https://social.example/{p.pk}/{channel.pk}" if state == "published" else "",
        )

    def snap(d: Delivery, when: dt.datetime, views: int | None, likes: int, **more: int) -> None:
        MetricSnapshot.objects.create(delivery=d, fetched_at=when, views=views, likes=likes, **more)

    def cleared(p: Post, submitted: dt.datetime, closed: dt.datetime) -> None:
        c = Clearance.objects.create(post=p, submitted_by=author, state="cleared", closed_at=closed)
        Clearance.objects.filter(pk=c.pk).update(submitted_at=submitted)

    p1 = post(berlin, "P1 forum recap", claims=True, in_campaign=True)
    d1m = deliver(p1, m, "de", at(2))
    snap(d1m, at(2, 11), 100, 1)
    snap(d1m, at(3), 1000, 40, reposts=5, replies=3, quotes=0, link_clicks=2)
    snap(deliver(p1, t, "en", at(2)), at(3), None, 10)
    p2 = post(berlin, "P2 ranking", in_campaign=True)
    snap(deliver(p2, m, "de", at(4)), at(5), 500, 20, reposts=5)
    p3 = post(berlin, "P3 week", claims=True)
    deliver(p3, t, "en", at(5))
    deliver(post(berlin, "P4 failed"), t, "en", at(10), "failed_permanent")
    deliver(post(berlin, "P5 unknown"), m, "de", at(12), "unconfirmed")
    cleared(p1, at(2, 2), at(2, 8))
    cleared(p2, at(3, 0), at(4, 0))
    cleared(p3, at(4, 12), at(4, 14))
    w1 = post(washington, "W1 C5+1")
    snap(deliver(w1, x, "en", at(9)), at(10), None, 4)
    deliver(post(washington, "W0 earlier"), x, "en", at(20, month=2))
    return {"campaign": campaign, "claim": claim, "m": m, "t": t, "x": x, "p1": p1}
