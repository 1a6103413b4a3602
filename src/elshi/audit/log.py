"""Writing the audit chain. Every ``actions.py`` ``do_*`` function calls ``record``; verifying is in
``elshi.audit.verify`` (re-exported here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
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
    the rows go in a few INSERTs, for writers that move thousands of rows at once (the senders). Each
    event links to the one before it exactly as ``record`` one at a time would, so the chain verifies
    the same; inserted in order, so ids follow the chain."""
    if not entries:
        return 0
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (user.get_username() if user is not None else "system")
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        key = _key_for(head)
        at, prev = timezone.now(), head.last_hash
        events = []
        for entry in entries:
            event = AuditEvent(
                at=at,
                actor=user,
                actor_label=label,
                actor_ref=_actor_ref(user),
                action=entry.action,
                object_type=entry.object_type,
                object_id=entry.object_id,
                object_repr=entry.object_repr[:200],
                mission_slug=entry.mission_slug,
                changes=entry.changes,
                prev_hash=prev,
            )
            event.hash = prev = event.compute_hash(key)
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_hash = prev
        head.count += len(events)
        head.save(update_fields=["last_hash", "count"])
    return len(events)
