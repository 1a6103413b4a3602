"""Creating deliveries when a post is cleared, and a person's decisions on them. All audited: each
delivery's move through :mod:`elshi.publishing.states`, and the post-level summary."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import record
from elshi.content.models import Post, Variant
from elshi.missions.models import Channel
from elshi.missions.permissions import Perm, require
from elshi.publishing.message import cleared_digest
from elshi.publishing.models import NEEDS_A_PERSON, OPEN, Delivery, DeliveryState
from elshi.publishing.states import Actor, Event, transition, transition_many
from elshi.publishing.tasks import enqueue, enqueue_dispatch

# How a withdrawal ends, by the state asked for.
_WITHDRAWN_BY = {DeliveryState.CANCELLED: Event.WITHDRAW, DeliveryState.EXPIRED: Event.EXPIRE}


def _variant_for(post: Post, channel: Channel) -> Variant | None:
    """The variant for the channel's platform, in the channel's language when there is one."""
    variants = [v for v in post.variants.all() if v.platform == channel.platform]
    preferred = [v for v in variants if channel.language and v.language == channel.language]
    chosen = preferred or variants
    return chosen[0] if chosen else None


def _dispatch_after_commit(due_at: dt.datetime) -> None:
    transaction.on_commit(lambda: enqueue_dispatch(due_at))


def do_schedule_deliveries(post: Post, *, acting_user: Actor) -> list[Delivery]:
    """One delivery per target channel, due at the post's time; queued after commit."""
    if post.scheduled_at is None:
        raise ValueError(f"post {post.pk} has no time")
    made = []
    with transaction.atomic():
        for channel in post.channels.all():
            variant = _variant_for(post, channel)
            delivery, created = Delivery.objects.get_or_create(
                post=post,
                channel=channel,
                defaults={
                    "due_at": post.scheduled_at,
                    "variant": variant,
                    "cleared_digest": cleared_digest(variant),
                },
            )
            if not created and delivery.state in (DeliveryState.CANCELLED, DeliveryState.EXPIRED):
                transition(
                    delivery,
                    Event.SCHEDULE,
                    actor=acting_user,
                    due_at=post.scheduled_at,
                    variant=variant,
                    cleared_digest=cleared_digest(variant),
                    attempts=0,
                    unsure_since=None,
                )
            made.append(delivery)
        record(
            acting_user,
            "deliveries.schedule",
            post,
            mission_slug=post.mission.slug,
            changes={"channels": [str(d.channel) for d in made], "due_at": post.scheduled_at.isoformat()},
        )
    if made:
        _dispatch_after_commit(post.scheduled_at)
    return made


def do_withdraw_deliveries(
    post: Post, *, acting_user: Actor, state: DeliveryState = DeliveryState.CANCELLED
) -> int:
    """The post changed or was cancelled: nothing not yet sent goes out."""
    with transaction.atomic():
        moved = transition_many(Delivery.objects.filter(post=post), _WITHDRAWN_BY[state], actor=acting_user)
        if moved:
            record(
                acting_user,
                "deliveries.withdraw",
                post,
                mission_slug=post.mission.slug,
                changes={"count": len(moved), "state": state},
            )
    return len(moved)


def do_reschedule_deliveries(post: Post, *, acting_user: Actor) -> int:
    """The post moved: its deliveries not yet sent (or expired) go at the new time."""
    if post.scheduled_at is None:
        raise ValueError(f"post {post.pk} has no time")
    moved = transition_many(
        Delivery.objects.filter(post=post),
        Event.RESCHEDULE,
        actor=acting_user,
        changes={"due_at": post.scheduled_at.isoformat()},
        due_at=post.scheduled_at,
    )
    if moved:
        _dispatch_after_commit(post.scheduled_at)
    return len(moved)


def _moved_on() -> ValidationError:
    return ValidationError(
        _(
            "This delivery has changed since you looked at it (a second click, or the sender "
            "moved it): nothing was done."
        )
    )


def check_resolve(acting_user: Actor, delivery: Delivery, seen: str | None = None) -> None:
    """A person may decide on a delivery that needs one, and only on what they saw: ``seen`` is the
    ``decision_token`` their page showed (None: the state it is loaded in)."""
    require(acting_user, Perm.PUBLISH, delivery.post.mission)
    if seen is not None and seen != delivery.decision_token:
        raise _moved_on()
    if delivery.state not in NEEDS_A_PERSON:
        raise ValidationError(_("Only an unconfirmed or failed delivery needs a decision."))


def _as_seen(delivery: Delivery) -> dict[str, object]:
    """The UPDATE's condition: still in the state, and the last error, that the person decided on."""
    return {"last_error_at": delivery.last_error_at}


def do_mark_published(delivery: Delivery, url: str, *, acting_user: Actor) -> Delivery:
    """A person found the post on the platform: record it, never send it again. Conditional on the
    delivery being as loaded (checked against what the person saw by ``check_resolve``)."""
    moved = transition(
        delivery,
        Event.MARK_PUBLISHED,
        actor=acting_user,
        changes={"post": delivery.post_id, "channel": str(delivery.channel), "url": url},
        where=_as_seen(delivery),
        remote_url=url,
        published_at=timezone.now(),
    )
    if not moved:
        raise _moved_on()
    return delivery


def do_send_again(delivery: Delivery, *, acting_user: Actor) -> Delivery:
    """A person checked the platform and found nothing: send now, once however often they click
    (conditional, like ``do_mark_published``). The person has looked, so any earlier attempt's
    deduplication window no longer matters."""
    if delivery.post.state != "scheduled":
        raise PermissionDenied(_("The post is no longer scheduled."))
    with transaction.atomic():
        sent_again = transition(
            delivery,
            Event.SEND_AGAIN,
            actor=acting_user,
            changes={"post": delivery.post_id, "channel": str(delivery.channel)},
            where=_as_seen(delivery),
            due_at=timezone.now(),
            attempts=0,
            unsure_since=None,
        )
        if not sent_again:
            raise _moved_on()
        transaction.on_commit(lambda: enqueue(delivery.pk, delivery.due_at))
    return delivery


def open_deliveries(post: Post) -> int:
    return Delivery.objects.filter(post=post, state__in=OPEN).count()
