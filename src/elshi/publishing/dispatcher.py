"""Sending every due delivery, many at once: the sender threads, the helper processes beside this
one (each pinned to a CPU, see :mod:`elshi.publishing.helpers`), and the loop that claims as many as
there are free senders and hands their confirmations to one group-commit writer.

A crash leaves at most one pool's worth 'publishing' (settled by the sweep), never the whole queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Min
from django.utils import timezone

from elshi.content.models import Variant
from elshi.missions.models import Channel
from elshi.publishing import helpers
from elshi.publishing.accounts import publisher_for
from elshi.publishing.claiming import claim_batch
from elshi.publishing.confirming import Recorder
from elshi.publishing.message import message_for
from elshi.publishing.models import CLAIMABLE, Delivery
from elshi.publishing.sending import send_claimed, sender_client

__all__ = ["dispatch", "dispatch_here", "lead_time", "warm_up"]

log = logging.getLogger(__name__)


def _concurrency() -> int:
    return max(1, int(getattr(settings, "ELSHI_PUBLISH_CONCURRENCY", 128)))


_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_concurrency(), thread_name_prefix="elshi-send")
        return _pool


def _send_in_pool(delivery: Delivery, now: dt.datetime, record: Recorder) -> str:
    close_old_connections()
    try:
        return send_claimed(delivery, now=now, record=record)
    except Exception:  # noqa: BLE001 - the delivery stays 'publishing'; the sweep settles it
        log.exception("delivery %s: could not be sent or recorded", delivery.pk)
        return "error"


def dispatch(*, limit: int | None = None, ahead: bool = False) -> Counter[str]:
    """Send every due delivery, many at once: claim only as many as there are free senders, so a
    crash leaves at most one pool's worth 'publishing' (settled by the sweep), never the whole queue.
    One dispatcher runs per process at a time (a second one waits, then looks again); the helper
    processes (ELSHI_PUBLISH_PROCESSES) dispatch beside it, and several workers or machines share the
    work the same way: through the claim.

    ``ahead``: started before the deliveries' time (ELSHI_PUBLISH_LEAD_SECONDS early, as the queue
    does): prepare what can be prepared (credentials decrypted, texts measured), then wait for each
    delivery's time and claim it then, never earlier."""
    with _dispatch_lock:
        pool = _helper_pool() if limit is None else None
        jobs = [pool.submit(helpers.dispatch, ahead) for _ in range(_processes() - 1)] if pool else []
        outcomes = _dispatch(limit, ahead=ahead)
        for job in jobs:
            try:
                outcomes.update(job.result())
            except Exception:  # noqa: BLE001 - its claims stay 'publishing' for the sweep to settle
                log.exception("a helper sender process failed; starting new ones")
                _reset_helpers()
        return outcomes


_dispatch_lock = threading.Lock()
_helper_processes: ProcessPoolExecutor | None = None


def _processes() -> int:
    """Sender processes per dispatch, this one included. Huey's process workers (ELSHI_WORKER_TYPE)
    already dispatch from several processes, so they start no helpers."""
    huey: dict[str, Any] = getattr(settings, "HUEY", {})
    if huey.get("consumer", {}).get("worker_type") == "process":
        return 1
    return max(1, int(getattr(settings, "ELSHI_PUBLISH_PROCESSES", 1)))


def _helper_pool() -> ProcessPoolExecutor | None:
    """Sender processes beside this one, started once (fresh interpreters, never forked from a
    threaded worker) and kept: each sets Django up again and claims from the same table. Each is
    kept on one CPU, round-robin (ELSHI_PUBLISH_PIN); this process, which runs the worker's other
    tasks too, is left to the kernel."""
    global _helper_processes
    if _processes() < 2:
        return None
    with _pool_lock:
        if _helper_processes is None:
            context = multiprocessing.get_context("spawn")
            pin = context.Value("i", 0) if getattr(settings, "ELSHI_PUBLISH_PIN", True) else None
            _helper_processes = ProcessPoolExecutor(
                max_workers=_processes() - 1,
                mp_context=context,
                initializer=helpers.start,
                initargs=(os.getpid(), pin),
            )
        return _helper_processes


def _reset_helpers() -> None:
    global _helper_processes
    with _pool_lock:
        pool, _helper_processes = _helper_processes, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def warm_up() -> list[int]:
    """Start the helper processes now rather than when the first deliveries fall due; their pids."""
    pool = _helper_pool()
    if pool is None:
        return []
    wanted, seen = _processes() - 1, set[int]()
    deadline = time.monotonic() + 60
    # A helper still setting Django up leaves its job to one already up; ask again until each answered.
    while len(seen) < wanted and time.monotonic() < deadline:
        seen |= {job.result() for job in [pool.submit(helpers.pid, 0.2) for _ in range(wanted)]}
    return sorted(seen)


def dispatch_here(ahead: bool = False) -> Counter[str]:
    """Dispatch from this process only (what each helper process runs)."""
    with _dispatch_lock:
        return _dispatch(None, ahead=ahead)


def lead_time() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "ELSHI_PUBLISH_LEAD_SECONDS", 10))


def _next_due(now: dt.datetime, horizon: dt.datetime) -> dt.datetime | None:
    upcoming = Delivery.objects.filter(state__in=CLAIMABLE, due_at__gt=now, due_at__lte=horizon)
    found: dt.datetime | None = upcoming.aggregate(first=Min("due_at"))["first"]
    return found


def _warm_senders() -> None:
    """Start every sender thread with its HTTP client and database connection now, not when the
    first deliveries fall due (the pool keeps them afterwards)."""
    width = _concurrency()
    barrier = threading.Barrier(width, timeout=10)

    def ready() -> None:
        sender_client()
        connection.ensure_connection()
        try:
            barrier.wait()  # each task holds its thread until all are started: one thread each
        except threading.BrokenBarrierError:
            pass

    for job in [_executor().submit(ready) for _ in range(width)]:
        job.result()


def _prepare(horizon: dt.datetime, until: dt.datetime, limit: int = 20_000) -> int:
    """Before the deliveries' time, do in this process what does not depend on it: decrypt each
    channel's credentials and read its platform's rules once, and measure each text once per set of
    rules (all remembered by content, so nothing prepared can go stale); how many channels were
    prepared. Sending still loads, checks and claims everything afresh.

    Once per channel and per text, not per delivery: a post to hundreds of channels made every sender
    process build hundreds of deliveries' publishers, and with thousands due at once that ran past
    their time (measured: most of a helper's CPU in the first seconds of the bench). It stops at
    ``until`` all the same: preparing only saves work later, it must never hold a send back."""
    _warm_senders()
    upcoming = Delivery.objects.filter(state__in=CLAIMABLE, due_at__lte=horizon).order_by("due_at")
    pairs = list(dict.fromkeys(upcoming.values_list("channel_id", "variant_id")[:limit]))
    channels = Channel.objects.defer(*_CHANNEL_NOT_READ).in_bulk({c for c, _ in pairs})
    variants = Variant.objects.in_bulk({v for _, v in pairs if v is not None})
    http = sender_client()
    publishers: dict[int, Any] = {}
    measured: set[tuple[Any, int]] = set()
    for channel_id, variant_id in pairs:
        if timezone.now() >= until:
            break
        try:
            if channel_id not in publishers:
                publishers[channel_id] = publisher_for(channels[channel_id], http)
            variant = variants.get(variant_id) if variant_id is not None else None
            if variant is None or variant.media:
                continue
            publisher = publishers[channel_id]
            rules = (publisher.rules(), variant_id)
            if rules not in measured:
                measured.add(rules)
                sample = Delivery(channel=channels[channel_id], variant=variant, post_id=variant.post_id)
                publisher.validate(message_for(sample))
        except Exception:  # noqa: BLE001 - whatever fails here fails again, and is recorded, when sent
            log.debug("channel %s, variant %s: not prepared", channel_id, variant_id, exc_info=True)
    return len(publishers)


# What sending never reads of a channel, left out of the dispatcher's load (every datetime column
# is parsed). Reading one anyway costs a query, never a wrong value.
_CHANNEL_NOT_READ = ("last_error", "last_error_at", "connected_at", "created_at")


def _with_channels(claimed: list[Delivery]) -> list[Delivery]:
    """The claim's snapshots (delivery, post state, variant) with their channels, each loaded once
    per batch (a post's hundreds of deliveries share them). Channels are read after the claim: they
    hold credentials and limits, not what clearance approved."""
    channels = Channel.objects.defer(*_CHANNEL_NOT_READ).in_bulk({d.channel_id for d in claimed})
    for delivery in claimed:
        delivery.channel = channels[delivery.channel_id]
    return claimed


def _dispatch(limit: int | None, *, ahead: bool = False) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    prepared = not ahead
    width = _concurrency()
    refill = max(1, width // 2)  # claim again once half the senders are free: few, larger claims
    finished: queue.SimpleQueue[str] = queue.SimpleQueue()  # one outcome per sender that is done
    in_flight = claimed = 0
    record = Recorder()
    senders = _executor()

    def send_one(delivery: Delivery, now: dt.datetime) -> None:
        outcome = "error"
        try:
            outcome = _send_in_pool(delivery, now, record)
        finally:
            finished.put(outcome)

    def settle_one() -> None:
        nonlocal in_flight
        outcomes[finished.get()] += 1
        in_flight -= 1

    try:
        while True:
            room = width - in_flight
            if limit is not None:
                room = min(room, limit - claimed)
            now = timezone.now()
            batch = _with_channels(claim_batch(now, room)) if room > 0 else []
            claimed += len(batch)
            for delivery in batch:
                senders.submit(send_one, delivery, now)
                in_flight += 1
            if not in_flight:
                upcoming = _next_due(now, now + lead_time()) if ahead else None
                if upcoming is None:
                    return outcomes
                if not prepared:
                    _prepare(now + lead_time(), until=upcoming)
                    prepared = True
                # At most half a second at a time: a delivery queued meanwhile for an earlier time
                # (this dispatcher holds the process's turn) is still claimed at its own time.
                time.sleep(min(0.5, max(0.0, (upcoming - timezone.now()).total_seconds())))
                continue
            settle_one()
            while in_flight and width - in_flight < refill:
                settle_one()
    finally:
        while in_flight:  # every sender has handed over its confirmation before the writer stops
            settle_one()
        record.close()
