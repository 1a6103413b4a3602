"""Huey tasks: registration e-mails (queued after commit) and the deletion of registrants' personal data."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


class EmailNotSent(RuntimeError):
    """Raised so that Huey retries; the error itself is already kept on the registration."""


RETRIES = 2


@db_task(retries=RETRIES, retry_delay=300, context=True)
def send_registration_email(registration_id: int, site_url: str = "", task: Any = None) -> None:
    """Confirmation, waiting-list note or promotion, whichever the registration's state calls for now.

    A retry sends only while the failure is still pending: if an editor's "send again" got the
    e-mail out in the meantime, the retry does nothing (no second copy).
    """
    # invites.py and actions.py enqueue these tasks, so each task reaches back only when it runs.
    from elshi.engagements.invites import deliver

    retry = task is not None and task.retries < RETRIES
    if not deliver(registration_id, site_url, only_if_failed=retry):
        raise EmailNotSent(f"registration {registration_id}: e-mail not sent (kept on the registration)")


@db_periodic_task(crontab(minute="40", hour="*"))
def purge_personal_data() -> int:
    """Hourly; audited with counts only (see actions.do_purge_expired)."""
    # actions.py enqueues the e-mail task above: importing it at the top would be a cycle.
    from elshi.engagements.actions import do_purge_expired

    return do_purge_expired()
