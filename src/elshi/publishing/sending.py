"""Sending one delivery, exactly once.

1. Claim it (:mod:`elshi.publishing.claiming`): the claim says whether this worker won.
2. Refresh the token if it is about to expire; validate against the platform's rules again.
3. Publish with the delivery's stable key (the platform's own idempotency where it has one).
4. Store the remote id and URL the moment the platform confirms.

Retry only when the platform certainly did not take the post (``NotSent``, ``RateLimited``);
when the outcome is unknown (timeout or server error after the write, crash), the delivery becomes
``unconfirmed`` for a person to check, unless the platform's idempotency makes a re-send harmless
(:mod:`elshi.publishing.resend`: declared in its facts, and only within its window). The claim is a
lease (:mod:`elshi.publishing.lease`) kept alive while the send runs; every final write here holds
only if the lease is still this sender's. What is sent is the claim's snapshot, and only if it is
still what clearance approved. A delivery whose first attempt comes later than the grace period is
not sent late: it expires and asks for a new time. A channel whose rate limit is used up holds its deliveries
(:mod:`elshi.publishing.limits`). Every outcome is a transition of :mod:`elshi.publishing.states`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from elshi.connectors import (
    AuthError,
    BasePublisher,
    ConnectorError,
    InvalidMessage,
    NotSent,
    Published,
    RateLimited,
)
from elshi.connectors import Delivery as Outgoing
from elshi.connectors.ratelimit import RateLimitTracker
from elshi.content.models import PostState
from elshi.missions.models import Channel, ChannelStatus
from elshi.publishing.accounts import http_client, publisher_for, store_token
from elshi.publishing.claiming import claim_one
from elshi.publishing.confirming import store_published
from elshi.publishing.lease import heartbeat
from elshi.publishing.limits import channel_health, held_until, hold_channel, hold_reason, observe_limits
from elshi.publishing.message import cleared_digest, delivery_key, message_for
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.pending import settle_result
from elshi.publishing.resend import ambiguous, resend_safe
from elshi.publishing.states import SYSTEM, Event, target, transition

__all__ = ["MAX_ATTEMPTS", "SUPERSEDED", "Record", "send", "send_claimed", "sender_client"]

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
Record = Callable[[Delivery, str, str, dt.datetime], None]
# The outcome when this sender's lease was taken over before it could write its own.
SUPERSEDED = "superseded"
_local = threading.local()


def _track(response: httpx.Response) -> None:
    """Response hook: hand the answer's rate-limit headers to the tracker of the delivery this thread
    is sending (a sync client runs its hooks in the calling thread)."""
    tracker: RateLimitTracker | None = getattr(_local, "tracker", None)
    if tracker is not None:
        tracker(response)


def sender_client() -> httpx.Client:
    """One client per sender thread: httpcore's pool serialises its threads on one lock, so a pool
    per thread is much cheaper than one shared by hundreds; all share the process's TLS context."""
    client: httpx.Client | None = getattr(_local, "client", None)
    if client is None:
        client = _local.client = http_client(event_hooks={"response": [_track]})
    return client


def _enqueue_after_commit(delivery: Delivery, due: dt.datetime) -> None:
    # Imported here: the task module wraps this one (its tasks call ``send``), a real cycle.
    from elshi.publishing.tasks import enqueue

    transaction.on_commit(lambda: enqueue(delivery.pk, due))


def _finish(delivery: Delivery, event: Event, error: str = "", **fields: Any) -> str:
    """Move a claimed delivery on; only from 'publishing' and under this sender's lease (owner and
    attempt), so nothing overwrites a later decision (the sweep's, the next attempt's, a person's).
    The state it ends in, or SUPERSEDED when the lease was no longer this sender's."""
    if error:
        fields |= {"last_error": error[:2000], "last_error_at": timezone.now()}
    changes = {"error": error[:300]} if error else None
    lease = {"lease_owner": delivery.lease_owner, "attempts": delivery.attempts}
    moved = transition(
        delivery,
        event,
        actor=SYSTEM,
        from_state=DeliveryState.PUBLISHING,
        changes=changes,
        where=lease,
        **fields,
    )
    return str(target(DeliveryState.PUBLISHING, event)) if moved else SUPERSEDED


def _put_back(delivery: Delivery, until: dt.datetime, channel: Channel) -> str:
    """Held by the channel's rate limit: back to 'scheduled' at ``until``; this was not an attempt."""
    note = f"held until {until:%Y-%m-%d %H:%M:%S} UTC: {hold_reason(channel)}"
    if _finish(delivery, Event.HOLD, note, due_at=until, attempts=F("attempts") - 1) == SUPERSEDED:
        return SUPERSEDED
    _enqueue_after_commit(delivery, until)
    return "held"


def _backoff(attempts: int, after: float | None) -> dt.datetime:
    delay = after if after is not None else min(30 * 2 ** (attempts - 1), 3600)
    return timezone.now() + dt.timedelta(seconds=delay)


def _retry(delivery: Delivery, error: str, after: float | None = None, **fields: Any) -> str:
    attempts = delivery.attempts
    if attempts >= MAX_ATTEMPTS:
        return _finish(delivery, Event.GIVE_UP, f"gave up after {attempts} attempts: {error}")
    due = _backoff(attempts, after)
    outcome = _finish(delivery, Event.RETRY, error, due_at=due, **fields)
    if outcome != SUPERSEDED:
        _enqueue_after_commit(delivery, due)
    return outcome


def _unsure(delivery: Delivery, exc: Exception, publisher: BasePublisher | None, now: dt.datetime) -> str:
    """The attempt may have created the post: re-send (same key) only if the platform will still
    deduplicate it when the re-send arrives, else a person checks."""
    since = delivery.unsure_since or now  # the window counts from the first attempt that may have landed
    facts = publisher.facts if publisher is not None else None
    if delivery.attempts < MAX_ATTEMPTS and resend_safe(facts, since, _backoff(delivery.attempts, None)):
        return _retry(delivery, f"{exc} (re-sending is safe: the platform deduplicates)", unsure_since=since)
    why = " (past the platform's deduplication window)" if facts is not None and facts.idempotent else ""
    return _finish(
        delivery, Event.LOSE_TRACK, f"{exc}: check the channel before sending again{why}", unsure_since=since
    )


def send(delivery_id: int, *, client: httpx.Client | None = None, now: dt.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody else has claimed it. Returns the state it ends in."""
    now = now or timezone.now()
    claimed = claim_one(delivery_id, now)
    if claimed is None:
        return "skipped"
    claimed.channel = Channel.objects.get(pk=claimed.channel_id)
    return send_claimed(claimed, client=client, now=now)


def send_claimed(
    delivery: int | Delivery,
    *,
    client: httpx.Client | None = None,
    now: dt.datetime | None = None,
    record: Record = store_published,
) -> str:
    """Send a delivery this worker has claimed (state 'publishing'), given by id or as the claim's
    snapshot with its channel. ``record`` stores the platform's confirmation (at once by default; a
    dispatcher hands it to its group-commit writer). The lease is kept alive until then."""
    now = now or timezone.now()
    if not isinstance(delivery, Delivery):
        delivery = Delivery.objects.select_related("channel", "variant", "post").get(pk=delivery)
    heartbeat.hold([delivery.pk])
    try:
        return _send_held(delivery, client, now, record)
    finally:
        heartbeat.release(delivery.pk)


def _send_held(delivery: Delivery, client: httpx.Client | None, now: dt.datetime, record: Record) -> str:
    not_now = _not_sending(delivery, now)
    if not_now is not None:
        return not_now
    channel = delivery.channel
    http = client or sender_client()
    if _track not in http.event_hooks["response"]:
        http.event_hooks["response"] = [*http.event_hooks["response"], _track]
    tracker = _local.tracker = RateLimitTracker()
    publisher: BasePublisher | None = None
    try:
        publisher = publisher_for(channel, http)
        if delivery.unsure_since is not None and not resend_safe(publisher.facts, delivery.unsure_since, now):
            # An earlier attempt may have landed and the platform no longer deduplicates on its key.
            return _finish(
                delivery,
                Event.LOSE_TRACK,
                "an earlier attempt may have been published and the platform's deduplication window "
                "has passed: check the channel before sending again",
            )
        result = _publish(delivery, publisher, now)
    except Exception as exc:  # noqa: BLE001 - every failure is settled, and recorded, by _failed
        return _failed(delivery, exc, publisher, now)
    finally:
        _local.tracker = None
        observe_limits(channel, tracker, now)
        if (
            publisher is not None
            and publisher.token is not None
            and publisher.token != publisher.account.token
        ):
            store_token(channel, publisher.token)
            channel.save(update_fields=["token_encrypted", "token_expires_at"])
    if result.pending or not result.remote_id:
        # Taken but not yet a post (TikTok's publish id), or a post with no public id.
        channel_health(channel, ChannelStatus.OK)
        return settle_result(delivery, result, now)
    record(delivery, result.remote_id[:300], (result.url or "")[:500], now)
    channel_health(channel, ChannelStatus.OK)
    return DeliveryState.PUBLISHED


def _not_sending(delivery: Delivery, now: dt.datetime) -> str | None:
    """Before calling the platform: the post was withdrawn, the slot has passed, or the channel is
    held. The outcome then, else None."""
    grace = dt.timedelta(seconds=getattr(settings, "ELSHI_PUBLISH_GRACE_SECONDS", 7200))
    if delivery.post.state != PostState.SCHEDULED:
        return _finish(delivery, Event.DROP, f"post is {delivery.post.state}")
    if delivery.cleared_digest and cleared_digest(delivery.variant) != delivery.cleared_digest:
        return _finish(delivery, Event.DROP, "its text or media changed after clearance: clear it again")
    if delivery.attempts == 1 and now - delivery.due_at > grace:
        return _finish(delivery, Event.MISS_SLOT, f"not sent within {grace} of its time; choose a new time")
    held = held_until(delivery.channel, now)
    if held is not None:
        return _put_back(delivery, held, delivery.channel)
    return None


def _publish(delivery: Delivery, publisher: BasePublisher, now: dt.datetime) -> Published:
    refreshed = publisher.refresh_if_needed(now)
    if refreshed is not None:
        store_token(delivery.channel, refreshed)
        delivery.channel.save(update_fields=["token_encrypted", "token_expires_at"])
    message = message_for(delivery)
    problems = publisher.validate(message)
    if problems:
        raise InvalidMessage(problems)
    return publisher.publish(
        Outgoing(key=delivery_key(delivery), message=message, created_at=delivery.created_at)
    )


def _failed(delivery: Delivery, exc: Exception, publisher: BasePublisher | None, now: dt.datetime) -> str:
    """Settle a failed attempt by what the failure says about whether the post went out."""
    channel = delivery.channel
    if isinstance(exc, RateLimited):
        wait = exc.retry_after if exc.retry_after is not None else 60.0
        hold_channel(channel, now + dt.timedelta(seconds=wait), str(exc), {})
        return _retry(delivery, str(exc), after=exc.retry_after)
    if ambiguous(exc):
        return _unsure(delivery, exc, publisher, now)
    if isinstance(exc, NotSent):
        return _retry(delivery, str(exc))
    if isinstance(exc, AuthError | ConnectorError):
        outcome = _finish(delivery, Event.GIVE_UP, str(exc))
        broken = ChannelStatus.NEEDS_RECONNECT if isinstance(exc, AuthError) else ChannelStatus.ERROR
        channel_health(channel, broken, str(exc))
        return outcome
    # We cannot know whether it went out: a person checks.
    log.error("delivery %s failed unexpectedly", delivery.pk, exc_info=exc)
    return _finish(delivery, Event.LOSE_TRACK, f"unexpected error: {exc!r}; check the channel")
