"""The dispatcher: every due delivery sent once, many at a time, claimed in bounded batches."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from elshi.connectors import Token
from elshi.connectors.bench import LoopbackPlatform
from elshi.content.models import Post, PostState, Variant
from elshi.missions.models import Channel
from elshi.publishing import claiming, confirming, dispatcher
from elshi.publishing.accounts import set_credentials
from elshi.publishing.models import Delivery, DeliveryState


@pytest.fixture
def senders(settings: Any) -> Iterator[Callable[[int], None]]:
    """Size the sending pool for a test (it is built once per process, at the configured width)."""

    def width(n: int) -> None:
        settings.ELSHI_PUBLISH_CONCURRENCY = n
        dispatcher._pool = None

    yield width
    dispatcher._pool = None


def _deliveries(
    missions: dict[str, Any], people: dict[str, Any], url: str, due: int, later: int
) -> list[Delivery]:
    channels = []
    for i in range(3):
        channel = Channel(
            mission=missions["berlin"],
            platform="mastodon",
            handle=f"@c{i}",
            status="ok",
            settings={"base_url": url},
        )
        set_credentials(channel, token=Token(access_token=f"channel-{i}"))
        channel.save()
        channels.append(channel)
    now = timezone.now()
    made = []
    for n in range(due + later):
        when = now - dt.timedelta(seconds=1) if n < due else now + dt.timedelta(hours=1)
        post = Post.objects.create(
            mission=missions["berlin"],
            title=f"p{n}",
            created_by=people["author"],
            state=PostState.SCHEDULED,
            scheduled_at=when,
        )
        variant = Variant.objects.create(post=post, platform="mastodon", language="en", text=f"Post {n}")
        made.append(Delivery.objects.create(post=post, channel=channels[n % 3], variant=variant, due_at=when))
    return made


@pytest.mark.django_db(transaction=True)
def test_every_due_delivery_goes_out_once_and_nothing_early(
    missions: dict[str, Any], people: dict[str, Any], senders: Any
) -> None:
    senders(4)
    with LoopbackPlatform(latency_s=0.05) as platform:
        made = _deliveries(missions, people, platform.url, due=12, later=3)
        outcomes = dispatcher.dispatch()
        assert outcomes == Counter({DeliveryState.PUBLISHED: 12})
        assert sorted(platform.received_keys().values()) == [1] * 12
        assert platform.requests == 12
    states = Counter(Delivery.objects.values_list("state", flat=True))
    assert states == Counter({DeliveryState.PUBLISHED: 12, DeliveryState.SCHEDULED: 3})
    published = Delivery.objects.get(pk=made[0].pk)
    assert published.remote_id and published.remote_url.startswith(platform.url) and published.attempts == 1
    assert published.next_metrics_at is not None and published.published_at is not None


@pytest.mark.django_db(transaction=True)
def test_claims_are_bounded_and_disjoint(missions: dict[str, Any], people: dict[str, Any]) -> None:
    _deliveries(missions, people, "http://127.0.0.1:9", due=10, later=2)
    now = timezone.now()
    first = claiming.claim_due(now, 4)
    second = claiming.claim_due(now, 100)
    assert len(first) == 4 and len(second) == 6 and not set(first) & set(second)
    assert claiming.claim_due(now, 100) == []
    assert Delivery.objects.filter(state=DeliveryState.PUBLISHING, attempts=1).count() == 10


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_still_send_each_delivery_once(
    missions: dict[str, Any], people: dict[str, Any], senders: Any
) -> None:
    senders(3)
    with LoopbackPlatform(latency_s=0.02) as platform:
        _deliveries(missions, people, platform.url, due=15, later=0)
        results: list[Counter[str]] = []
        # Bypass the per-process lock: two machines' dispatchers share only the database.
        threads = [
            threading.Thread(target=lambda: results.append(dispatcher._dispatch(None))) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sum(results, Counter()) == Counter({DeliveryState.PUBLISHED: 15})
        assert platform.requests == 15 and len(platform.received) == 15


@pytest.mark.django_db(transaction=True)
def test_dispatch_started_ahead_prepares_then_claims_each_delivery_at_its_time(
    missions: dict[str, Any], people: dict[str, Any], settings: Any, senders: Any
) -> None:
    from elshi.common import crypto

    senders(4)
    settings.ELSHI_PUBLISH_LEAD_SECONDS = 10
    crypto.reset_cache()
    with LoopbackPlatform(latency_s=0.01) as platform:
        made = _deliveries(missions, people, platform.url, due=0, later=4)
        soon = timezone.now() + dt.timedelta(seconds=1.5)
        Delivery.objects.filter(pk__in=[d.pk for d in made[:3]]).update(due_at=soon)
        outcomes = dispatcher.dispatch(ahead=True)
        assert outcomes == Counter({DeliveryState.PUBLISHED: 3})
        # Nothing before its time; the one due in an hour (beyond the lead) was neither sent nor waited for.
        assert len(platform.received) == 3
        assert min(r.at for r in platform.received) >= soon.timestamp()
    assert Delivery.objects.get(pk=made[3].pk).state == DeliveryState.SCHEDULED
    # Prepared while waiting: the channels' credentials were decrypted once, before the sends.
    assert crypto._decrypt_text.cache_info().hits >= 3


def test_queued_for_its_time_minus_the_lead(settings: Any) -> None:
    from huey.contrib.djhuey import HUEY

    from elshi.publishing.tasks import enqueue_dispatch

    settings.ELSHI_PUBLISH_LEAD_SECONDS = 10
    HUEY.flush()
    due = timezone.now() + dt.timedelta(hours=1)
    enqueue_dispatch(due)
    enqueue_dispatch(timezone.now() + dt.timedelta(seconds=3))  # within the lead: at once, to wait
    enqueue_dispatch(timezone.now() - dt.timedelta(seconds=3))  # late: at once, nothing to wait for
    ahead, soon, late = HUEY.dequeue(), HUEY.dequeue(), HUEY.dequeue()
    assert ahead.name.endswith("dispatch_due") and ahead.args == (True,)
    assert abs((ahead.eta.replace(tzinfo=dt.UTC) - (due - dt.timedelta(seconds=10))).total_seconds()) < 1
    assert (soon.args, soon.eta) == ((True,), None) and (late.args, late.eta) == ((), None)
    HUEY.flush()


@pytest.mark.django_db(transaction=True)
def test_a_failed_group_commit_leaves_deliveries_publishing_for_the_sweep(
    missions: dict[str, Any],
    people: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    senders: Any,
) -> None:
    senders(4)
    monkeypatch.setattr(confirming, "_published_sql", lambda *_: "UPDATE no_such_table SET x = %s")
    with LoopbackPlatform(latency_s=0.0) as platform:
        _deliveries(missions, people, platform.url, due=5, later=0)
        dispatcher.dispatch()
        assert platform.requests == 5
    # Confirmed by the platform but not stored: never 'scheduled' again (that would send twice), never
    # lost; the sweep settles them as after a crash (re-sent where the platform deduplicates).
    assert Counter(Delivery.objects.values_list("state", flat=True)) == Counter({DeliveryState.PUBLISHING: 5})


@pytest.mark.django_db(transaction=True)
def test_a_delivery_queued_for_an_earlier_time_while_the_dispatcher_waits_is_not_held_back(
    missions: dict[str, Any], people: dict[str, Any], settings: Any, senders: Any
) -> None:
    senders(4)
    settings.ELSHI_PUBLISH_LEAD_SECONDS = 10
    with LoopbackPlatform(latency_s=0.0) as platform:
        first, second = _deliveries(missions, people, platform.url, due=0, later=2)
        later = timezone.now() + dt.timedelta(seconds=4)
        Delivery.objects.filter(pk=first.pk).update(due_at=later)
        sooner = timezone.now() + dt.timedelta(seconds=1.5)

        def clear_another() -> None:  # cleared while the dispatcher already waits for ``later``
            time.sleep(0.3)
            Delivery.objects.filter(pk=second.pk).update(due_at=sooner)

        thread = threading.Thread(target=clear_another)
        thread.start()
        assert dispatcher.dispatch(ahead=True) == Counter({DeliveryState.PUBLISHED: 2})
        thread.join()
        at = {r.key: r.at for r in platform.received}
    assert sooner.timestamp() <= at[f"elshi-{second.pk}"] < later.timestamp()
    assert at[f"elshi-{first.pk}"] >= later.timestamp()
