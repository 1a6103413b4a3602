"""TikTok's pending results: the publish id kept apart, settled later by the resolver task."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.utils import timezone

from elshi.audit.models import AuditEvent
from elshi.connectors import Published, Token
from elshi.content.models import Post, PostState
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.accounts import set_credentials
from elshi.publishing.claiming import claim_one
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.pending import PENDING, resolve_pending, settle_result
from elshi.publishing.sending import send_claimed
from elshi.publishing.tasks import sweep_deliveries

API = "https://open.tiktokapis.com/v2"
FIXTURES = Path(__file__).parents[1] / "connectors" / "fixtures" / "tiktok"
PUBLISH_ID = "p_pub_url~v2.7312345678901234999"


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def tiktok(missions: dict[str, Any]) -> Channel:
    channel = Channel(mission=missions["berlin"], platform="tiktok", handle="mfa_kz", settings={})
    set_credentials(
        channel,
        secrets={"client_key": "ck", "client_secret": "cs"},
        token=Token("act.user", "rft.user", timezone.now() + dt.timedelta(hours=20)),
    )
    return mission_actions.do_save_channel(channel, acting_user=None)


def _client(answers: dict[str, list[str]]) -> tuple[httpx.Client, list[httpx.Request]]:
    """TikTok answering each path with the next of its recorded payloads."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        queue = answers[request.url.path.removeprefix("/v2")]
        return httpx.Response(200, json=_fixture(queue.pop(0) if len(queue) > 1 else queue[0]))

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


def _scheduled(write_post: Any, channel: Channel, options: dict[str, Any]) -> Delivery:
    post = write_post(hours=1)
    variant = post.variants.get()
    variant.platform, variant.options = "tiktok", options
    variant.media = [{"url": "https://media.example.org/a.jpg", "mime_type": "image/jpeg", "name": "a.jpg"}]
    variant.save()
    Post.objects.filter(pk=post.pk).update(state=PostState.SCHEDULED)
    return Delivery.objects.create(post=post, channel=channel, variant=variant, due_at=timezone.now())


def _pending(write_post: Any, channel: Channel) -> Delivery:
    """A delivery TikTok took (photo init) and was still processing when the sender stopped asking."""
    delivery = _scheduled(write_post, channel, {"privacy_level": "SELF_ONLY"})
    claimed = claim_one(delivery.pk, timezone.now())
    assert claimed is not None
    client, seen = _client(
        {
            "/post/publish/creator_info/query/": ["creator_info"],
            "/post/publish/content/init/": ["photo_init"],
            "/post/publish/status/fetch/": ["status_processing"],
        }
    )
    assert send_claimed(claimed, client=client) == "pending"
    assert json.loads(seen[1].content)["post_info"]["privacy_level"] == "SELF_ONLY"  # the person's choice
    delivery.refresh_from_db()
    return delivery


def test_pending_post_stays_publishing_with_its_publish_id_apart(write_post: Any, tiktok: Channel) -> None:
    delivery = _pending(write_post, tiktok)
    assert delivery.state == DeliveryState.PUBLISHING
    assert delivery.lease_owner == PENDING + PUBLISH_ID
    assert delivery.remote_id == "" and delivery.published_at is None  # no post id yet
    event = AuditEvent.objects.filter(action="delivery.await_platform", object_id=str(delivery.pk)).get()
    assert event.changes == {"state": ["publishing", "publishing"], "publish_id": PUBLISH_ID}


def test_sweep_leaves_pending_posts_to_the_resolver(write_post: Any, tiktok: Channel) -> None:
    delivery = _pending(write_post, tiktok)
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    sweep_deliveries.call_local()
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.PUBLISHING


def test_resolver_polls_until_complete_and_stores_the_real_post_id(write_post: Any, tiktok: Channel) -> None:
    delivery = _pending(write_post, tiktok)
    client, seen = _client({"/post/publish/status/fetch/": ["status_processing"]})
    assert resolve_pending(client=client) == {"pending": 1}
    client, seen = _client({"/post/publish/status/fetch/": ["status_complete"]})
    assert resolve_pending(client=client) == {"published": 1}
    assert json.loads(seen[0].content) == {"publish_id": PUBLISH_ID}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.remote_id, delivery.remote_url) == (
        DeliveryState.PUBLISHED,
        "7312345678901234567",
        "https://www.tiktok.com/video/7312345678901234567",
    )
    assert delivery.next_metrics_at is not None
    assert resolve_pending(client=client) == {}  # nothing left to ask about


def test_failed_processing_keeps_tiktoks_reason(write_post: Any, tiktok: Channel) -> None:
    delivery = _pending(write_post, tiktok)
    client, _seen = _client({"/post/publish/status/fetch/": ["status_failed"]})
    assert resolve_pending(client=client) == {"failed_permanent": 1}
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED_PERMANENT
    assert "video_pull_failed" in delivery.last_error and delivery.last_error_at is not None


def test_complete_private_post_is_published_without_metrics(write_post: Any, tiktok: Channel) -> None:
    delivery = _pending(write_post, tiktok)
    client, _seen = _client({"/post/publish/status/fetch/": ["status_complete_private"]})
    assert resolve_pending(client=client) == {"published": 1}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.remote_id, delivery.next_metrics_at) == (
        DeliveryState.PUBLISHED,
        "",
        None,
    )


def test_still_processing_at_the_deadline_is_unconfirmed(write_post: Any, tiktok: Channel) -> None:
    delivery = _pending(write_post, tiktok)
    later = timezone.now() + dt.timedelta(hours=3)
    client, seen = _client({"/post/publish/status/fetch/": ["status_processing"]})
    assert resolve_pending(client=client, now=later) == {"unconfirmed": 1}
    assert not seen
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.UNCONFIRMED and PUBLISH_ID in delivery.last_error


def test_a_taken_over_lease_is_not_overwritten(write_post: Any, tiktok: Channel) -> None:
    delivery = _scheduled(write_post, tiktok, {"privacy_level": "SELF_ONLY"})
    claimed = claim_one(delivery.pk, timezone.now())
    assert claimed is not None
    Delivery.objects.filter(pk=delivery.pk).update(lease_owner="someone-else")
    assert settle_result(claimed, Published(PUBLISH_ID, pending=True), timezone.now()) == "superseded"
    assert Delivery.objects.get(pk=delivery.pk).lease_owner == "someone-else"


def test_no_privacy_choice_is_refused_before_anything_is_sent(write_post: Any, tiktok: Channel) -> None:
    delivery = _scheduled(write_post, tiktok, {})
    claimed = claim_one(delivery.pk, timezone.now())
    assert claimed is not None
    client, seen = _client({"/post/publish/creator_info/query/": ["creator_info"]})
    assert send_claimed(claimed, client=client) == DeliveryState.FAILED_PERMANENT
    assert len(seen) == 1
    assert "choose who can see this post" in Delivery.objects.get(pk=delivery.pk).last_error
