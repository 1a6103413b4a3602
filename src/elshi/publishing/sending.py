"""Sending one delivery, exactly once.

1. Claim it with one conditional UPDATE (``state in (scheduled, failed_retryable) and due``):
   the row count says whether this worker won.
2. Refresh the token if it is about to expire; validate against the platform's rules again.
3. Publish with the delivery's stable key (the platform's own idempotency where it has one).
4. Store the remote id and URL the moment the platform confirms.

Retry only when the platform certainly did not take the post (``NotSent``, ``RateLimited``);
when the outcome is unknown (timeout after sending, crash), the delivery becomes
``unconfirmed`` for a person to check, unless the connector's idempotency makes a re-send
harmless. A delivery whose first attempt comes later than the grace period is not sent late:
it expires and asks for a new time.

Rate limits are respected per channel: every answer's rate-limit headers are read (X, Mastodon,
Bluesky, Meta; :mod:`elshi.connectors.ratelimit`), and when a platform says the channel's allowance
is used up (headers at zero, or a 429 with its wait), the channel is held until the reset: its other
deliveries are put back to that time without calling the platform and without counting an attempt.
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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from elshi.connectors import (
    AuthError,
    ConnectorError,
    InvalidMessage,
    Media,
    Message,
    NotSent,
    OutcomeUnknown,
    RateLimited,
)
from elshi.connectors import Delivery as Outgoing
from elshi.connectors.ratelimit import RateLimitTracker
from elshi.content.models import Post, PostState, Variant
from elshi.missions.models import Channel, ChannelStatus
from elshi.publishing import helpers
from elshi.publishing.accounts import http_client, publisher_for, store_token
from elshi.publishing.models import CLAIMABLE, Delivery, DeliveryState

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
METRIC_AGES = [dt.timedelta(hours=h) for h in (1, 6, 24, 72, 168, 720)]
_local = threading.local()


def _track(response: httpx.Response) -> None:
    """Response hook: hand the answer's rate-limit headers to the tracker of the delivery this thread
    is sending (a sync client runs its hooks in the calling thread)."""
    tracker: RateLimitTracker | None = getattr(_local, "tracker", None)
    if tracker is not None:
        tracker(response)


def _client() -> httpx.Client:
    """One client per sender thread: httpcore's pool serialises its threads on one lock, so a pool
    per thread is much cheaper than one shared by hundreds; all share the process's TLS context."""
    client: httpx.Client | None = getattr(_local, "client", None)
    if client is None:
        client = _local.client = http_client(event_hooks={"response": [_track]})
    return client


def delivery_key(delivery: Delivery) -> str:
    return f"elshi-{delivery.pk}"


def message_for(delivery: Delivery) -> Message:
    variant = delivery.variant
    if variant is None:
        raise InvalidMessage([f"no variant for {delivery.channel.platform}"])
    media = tuple(
        Media(
            mime_type=item.get("mime_type") or _mime(item.get("url", "")),
            url=item.get("url") or None,
            data=_local_bytes(item.get("url", "")),
            alt_text=item.get("alt", ""),
            filename=item.get("name", "media"),
        )
        for item in variant.media or []
    )
    return Message(text=variant.text, media=media, link=variant.link or None, language=variant.language)


def _local_bytes(url: str) -> bytes | None:
    """Media stored by elshi (under MEDIA_URL) is uploaded from disk; a path may not leave MEDIA_ROOT."""
    prefix = "/" + settings.MEDIA_URL.lstrip("/")
    if not url.startswith(prefix):
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / url[len(prefix) :]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise InvalidMessage([f"media file {url} is missing"])
    return path.read_bytes()


def _mime(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1].lower() if "." in url else ""
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
        "mp4": "video/mp4",
        "mov": "video/quicktime",
    }.get(suffix, "application/octet-stream")


def claim(delivery_id: int, now: dt.datetime) -> bool:
    claimed = Delivery.objects.filter(pk=delivery_id, state__in=CLAIMABLE, due_at__lte=now).update(
        state=DeliveryState.PUBLISHING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def _finish(delivery: Delivery, state: str, error: str = "", **fields: Any) -> None:
    """Move a claimed delivery on; only from 'publishing', so nothing overwrites a later decision."""
    now = timezone.now()
    values: dict[str, Any] = {"state": state, **fields}
    if error:
        values |= {"last_error": error[:2000], "last_error_at": now}
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PUBLISHING).update(**values)


def _published_sql() -> str:
    table = connection.ops.quote_name(Delivery._meta.db_table)
    return (
        f"UPDATE {table} SET state = %s, remote_id = %s, remote_url = %s, published_at = %s, "  # noqa: S608
        "next_metrics_at = %s WHERE id = %s AND state = %s"
    )


def _published_params(delivery_id: int, remote_id: str, url: str, now: dt.datetime) -> list[Any]:
    adapt = connection.ops.adapt_datetimefield_value
    return [
        DeliveryState.PUBLISHED,
        remote_id,
        url,
        adapt(now),
        adapt(now + METRIC_AGES[0]),
        delivery_id,
        DeliveryState.PUBLISHING,
    ]


def _store_published(delivery: Delivery, remote_id: str, url: str, now: dt.datetime) -> None:
    """Stored the moment the platform confirms: one plain UPDATE (the ORM's query building costs
    more than the statement), still only from 'publishing'."""
    with connection.cursor() as cursor:
        cursor.execute(_published_sql(), _published_params(delivery.pk, remote_id, url, now))


class _Recorder:
    """Group commit for a dispatcher's confirmations: senders hand over what the platform confirmed,
    one writer thread stores whatever has arrived in one transaction (typically a few milliseconds'
    worth), so hundreds of senders do not queue for the database's write lock one row at a time.

    A confirmation waits here only until the writer's next commit; if the process dies in between,
    the delivery is still 'publishing' and the sweep settles it as for any crash after sending
    (unconfirmed, or re-sent where the platform deduplicates)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[int, str, str, dt.datetime] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="elshi-record", daemon=True)
        self._thread.start()

    def __call__(self, delivery: Delivery, remote_id: str, url: str, now: dt.datetime) -> None:
        self._queue.put((delivery.pk, remote_id, url, now))

    def close(self) -> None:
        """Store everything handed over so far, then stop the writer."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            stopping = False
            while not stopping:
                batch = [self._queue.get()]
                while len(batch) < 1000:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                stopping = any(item is None for item in batch)
                rows = [_published_params(*item) for item in batch if item is not None]
                if rows:
                    self._write(rows)
        finally:
            close_old_connections()
            connection.close()

    def _write(self, rows: list[list[Any]]) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(_published_sql(), rows)
        except Exception:  # noqa: BLE001 - left 'publishing': the sweep settles them as after a crash
            log.exception("could not store %d confirmed deliveries", len(rows))


def _channel_health(channel: Channel, status: str, error: str = "") -> None:
    values: dict[str, Any] = {"status": status}
    if error:
        values |= {"last_error": error[:2000], "last_error_at": timezone.now()}
        Channel.objects.filter(pk=channel.pk).update(**values)
    elif channel.status != status:  # a healthy channel is not rewritten on every delivery
        Channel.objects.filter(pk=channel.pk).update(**values)


def _held_until(channel: Channel, now: dt.datetime) -> dt.datetime | None:
    raw = (channel.limits or {}).get("held_until")
    if not raw:
        return None
    until = dt.datetime.fromisoformat(str(raw))
    return until if until > now else None


def _hold_channel(channel: Channel, until: dt.datetime, reason: str, window: dict[str, Any]) -> None:
    """Remember on the channel what the platform said, and hold its deliveries until ``until``."""
    limits = {
        **(channel.limits or {}),
        **window,
        "held_until": until.isoformat(),
        "held_reason": reason[:300],
    }
    channel.limits = limits
    Channel.objects.filter(pk=channel.pk).update(limits=limits)


def _observe_limits(channel: Channel, tracker: RateLimitTracker, now: dt.datetime) -> None:
    """After a call: store the last rate window the platform announced; hold the channel at zero."""
    for host, window in tracker.windows.items():
        seen = {
            "host": host,
            "remaining": window.remaining,
            "limit": window.limit,
            "reset_at": window.reset_at.isoformat() if window.reset_at else None,
            "usage_percent": window.usage_percent,
        }
        wait = tracker.wait_seconds(host, now)
        if wait > 0:
            _hold_channel(channel, now + dt.timedelta(seconds=wait), f"{host}: rate limit reached", seen)
        elif any(channel.limits.get(k) != seen[k] for k in ("host", "limit", "reset_at")):
            # Once per window, not on every call: 'remaining' alone changing is not written.
            channel.limits = {**channel.limits, **seen}
            Channel.objects.filter(pk=channel.pk).update(limits=channel.limits)


def _put_back(delivery: Delivery, until: dt.datetime, channel: Channel) -> str:
    """Held by the channel's rate limit: back to 'scheduled' at ``until``; this was not an attempt."""
    reason = (channel.limits or {}).get("held_reason") or "rate limit"
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PUBLISHING).update(
        state=DeliveryState.SCHEDULED,
        due_at=until,
        attempts=F("attempts") - 1,
        last_error=f"held until {until:%Y-%m-%d %H:%M:%S} UTC: {reason}"[:2000],
        last_error_at=timezone.now(),
    )
    from elshi.publishing.tasks import enqueue

    transaction.on_commit(lambda: enqueue(delivery.pk, until))
    return "held"


def _retry(delivery: Delivery, error: str, after: float | None = None) -> str:
    attempts = delivery.attempts
    if attempts >= MAX_ATTEMPTS:
        _finish(delivery, DeliveryState.FAILED_PERMANENT, f"gave up after {attempts} attempts: {error}")
        return DeliveryState.FAILED_PERMANENT
    delay = after if after is not None else min(30 * 2 ** (attempts - 1), 3600)
    due = timezone.now() + dt.timedelta(seconds=delay)
    _finish(delivery, DeliveryState.FAILED_RETRYABLE, error, due_at=due)
    from elshi.publishing.tasks import enqueue

    transaction.on_commit(lambda: enqueue(delivery.pk, due))
    return DeliveryState.FAILED_RETRYABLE


def claim_due(now: dt.datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due deliveries, oldest first, in one conditional UPDATE … RETURNING.

    The outer condition repeats the claimable states, so a row another worker claimed in between is
    not taken twice (PostgreSQL re-checks it after the other's commit; SQLite runs writers one at a
    time); on PostgreSQL rows locked by another claimer are skipped rather than waited for.
    """
    if limit <= 0:
        return []
    table = connection.ops.quote_name(Delivery._meta.db_table)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    stamp = connection.ops.adapt_datetimefield_value(now)
    states = [str(s) for s in CLAIMABLE]
    sql = (
        f"UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608 - names only
        f"WHERE id IN (SELECT id FROM {table} WHERE state IN (%s, %s) AND due_at <= %s "
        f"ORDER BY due_at LIMIT %s{skip_locked}) AND state IN (%s, %s) RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [DeliveryState.PUBLISHING, stamp, *states, stamp, limit, *states])
        return [row[0] for row in cursor.fetchall()]


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


def _send_in_pool(delivery: Delivery, now: dt.datetime, record: _Recorder) -> str:
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
    jobs = [pool.submit(helpers.pid, 0.2) for _ in range(_processes() - 1)]
    return sorted({job.result() for job in jobs})


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
        _client()
        connection.ensure_connection()
        try:
            barrier.wait()  # each task holds its thread until all are started: one thread each
        except threading.BrokenBarrierError:
            pass

    for job in [_executor().submit(ready) for _ in range(width)]:
        job.result()


def _prepare(horizon: dt.datetime, limit: int = 20_000) -> int:
    """Before the deliveries' time, do in this process what does not depend on it: decrypt each
    channel's credentials and measure each text for its platform (both remembered by content, so
    nothing prepared can go stale). Sending still loads, checks and claims everything afresh."""
    _warm_senders()
    prepared = 0
    http = _client()
    upcoming = Delivery.objects.filter(state__in=CLAIMABLE, due_at__lte=horizon).select_related(
        "channel", "variant"
    )
    for delivery in upcoming.order_by("due_at")[:limit]:
        try:
            publisher = publisher_for(delivery.channel, http)
            if delivery.variant is not None and not delivery.variant.media:
                publisher.validate(message_for(delivery))
            prepared += 1
        except Exception:  # noqa: BLE001 - whatever fails here fails again, and is recorded, when sent
            log.debug("delivery %s: not prepared", delivery.pk, exc_info=True)
    return prepared


# What sending never reads, left out of the dispatcher's load (thousands of rows: every datetime
# column is parsed, every JSON column decoded). Reading one anyway costs a query, never a wrong value.
_DELIVERY_NOT_READ = (
    "claimed_at",
    "last_error",
    "last_error_at",
    "remote_id",
    "remote_url",
    "published_at",
    "next_metrics_at",
)
_CHANNEL_NOT_READ = ("last_error", "last_error_at", "connected_at", "created_at")


def _load(ids: list[int]) -> dict[int, Delivery]:
    """Claimed deliveries with what sending reads: channel, variant and the post's state, each
    channel, variant and post loaded once per batch (a post's hundreds of deliveries share them)."""
    deliveries = Delivery.objects.defer(*_DELIVERY_NOT_READ).in_bulk(ids)
    rows = deliveries.values()
    posts = Post.objects.only("pk", "state").in_bulk({d.post_id for d in rows})
    variants = Variant.objects.in_bulk({d.variant_id for d in rows if d.variant_id is not None})
    channels = Channel.objects.defer(*_CHANNEL_NOT_READ).in_bulk({d.channel_id for d in rows})
    for delivery in rows:
        delivery.post = posts[delivery.post_id]
        delivery.channel = channels[delivery.channel_id]
        delivery.variant = variants.get(delivery.variant_id) if delivery.variant_id is not None else None
    return deliveries


def _dispatch(limit: int | None, *, ahead: bool = False) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    prepared = not ahead
    width = _concurrency()
    refill = max(1, width // 4)  # claim again once a quarter of the senders are free: few, larger claims
    finished: queue.SimpleQueue[str] = queue.SimpleQueue()  # one outcome per sender that is done
    in_flight = claimed = 0
    record = _Recorder()
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
            ids = claim_due(now, room) if room > 0 else []
            claimed += len(ids)
            if ids:
                loaded = _load(ids)
                for pk in ids:
                    senders.submit(send_one, loaded[pk], now)
                    in_flight += 1
            if not in_flight:
                upcoming = _next_due(now, now + lead_time()) if ahead else None
                if upcoming is None:
                    return outcomes
                if not prepared:
                    _prepare(now + lead_time())
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


def send(delivery_id: int, *, client: httpx.Client | None = None, now: dt.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody else has claimed it. Returns the state it ends in."""
    now = now or timezone.now()
    if not claim(delivery_id, now):
        return "skipped"
    return send_claimed(delivery_id, client=client, now=now)


def send_claimed(
    delivery: int | Delivery,
    *,
    client: httpx.Client | None = None,
    now: dt.datetime | None = None,
    record: Callable[[Delivery, str, str, dt.datetime], None] = _store_published,
) -> str:
    """Send a delivery this worker has claimed (state 'publishing'), given by id or loaded with its
    channel, variant and post. ``record`` stores the platform's confirmation (at once by default; a
    dispatcher hands it to its group-commit writer)."""
    now = now or timezone.now()
    if not isinstance(delivery, Delivery):
        delivery = Delivery.objects.select_related("channel", "variant", "post").get(pk=delivery)
    channel = delivery.channel
    grace = dt.timedelta(seconds=getattr(settings, "ELSHI_PUBLISH_GRACE_SECONDS", 7200))
    if delivery.post.state != PostState.SCHEDULED:
        _finish(delivery, DeliveryState.CANCELLED, f"post is {delivery.post.state}")
        return DeliveryState.CANCELLED
    if delivery.attempts == 1 and now - delivery.due_at > grace:
        _finish(delivery, DeliveryState.EXPIRED, f"not sent within {grace} of its time; choose a new time")
        return DeliveryState.EXPIRED
    held = _held_until(channel, now)
    if held is not None:
        return _put_back(delivery, held, channel)
    publisher = None
    http = client or _client()
    if _track not in http.event_hooks["response"]:
        http.event_hooks["response"] = [*http.event_hooks["response"], _track]
    tracker = _local.tracker = RateLimitTracker()
    try:
        publisher = publisher_for(channel, http)
        refreshed = publisher.refresh_if_needed(now)
        if refreshed is not None:
            store_token(channel, refreshed)
            channel.save(update_fields=["token_encrypted", "token_expires_at"])
        message = message_for(delivery)
        problems = publisher.validate(message)
        if problems:
            raise InvalidMessage(problems)
        result = publisher.publish(
            Outgoing(key=delivery_key(delivery), message=message, created_at=delivery.created_at)
        )
    except RateLimited as exc:
        wait = exc.retry_after if exc.retry_after is not None else 60.0
        _hold_channel(channel, now + dt.timedelta(seconds=wait), str(exc), {})
        return _retry(delivery, str(exc), after=exc.retry_after)
    except NotSent as exc:
        return _retry(delivery, str(exc))
    except OutcomeUnknown as exc:
        if publisher is not None and publisher.idempotent:
            return _retry(delivery, f"{exc} (re-sending is safe: the platform deduplicates)")
        _finish(delivery, DeliveryState.UNCONFIRMED, f"{exc}: check the channel before sending again")
        return DeliveryState.UNCONFIRMED
    except AuthError as exc:
        _finish(delivery, DeliveryState.FAILED_PERMANENT, str(exc))
        _channel_health(channel, ChannelStatus.NEEDS_RECONNECT, str(exc))
        return DeliveryState.FAILED_PERMANENT
    except ConnectorError as exc:
        _finish(delivery, DeliveryState.FAILED_PERMANENT, str(exc))
        _channel_health(channel, ChannelStatus.ERROR, str(exc))
        return DeliveryState.FAILED_PERMANENT
    except Exception as exc:  # noqa: BLE001 - we cannot know whether it went out: a person checks
        log.exception("delivery %s failed unexpectedly", delivery.pk)
        _finish(delivery, DeliveryState.UNCONFIRMED, f"unexpected error: {exc!r}; check the channel")
        return DeliveryState.UNCONFIRMED
    finally:
        _local.tracker = None
        _observe_limits(channel, tracker, now)
        if (
            publisher is not None
            and publisher.token is not None
            and publisher.token != publisher.account.token
        ):
            store_token(channel, publisher.token)
            channel.save(update_fields=["token_encrypted", "token_expires_at"])
    record(delivery, result.remote_id[:300], (result.url or "")[:500], now)
    _channel_health(channel, ChannelStatus.OK)
    return DeliveryState.PUBLISHED
