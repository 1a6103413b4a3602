"""The delivery state machine (DESIGN §5), as one table: (state, event) -> next state.

Every change of ``Delivery.state`` goes through this module and leaves an audit event
``delivery.<event>`` with ``{"state": [from, to]}``: by the person who decided, or by "system" for
what the sender, the sweep and expiry decide on their own. A post's own states (draft,
in_clearance) come before any delivery exists: a delivery is made ``scheduled`` when its post is
cleared.

Three ways in, one table behind them:

- :func:`transition`: one delivery, one conditional UPDATE (``WHERE state = <from>``), so a decision
  taken meanwhile by someone else is never overwritten (False: the other one won).
- :func:`transition_many`: a set of deliveries (a post's), one UPDATE per from-state.
- :func:`allowed_from` + :func:`audit_moved`: the senders' hot path (the claim, the group commit),
  which writes its own set-based SQL restricted to the table's from-states and audits what moved in
  bulk, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Expression, F, QuerySet

from elshi.audit.log import Entry, record_many
from elshi.common.actors import Actor
from elshi.publishing.models import Delivery, DeliveryState

__all__ = [
    "SYSTEM",
    "TRANSITIONS",
    "Actor",
    "Event",
    "TransitionNotAllowed",
    "allowed_from",
    "audit_moved",
    "target",
    "transition",
    "transition_many",
]

# Who moved a delivery: a person, or None for the system (sender, sweep, expiry), which the audit
# log records as "system".
SYSTEM: Actor = None

S = DeliveryState


class Event(StrEnum):
    """What happened to a delivery. The value names its audit action: ``delivery.<value>``."""

    CLAIM = "claim"  # a sender took it at its time
    CONFIRM = "confirm"  # the platform confirmed the post
    CONFIRM_LATE = "confirm_late"  # confirmed to a sender whose lease was taken over: a person checks
    RETRY = "retry"  # certainly not sent (or re-sending is deduplicated): again after a backoff
    HOLD = "hold"  # the channel's rate limit is used up: back until the reset, not an attempt
    GIVE_UP = "give_up"  # refused for good, or too many attempts
    LOSE_TRACK = "lose_track"  # outcome unknown (timeout or crash after sending): a person checks
    MISS_SLOT = "miss_slot"  # first attempt later than the grace period: asks for a new time
    DROP = "drop"  # the post stopped being scheduled while the delivery was being sent
    WITHDRAW = "withdraw"  # the post was changed or cancelled before sending
    EXPIRE = "expire"  # withdrawn because its slot has passed
    SCHEDULE = "schedule"  # the post was cleared again: a cancelled or expired delivery goes again
    RESCHEDULE = "reschedule"  # the post moved to another time
    MARK_PUBLISHED = "mark_published"  # a person found it on the platform
    SEND_AGAIN = "send_again"  # a person found nothing on the platform
    RESTORE_HOLD = "restore_hold"  # a backup was restored: it may have gone out since, a person checks
    AWAIT_PLATFORM = "await_platform"  # the platform took it and is still processing it (TikTok)


TRANSITIONS: dict[tuple[DeliveryState, Event], DeliveryState] = {
    (S.SCHEDULED, Event.CLAIM): S.PUBLISHING,
    (S.FAILED_RETRYABLE, Event.CLAIM): S.PUBLISHING,
    (S.PUBLISHING, Event.CONFIRM): S.PUBLISHED,
    # The sweep had already settled it (unconfirmed, or a deduplicated re-send pending): the link is
    # kept for the person who checks, and nothing is re-sent blind.
    (S.UNCONFIRMED, Event.CONFIRM_LATE): S.UNCONFIRMED,
    (S.FAILED_RETRYABLE, Event.CONFIRM_LATE): S.UNCONFIRMED,
    (S.PUBLISHING, Event.RETRY): S.FAILED_RETRYABLE,
    (S.PUBLISHING, Event.HOLD): S.SCHEDULED,
    (S.PUBLISHING, Event.GIVE_UP): S.FAILED_PERMANENT,
    (S.PUBLISHING, Event.LOSE_TRACK): S.UNCONFIRMED,
    (S.PUBLISHING, Event.MISS_SLOT): S.EXPIRED,
    (S.PUBLISHING, Event.DROP): S.CANCELLED,
    (S.SCHEDULED, Event.WITHDRAW): S.CANCELLED,
    (S.FAILED_RETRYABLE, Event.WITHDRAW): S.CANCELLED,
    (S.SCHEDULED, Event.EXPIRE): S.EXPIRED,
    (S.FAILED_RETRYABLE, Event.EXPIRE): S.EXPIRED,
    (S.CANCELLED, Event.SCHEDULE): S.SCHEDULED,
    (S.EXPIRED, Event.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, Event.RESCHEDULE): S.SCHEDULED,
    (S.FAILED_RETRYABLE, Event.RESCHEDULE): S.SCHEDULED,
    (S.EXPIRED, Event.RESCHEDULE): S.SCHEDULED,
    (S.UNCONFIRMED, Event.MARK_PUBLISHED): S.PUBLISHED,
    (S.FAILED_PERMANENT, Event.MARK_PUBLISHED): S.PUBLISHED,
    (S.UNCONFIRMED, Event.SEND_AGAIN): S.SCHEDULED,
    (S.FAILED_PERMANENT, Event.SEND_AGAIN): S.SCHEDULED,
    (S.SCHEDULED, Event.RESTORE_HOLD): S.UNCONFIRMED,
    (S.FAILED_RETRYABLE, Event.RESTORE_HOLD): S.UNCONFIRMED,
    (S.PUBLISHING, Event.RESTORE_HOLD): S.UNCONFIRMED,
    # Still 'publishing', its lease handed from the sender to the platform (publishing.pending).
    (S.PUBLISHING, Event.AWAIT_PLATFORM): S.PUBLISHING,
}


class TransitionNotAllowed(ValueError):
    """The table has no such move: a bug in the caller, never a race (a race is a False return)."""

    def __init__(self, state: str, event: Event) -> None:
        allowed = ", ".join(allowed_from(event))
        super().__init__(f"a {state} delivery cannot {event} (only from: {allowed})")
        self.state, self.event = state, event


def allowed_from(event: Event) -> tuple[DeliveryState, ...]:
    """The states ``event`` may move a delivery out of, in the table's order."""
    return tuple(state for state, each in TRANSITIONS if each is event)


def target(state: str, event: Event) -> DeliveryState:
    """Where ``event`` takes a delivery in ``state``; raises TransitionNotAllowed if nowhere."""
    try:
        return TRANSITIONS[(DeliveryState(state), event)]
    except (KeyError, ValueError):
        raise TransitionNotAllowed(state, event) from None


def transition(
    delivery: Delivery,
    event: Event,
    *,
    actor: Actor,
    from_state: str | None = None,
    changes: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Move one delivery by ``event`` if it is still in ``from_state`` (default: the state it was
    loaded in) and matches ``where`` (a sender's lease, what a person saw), setting ``fields`` too,
    and audit it in the same transaction. False when it had already moved on (another worker, the
    sweep or a person decided first): nothing is written.
    The instance is updated to match on success (field expressions such as ``F()`` excepted)."""
    source = from_state or delivery.state
    to = target(source, event)
    with transaction.atomic():
        rows = Delivery.objects.filter(pk=delivery.pk, state=source, **(where or {}))
        moved = rows.update(state=to, **fields) == 1
        if moved:
            audit_moved([(delivery.pk, source)], event, actor=actor, changes=changes)
    if moved:
        delivery.state = to
        for name, value in fields.items():
            if not isinstance(value, Expression | F):
                setattr(delivery, name, value)
    return moved


def transition_many(
    deliveries: QuerySet[Delivery],
    event: Event,
    *,
    actor: Actor,
    changes: dict[str, Any] | None = None,
    **fields: Any,
) -> list[int]:
    """Move every delivery of ``deliveries`` that ``event`` may move (the others are left alone),
    one UPDATE per from-state, audited together; the ids moved."""
    with transaction.atomic():
        rows = list(
            deliveries.filter(state__in=allowed_from(event))
            .select_for_update(of=("self",))
            .values_list("pk", "state")
        )
        by_state: dict[str, list[int]] = {}
        for pk, state in rows:
            by_state.setdefault(state, []).append(pk)
        moved: list[tuple[int, str]] = []
        for state, ids in by_state.items():
            Delivery.objects.filter(pk__in=ids, state=state).update(state=target(state, event), **fields)
            moved += [(pk, state) for pk in ids]
        audit_moved(moved, event, actor=actor, changes=changes)
    return [pk for pk, _ in moved]


def audit_moved(
    moved: Sequence[tuple[int, str]],
    event: Event,
    *,
    actor: Actor = SYSTEM,
    changes: dict[str, Any] | None = None,
    extra: Iterable[dict[str, Any]] | None = None,
    missions: dict[int, str] | None = None,
) -> int:
    """Audit deliveries that ``event`` moved, given as (id, the state they left): one event each,
    appended in bulk inside the caller's transaction. ``changes`` is shared by all; ``extra`` (one
    per delivery, in order) adds each one's own details. Missions (slug by delivery id) are read in
    one query unless the caller already has them (the claim reads them with its snapshot)."""
    if not moved:
        return 0
    if missions is None or any(pk not in missions for pk, _ in moved):
        missions = dict(
            Delivery.objects.filter(pk__in=[pk for pk, _ in moved]).values_list(
                "pk", "channel__mission__slug"
            )
        )
    details = list(extra) if extra is not None else [{} for _ in moved]
    entries = [
        Entry(
            action=f"delivery.{event}",
            object_type=Delivery._meta.label_lower,
            object_id=str(pk),
            object_repr=f"delivery {pk}",
            mission_slug=missions.get(pk, ""),
            changes={"state": [str(state), str(target(state, event))], **(changes or {}), **own},
        )
        for (pk, state), own in zip(moved, details, strict=True)
    ]
    return record_many(actor, entries)
