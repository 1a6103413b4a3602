"""Demo: a week of publishing history (labelled demo, sandbox channels) and the last week's brief in
English, Russian and Kazakh, so that Measure shows a brief, a campaign report and scorecards.

Runs after listening's synthetic corpus (60) and the posts (50). Idempotent: it adds nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from elshi.common.demo import DemoContext, demo_step
from elshi.common.profile import current_profile
from elshi.content.models import Campaign, Claim, Post, Variant
from elshi.missions.models import Channel, Mission
from elshi.publishing.models import Delivery, MetricSnapshot
from elshi.reports.actions import do_generate_brief
from elshi.reports.models import Brief
from elshi.reports.views import last_week

HISTORY = "Demo history: "
# (mission, days ago, title, languages, views, likes, state)
PUBLISHED = [
    ("berlin", 3, "Astana International Forum recap", ["de", "en"], 5400, 210, "published"),
    ("berlin", 6, "E-government ranking explained", ["de"], 3100, 95, "published"),
    ("berlin", 12, "Digital Kazakhstan week", ["en"], 2800, 60, "published"),
    ("washington", 4, "C5+1 cooperation update", ["en"], 8800, 320, "published"),
    ("washington", 9, "Critical minerals partnership", ["en"], 0, 0, "unconfirmed"),
    ("london", 2, "Chevening alumni in Astana", ["en"], 1900, 40, "published"),
    ("beijing", 5, "Trade corridor milestone", ["zh"], 0, 0, "failed_permanent"),
]


def _history(context: DemoContext) -> None:
    author = Post.objects.order_by("pk").values_list("created_by", flat=True).first()
    campaign = Campaign.objects.filter(name="Digital Kazakhstan").first()
    claims = list(Claim.objects.filter(verified_at__isnull=False)[:1])
    now = timezone.now()
    for slug, days, title, languages, views, likes, state in PUBLISHED:
        mission = Mission.objects.filter(slug=slug).first()
        if mission is None or author is None or Post.objects.filter(title=HISTORY + title).exists():
            continue
        channel = Channel.objects.filter(mission=mission).order_by("pk").first()
        if channel is None:
            channel = Channel.objects.create(
                mission=mission,
                platform="mastodon",
                handle=f"@kz_{slug}@demo.example",
                language=languages[0],
                sandbox=True,
                status="ok",
            )
        when = now - dt.timedelta(days=days)
        post = Post.objects.create(
            mission=mission,
            title=HISTORY + title,
            scheduled_at=when,
            state="scheduled",
            created_by_id=author,
            cleared_at=when - dt.timedelta(hours=20),
            campaign=campaign if slug in ("berlin", "washington", "london") else None,
        )
        if claims and slug != "london":
            post.claims.set(claims)
        first = None
        for language in languages:
            variant = Variant.objects.create(
                post=post, platform=channel.platform, language=language, text=title
            )
            first = first or variant
        delivery = Delivery.objects.create(
            post=post,
            channel=channel,
            variant=first,
            state=state,
            due_at=when,
            published_at=when if state == "published" else None,
            remote_url=f"https://demo.example/{slug}/{post.pk}" if state == "published" else "",
            last_error="" if state == "published" else "demo: the platform did not answer",
        )
        if state == "published":
            MetricSnapshot.objects.create(
                delivery=delivery,
                fetched_at=when + dt.timedelta(days=1),
                likes=likes,
                reposts=likes // 5,
                replies=likes // 10,
                views=views or None,
                link_clicks=likes // 4,
            )
        context.count("published history")


@demo_step(90, "measure: publishing history and the week's brief")
def demo_briefs(context: DemoContext) -> None:
    _history(context)
    start, end = last_week()
    target = current_profile().target  # the brief of the country the listening corpus is about
    for lang in ("en", "ru", "kk"):
        if not Brief.objects.filter(country=target, start=start, end=end, language=lang).exists():
            do_generate_brief(target, start, end, None, lang, acting_user=None)
            context.count("briefs")
