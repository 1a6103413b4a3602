"""Notify people in the app and by e-mail, after the surrounding transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from elshi.missions.models import Notification
from elshi.missions.tasks import send_notification_email

__all__ = ["notify"]


def notify(users: Iterable[Any], kind: str, text: str, url: str = "") -> None:
    recipients = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, text=text[:300], url=url) for u in recipients]
    )
    emails = sorted({u.email for u in recipients if u.email})
    if emails:
        transaction.on_commit(lambda: send_notification_email(emails, text, url))
