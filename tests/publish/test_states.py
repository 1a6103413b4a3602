"""The delivery state machine: the table itself, every move through it, and who each move is
audited as (the person who decided, or "system" for the sender, the sweep and expiry)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import httpx
import pytest
from django.utils import timezone

from elshi.audit.log import Entry, record, record_many, verify_chain
from elshi.audit.models import AuditEvent
from elshi.content.models import Post, PostState, Variant
from elshi.missions.models import Channel
from elshi.publishing import actions
from elshi.publishing.claiming import claim_batch
from elshi.publishing.confirming import Recorder
from elshi.publishing.models import CLAIMABLE, Delivery, DeliveryState
from elshi.publishing.sending import send
from elshi.publishing.states import (
    SYSTEM,
    TRANSITIONS,
    Event,
    TransitionNotAllowed,
    allowed_from,
    target,
    transition,
)
from elshi.publishing.tasks import sweep_deliveries

from ..tell.conftest import EN


def _delivery(write_post: Any, channel: Channel, *, due: dt.datetime | None = None) -> Delivery:
    post = write_post()
    Post.objects.filter(pk=post.pk).update(state=PostState.SCHEDULED)
    variant = Variant.objects.create(post=post, platform=channel.platform, language="en", text=EN)
    return Delivery.objects.create(post=post, channel=channel, variant=variant, due_at=due or timezone.now())


def _moves(delivery: Delivery) -> list[tuple[str, str, list[str]]]:
    events = AuditEvent.objects.filter(object_type="publishing.delivery", object_id=str(delivery.pk))
    return [(e.action, e.actor_label, e.changes["state"]) for e in events.order_by("id")]


def test_every_pair_outside_the_table_is_refused() -> None:
    for state, event in itertools.product(DeliveryState, Event):
        if (state, event) in TRANSITIONS:
            assert target(state, event) == TRANSITIONS[(state, event)]
        else:
            with pytest.raises(TransitionNotAllowed, match=f"cannot {event}"):
                target(state, event)
    with pytest.raises(TransitionNotAllowed):
        target("draft", Event.CLAIM)  # a post's state, never a delivery's


def test_the_table_matches_the_states_the_rest_of_the_code_reads() -> None:
    assert set(allowed_from(Event.CLAIM)) == set(CLAIMABLE)
    assert allowed_from(Event.CONFIRM) == (DeliveryState.PUBLISHING,)
    assert not [pair for pair in TRANSITIONS if pair[0] == DeliveryState.PUBLISHED]  # final
    assert {s for s, _ in TRANSITIONS} | set(TRANSITIONS.values()) == set(DeliveryState)


def test_every_transition_in_the_table_moves_and_is_audited(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    delivery = _delivery(write_post, webhook)
    for (source, event), to in TRANSITIONS.items():
        Delivery.objects.filter(pk=delivery.pk).update(state=source)
        delivery.refresh_from_db()
        assert transition(delivery, event, actor=people["approver"], changes={"why": "test"})
        assert Delivery.objects.get(pk=delivery.pk).state == to == delivery.state
        last = AuditEvent.objects.filter(object_id=str(delivery.pk)).order_by("-id").first()
        assert last is not None and last.action == f"delivery.{event}"
        assert last.changes == {"state": [source, to], "why": "test"}
        assert (last.actor_label, last.mission_slug) == ("approver", "berlin")
    assert verify_chain().ok


def test_a_move_lost_to_someone_else_writes_nothing(write_post: Any, webhook: Channel) -> None:
    delivery = _delivery(write_post, webhook)
    stale = Delivery.objects.get(pk=delivery.pk)
    assert transition(delivery, Event.CLAIM, actor=SYSTEM)
    before = AuditEvent.objects.count()
    assert not transition(stale, Event.WITHDRAW, actor=SYSTEM)  # loaded 'scheduled', now 'publishing'
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.PUBLISHING
    assert AuditEvent.objects.count() == before
    with pytest.raises(TransitionNotAllowed):
        transition(delivery, Event.SEND_AGAIN, actor=SYSTEM)  # a bug, not a race: loud


def test_the_sender_moves_are_audited_as_system(write_post: Any, webhook: Channel) -> None:
    delivery = _delivery(write_post, webhook)
    client = httpx.Client(
        transport=httpx.MockTransport(
            lambda r: httpx.Response(200, json={"id": "m-1", "url": "https://f.example/1"})
        )
    )
    assert send(delivery.pk, client=client) == DeliveryState.PUBLISHED
    assert _moves(delivery) == [
        ("delivery.claim", "system", ["scheduled", "publishing"]),
        ("delivery.confirm", "system", ["publishing", "published"]),
    ]
    moves = AuditEvent.objects.filter(object_type="publishing.delivery", object_id=str(delivery.pk))
    assert not moves.filter(actor__isnull=False).exists()


def test_a_failed_send_and_expiry_are_audited_as_system(write_post: Any, webhook: Channel) -> None:
    failing = _delivery(write_post, webhook)
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
    assert send(failing.pk, client=client) == DeliveryState.FAILED_RETRYABLE
    assert _moves(failing)[-1] == ("delivery.retry", "system", ["publishing", "failed_retryable"])
    late = _delivery(write_post, webhook, due=timezone.now() - dt.timedelta(days=1))
    assert send(late.pk, client=client) == DeliveryState.EXPIRED
    assert _moves(late)[-1] == ("delivery.miss_slot", "system", ["publishing", "expired"])


def test_the_sweep_is_audited_as_system(write_post: Any, webhook: Channel) -> None:
    delivery = _delivery(write_post, webhook)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.PUBLISHING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    sweep_deliveries.call_local()
    assert _moves(delivery) == [("delivery.lose_track", "system", ["publishing", "unconfirmed"])]


def test_a_persons_decision_is_audited_as_that_person(
    write_post: Any, people: dict[str, Any], webhook: Channel
) -> None:
    delivery = _delivery(write_post, webhook)
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.UNCONFIRMED)
    delivery.refresh_from_db()
    actions.do_mark_published(delivery, "https://f.example/2", acting_user=people["approver"])
    [(action, actor, states)] = _moves(delivery)
    assert (action, actor, states) == ("delivery.mark_published", "approver", ["unconfirmed", "published"])


@pytest.mark.django_db(transaction=True)
def test_bulk_claims_and_group_commit_audit_each_delivery_and_keep_the_chain(
    write_post: Any, webhook: Channel
) -> None:
    made = [_delivery(write_post, webhook) for _ in range(3)]
    Delivery.objects.filter(pk=made[2].pk).update(state=DeliveryState.FAILED_RETRYABLE)
    now = timezone.now()
    claimed = claim_batch(now, 10)
    assert sorted(d.pk for d in claimed) == sorted(d.pk for d in made)
    recorder = Recorder()
    for delivery in claimed:  # the claim's own snapshots: they carry the lease they were sent under
        recorder(delivery, f"remote-{delivery.pk}", "", now)
    recorder.close()
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.PUBLISHED}
    assert _moves(made[2]) == [
        ("delivery.claim", "system", ["failed_retryable", "publishing"]),
        ("delivery.confirm", "system", ["publishing", "published"]),
    ]
    confirm = AuditEvent.objects.get(action="delivery.confirm", object_id=str(made[0].pk))
    assert confirm.changes["remote_id"] == f"remote-{made[0].pk}" and confirm.mission_slug == "berlin"
    assert verify_chain().ok


def test_bulk_append_links_like_single_appends(db: Any) -> None:
    record(None, "test.one")
    assert record_many(None, [Entry(action="test.many", object_id=str(n)) for n in range(5)]) == 5
    record(None, "test.after")
    report = verify_chain()
    assert report.ok and report.checked == 7
    assert record_many(None, []) == 0
