"""The worker's heartbeat, which `elshi check` reads to tell whether the worker is alive."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

HEARTBEAT_KEY = "elshi:worker-heartbeat"


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> str:
    """Lets `elshi check` tell whether the worker is alive."""
    stamp = timezone.now().isoformat()
    HUEY.put(HEARTBEAT_KEY, stamp)
    return stamp


def last_heartbeat() -> datetime | None:
    try:
        value = HUEY.get(HEARTBEAT_KEY, peek=True)
    except Exception:  # noqa: BLE001 - an unreachable queue is reported elsewhere
        return None
    return datetime.fromisoformat(value) if value else None
