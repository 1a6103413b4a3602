"""Writing and verifying the audit chain. Every ``actions.py`` ``do_*`` function calls ``record``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.models import GENESIS, AuditEvent, AuditHead
from elshi.common.actors import Actor, person_or_none

__all__ = ["ChainReport", "operator_label", "record", "verify_chain"]


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
        event = AuditEvent(
            at=timezone.now(),
            actor=user,
            actor_label=label,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            mission_slug=mission_slug,
            changes=changes or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)


def verify_chain(progress: Any = None) -> ChainReport:
    """Walk the chain from the first event; report the first broken link."""
    expected_prev = GENESIS
    checked = 0
    for event in _events():
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                event.pk,
                _("previous hash does not match: an event before it was changed or deleted"),
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                False, checked, event.pk, _("contents do not match its hash: this event was changed")
            )
        expected_prev = event.hash
        checked += 1
        if progress is not None:
            progress(1)
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_prev or head.count != checked):
        return ChainReport(
            False,
            checked,
            None,
            _("the chain ends early: %(written)s events were written, %(left)s remain")
            % {"written": head.count, "left": checked},
        )
    return ChainReport(True, checked)
