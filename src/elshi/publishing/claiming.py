"""Taking due deliveries and storing what the platform confirmed: the senders' set-based SQL.

A claim is one conditional UPDATE over the rows picked (``state`` in the claim's from-states and
due): the rows it returns are this worker's, leased to this process (:mod:`.lease`). In the same
transaction it reads what will be sent, post and variant in one query (one snapshot: an edit that
commits meanwhile is seen whole or not at all), with the missions its audit events need.
Confirmations are stored the moment the platform gives them, only from 'publishing' and only while
the sender still holds its lease, by one writer per dispatcher that commits whatever has arrived in
one transaction (group commit). Both go through :mod:`elshi.publishing.states`' table and audit what
they moved in bulk, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from typing import Any, NamedTuple

from django.db import close_old_connections, connection, transaction
from django.db.models import F

from elshi.publishing.lease import lease_until, worker_id
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.states import SYSTEM, Event, allowed_from, audit_moved, target

__all__ = ["METRIC_AGES", "Recorder", "claim", "claim_batch", "claim_due", "claim_one", "store_published"]

log = logging.getLogger(__name__)
METRIC_AGES = [dt.timedelta(hours=h) for h in (1, 6, 24, 72, 168, 720)]
_CLAIMED = target(DeliveryState.SCHEDULED, Event.CLAIM)
_CONFIRMABLE = allowed_from(Event.CONFIRM)
_LATE = allowed_from(Event.CONFIRM_LATE)
# What sending reads of a delivery, its post and its variant; everything else stays unread.
_SNAPSHOT = (
    "post",
    "channel",
    "variant",
    "state",
    "due_at",
    "attempts",
    "created_at",
    "cleared_digest",
    "unsure_since",
    "lease_owner",
    "post__state",
    "variant__platform",
    "variant__language",
    "variant__text",
    "variant__link",
    "variant__media",
)


def _table() -> str:
    return connection.ops.quote_name(Delivery._meta.db_table)


def _marks(values: tuple[Any, ...] | list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _snapshot(ids: list[int]) -> dict[int, Delivery]:
    """Claimed deliveries with their post's state and their variant, in one SELECT (one snapshot on
    any database), and each one's mission slug as ``mission_slug``."""
    rows = (
        Delivery.objects.filter(pk__in=ids)
        .select_related("post", "variant")
        .only(*_SNAPSHOT)
        .annotate(mission_slug=F("channel__mission__slug"))
    )
    return {delivery.pk: delivery for delivery in rows}


def claim_batch(now: dt.datetime, limit: int, *, only: int | None = None) -> list[Delivery]:
    """Claim up to ``limit`` due deliveries (or just ``only``), oldest first, leased to this
    process: pick them, one conditional UPDATE … RETURNING, the snapshot of what they send and
    their audit events, in one transaction.

    The picked rows are this transaction's until it ends (PostgreSQL: locked, rows another claimer
    holds skipped rather than waited for; SQLite: the transaction starts as the only writer), and
    the UPDATE repeats the claimable states anyway, so no row is taken twice.
    """
    if limit <= 0:
        return []
    table = _table()
    states = [str(s) for s in allowed_from(Event.CLAIM)]
    adapt = connection.ops.adapt_datetimefield_value
    stamp = adapt(now)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    one = " AND id = %s" if only is not None else ""
    pick = (
        f"SELECT id, state FROM {table} WHERE state IN ({_marks(states)}) AND due_at <= %s{one} "  # noqa: S608 - names only
        f"ORDER BY due_at LIMIT %s{skip_locked}"
    )
    owner = worker_id()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(pick, [*states, stamp, *([only] if only is not None else []), limit])
        picked = dict(cursor.fetchall())
        if not picked:
            return []
        ids = list(picked)
        cursor.execute(
            f"UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1, "  # noqa: S608 - names only
            f"lease_owner = %s, lease_until = %s "
            f"WHERE id IN ({_marks(ids)}) AND state IN ({_marks(states)}) RETURNING id",
            [_CLAIMED, stamp, owner, adapt(lease_until(now)), *ids, *states],
        )
        won = {row[0] for row in cursor.fetchall()}
        claimed = [pk for pk in ids if pk in won]  # oldest first, as picked
        loaded = _snapshot(claimed)
        missions = {pk: str(getattr(d, "mission_slug", "")) for pk, d in loaded.items()}
        audit_moved([(pk, picked[pk]) for pk in claimed], Event.CLAIM, actor=SYSTEM, missions=missions)
    return [loaded[pk] for pk in claimed]


def claim_due(now: dt.datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due deliveries (see :func:`claim_batch`); their ids, oldest first."""
    return [delivery.pk for delivery in claim_batch(now, limit)]


def claim_one(delivery_id: int, now: dt.datetime) -> Delivery | None:
    """Claim one delivery if it is due and nobody else has: its snapshot, else None."""
    claimed = claim_batch(now, 1, only=delivery_id)
    return claimed[0] if claimed else None


def claim(delivery_id: int, now: dt.datetime) -> bool:
    """Claim one delivery if it is due and nobody else has."""
    return claim_one(delivery_id, now) is not None


class Confirmed(NamedTuple):
    """What the platform confirmed to one sender, with the lease it was sent under."""

    delivery_id: int
    remote_id: str
    url: str
    at: dt.datetime
    owner: str
    attempts: int
    mission: str | None


def confirmed(delivery: Delivery, remote_id: str, url: str, now: dt.datetime) -> Confirmed:
    mission = getattr(delivery, "mission_slug", None)
    return Confirmed(delivery.pk, remote_id, url, now, delivery.lease_owner, delivery.attempts, mission)


def _published_sql() -> str:
    return (
        f"UPDATE {_table()} SET state = %s, remote_id = %s, remote_url = %s, published_at = %s, "  # noqa: S608
        f"next_metrics_at = %s WHERE id = %s AND state IN ({_marks(_CONFIRMABLE)}) "
        "AND lease_owner = %s AND attempts = %s"
    )


def _published_params(row: Confirmed) -> list[Any]:
    adapt = connection.ops.adapt_datetimefield_value
    to = target(DeliveryState.PUBLISHING, Event.CONFIRM)
    return [
        to,
        row.remote_id,
        row.url,
        adapt(row.at),
        adapt(row.at + METRIC_AGES[0]),
        row.delivery_id,
        *_CONFIRMABLE,
        row.owner,
        row.attempts,
    ]


def _confirm(rows: list[Confirmed]) -> int:
    """Store confirmations, only for deliveries still 'publishing' under the lease they were sent
    with, with their audit events; a confirmation whose lease was taken over goes to
    :func:`_store_late`. Plain SQL, since the ORM's query building costs more than the statements."""
    table = _table()
    ids = [row.delivery_id for row in rows]
    # PostgreSQL: the rows stay as read until commit (the sweep's takeover waits, then finds them
    # moved on); SQLite's transaction is the only writer from its start.
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, state, lease_owner, attempts FROM {table} WHERE id IN ({_marks(ids)}){lock}",  # noqa: S608
            ids,
        )
        now_in = {pk: (state, owner, attempts) for pk, state, owner, attempts in cursor.fetchall()}
        mine: list[tuple[Confirmed, str]] = []
        late: list[tuple[Confirmed, str]] = []
        for row in rows:
            seen = now_in.get(row.delivery_id)
            if seen is None:
                continue  # deleted meanwhile (its post was)
            held = seen[0] in _CONFIRMABLE and (seen[1], seen[2]) == (row.owner, row.attempts)
            (mine if held else late).append((row, seen[0]))
        if mine:
            cursor.executemany(_published_sql(), [_published_params(row) for row, _ in mine])
        missions = {row.delivery_id: row.mission for row, _ in mine if row.mission is not None}
        audit_moved(
            [(row.delivery_id, state) for row, state in mine],
            Event.CONFIRM,
            actor=SYSTEM,
            extra=[{"remote_id": row.remote_id} for row, _ in mine],
            missions=missions,
        )
        _store_late(cursor, late)
    return len(mine)


def _store_late(cursor: Any, late: list[tuple[Confirmed, str]]) -> None:
    """The platform confirmed a post after its sender's lease was taken over. Where the sweep made
    it unconfirmed, or queued a deduplicated re-send, it becomes (stays) unconfirmed with the link
    for the person who checks: never published behind the sweep's back, never re-sent blind."""
    settle = [(row, state) for row, state in late if state in _LATE]
    for row, state in late:
        if state not in _LATE:
            log.warning(
                "delivery %s: confirmed as %s to a sender whose lease was taken over; left %s",
                row.delivery_id,
                row.remote_id,
                state,
            )
    if not settle:
        return
    adapt = connection.ops.adapt_datetimefield_value
    to = target(DeliveryState.UNCONFIRMED, Event.CONFIRM_LATE)
    notes = [
        f"the platform confirmed it as {row.remote_id} {row.url} after this attempt's lease had run out "
        "and the sweep had settled it: check the channel, then mark it published with this link"
        for row, _ in settle
    ]
    cursor.executemany(
        f"UPDATE {_table()} SET state = %s, remote_id = %s, remote_url = %s, last_error = %s, "  # noqa: S608
        "last_error_at = %s WHERE id = %s AND state = %s",
        [
            [to, row.remote_id, row.url, note, adapt(row.at), row.delivery_id, state]
            for (row, state), note in zip(settle, notes, strict=True)
        ],
    )
    audit_moved(
        [(row.delivery_id, state) for row, state in settle],
        Event.CONFIRM_LATE,
        actor=SYSTEM,
        extra=[{"remote_id": row.remote_id, "url": row.url} for row, _ in settle],
    )


def store_published(delivery: Delivery, remote_id: str, url: str, now: dt.datetime) -> None:
    """Store one confirmation at once (a single send; a dispatcher uses its ``Recorder``)."""
    _confirm([confirmed(delivery, remote_id, url, now)])


class Recorder:
    """Group commit for a dispatcher's confirmations: senders hand over what the platform confirmed,
    one writer thread stores whatever has arrived in one transaction (typically a few milliseconds'
    worth), so hundreds of senders do not queue for the database's write lock one row at a time.

    A confirmation waits here only until the writer's next commit; if the process dies in between,
    the delivery is still 'publishing' and the sweep settles it as for any crash after sending
    (unconfirmed, or re-sent where the platform deduplicates)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Confirmed | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="elshi-record", daemon=True)
        self._thread.start()

    def __call__(self, delivery: Delivery, remote_id: str, url: str, now: dt.datetime) -> None:
        self._queue.put(confirmed(delivery, remote_id, url, now))

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
                rows = [item for item in batch if item is not None]
                if rows:
                    self._write(rows)
        finally:
            close_old_connections()
            connection.close()

    def _write(self, rows: list[Confirmed]) -> None:
        try:
            _confirm(rows)
        except Exception:  # noqa: BLE001 - left 'publishing': the sweep settles them as after a crash
            log.exception("could not store %d confirmed deliveries", len(rows))
