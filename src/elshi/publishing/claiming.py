"""Taking due deliveries and storing what the platform confirmed: the senders' set-based SQL.

A claim is one conditional UPDATE over the rows picked (``state`` in the claim's from-states and
due): the rows it moves are this worker's, leased to this process (:mod:`.lease`), audited in the
same transaction; then it reads what will be sent, post and variant in one query (one snapshot: an
edit that commits meanwhile is seen whole or not at all). Inside the write transactions the senders
send as few statements as they can, each one step of the database (see :func:`_rows`).
Confirmations are stored the moment the platform gives them, only from 'publishing' and only while
the sender still holds its lease, by one writer per dispatcher that commits whatever has arrived in
one transaction (group commit). Both go through :mod:`elshi.publishing.states`' table and audit what
they moved in bulk, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from elshi.missions.models import Channel, Mission
from elshi.publishing.lease import lease_until, worker_id
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.states import SYSTEM, Event, allowed_from, audit_moved, target

__all__ = ["METRIC_AGES", "claim", "claim_batch", "claim_due", "claim_one"]

log = logging.getLogger(__name__)
METRIC_AGES = [dt.timedelta(hours=h) for h in (1, 6, 24, 72, 168, 720)]
_CLAIMED = target(DeliveryState.SCHEDULED, Event.CLAIM)
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
    "variant__options",
)


def _table() -> str:
    return connection.ops.quote_name(Delivery._meta.db_table)


def _marks(values: tuple[Any, ...] | list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _quoted(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _snapshot(ids: list[int]) -> dict[int, Delivery]:
    """Claimed deliveries with their post's state and their variant, in one SELECT (one snapshot on
    any database)."""
    rows = Delivery.objects.filter(pk__in=ids).select_related("post", "variant").only(*_SNAPSHOT)
    return {delivery.pk: delivery for delivery in rows}


def _rows(
    cursor: Any, columns: tuple[str, ...], rest: str, params: list[Any], order_from: int = 0
) -> list[Any]:
    """``SELECT columns rest``: its rows, sorted by the columns from ``order_from`` on. On SQLite as
    one JSON row, because these run inside a write transaction: each row fetched is one SQLite step,
    each step lets go of the GIL, and a busy sender process can take milliseconds to give it back,
    all the while holding the database's only write lock (measured with 4 sender processes: claims
    waited ~90 ms for that lock before this)."""
    if connection.vendor != "sqlite":
        cursor.execute(f"SELECT {', '.join(columns)} {rest}", params)  # noqa: S608 - names only
        found: list[Any] = [list(row) for row in cursor.fetchall()]
    else:
        named = ", ".join(f"{column} AS c{n}" for n, column in enumerate(columns))
        listed = ", ".join(f"c{n}" for n in range(len(columns)))
        cursor.execute(f"SELECT json_group_array(json_array({listed})) FROM (SELECT {named} {rest})", params)  # noqa: S608
        found = json.loads(cursor.fetchone()[0] or "[]")
    return sorted(found, key=lambda row: row[order_from:])


def claim_batch(now: dt.datetime, limit: int, *, only: int | None = None) -> list[Delivery]:
    """Claim up to ``limit`` due deliveries (or just ``only``), oldest first, leased to this
    process: pick them, one conditional UPDATE and their audit events in one transaction, then the
    snapshot of what they send.

    The picked rows are this transaction's until it ends (PostgreSQL: locked, rows another claimer
    holds skipped rather than waited for; SQLite: the transaction starts as the only writer), and
    the UPDATE repeats the claimable states anyway, so no row is taken twice. The snapshot is read
    after the commit, in one SELECT (one snapshot on any database): the rows are this worker's by
    then, and SQLite's only write lock is not held while Django builds the models.
    """
    if limit <= 0:
        return []
    table = _table()
    states = [str(s) for s in allowed_from(Event.CLAIM)]
    adapt = connection.ops.adapt_datetimefield_value
    stamp = adapt(now)
    skip_locked = " FOR UPDATE OF d SKIP LOCKED" if connection.vendor == "postgresql" else ""
    one = " AND d.id = %s" if only is not None else ""
    channels, missions = _quoted(Channel), _quoted(Mission)
    pick = (
        f"FROM {table} d JOIN {channels} c ON c.id = d.channel_id JOIN {missions} m ON m.id = c.mission_id "  # noqa: S608
        f"WHERE d.state IN ({_marks(states)}) AND d.due_at <= %s{one} "
        f"ORDER BY d.due_at, d.id LIMIT %s{skip_locked}"
    )
    owner = worker_id()
    with transaction.atomic(), connection.cursor() as cursor:
        picked = _rows(
            cursor,
            ("d.id", "d.state", "m.slug", "d.due_at", "d.id"),
            pick,
            [*states, stamp, *([only] if only is not None else []), limit],
        )
        if not picked:
            return []
        ids = [row[0] for row in picked]
        cursor.execute(
            f"UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1, "  # noqa: S608 - names only
            f"lease_owner = %s, lease_until = %s "
            f"WHERE id IN ({_marks(ids)}) AND state IN ({_marks(states)})",
            [_CLAIMED, stamp, owner, adapt(lease_until(now)), *ids, *states],
        )
        if cursor.rowcount != len(ids):  # the rows are locked (or this is the only writer): never
            raise RuntimeError(f"claimed {cursor.rowcount} of the {len(ids)} deliveries picked")
        missions_of = {pk: str(slug) for pk, _, slug, *_ in picked}
        audit_moved(
            [(pk, state) for pk, state, *_ in picked], Event.CLAIM, actor=SYSTEM, missions=missions_of
        )
    loaded = _snapshot(ids)
    for pk, delivery in loaded.items():
        delivery.mission_slug = missions_of[pk]  # type: ignore[attr-defined]
    return [loaded[pk] for pk in ids if pk in loaded]  # oldest first, as picked; one deleted meanwhile: gone


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
