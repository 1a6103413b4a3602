"""Deliveries: created on clearance, claimed once, sent once, retried only when certainly not sent."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from django.utils import timezone

from elshi.audit.models import AuditEvent
from elshi.clearance import actions as clearance_actions
from elshi.common.crypto import decrypt_json
from elshi.content import actions as content_actions
from elshi.content.models import Post
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel, ChannelStatus
from elshi.publishing import actions
from elshi.publishing.accounts import account_of, set_credentials
from elshi.publishing.claiming import claim
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.sending import send

from ..tell.conftest import EN


def _cleared(
    write_post: Any,
    people: dict[str, Any],
    channel: Channel,
    hours: int = 2,
    *,
    text: str = EN,
    media: list[dict[str, str]] | None = None,
) -> Post:
    post = write_post(hours=hours)
    post.channels.set([channel])
    variant: dict[str, Any] = {"platform": channel.platform, "language": "en", "text": text}
    if media:
        variant["media"] = media
    content_actions.do_save_post(post, acting_user=people["author"], variants=[variant])
    clearance_actions.do_submit(post, acting_user=people["author"])
    clearance = clearance_actions.check_decide(people["approver"], post, "approve", "")
    clearance_actions.do_decide(clearance, "approve", "", acting_user=people["approver"])
    post.refresh_from_db()
    return post


def _transport(handler: Any) -> tuple[httpx.Client, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return httpx.Client(transport=httpx.MockTransport(record)), seen


def test_secrets_are_encrypted_at_rest(webhook: Channel) -> None:
    stored = Channel.objects.get(pk=webhook.pk)
    assert "s3cr3t" not in stored.secrets_encrypted
    assert decrypt_json(stored.secrets_encrypted) == {"secret": "s3cr3t-hmac-key"}
    assert account_of(stored).secrets == {"secret": "s3cr3t-hmac-key"}


def test_clearance_creates_one_delivery_per_channel(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    [delivery] = post.deliveries.all()
    assert (delivery.state, delivery.channel, delivery.due_at) == (
        DeliveryState.SCHEDULED,
        webhook,
        post.scheduled_at,
    )
    assert delivery.variant.platform == "webhook"


def test_due_delivery_is_sent_once_and_its_id_stored(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()
    client, seen = _transport(
        lambda r: httpx.Response(200, json={"id": "msg-77", "url": "https://feed.example/77"})
    )
    assert send(delivery.pk, client=client) == "skipped"  # not due yet
    later = post.scheduled_at + dt.timedelta(seconds=1)
    assert send(delivery.pk, client=client, now=later) == DeliveryState.PUBLISHED
    assert send(delivery.pk, client=client, now=later) == "skipped"  # claimed once: never twice
    assert len(seen) == 1
    body = json.loads(seen[0].content)
    assert body["text"] == EN and seen[0].headers["Idempotency-Key"] == f"elshi-{delivery.pk}"
    assert seen[0].headers["X-Elshi-Signature"]
    delivery.refresh_from_db()
    assert (delivery.remote_id, delivery.remote_url, delivery.attempts) == (
        "msg-77",
        "https://feed.example/77",
        1,
    )
    assert Channel.objects.get(pk=webhook.pk).status == ChannelStatus.OK


def test_claim_is_one_conditional_update(write_post: Any, people: dict[str, Any], webhook: Channel) -> None:
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()
    later = post.scheduled_at + dt.timedelta(seconds=1)
    assert claim(delivery.pk, later) is True
    assert claim(delivery.pk, later) is False


def test_refused_connection_is_retried_with_backoff(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client, _seen = _transport(refuse)
    assert send(delivery.pk, client=client, now=post.scheduled_at) == DeliveryState.FAILED_RETRYABLE
    delivery.refresh_from_db()
    assert "could not connect" in delivery.last_error and delivery.due_at > timezone.now()


def test_server_error_before_acceptance_is_retried(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    client, _seen = _transport(lambda r: httpx.Response(503, json={"error": "maintenance"}))
    assert (
        send(post.deliveries.get().pk, client=client, now=post.scheduled_at) == DeliveryState.FAILED_RETRYABLE
    )


def test_timeout_after_sending_is_unconfirmed_and_never_resent(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    client, seen = _transport(slow)
    assert send(delivery.pk, client=client, now=post.scheduled_at) == DeliveryState.UNCONFIRMED
    assert send(delivery.pk, client=client, now=post.scheduled_at + dt.timedelta(hours=1)) == "skipped"
    assert len(seen) == 1
    delivery.refresh_from_db()
    assert "check the channel" in delivery.last_error
    # A person checks: it is there. Recorded, audited, never sent again.
    actions.check_resolve(people["approver"], delivery)
    actions.do_mark_published(delivery, "https://feed.example/88", acting_user=people["approver"])
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.PUBLISHED
    assert AuditEvent.objects.filter(action="delivery.mark_published").exists()


def test_send_again_after_a_person_checked(write_post: Any, people: dict[str, Any], webhook: Channel) -> None:
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.UNCONFIRMED)
    with pytest.raises(Exception, match="approve|publish"):
        actions.check_resolve(people["author"], Delivery.objects.get(pk=delivery.pk))
    actions.do_send_again(Delivery.objects.get(pk=delivery.pk), acting_user=people["approver"])
    client, seen = _transport(lambda r: httpx.Response(200, text="OK"))
    assert send(delivery.pk, client=client) == DeliveryState.PUBLISHED
    assert AuditEvent.objects.filter(action="delivery.send_again").exists()


def test_rejected_or_unauthorised_is_permanent_and_marks_the_channel(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    client, _seen = _transport(lambda r: httpx.Response(401, json={"error": "bad signature"}))
    assert (
        send(post.deliveries.get().pk, client=client, now=post.scheduled_at) == DeliveryState.FAILED_PERMANENT
    )
    assert Channel.objects.get(pk=webhook.pk).status == ChannelStatus.NEEDS_RECONNECT


def test_editing_or_cancelling_withdraws_deliveries(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    content_actions.do_save_post(
        post,
        acting_user=people["author"],
        variants=[{"platform": "webhook", "language": "en", "text": EN + "!"}],
    )
    assert post.deliveries.get().state == DeliveryState.CANCELLED
    client, seen = _transport(lambda r: httpx.Response(200))
    assert (
        send(post.deliveries.get().pk, client=client, now=timezone.now() + dt.timedelta(days=3)) == "skipped"
    )
    assert seen == []


def test_late_first_attempt_expires_instead_of_sending_late(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    client, seen = _transport(lambda r: httpx.Response(200))
    assert (
        send(post.deliveries.get().pk, client=client, now=post.scheduled_at + dt.timedelta(hours=5))
        == DeliveryState.EXPIRED
    )
    assert seen == []


def test_sandbox_channel_records_and_never_sends(
    write_post: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    channel = mission_actions.do_save_channel(
        Channel(
            mission=missions["berlin"], platform="mastodon", handle="@demo@sandbox.example", sandbox=True
        ),
        acting_user=None,
    )
    post = _cleared(write_post, people, channel)
    client, seen = _transport(lambda r: httpx.Response(500))
    assert send(post.deliveries.get().pk, client=client, now=post.scheduled_at) == DeliveryState.PUBLISHED
    assert seen == []
    assert post.deliveries.get().remote_url.startswith("sandbox://")


def test_stuck_publishing_is_settled_by_the_sweep(
    write_post: Any, people: dict[str, Any], webhook: Channel, missions: dict[str, Any]
) -> None:
    from elshi.publishing.tasks import sweep_deliveries

    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.PUBLISHING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    sweep_deliveries.call_local()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.UNCONFIRMED  # webhooks are not idempotent: a person checks


@pytest.mark.django_db(transaction=True)
def test_keys_rotate_re_encrypts_and_can_drop_the_old_key(
    missions: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from elshi.cli import app
    from elshi.common import crypto

    audit_key = crypto.audit_key_file().read_bytes()  # the audit chain's key moves with the home
    settings.ELSHI_HOME = tmp_path
    crypto.audit_key_file().parent.mkdir(parents=True, exist_ok=True)
    crypto.audit_key_file().write_bytes(audit_key)
    crypto.reset_cache()
    channel = Channel(
        mission=missions["berlin"], platform="telegram", handle="@kz", settings={"chat_id": "@kz"}
    )
    set_credentials(channel, secrets={"bot_token": "123:ABC"})
    channel = mission_actions.do_save_channel(channel, acting_user=None)
    before = Channel.objects.get(pk=channel.pk).secrets_encrypted
    from elshi.publishing.models import OAuthApp

    app_row = OAuthApp.objects.create(
        platform="mastodon",
        base_url="https://mastodon.example",
        redirect_uri="https://elshi.example/publish/oauth/callback/",
        client_id="abc",
        secret_encrypted=crypto.encrypt_json("app-secret"),
    )
    old_key = crypto.keys()[0]
    result = CliRunner().invoke(app, ["keys", "rotate", "--drop-old"])
    assert result.exit_code == 0, result.output
    assert "1 channel(s) and 1 other record(s)" in result.output
    crypto.reset_cache()
    assert crypto.decrypt_json(OAuthApp.objects.get(pk=app_row.pk).secret_encrypted) == "app-secret"
    after = Channel.objects.get(pk=channel.pk)
    assert after.secrets_encrypted != before
    assert crypto.keys() != [old_key] and len(crypto.keys()) == 1
    assert account_of(after).secrets == {"bot_token": "123:ABC"}
    from cryptography.fernet import Fernet, InvalidToken

    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(after.secrets_encrypted.encode())
    crypto.reset_cache()
