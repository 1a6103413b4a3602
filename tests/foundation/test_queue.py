"""Tasks travel through the configured Huey storage (SQLite file, or Redis when REDIS_URL is set)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from elshi.web import tasks


def test_queue_backend_follows_settings() -> None:
    expected = "RedisHuey" if os.environ.get("REDIS_URL") else "SqliteHuey"
    assert type(HUEY).__name__ == expected
    assert HUEY.immediate is False


def test_task_round_trips_through_real_storage(db: Any) -> None:
    HUEY.flush()
    before = timezone.now()
    tasks.heartbeat()
    assert len(HUEY) == 1  # enqueued in the real storage, not run inline
    assert tasks.last_heartbeat() is None or tasks.last_heartbeat() < before
    HUEY.execute(HUEY.dequeue())
    beat = tasks.last_heartbeat()
    assert beat is not None and beat >= before
    assert settings.HUEY["name"] == "elshi"


def test_redis_pool_fits_every_worker_thread() -> None:
    """Many consumer threads need one Redis connection each (the default pool ran out)."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("Huey is on SQLite in this run (REDIS_URL unset)")
    pool = HUEY.storage.pool
    assert pool.max_connections >= settings.HUEY["consumer"]["workers"] * 2
