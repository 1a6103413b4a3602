"""Deliveries follow their post: receivers of ``elshi.content.signals``, connected in ``apps.ready``."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from elshi.content.models import Post
from elshi.content.signals import post_cleared, post_rescheduled, post_withdrawn
from elshi.publishing.actions import (
    do_reschedule_deliveries,
    do_schedule_deliveries,
    do_withdraw_deliveries,
)


@receiver(post_cleared, sender=Post, dispatch_uid="publishing.schedule")
def schedule(sender: type[Post], *, post: Post, acting_user: Any, **_: Any) -> None:
    do_schedule_deliveries(post, acting_user=acting_user)


@receiver(post_rescheduled, sender=Post, dispatch_uid="publishing.reschedule")
def reschedule(sender: type[Post], *, post: Post, acting_user: Any, **_: Any) -> None:
    if not do_reschedule_deliveries(post, acting_user=acting_user) and not post.deliveries.exists():
        do_schedule_deliveries(post, acting_user=acting_user)  # cleared late: none were made yet


@receiver(post_withdrawn, sender=Post, dispatch_uid="publishing.withdraw")
def withdraw(sender: type[Post], *, post: Post, acting_user: Any, **_: Any) -> None:
    do_withdraw_deliveries(post, acting_user=acting_user)
