"""Leases on claimed deliveries: who is sending one, and a heartbeat that says they still are.

A claim writes ``lease_owner`` (this process: host, pid and a random part, so a recycled pid on
another host or after a restart is never mistaken for the old one) and ``lease_until``. While any
send of this process runs, one heartbeat thread extends every lease the process holds in a single
UPDATE every third of the lease, so hundreds of sends cost one statement, not hundreds. The sweep
takes over a delivery only once its lease has run out: a slow video upload keeps its lease, a dead
worker's lapses within ``ELSHI_PUBLISH_LEASE_SECONDS``.

Every final write of a sender is conditional on ``lease_owner`` and ``attempts`` (the claim's
fencing token: each claim adds one) still being the ones it claimed with, so a worker whose lease
was taken over can never overwrite what the sweep or the next attempt decided.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from elshi.publishing.models import Delivery, DeliveryState

__all__ = ["Heartbeat", "heartbeat", "lease_length", "lease_until", "worker_id"]

log = logging.getLogger(__name__)
_ids: dict[int, str] = {}


def worker_id() -> str:
    """This process as a lease owner (computed again in a child process, which has its own pid)."""
    pid = os.getpid()
    if pid not in _ids:
        _ids[pid] = f"{socket.gethostname()[:60]}:{pid}:{uuid.uuid4().hex[:12]}"
    return _ids[pid]


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, int(getattr(settings, "ELSHI_PUBLISH_LEASE_SECONDS", 60))))


def lease_until(now: dt.datetime) -> dt.datetime:
    return now + lease_length()


def _interval() -> float:
    """Seconds between beats: three to a lease."""
    return lease_length().total_seconds() / 3


class Heartbeat:
    """The held leases of this process and the thread that extends them; it runs only while at
    least one send is held, and stops by itself when none is."""

    def __init__(self) -> None:
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._interval = float("inf")  # what the beat is waiting out, seconds

    def hold(self, ids: list[int]) -> None:
        # A new claim's lease is fresh: the next beat, a third of a lease away at most, extends it.
        # The beat is woken only when leases got shorter than the one it is waiting out; waking it
        # for every send made one UPDATE of every held lease per send started, back to back
        # (measured: the write lock's busiest user in the benchmark).
        with self._lock:
            self._held.update(ids)
            if _interval() < self._interval:
                self._wake.notify()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="elshi-lease", daemon=True)
                self._thread.start()

    def release(self, delivery_id: int) -> None:
        with self._lock:
            self._held.discard(delivery_id)

    def held(self) -> set[int]:
        with self._lock:
            return set(self._held)

    def beat(self) -> int:
        """Extend every lease this process holds now; how many rows were extended."""
        ids = sorted(self.held())
        extended = 0
        until = lease_until(timezone.now())
        for start in range(0, len(ids), 500):  # SQLite allows a limited number of parameters
            extended += Delivery.objects.filter(
                pk__in=ids[start : start + 500], state=DeliveryState.PUBLISHING, lease_owner=worker_id()
            ).update(lease_until=until)
        return extended

    def _run(self) -> None:
        try:
            last = time.monotonic()
            while True:
                with self._lock:
                    if not self._held:
                        self._thread = None
                        return
                    self._interval = _interval()
                    wait = last + self._interval - time.monotonic()
                    if wait > 0:
                        self._wake.wait(wait)
                        continue  # the time has come, or leases got shorter: look again
                last = time.monotonic()
                try:
                    self.beat()
                except Exception:  # noqa: BLE001 - try again next beat; the lease has two more in hand
                    log.exception("could not extend the leases of %d deliveries", len(self.held()))
                    close_old_connections()
        finally:
            connection.close()


heartbeat = Heartbeat()
