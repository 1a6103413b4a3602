"""Creating deliveries when a post is cleared, and a person's decisions on them. All audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import record
from elshi.content.models import Post
from elshi.missions.permissions import Perm, require
from elshi.publishing.models import NEEDS_A_PERSON, OPEN, Delivery, DeliveryState


def _variant_for(post: Post, channel: Any) -> Any:
    """The variant for the channel's platform, in the channel's language when there is one."""
    variants = [v for v in post.variants.all() if v.platform == channel.platform]
    preferred = [v for v in variants if channel.language and v.language == channel.language]
    chosen = preferred or variants
    return chosen[0] if chosen else None


def _dispatch_after_commit(due_at: Any) -> None:
    from elshi.publishing.tasks import enqueue_dispatch

    transaction.on_commit(lambda: enqueue_dispatch(due_at))


def do_schedule_deliveries(post: Post, *, acting_user: Any) -> list[Delivery]:
    """One delivery per target channel, due at the post's time; queued after commit."""

    if post.scheduled_at is None:
        raise ValueError(f"post {post.pk} has no time")
    made = []
    for channel in post.channels.all():
        delivery, created = Delivery.objects.get_or_create(
            post=post,
            channel=channel,
            defaults={"due_at": post.scheduled_at, "variant": _variant_for(post, channel)},
        )
        if not created and delivery.state in (DeliveryState.CANCELLED, DeliveryState.EXPIRED):
            delivery.state, delivery.due_at = DeliveryState.SCHEDULED, post.scheduled_at
            delivery.variant, delivery.attempts = _variant_for(post, channel), 0
            delivery.save(update_fields=["state", "due_at", "variant", "attempts"])
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


def do_withdraw_deliveries(post: Post, *, acting_user: Any, state: str = DeliveryState.CANCELLED) -> int:
    """The post changed or was cancelled: nothing not yet sent goes out."""
    changed = Delivery.objects.filter(
        post=post, state__in=[DeliveryState.SCHEDULED, DeliveryState.FAILED_RETRYABLE]
    ).update(state=state)
    if changed:
        record(
            acting_user,
            "deliveries.withdraw",
            post,
            mission_slug=post.mission.slug,
            changes={"count": changed, "state": state},
        )
    return changed


def do_reschedule_deliveries(post: Post, *, acting_user: Any) -> int:

    if post.scheduled_at is None:
        raise ValueError(f"post {post.pk} has no time")
    waiting = Delivery.objects.filter(
        post=post, state__in=[DeliveryState.SCHEDULED, DeliveryState.FAILED_RETRYABLE, DeliveryState.EXPIRED]
    )
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(due_at=post.scheduled_at, state=DeliveryState.SCHEDULED)
    if ids:
        _dispatch_after_commit(post.scheduled_at)
    return len(ids)


def check_resolve(acting_user: Any, delivery: Delivery) -> None:
    require(acting_user, Perm.PUBLISH, delivery.post.mission)
    if delivery.state not in NEEDS_A_PERSON:
        raise ValidationError(_("Only an unconfirmed or failed delivery needs a decision."))


def do_mark_published(delivery: Delivery, url: str, *, acting_user: Any) -> Delivery:
    """A person found the post on the platform: record it, never send it again."""
    with transaction.atomic():
        old = delivery.state
        delivery.state, delivery.remote_url, delivery.published_at = (
            DeliveryState.PUBLISHED,
            url,
            timezone.now(),
        )
        delivery.save(update_fields=["state", "remote_url", "published_at"])
        record(
            acting_user,
            "delivery.mark_published",
            delivery.post,
            mission_slug=delivery.post.mission.slug,
            changes={
                "delivery": delivery.pk,
                "channel": str(delivery.channel),
                "state": [old, "published"],
                "url": url,
            },
        )
    return delivery


def do_send_again(delivery: Delivery, *, acting_user: Any) -> Delivery:
    """A person checked the platform and found nothing: send now."""
    from elshi.publishing.tasks import enqueue

    if delivery.post.state != "scheduled":
        raise PermissionDenied(_("The post is no longer scheduled."))
    with transaction.atomic():
        old = delivery.state
        delivery.state, delivery.due_at, delivery.attempts = DeliveryState.SCHEDULED, timezone.now(), 0
        delivery.save(update_fields=["state", "due_at", "attempts"])
        record(
            acting_user,
            "delivery.send_again",
            delivery.post,
            mission_slug=delivery.post.mission.slug,
            changes={"delivery": delivery.pk, "channel": str(delivery.channel), "state": [old, "scheduled"]},
        )
        transaction.on_commit(lambda: enqueue(delivery.pk, delivery.due_at))
    return delivery


def open_deliveries(post: Post) -> int:
    return Delivery.objects.filter(post=post, state__in=OPEN).count()
