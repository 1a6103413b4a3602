"""What the senders do while they hold the database's write lock (SQLite has one for the whole file):
as little as can be, in as few transactions as can be. Every sender process waits its turn for that
lock, so each statement or row fetched inside it, and each extra transaction, slows every sender."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from elshi.audit.log import Entry, record_many, verify_chain
from elshi.audit.models import AuditEvent
from elshi.connectors.bench import LoopbackPlatform
from elshi.publishing import confirming, dispatcher
from elshi.publishing.claiming import claim_batch
from elshi.publishing.confirming import Recorder
from elshi.publishing.models import Delivery, DeliveryState

from ..queries import capture_queries
from .test_dispatch import _deliveries


def _inside_transactions(run: Any) -> list[tuple[str, bool]]:
    """(sql, executemany?) of every statement ``run`` sends inside a transaction."""
    seen: list[tuple[str, bool]] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if connection.in_atomic_block:
            seen.append((sql, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        run()
    return seen


@pytest.mark.django_db(transaction=True)
def test_claim_and_group_commit_hold_the_lock_for_single_step_statements(
    missions: dict[str, Any], people: dict[str, Any]
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite steps: one per row fetched or per executemany row")
    made = _deliveries(missions, people, "http://127.0.0.1:9", due=6, later=0)
    now = timezone.now()
    claimed: list[Delivery] = []
    claims = _inside_transactions(lambda: claimed.extend(claim_batch(now, 10)))
    assert [d.pk for d in claimed] == [d.pk for d in sorted(made, key=lambda d: (d.due_at, d.pk))]

    def confirm() -> None:
        confirming._confirm([confirming.confirmed(d, f"r-{d.pk}", "", now) for d in claimed])

    confirms = _inside_transactions(confirm)
    # No row read back one by one (RETURNING, a plain multi-row SELECT), no executemany, and the
    # snapshot of what is sent read after the commit, outside the lock.
    for sql, many in claims + confirms:
        assert not many and "RETURNING" not in sql.upper() and "content_variant" not in sql, sql
    assert len(claims) <= 6 and len(confirms) <= 6, "\n".join(sql[:60] for sql, _ in claims + confirms)
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.PUBLISHED}
    assert AuditEvent.objects.filter(action="delivery.claim").count() == 6
    assert AuditEvent.objects.filter(action="delivery.confirm").count() == 6
    assert verify_chain().ok


def test_bulk_audit_writes_rows_without_reading_them_back(db: Any) -> None:
    with capture_queries() as queries:
        assert record_many(None, [Entry(action="test.bulk", object_id=str(n)) for n in range(200)]) == 200
    inserts = [sql for sql in queries.sql if sql.startswith('INSERT INTO "audit_auditevent"')]
    assert inserts and all("RETURNING" not in sql.upper() for sql in inserts)
    assert len(inserts) <= 3  # multi-row INSERTs within the database's parameter limit
    ids = list(
        AuditEvent.objects.filter(action="test.bulk").order_by("id").values_list("object_id", flat=True)
    )
    assert ids == [str(n) for n in range(200)]  # in the chain's order
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_confirmations_handed_over_together_are_stored_in_one_transaction(
    missions: dict[str, Any], people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _deliveries(missions, people, "http://127.0.0.1:9", due=3, later=0)
    now = timezone.now()
    claimed = claim_batch(now, 10)
    writes: list[int] = []
    store = confirming._confirm
    monkeypatch.setattr(confirming, "_confirm", lambda rows: writes.append(len(rows)) or store(rows))
    recorder = Recorder()
    for delivery in claimed:  # three senders finishing a few milliseconds apart
        recorder(delivery, f"r-{delivery.pk}", "", now)
        time.sleep(0.005)
    recorder.close()
    assert writes == [3]
    assert Counter(Delivery.objects.values_list("state", flat=True)) == Counter({DeliveryState.PUBLISHED: 3})


@pytest.mark.django_db(transaction=True)
def test_preparing_builds_one_publisher_per_channel_and_stops_at_the_first_time(
    missions: dict[str, Any], people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.ELSHI_PUBLISH_CONCURRENCY = 2
    dispatcher._pool = None
    built: list[int] = []
    make = dispatcher.publisher_for
    monkeypatch.setattr(
        dispatcher, "publisher_for", lambda channel, http: built.append(channel.pk) or make(channel, http)
    )
    try:
        with LoopbackPlatform(latency_s=0.0) as platform:
            made = _deliveries(missions, people, platform.url, due=0, later=6)  # 6 deliveries, 3 channels
            horizon = max(d.due_at for d in made)
            assert dispatcher._prepare(horizon, until=timezone.now() + dt.timedelta(minutes=1)) == 3
            assert sorted(built) == sorted({d.channel_id for d in made})
            built.clear()
            # Their time has come: nothing more is prepared, sending goes first.
            assert dispatcher._prepare(horizon, until=timezone.now()) == 0 and built == []
    finally:
        dispatcher._pool = None
