"""Writing the audit chain. Every ``actions.py`` ``do_*`` function calls ``record``; verifying is in
``elshi.audit.verify`` (re-exported here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from elshi.audit.models import AuditEvent, AuditHead
from elshi.audit.verify import ChainReport, verify_chain
from elshi.common.actors import Actor, person_or_none
from elshi.common.crypto import audit_key

__all__ = ["ChainReport", "Entry", "operator_label", "record", "record_many", "verify_chain"]


def _key_for(head: AuditHead) -> bytes:
    # A key may be generated only while no event was ever keyed: after that a missing key must stop
    # the writer (AuditKeyMissing) rather than start a second chain that nothing could verify.
    return audit_key(create=head.count <= head.legacy_count)


def _actor_ref(user: Any) -> str:
    return str(user.pk) if user is not None else ""


def operator_label(acting_user: Actor) -> str | None:
    """The actor label for an action with no person behind it: the operator at the command line."""
    return None if acting_user is not None else "cli"


def record(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    *,
    mission_slug: str = "",
    changes: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    user = person_or_none(actor)
    label = actor_label or (user.get_username() if user is not None else "system")
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        key = _key_for(head)
        event = AuditEvent(
            at=timezone.now(),
            actor=user,
            actor_label=label,
            actor_ref=_actor_ref(user),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            mission_slug=mission_slug,
            changes=changes or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash(key)
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


@dataclass(frozen=True)
class Entry:
    """One event for :func:`record_many`; ``changes`` must hold JSON values only (it is hashed as
    written and again as read back)."""

    action: str
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    mission_slug: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


def record_many(actor: Any, entries: Sequence[Entry], *, actor_label: str | None = None) -> int:
    """Append many events by one actor, inside the caller's transaction: the head is locked once and
    the rows go in a few multi-row INSERTs, for writers that move thousands of rows at once (the senders).
    Each event links to the one before it exactly as ``record`` one at a time would, so the chain
    verifies the same; inserted in order, so ids follow the chain."""
    if not entries:
        return 0
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (user.get_username() if user is not None else "system")
    # No savepoint: two more statements under the caller's write lock, and a failed append must
    # roll the caller's change back with it anyway (a move without its audit event never commits).
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        key = _key_for(head)
        at, prev = timezone.now(), head.last_hash
        # One instance reused for hashing, one plain row per event: the senders' hot path, where
        # building a model per row and the ORM's INSERT compiler cost more than the HMAC chain.
        probe = AuditEvent(at=at, actor_label=label, actor_ref=_actor_ref(user))
        ops = connection.ops
        stamp, user_id = ops.adapt_datetimefield_value(at), user.pk if user is not None else None
        rows = []
        for entry in entries:
            probe.action, probe.object_type = entry.action, entry.object_type
            probe.object_id, probe.object_repr = entry.object_id, entry.object_repr[:200]
            probe.mission_slug, probe.changes, probe.prev_hash = entry.mission_slug, entry.changes, prev
            digest = probe.compute_hash(key)
            rows.append(
                (
                    stamp,
                    user_id,
                    label,
                    probe.actor_ref,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    probe.object_repr,
                    entry.mission_slug,
                    ops.adapt_json_value(entry.changes, None),
                    prev,
                    digest,
                )
            )
            prev = digest
        # Multi-row INSERTs, no RETURNING: on SQLite each statement is then one step of the engine
        # while the caller holds the only write lock (each row of an executemany, or each id that
        # bulk_create reads back, is one more step, and each step gives up the GIL).
        per = max(1, min(500, (connection.features.max_query_params or 6000) // len(_COLUMNS)))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                cursor.execute(_insert_sql(len(chunk)), [value for row in chunk for value in row])
            cursor.execute(
                f"UPDATE {_name(AuditHead)} SET last_hash = %s, count = count + %s WHERE id = %s",  # noqa: S608
                [prev, len(rows), head.pk],
            )
    return len(rows)


_COLUMNS = (
    "at",
    "actor",
    "actor_label",
    "actor_ref",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "mission_slug",
    "changes",
    "prev_hash",
    "hash",
)


def _name(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_sql(count: int) -> str:
    quote = connection.ops.quote_name
    column = {field.name: str(field.column) for field in AuditEvent._meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in _COLUMNS)
    marks = ", ".join([f"({', '.join(['%s'] * len(_COLUMNS))})"] * count)
    return f"INSERT INTO {_name(AuditEvent)} ({columns}) VALUES {marks}"  # noqa: S608 - names only


def _locked_head() -> AuditHead:
    """The head row, locked until the caller's transaction ends (PostgreSQL: FOR UPDATE; SQLite:
    the transaction is the only writer from its start); made on the first event ever."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head
