"""E-mail behind in-app notifications, sent by the task worker so a slow mail server holds nobody up."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import db_task

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def send_notification_email(emails: list[str], text: str, url: str) -> None:
    """E-mail a notification; retried, and its failure logged, never silently dropped."""
    body = f"{text}\n\n{url}\n" if url else f"{text}\n"
    try:
        send_mail(f"[elshi] {text[:80]}", body, settings.DEFAULT_FROM_EMAIL, emails)
    except OSError as exc:
        log.error("could not e-mail %s: %s", ", ".join(emails), exc)
        raise
