"""A person's decisions are conditional on what they saw: a double click, or a race with the
sender, does nothing the second time and says so (issue 17)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from elshi.audit.models import AuditEvent
from elshi.missions.models import Channel
from elshi.publishing.models import Delivery, DeliveryState

from .test_delivery import _cleared


def _unconfirmed(write_post: Any, people: dict[str, Any], channel: Channel) -> Delivery:
    post = _cleared(write_post, people, channel)
    delivery = post.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.UNCONFIRMED, last_error="read timeout", last_error_at=timezone.now()
    )
    return Delivery.objects.get(pk=delivery.pk)


def _decide(user: Any, delivery: Delivery, seen: str, decision: str) -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/publish/deliveries/{delivery.pk}/resolve/",
        {"decision": decision, "seen": seen, "url": "https://feed.example/9"},
        follow=True,
    )
    return [str(m) for m in response.context["messages"]]


def test_a_double_send_again_sends_once(
    write_post: Any,
    people: dict[str, Any],
    webhook: Channel,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    queued: list[int] = []
    monkeypatch.setattr("elshi.publishing.actions.enqueue", lambda pk, due: queued.append(pk))
    delivery = _unconfirmed(write_post, people, webhook)
    seen = delivery.decision_token
    with django_capture_on_commit_callbacks(execute=True):
        assert _decide(people["approver"], delivery, seen, "send_again") == ["Sending again now."]
        second = _decide(people["approver"], delivery, seen, "send_again")
    assert "nothing was done" in second[0]
    assert AuditEvent.objects.filter(action="delivery.send_again").count() == 1
    assert len(queued) == 1


def test_a_decision_on_a_view_the_sender_has_moved_past_does_nothing(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    delivery = _unconfirmed(write_post, people, webhook)
    seen = delivery.decision_token
    # Meanwhile it was sent again and came back unconfirmed from a new attempt: the same state,
    # but not what the person looked at.
    Delivery.objects.filter(pk=delivery.pk).update(last_error="timeout again", last_error_at=timezone.now())
    assert "nothing was done" in _decide(people["approver"], delivery, seen, "published")[0]
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.UNCONFIRMED
    assert not AuditEvent.objects.filter(action="delivery.mark_published").exists()


def test_a_double_mark_published_records_once(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    delivery = _unconfirmed(write_post, people, webhook)
    seen = delivery.decision_token
    assert "Recorded as published" in _decide(people["approver"], delivery, seen, "published")[0]
    assert "nothing was done" in _decide(people["approver"], delivery, seen, "published")[0]
    assert AuditEvent.objects.filter(action="delivery.mark_published").count() == 1
