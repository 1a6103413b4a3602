"""Storing what the platform confirmed: one writer per dispatcher, group commit.

Confirmations are stored the moment the platform gives them, only from 'publishing' and only while
the sender still holds its lease, by one writer per dispatcher that commits whatever has arrived in
one transaction; a confirmation whose lease was taken over meanwhile is kept for a person to check
(:func:`_store_late`). Audited in bulk in the same transaction, through :mod:`elshi.publishing.states`.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from typing import Any, NamedTuple

from django.db import close_old_connections, connection, transaction

from elshi.publishing.claiming import METRIC_AGES, _marks, _rows, _table
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.states import SYSTEM, Event, allowed_from, audit_moved, target

__all__ = ["Confirmed", "Recorder", "confirmed", "store_published"]

log = logging.getLogger(__name__)
_CONFIRMABLE = allowed_from(Event.CONFIRM)
_LATE = allowed_from(Event.CONFIRM_LATE)
# How long the group-commit writer gathers confirmations before it stores them (they are the
# platform's answers already: waiting here delays no post, only the row that records it).
_GATHER_S = 0.05


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


def _published_sql(count: int = 1) -> str:
    """The UPDATE that stores ``count`` confirmations: on SQLite one statement for them all (one step
    while holding the write lock, see :func:`_rows`), elsewhere one row's, run for each."""
    guard = f"state IN ({_marks(_CONFIRMABLE)})"
    if connection.vendor != "sqlite":
        return (
            f"UPDATE {_table()} SET state = %s, remote_id = %s, remote_url = %s, published_at = %s, "  # noqa: S608
            f"next_metrics_at = %s WHERE id = %s AND {guard} AND lease_owner = %s AND attempts = %s"
        )
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * count)
    return (
        f"UPDATE {_table()} SET state = %s, remote_id = v.column2, remote_url = v.column3, "  # noqa: S608
        f"published_at = v.column4, next_metrics_at = v.column5 FROM (VALUES {values}) AS v "
        f"WHERE {_table()}.id = v.column1 AND {guard} AND lease_owner = v.column6 AND attempts = v.column7"
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


def _store_published(cursor: Any, rows: list[Confirmed]) -> None:
    if connection.vendor != "sqlite":
        cursor.executemany(_published_sql(), [_published_params(row) for row in rows])
        return
    adapt = connection.ops.adapt_datetimefield_value
    to = target(DeliveryState.PUBLISHING, Event.CONFIRM)
    for start in range(0, len(rows), 140):  # 7 values a row: within SQLite's 999 parameters
        chunk = rows[start : start + 140]
        values = [
            value
            for row in chunk
            for value in (
                row.delivery_id,
                row.remote_id,
                row.url,
                adapt(row.at),
                adapt(row.at + METRIC_AGES[0]),
                row.owner,
                row.attempts,
            )
        ]
        cursor.execute(_published_sql(len(chunk)), [to, *values, *_CONFIRMABLE])


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
        found = _rows(
            cursor,
            ("id", "state", "lease_owner", "attempts"),
            f"FROM {table} WHERE id IN ({_marks(ids)}){lock}",
            ids,
        )
        now_in = {pk: (state, owner, attempts) for pk, state, owner, attempts in found}
        mine: list[tuple[Confirmed, str]] = []
        late: list[tuple[Confirmed, str]] = []
        for row in rows:
            seen = now_in.get(row.delivery_id)
            if seen is None:
                continue  # deleted meanwhile (its post was)
            held = seen[0] in _CONFIRMABLE and (seen[1], seen[2]) == (row.owner, row.attempts)
            (mine if held else late).append((row, seen[0]))
        if mine:
            _store_published(cursor, [row for row, _ in mine])
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
                # What arrives within a moment of the first goes in the same transaction: every
                # transaction waits its turn for the write lock (SQLite has one for the whole file)
                # and holds it for about as long whether it stores one row or a hundred.
                until = time.monotonic() + _GATHER_S
                while len(batch) < 1000 and batch[-1] is not None:
                    try:
                        batch.append(self._queue.get(timeout=max(0.0, until - time.monotonic())))
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
