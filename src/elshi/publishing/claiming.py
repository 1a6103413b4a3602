"""Taking due deliveries and storing what the platform confirmed: the senders' set-based SQL.

A claim is one conditional UPDATE over the rows picked (``state`` in the claim's from-states and
due): the rows it returns are this worker's. Confirmations are stored the moment the platform gives
them, still only from 'publishing', by one writer per dispatcher that commits whatever has arrived
in one transaction (group commit). Both go through :mod:`elshi.publishing.states`' table and audit
what they moved in bulk, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.db.models import F

from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.states import SYSTEM, Event, allowed_from, audit_moved, target

__all__ = ["METRIC_AGES", "Recorder", "claim", "claim_due", "store_published"]

log = logging.getLogger(__name__)
METRIC_AGES = [dt.timedelta(hours=h) for h in (1, 6, 24, 72, 168, 720)]
_CLAIMED = target(DeliveryState.SCHEDULED, Event.CLAIM)
_CONFIRMABLE = allowed_from(Event.CONFIRM)


def _table() -> str:
    return connection.ops.quote_name(Delivery._meta.db_table)


def _marks(values: tuple[Any, ...] | list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def claim(delivery_id: int, now: dt.datetime) -> bool:
    """Claim one delivery if it is due and nobody else has."""
    with transaction.atomic():
        source = (
            Delivery.objects.filter(pk=delivery_id, state__in=allowed_from(Event.CLAIM), due_at__lte=now)
            .select_for_update()
            .values_list("state", flat=True)
            .first()
        )
        if source is None:
            return False
        moved = Delivery.objects.filter(pk=delivery_id, state=source).update(
            state=target(source, Event.CLAIM), claimed_at=now, attempts=F("attempts") + 1
        )
        if moved:
            audit_moved([(delivery_id, source)], Event.CLAIM, actor=SYSTEM)
    return moved == 1


def claim_due(now: dt.datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due deliveries, oldest first: pick them, then one conditional UPDATE …
    RETURNING, and their audit events, in one transaction.

    The picked rows are this transaction's until it ends (PostgreSQL: locked, rows another claimer
    holds skipped rather than waited for; SQLite: the transaction starts as the only writer), and
    the UPDATE repeats the claimable states anyway, so no row is taken twice.
    """
    if limit <= 0:
        return []
    table = _table()
    states = [str(s) for s in allowed_from(Event.CLAIM)]
    stamp = connection.ops.adapt_datetimefield_value(now)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    pick = (
        f"SELECT id, state FROM {table} WHERE state IN ({_marks(states)}) AND due_at <= %s "  # noqa: S608 - names only
        f"ORDER BY due_at LIMIT %s{skip_locked}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(pick, [*states, stamp, limit])
        picked = dict(cursor.fetchall())
        if not picked:
            return []
        ids = list(picked)
        cursor.execute(
            f"UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608 - names only
            f"WHERE id IN ({_marks(ids)}) AND state IN ({_marks(states)}) RETURNING id",
            [_CLAIMED, stamp, *ids, *states],
        )
        won = {row[0] for row in cursor.fetchall()}
        claimed = [pk for pk in ids if pk in won]  # oldest first, as picked
        audit_moved([(pk, picked[pk]) for pk in claimed], Event.CLAIM, actor=SYSTEM)
    return claimed


def _published_sql() -> str:
    return (
        f"UPDATE {_table()} SET state = %s, remote_id = %s, remote_url = %s, published_at = %s, "  # noqa: S608
        f"next_metrics_at = %s WHERE id = %s AND state IN ({_marks(_CONFIRMABLE)})"
    )


def _published_params(delivery_id: int, remote_id: str, url: str, now: dt.datetime) -> list[Any]:
    adapt = connection.ops.adapt_datetimefield_value
    to = target(DeliveryState.PUBLISHING, Event.CONFIRM)
    return [to, remote_id, url, adapt(now), adapt(now + METRIC_AGES[0]), delivery_id, *_CONFIRMABLE]


def _confirm(rows: list[tuple[int, str, str, dt.datetime]]) -> int:
    """Store confirmations, only for deliveries still 'publishing' (the sweep may have settled one
    meanwhile), with their audit events; plain SQL, since the ORM's query building costs more than
    the statements."""
    table = _table()
    ids = [row[0] for row in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, state FROM {table} WHERE id IN ({_marks(ids)}) "  # noqa: S608 - names only
            f"AND state IN ({_marks(_CONFIRMABLE)})",
            [*ids, *_CONFIRMABLE],
        )
        still = dict(cursor.fetchall())
        mine = [row for row in rows if row[0] in still]
        if mine:
            cursor.executemany(_published_sql(), [_published_params(*row) for row in mine])
        audit_moved(
            [(row[0], still[row[0]]) for row in mine],
            Event.CONFIRM,
            actor=SYSTEM,
            extra=[{"remote_id": row[1]} for row in mine],
        )
    return len(mine)


def store_published(delivery: Delivery, remote_id: str, url: str, now: dt.datetime) -> None:
    """Store one confirmation at once (a single send; a dispatcher uses its ``Recorder``)."""
    _confirm([(delivery.pk, remote_id, url, now)])


class Recorder:
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
                rows = [item for item in batch if item is not None]
                if rows:
                    self._write(rows)
        finally:
            close_old_connections()
            connection.close()

    def _write(self, rows: list[tuple[int, str, str, dt.datetime]]) -> None:
        try:
            _confirm(rows)
        except Exception:  # noqa: BLE001 - left 'publishing': the sweep settles them as after a crash
            log.exception("could not store %d confirmed deliveries", len(rows))
