"""Huey tasks: send each delivery at its time, sweep for missed or stuck ones, collect metrics."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from elshi.publishing.dispatcher import dispatch, lead_time, warm_up
from elshi.publishing.lease import lease_length
from elshi.publishing.metrics import collect_due
from elshi.publishing.models import CLAIMABLE, Delivery, DeliveryState
from elshi.publishing.pending import PENDING, resolve_pending
from elshi.publishing.resend import facts_of, resend_safe
from elshi.publishing.sending import send
from elshi.publishing.states import SYSTEM, Event, transition

log = logging.getLogger(__name__)


@db_task()
def send_delivery(delivery_id: int) -> None:
    """Send one delivery. The outcome lives on the delivery row, so nothing is stored as a task result."""
    log.info("delivery %s: %s", delivery_id, send(delivery_id))


@on_startup()
def start_senders() -> None:
    """When the worker starts: start the helper sender processes, so the first deliveries that fall
    due do not wait for them."""
    try:
        started = warm_up()
        if started:
            log.info("helper sender processes: %s", ", ".join(map(str, started)))
    except Exception:  # noqa: BLE001 - the worker still sends, from its own process
        log.exception("could not start the helper sender processes")


@db_task()
def dispatch_due(ahead: bool = False) -> dict[str, int]:
    """Send every due delivery through the sending pool (ELSHI_PUBLISH_CONCURRENCY at once per
    process); ``ahead``: queued before their time, prepare and wait for it."""
    outcomes = dict(dispatch(ahead=ahead))
    if outcomes:
        log.info("dispatched: %s", outcomes)
    return outcomes


def enqueue_dispatch(due_at: dt.datetime) -> None:
    """One task for all the deliveries due at ``due_at`` (a post's channels), however many there are,
    started ELSHI_PUBLISH_LEAD_SECONDS early: the queue's scheduler wakes about once a second, and
    the dispatcher uses the time to prepare, then claims each delivery at its time."""
    now = timezone.now()
    if due_at <= now:
        dispatch_due()
    elif due_at - lead_time() <= now:
        dispatch_due(True)
    else:
        dispatch_due.schedule((True,), eta=due_at - lead_time())


def enqueue(delivery_id: int, due_at: dt.datetime) -> None:
    """Queue a send for the delivery's time; the claim makes a duplicate enqueue harmless."""
    if due_at <= timezone.now():
        send_delivery(delivery_id)
    else:
        send_delivery.schedule((delivery_id,), eta=due_at)


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> dict[str, int]:
    """Every minute: re-queue due deliveries (after a restart) and settle those whose sender's lease
    ran out (its worker died or hung: a live one's heartbeat keeps the lease, however slow the send)."""
    now = timezone.now()
    due = Delivery.objects.filter(state__in=CLAIMABLE, due_at__lte=now).count()
    if due:
        dispatch_due()
    # Claims from before leases existed have none: they lapse one lease after their claim.
    lapsed = Q(lease_until__lt=now) | Q(lease_until__isnull=True, claimed_at__lt=now - lease_length())
    settled = 0
    # Leases handed to the platform (publishing.pending) are settled by resolve_pending_posts.
    publishing = Delivery.objects.filter(lapsed, state=DeliveryState.PUBLISHING).exclude(
        lease_owner__startswith=PENDING
    )
    for delivery in publishing.select_related("channel"):
        # The attempt may have reached the platform: re-sent with the same key only while the
        # platform still deduplicates on it, counted from the first attempt that may have landed.
        since = delivery.unsure_since or delivery.claimed_at or now
        resend = resend_safe(facts_of(delivery.channel), since, now)
        if resend:
            event, error = Event.RETRY, "worker stopped while sending; re-sending (deduplicated)"
        else:
            event, error = Event.LOSE_TRACK, "worker stopped while sending: check the channel"
        moved = transition(
            delivery,
            event,
            actor=SYSTEM,
            changes={"error": error},
            # Only the lease seen lapsed: a heartbeat that extended it meanwhile wins.
            where={"lease_owner": delivery.lease_owner, "lease_until": delivery.lease_until},
            last_error=error,
            last_error_at=now,
            due_at=now,
            unsure_since=since,
        )
        settled += moved
        if moved and resend:
            send_delivery(delivery.pk)
    return {"due": due, "settled": settled}


@db_periodic_task(crontab(minute="*"))
def resolve_pending_posts() -> dict[str, int]:
    """Every minute: ask the platform about posts it took but was still processing (TikTok)."""
    outcomes = resolve_pending()
    if outcomes:
        log.info("pending posts: %s", outcomes)
    return outcomes


@db_periodic_task(crontab(minute="*/10"))
def collect_metrics() -> int:
    return collect_due()
