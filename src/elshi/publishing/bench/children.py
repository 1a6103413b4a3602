"""The benchmark's child processes: `python -m elshi.publishing.bench setup|states` on a throw-away
ELSHI_HOME. Each sets Django up first, so Django's models are imported inside the functions."""

from __future__ import annotations

import datetime as dt
import json

import django

__all__ = ["setup", "states"]


def setup(base_url: str, deliveries: int, channels: int, due_in: float) -> None:
    """Child: create and queue the deliveries; print the due time (epoch seconds)."""
    django.setup()  # before any model is imported: hence the imports below
    # A fresh child process: Django is set up first, then the app loads.
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from elshi.connectors import Token
    from elshi.content.models import Post, PostState, Variant
    from elshi.missions.models import Channel, Mission
    from elshi.publishing.accounts import set_credentials
    from elshi.publishing.models import Delivery
    from elshi.publishing.tasks import enqueue_dispatch

    call_command("migrate", verbosity=0)
    author = get_user_model().objects.create(username="bench")
    mission = Mission.objects.create(
        slug="bench",
        name="Bench",
        kind="embassy",
        host_country="DE",
        city="Berlin",
        timezone="Europe/Berlin",
        languages=["en"],
    )
    made = []
    for i in range(channels):
        channel = Channel(
            mission=mission,
            platform="mastodon",
            handle=f"@bench{i}@loopback",
            status="ok",
            settings={"base_url": base_url},
        )
        set_credentials(channel, token=Token(access_token=f"channel-{i}"))
        made.append(channel)
    Channel.objects.bulk_create(made)
    made = list(Channel.objects.order_by("pk"))
    due = timezone.now() + dt.timedelta(seconds=due_in)
    per_post = channels
    posts = Post.objects.bulk_create(
        [
            Post(
                mission=mission,
                title=f"bench {p}",
                created_by=author,
                state=PostState.SCHEDULED,
                scheduled_at=due,
            )
            for p in range((deliveries + per_post - 1) // per_post)
        ]
    )
    variants = Variant.objects.bulk_create(
        [Variant(post=p, platform="mastodon", language="en", text=f"Benchmark post {p.pk}") for p in posts]
    )
    rows = [
        Delivery(
            post=posts[i // per_post], channel=made[i % per_post], variant=variants[i // per_post], due_at=due
        )
        for i in range(deliveries)
    ]
    Delivery.objects.bulk_create(rows, batch_size=2000)
    for _post in posts:  # as clearance does: one dispatch per post, for its time
        enqueue_dispatch(due)
    print(due.timestamp())


def states() -> None:
    django.setup()  # before any model is imported: hence the imports below
    # A fresh child process: Django is set up first, then the app loads.
    from django.db.models import Count

    from elshi.publishing.models import Delivery

    print(json.dumps(dict(Delivery.objects.values_list("state").annotate(n=Count("pk")))))
