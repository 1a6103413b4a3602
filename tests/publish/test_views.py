"""The deliveries board, decisions on a delivery, and the channel page, per role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from elshi.audit.models import AuditEvent
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.accounts import account_of
from elshi.publishing.models import Delivery, DeliveryState

from .test_delivery import _cleared


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_board_by_state_and_scoped_to_missions(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    post = _cleared(write_post, people, webhook)
    Delivery.objects.filter(post=post).update(
        state=DeliveryState.UNCONFIRMED, last_error="read timeout: check the channel"
    )
    page = _client(people["viewer"]).get("/publish/deliveries/?state=unconfirmed").content.decode()
    assert post.title in page and "read timeout: check the channel" in page
    assert "Mark published" in page  # the form is shown; the action is checked on submit
    assert post.title not in _client(people["outsider"]).get("/publish/deliveries/").content.decode()


@pytest.mark.parametrize(
    "who,allowed",
    [("approver", True), ("admin", True), ("author", False), ("viewer", False), ("outsider", False)],
)
def test_only_publishers_resolve_a_delivery(
    write_post: Any, people: dict[str, Any], webhook: Channel, who: str, allowed: bool
) -> None:
    post = _cleared(write_post, people, webhook)
    delivery = post.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.UNCONFIRMED)
    response = _client(people[who]).post(
        f"/publish/deliveries/{delivery.pk}/resolve/",
        {"decision": "published", "url": "https://feed.example/1"},
    )
    state = Delivery.objects.get(pk=delivery.pk).state
    if allowed:
        assert response.status_code == 302 and state == DeliveryState.PUBLISHED
        assert AuditEvent.objects.filter(action="delivery.mark_published").exists()
    else:
        assert state == DeliveryState.UNCONFIRMED
        assert response.status_code in (302, 403)


def test_channel_page_connects_with_encrypted_secrets(
    people: dict[str, Any], missions: dict[str, Any]
) -> None:
    channel = mission_actions.do_save_channel(
        Channel(mission=missions["berlin"], platform="telegram", handle="@kz_de"), acting_user=None
    )
    assert (
        _client(people["author"])
        .post(f"/publish/channels/{channel.pk}/", {"setting_chat_id": "@kz_de"})
        .status_code
        == 403
    )
    assert _client(people["outsider"]).get(f"/publish/channels/{channel.pk}/").status_code == 403
    response = _client(people["approver"]).post(
        f"/publish/channels/{channel.pk}/", {"setting_chat_id": "@kz_de", "secret_bot_token": "123:SECRET"}
    )
    assert response.status_code == 302
    stored = Channel.objects.get(pk=channel.pk)
    assert stored.status == "ok" and "123:SECRET" not in stored.secrets_encrypted
    assert account_of(stored).secrets == {"bot_token": "123:SECRET"}
    page = _client(people["approver"]).get(f"/publish/channels/{channel.pk}/").content.decode()
    assert "bot_token" in page and "123:SECRET" not in page
    event = AuditEvent.objects.get(action="channel.connect")
    assert "123:SECRET" not in str(event.changes)


def test_post_page_shows_its_deliveries(write_post: Any, people: dict[str, Any], webhook: Channel) -> None:
    post = _cleared(write_post, people, webhook)
    page = _client(people["author"]).get(f"/tell/posts/{post.pk}/").content.decode()
    assert "ministry-feed" in page and "scheduled" in page


def test_a_facebook_page_takes_a_pasted_token_or_the_meta_app_for_facebook_login(
    people: dict[str, Any], missions: dict[str, Any]
) -> None:
    channel = mission_actions.do_save_channel(
        Channel(mission=missions["berlin"], platform="facebook", handle="Embassy page"), acting_user=None
    )
    page = _client(people["approver"]).get(f"/publish/channels/{channel.pk}/").content.decode()
    assert 'name="secret_app_id"' in page and 'name="secret_app_secret"' in page
    # A pasted Page token is enough to publish: the app is optional (it opens the consent screen).
    response = _client(people["approver"]).post(
        f"/publish/channels/{channel.pk}/", {"setting_page_id": "1234", "access_token": "PAGE-TOKEN"}
    )
    assert response.status_code == 302
    assert Channel.objects.get(pk=channel.pk).status == "ok"
    _client(people["approver"]).post(
        f"/publish/channels/{channel.pk}/", {"secret_app_id": "55", "secret_app_secret": "APP-SECRET"}
    )
    stored = Channel.objects.get(pk=channel.pk)
    assert account_of(stored).secrets == {"app_id": "55", "app_secret": "APP-SECRET"}
    assert "APP-SECRET" not in stored.secrets_encrypted and stored.status == "ok"
