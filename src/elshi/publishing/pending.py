"""Deliveries a platform has taken but is still processing (TikTok), and how they are settled.

TikTok answers a post with a *publish id*; the post id comes minutes later from
``status/fetch/``. Such a delivery stays ``publishing`` (it is neither a post yet nor a failure) and
its lease passes from the sender to the platform: ``lease_owner`` becomes ``pending:<publish id>``
and ``lease_until`` the deadline for TikTok to finish. So no new state, field or migration is needed,
and the lease rules still fence every write: the sender's heartbeat only extends leases it owns, so it
stops at the hand-over; the sweep leaves pending leases to :func:`resolve_pending`, which a periodic
task runs every minute; each of its writes holds only while the lease is still the platform's.

- ``PUBLISH_COMPLETE``: ``published``, with the real post id (none for a post that is not public).
- ``FAILED``: ``failed_permanent``, TikTok's ``fail_reason`` kept as the last error.
- still processing past ``ELSHI_PUBLISH_PENDING_SECONDS``: ``unconfirmed``, for a person to check.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol, runtime_checkable

import httpx
from django.conf import settings
from django.utils import timezone

from elshi.connectors import ConnectorError, Published, Rejected, Token
from elshi.publishing.accounts import http_client, publisher_for, store_token
from elshi.publishing.claiming import METRIC_AGES
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.states import SYSTEM, Event, transition

__all__ = ["PENDING", "Resolves", "pending_deadline", "resolve_pending", "settle_result"]

log = logging.getLogger(__name__)
PENDING = "pending:"
_OWNER_MAX = 120  # Delivery.lease_owner's length


@runtime_checkable
class Resolves(Protocol):
    """A publisher whose posts may come back ``pending`` and that can look at one again later."""

    def resolve(self, publish_id: str) -> Published: ...

    def refresh_if_needed(self, now: dt.datetime) -> Token | None: ...


def pending_deadline(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=max(60, int(getattr(settings, "ELSHI_PUBLISH_PENDING_SECONDS", 7200))))


def _published(delivery: Delivery, result: Published, now: dt.datetime, where: dict[str, object]) -> str:
    # A post that is complete but not public has no id: nothing to collect metrics from.
    moved = transition(
        delivery,
        Event.CONFIRM,
        actor=SYSTEM,
        from_state=DeliveryState.PUBLISHING,
        changes={"remote_id": result.remote_id} if result.remote_id else {"remote_id": "", "public": False},
        where=where,
        remote_id=result.remote_id[:300],
        remote_url=(result.url or "")[:500],
        published_at=now,
        next_metrics_at=now + METRIC_AGES[0] if result.remote_id else None,
    )
    return DeliveryState.PUBLISHED if moved else "superseded"


def _settle(delivery: Delivery, event: Event, error: str, where: dict[str, object], now: dt.datetime) -> str:
    moved = transition(
        delivery,
        event,
        actor=SYSTEM,
        from_state=DeliveryState.PUBLISHING,
        changes={"error": error[:300]},
        where=where,
        last_error=error[:2000],
        last_error_at=now,
    )
    return str(delivery.state) if moved else "superseded"


def settle_result(delivery: Delivery, result: Published, now: dt.datetime) -> str:
    """The sender's answer that is not (yet) a post with an id: hand a pending one over to the platform
    (state stays ``publishing``), store one complete without a public id as published."""
    lease: dict[str, object] = {"lease_owner": delivery.lease_owner, "attempts": delivery.attempts}
    if not result.pending:
        return _published(delivery, result, now, lease)
    owner = PENDING + result.remote_id
    if len(owner) > _OWNER_MAX or not result.remote_id:
        error = f"{delivery.channel.platform} took the post, its processing id is unusable: check the channel"
        return _settle(delivery, Event.LOSE_TRACK, error, lease, now)
    moved = transition(
        delivery,
        Event.AWAIT_PLATFORM,
        actor=SYSTEM,
        from_state=DeliveryState.PUBLISHING,
        changes={"publish_id": result.remote_id},
        where=lease,
        lease_owner=owner,
        lease_until=pending_deadline(now),
    )
    return "pending" if moved else "superseded"


def resolve_pending(
    *, client: httpx.Client | None = None, now: dt.datetime | None = None, limit: int = 200
) -> dict[str, int]:
    """Look once at every pending delivery (oldest first); the outcomes counted by state."""
    now = now or timezone.now()
    rows = Delivery.objects.filter(
        state=DeliveryState.PUBLISHING, lease_owner__startswith=PENDING
    ).select_related("channel")
    outcomes: dict[str, int] = {}
    http = client or http_client()
    try:
        for delivery in rows.order_by("claimed_at")[:limit]:
            outcome = _resolve_one(delivery, http, now)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        if client is None:
            http.close()
    return outcomes


def _resolve_one(delivery: Delivery, http: httpx.Client, now: dt.datetime) -> str:
    publish_id = delivery.lease_owner[len(PENDING) :]
    where: dict[str, object] = {"lease_owner": delivery.lease_owner}
    platform = delivery.channel.platform
    if delivery.lease_until is not None and delivery.lease_until < now:
        error = f"{platform} was still processing the post ({publish_id}) at its deadline: check the channel"
        return _settle(delivery, Event.LOSE_TRACK, error, where, now)
    try:
        publisher = publisher_for(delivery.channel, http)
        if not isinstance(publisher, Resolves):
            error = f"{platform} cannot be asked about a pending post: check the channel"
            return _settle(delivery, Event.LOSE_TRACK, error, where, now)
        refreshed = publisher.refresh_if_needed(now)
        if refreshed is not None:
            store_token(delivery.channel, refreshed)
            delivery.channel.save(update_fields=["token_encrypted", "token_expires_at"])
        result = publisher.resolve(publish_id)
    except Rejected as exc:  # the platform says publishing failed: its reason is kept
        return _settle(delivery, Event.GIVE_UP, str(exc), where, now)
    except ConnectorError as exc:  # cannot ask now (token, network): ask again next minute
        log.info("pending delivery %s: %s", delivery.pk, exc)
        return "pending"
    if result.pending:
        return "pending"
    return _published(delivery, result, now, where)
