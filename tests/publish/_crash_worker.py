"""A stand-alone worker for the crash test: its own process, the test's SQLite file, killed at will."""

from __future__ import annotations

import datetime as dt
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elshi.web.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from elshi.connectors import Token  # noqa: E402
from elshi.content.models import Post, PostState, Variant  # noqa: E402
from elshi.missions.models import Channel, Mission  # noqa: E402
from elshi.publishing.accounts import set_credentials  # noqa: E402
from elshi.publishing.models import Delivery  # noqa: E402


def setup(base_url: str, platform: str) -> None:
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.create(username=f"crash-{platform}")
    mission, _ = Mission.objects.get_or_create(
        slug="berlin",
        defaults={
            "name": "Berlin",
            "kind": "embassy",
            "host_country": "DE",
            "city": "Berlin",
            "timezone": "Europe/Berlin",
            "languages": ["de"],
        },
    )
    if platform == "mastodon":
        channel = Channel(
            mission=mission, platform="mastodon", handle="@crash@loopback", settings={"base_url": base_url}
        )
        set_credentials(channel, token=Token(access_token="channel-crash"))
    else:
        channel = Channel(
            mission=mission,
            platform="webhook",
            handle="crash-hook",
            settings={"url": f"{base_url}/hooks/crash"},
        )
        set_credentials(channel, secrets={"secret": "k"})
    channel.save()
    post = Post.objects.create(
        mission=mission,
        title="crash",
        created_by=author,
        state=PostState.SCHEDULED,
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )
    variant = Variant.objects.create(
        post=post, platform=platform, language="en", text="Sent once, whatever happens."
    )
    delivery = Delivery.objects.create(post=post, channel=channel, variant=variant, due_at=post.scheduled_at)
    print(delivery.pk)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup(sys.argv[2], sys.argv[3])
    elif command == "send":
        from elshi.publishing.sending import send

        print(send(int(sys.argv[2])))
    elif command == "sweep":
        from elshi.publishing.tasks import sweep_deliveries

        print(sweep_deliveries.call_local())
    elif command == "state":
        print(Delivery.objects.get(pk=int(sys.argv[2])).state)
