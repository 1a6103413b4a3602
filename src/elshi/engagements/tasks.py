"""Huey tasks: delete registrants' personal data once each engagement's retention period is over."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="40", hour="*"))
def purge_personal_data() -> int:
    """Hourly; audited with counts only (see actions.do_purge_expired)."""
    from elshi.engagements.actions import do_purge_expired

    return do_purge_expired()
