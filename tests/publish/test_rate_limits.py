"""Per-channel rate limits: what the platform says in its headers, or with a 429, holds the channel's
other deliveries until the reset, without calling the platform and without counting an attempt."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from django.utils import timezone

from elshi.missions.models import Channel
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.sending import send

from .test_delivery import _cleared, _transport


def _two_due(write_post: Any, people: dict[str, Any], webhook: Channel) -> tuple[Delivery, Delivery]:
    first = _cleared(write_post, people, webhook).deliveries.get()
    second = _cleared(write_post, people, webhook, hours=3).deliveries.get()
    Delivery.objects.filter(pk__in=[first.pk, second.pk]).update(
        due_at=timezone.now() - dt.timedelta(seconds=1)
    )
    return first, second


def test_a_window_used_up_holds_the_channel_until_its_reset(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    first, second = _two_due(write_post, people, webhook)
    reset = (timezone.now() + dt.timedelta(minutes=5)).replace(microsecond=0)
    headers = {
        "x-ratelimit-limit": "300",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": reset.isoformat(),
    }
    client, seen = _transport(lambda r: httpx.Response(200, json={"id": "m1"}, headers=headers))

    assert send(first.pk, client=client) == DeliveryState.PUBLISHED
    channel = Channel.objects.get(pk=webhook.pk)
    assert dt.datetime.fromisoformat(channel.limits["held_until"]) == reset
    assert channel.limits["remaining"] == 0 and channel.limits["limit"] == 300

    assert send(second.pk, client=client) == "held"
    assert len(seen) == 1  # the platform was not called for the held delivery
    second.refresh_from_db()
    assert second.state == DeliveryState.SCHEDULED and second.due_at == reset and second.attempts == 0
    assert "held until" in second.last_error and "rate limit" in second.last_error

    # At the reset the platform has room again: the delivery goes out, once.
    fresh = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299", "x-ratelimit-reset": "300"}
    client, seen = _transport(lambda r: httpx.Response(200, json={"id": "m2"}, headers=fresh))
    assert send(second.pk, client=client, now=reset + dt.timedelta(seconds=1)) == DeliveryState.PUBLISHED
    second.refresh_from_db()
    assert (second.remote_id, second.attempts, len(seen)) == ("m2", 1, 1)


def test_a_429_holds_the_channels_other_deliveries(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    first, second = _two_due(write_post, people, webhook)
    client, seen = _transport(
        lambda r: httpx.Response(429, json={"error": "slow down"}, headers={"Retry-After": "120"})
    )
    before = timezone.now()
    assert send(first.pk, client=client) == DeliveryState.FAILED_RETRYABLE
    assert send(second.pk, client=client) == "held"
    assert len(seen) == 1
    second.refresh_from_db()
    assert before + dt.timedelta(seconds=119) <= second.due_at <= timezone.now() + dt.timedelta(seconds=121)
    first.refresh_from_db()
    assert first.attempts == 1 and first.due_at >= before + dt.timedelta(seconds=119)


def test_room_left_is_remembered_once_per_window_and_holds_nothing(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    first, second = _two_due(write_post, people, webhook)
    headers = {"x-ratelimit-limit": "300", "x-ratelimit-remaining": "250", "x-ratelimit-reset": "1900000000"}
    client, seen = _transport(lambda r: httpx.Response(200, json={"id": "m"}, headers=headers))
    assert send(first.pk, client=client) == DeliveryState.PUBLISHED
    assert send(second.pk, client=client) == DeliveryState.PUBLISHED
    limits = Channel.objects.get(pk=webhook.pk).limits
    assert limits["remaining"] == 250 and "held_until" not in limits and len(seen) == 2
