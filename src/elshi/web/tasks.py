"""Periodic housekeeping run by the Huey consumer that `elshi up` starts."""

from __future__ import annotations

import logging
from datetime import datetime

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "elshi:worker-heartbeat"


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> str:
    """Lets `elshi check` tell whether the worker is alive."""
    from django.utils import timezone

    stamp = timezone.now().isoformat()
    HUEY.put(HEARTBEAT_KEY, stamp)
    return stamp


def last_heartbeat() -> datetime | None:
    try:
        value = HUEY.get(HEARTBEAT_KEY, peek=True)
    except Exception:  # noqa: BLE001 - an unreachable queue is reported elsewhere
        return None
    return datetime.fromisoformat(value) if value else None


@db_periodic_task(crontab(minute="17", hour="3"))
def verify_audit_chain() -> bool:
    """Nightly walk of the audit chain; a broken chain is logged as an error for the operators."""
    from elshi.audit.log import verify_chain

    report = verify_chain()
    if not report.ok:
        log.error("audit chain broken at event %s: %s", report.broken_at, report.reason)
    return report.ok
