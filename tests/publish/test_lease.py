"""Exactly once under slow and long-dead sends (issue 17): leases with a heartbeat, late
confirmations, Mastodon's idempotency window, server errors after the write, the claim's snapshot."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from elshi.audit.models import AuditEvent
from elshi.connectors import Token
from elshi.connectors.mastodon import clear_instance_cache
from elshi.missions.models import Channel
from elshi.publishing.accounts import set_credentials
from elshi.publishing.claiming import claim_one
from elshi.publishing.confirming import store_published
from elshi.publishing.lease import Heartbeat
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.sending import send
from elshi.publishing.tasks import sweep_deliveries

from .test_delivery import _cleared, _transport

INSTANCE = json.loads(
    (Path(__file__).parents[1] / "connectors/fixtures/mastodon/instance_v2.json").read_text()
)


@pytest.fixture
def mastodon(missions: dict[str, Any]) -> Channel:
    clear_instance_cache()
    channel = Channel(
        mission=missions["berlin"],
        platform="mastodon",
        handle="@embassy@mastodon.example",
        status="ok",
        settings={"base_url": "https://mastodon.example"},
    )
    set_credentials(channel, token=Token(access_token="tok"))
    channel.save()
    return channel


def _mastodon_api(post: Any) -> tuple[httpx.Client, list[httpx.Request]]:
    """An instance that answers its configuration and hands every status POST to ``post``."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=INSTANCE)
        return post(request)  # type: ignore[no-any-return]

    client, seen = _transport(answer)
    return client, seen


def _posts(seen: list[httpx.Request]) -> list[httpx.Request]:
    return [r for r in seen if r.method == "POST"]


@pytest.mark.django_db(transaction=True)
def test_a_slow_send_keeps_its_lease_while_its_heartbeat_runs(
    write_post: Any, people: dict[str, Any], webhook: Channel, settings: Any
) -> None:
    settings.ELSHI_PUBLISH_LEASE_SECONDS = 1  # a beat every third of a second
    settings.ELSHI_PUBLISH_STUCK_SECONDS = 1  # what used to decide "stuck", by age alone
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(due_at=timezone.now())  # due, and claimed, now
    arrived, release = threading.Event(), threading.Event()

    def slow_upload(request: httpx.Request) -> httpx.Response:
        arrived.set()
        release.wait(10)
        return httpx.Response(200, json={"id": "slow-1", "url": "https://feed.example/slow-1"})

    client, seen = _transport(slow_upload)
    outcome: list[str] = []
    sender = threading.Thread(target=lambda: outcome.append(send(delivery.pk, client=client)))
    sender.start()
    try:
        assert arrived.wait(10)
        time.sleep(2.5)  # longer than the lease and the old stuck age
        assert sweep_deliveries.call_local()["settled"] == 0
        assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.PUBLISHING
    finally:
        release.set()
        sender.join(10)
    assert outcome == [DeliveryState.PUBLISHED] and len(seen) == 1
    assert Delivery.objects.get(pk=delivery.pk).remote_id == "slow-1"


def test_an_expired_lease_is_taken_over_and_the_late_confirmation_does_not_overwrite_it(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    claimed = claim_one(post.deliveries.get().pk, post.scheduled_at)
    assert claimed is not None and claimed.lease_owner
    # Its worker hangs: no heartbeat, the lease runs out.
    Delivery.objects.filter(pk=claimed.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert sweep_deliveries.call_local()["settled"] == 1
    assert Delivery.objects.get(pk=claimed.pk).state == DeliveryState.UNCONFIRMED
    # The hung worker wakes up with the platform's confirmation.
    store_published(claimed, "late-1", "https://feed.example/late-1", timezone.now())
    after = Delivery.objects.get(pk=claimed.pk)
    assert after.state == DeliveryState.UNCONFIRMED  # a person checks; never silently published
    assert (after.remote_id, after.remote_url) == ("late-1", "https://feed.example/late-1")
    assert "lease had run out" in after.last_error
    assert AuditEvent.objects.filter(action="delivery.confirm_late", object_id=str(claimed.pk)).exists()


def test_a_lease_still_held_is_not_taken_over(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    claimed = claim_one(post.deliveries.get().pk, post.scheduled_at)
    assert claimed is not None
    Delivery.objects.filter(pk=claimed.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert sweep_deliveries.call_local()["settled"] == 0  # old, but its lease runs
    store_published(claimed, "m-1", "https://feed.example/1", timezone.now())
    assert Delivery.objects.get(pk=claimed.pk).state == DeliveryState.PUBLISHED


def test_mastodon_past_its_idempotency_window_becomes_unconfirmed(
    write_post: Any, people: dict[str, Any], mastodon: Channel
) -> None:
    post = _cleared(write_post, people, mastodon)
    delivery = post.deliveries.get()
    now = post.scheduled_at + dt.timedelta(seconds=1)
    client, seen = _mastodon_api(lambda r: httpx.Response(200, json={"id": "s-1", "url": "https://m.ex/1"}))
    # An earlier attempt timed out two hours ago: Mastodon has forgotten its Idempotency-Key.
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.FAILED_RETRYABLE, attempts=1, unsure_since=now - dt.timedelta(hours=2)
    )
    assert send(delivery.pk, client=client, now=now) == DeliveryState.UNCONFIRMED
    assert _posts(seen) == []
    assert "deduplication window" in Delivery.objects.get(pk=delivery.pk).last_error


def test_mastodon_timeout_is_resent_within_its_window_and_the_sweep_respects_it(
    write_post: Any, people: dict[str, Any], mastodon: Channel
) -> None:
    post = _cleared(write_post, people, mastodon)
    delivery = post.deliveries.get()

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    client, seen = _mastodon_api(timeout)
    assert send(delivery.pk, client=client, now=post.scheduled_at) == DeliveryState.FAILED_RETRYABLE
    stored = Delivery.objects.get(pk=delivery.pk)
    assert stored.unsure_since is not None and len(_posts(seen)) == 1
    # A worker that died two hours into a claim: past the window, the sweep does not re-send.
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.PUBLISHING, claimed_at=long_ago, lease_until=long_ago, unsure_since=None
    )
    assert sweep_deliveries.call_local()["settled"] == 1
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.UNCONFIRMED


@pytest.mark.parametrize("status", [500, 502])
def test_a_server_error_after_the_write_without_dedup_is_unconfirmed(
    write_post: Any, people: dict[str, Any], webhook: Channel, status: int
) -> None:
    post = _cleared(write_post, people, webhook)
    client, seen = _transport(lambda r: httpx.Response(status, json={"error": "oops"}))
    assert send(post.deliveries.get().pk, client=client, now=post.scheduled_at) == DeliveryState.UNCONFIRMED
    assert len(seen) == 1
    assert "check the channel" in post.deliveries.get().last_error


def test_a_server_error_after_the_write_is_retried_where_the_platform_deduplicates(
    write_post: Any, people: dict[str, Any], mastodon: Channel
) -> None:
    post = _cleared(write_post, people, mastodon)
    client, _seen = _mastodon_api(lambda r: httpx.Response(500, json={"error": "oops"}))
    outcome = send(post.deliveries.get().pk, client=client, now=post.scheduled_at)
    assert outcome == DeliveryState.FAILED_RETRYABLE


def test_text_edited_past_clearance_is_never_sent(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    post.variants.update(text="Not what the approver cleared.")  # an edit that slipped past the post
    client, seen = _transport(lambda r: httpx.Response(200, json={"id": "x"}))
    assert send(post.deliveries.get().pk, client=client, now=post.scheduled_at) == DeliveryState.CANCELLED
    assert seen == [] and "changed after clearance" in post.deliveries.get().last_error


@pytest.mark.django_db(transaction=True)
def test_the_claim_reads_post_and_variant_in_one_query_once_claimed(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    delivery_id = post.deliveries.get().pk
    reads: list[tuple[str, bool, str]] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "content_variant" in sql and sql.lstrip().upper().startswith("SELECT"):
            state = Delivery.objects.values_list("state", flat=True).get(pk=delivery_id)
            reads.append((sql, connection.in_atomic_block, state))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        claimed = claim_one(delivery_id, post.scheduled_at)
    assert claimed is not None and claimed.variant is not None
    # One read of the variant, with the post (one snapshot), once the claim has committed: the
    # delivery is this worker's by then, and SQLite's write lock is not held while it is read.
    [(sql, inside, state)] = reads
    assert "content_post" in sql and not inside and state == DeliveryState.PUBLISHING
    cleared_text = post.variants.get().text
    with connection.execute_wrapper(lambda *a: pytest.fail("read again after the claim")):
        assert (claimed.post.state, claimed.variant.text) == ("scheduled", cleared_text)


def test_starting_sends_does_not_make_the_heartbeat_beat(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each send holds its lease as it starts; the beat still comes once a third of a lease, not once
    per send started (that was one UPDATE of every held lease per send, fighting for the write lock)."""
    settings.ELSHI_PUBLISH_LEASE_SECONDS = 6  # a beat every two seconds
    beats: list[float] = []
    leases = Heartbeat()
    monkeypatch.setattr(leases, "beat", lambda: beats.append(time.monotonic()) or 0)
    started = time.monotonic()
    try:
        for n in range(20):
            leases.hold([n])
            time.sleep(0.01)
        assert beats == [] or beats[0] - started >= 1.9  # none for the sends that started
        deadline = time.monotonic() + 6
        while not beats and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(beats) == 1 and beats[0] - started >= 1.9  # the one beat, on its cadence
    finally:
        for n in range(20):
            leases.release(n)
