"""Notify people in the app and by e-mail, after the surrounding transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from elshi.web.models import Notification

log = logging.getLogger(__name__)


def notify(users: Iterable[Any], kind: str, text: str, url: str = "") -> None:
    recipients = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, text=text[:300], url=url) for u in recipients]
    )
    emails = sorted({u.email for u in recipients if u.email})
    if emails:
        transaction.on_commit(lambda: _send(emails, text, url))


def _send(emails: list[str], text: str, url: str) -> None:
    from elshi.web.tasks import send_notification_email

    send_notification_email(emails, text, url)


def send_now(emails: list[str], text: str, url: str) -> None:
    body = f"{text}\n\n{url}\n" if url else f"{text}\n"
    try:
        send_mail(f"[elshi] {text[:80]}", body, settings.DEFAULT_FROM_EMAIL, emails)
    except OSError as exc:
        log.error("could not e-mail %s: %s", ", ".join(emails), exc)
        raise
