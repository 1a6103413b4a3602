"""Rate limits that hold under concurrency on every database and with every cache backend.

A counter per key and fixed window lives in the database, and a request takes a slot with one
conditional UPDATE (``count < limit``) whose row count says whether it won: two requests at once
can never both take the last slot. The cache was not used because Django's file-based cache
implements ``incr`` as a read followed by a write, which loses counts under load.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from elshi.missions.models import RateCounter

__all__ = ["take"]


def take(key: str, limit: int, window: timedelta, *, now: datetime | None = None) -> bool:
    """Count one event under ``key``; False (and nothing counted) once ``limit`` is reached in this window."""
    now = now or timezone.now()
    seconds = int(window.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    bucket = f"{key}:{start}"[:200]
    expires = datetime.fromtimestamp(start + seconds, tz=UTC)
    with transaction.atomic():
        _counter, created = RateCounter.objects.get_or_create(key=bucket, defaults={"expires_at": expires})
        if created:  # a new window began somewhere: sweep the ones that ended
            RateCounter.objects.filter(expires_at__lt=now).delete()
        won = RateCounter.objects.filter(key=bucket, count__lt=limit).update(count=F("count") + 1)
    return won == 1
