"""Issue 17 (AUTH): registration limits per real address and per engagement, atomic; seats not oversold."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import close_old_connections

from elshi.engagements import actions, public
from elshi.engagements.models import Engagement, RegistrationStatus
from elshi.missions import ratelimit

from .conftest import make_engagement

PROXY = "10.0.0.5"


def _register(client: Any, engagement: Engagement, n: int, via: str, **over: str) -> Any:
    data = {
        "name": "Aigerim Sadykova",
        "email": f"p{n}@example.org",
        "attendance": "online",
        "language": "en",
        "consent": "on",
        "website": "",
    } | over
    return client.post(
        f"/m/berlin/en/engagements/{engagement.pk}/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=via
    )


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work`` in ``count`` threads released together; each thread's result or exception."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - kept to be asserted on
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db
def test_limit_counts_each_real_address_behind_the_proxy(
    client: Any, site: Any, missions: dict[str, Any], settings: Any
) -> None:
    settings.ELSHI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    engagement = make_engagement(missions["berlin"], capacity=None)
    first = [_register(client, engagement, i, "198.51.100.1").status_code for i in range(11)]
    assert first[:10] == [302] * 10 and first[10] == 400
    # Another visitor through the same proxy is not limited by the first one.
    assert _register(client, engagement, 99, "198.51.100.2").status_code == 302


@pytest.mark.django_db
def test_limit_per_engagement_across_addresses(
    client: Any, site: Any, missions: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ELSHI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    monkeypatch.setattr(public, "ENGAGEMENT_RATE_LIMIT", 3)
    engagement = make_engagement(missions["berlin"], capacity=None)
    other = make_engagement(missions["berlin"], capacity=None)
    codes = [_register(client, engagement, i, f"198.51.100.{i}").status_code for i in range(4)]
    assert codes == [302, 302, 302, 400]
    response = _register(client, engagement, 9, "198.51.100.9")
    assert "too many registrations" in response.content.decode()
    assert _register(client, other, 10, "198.51.100.10").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_limit_is_atomic_under_concurrency() -> None:
    results = _at_once(12, lambda i: ratelimit.take("race", 5, timedelta(hours=1)))
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count(True) == 5


@pytest.mark.django_db(transaction=True)
def test_capacity_not_oversold_under_concurrency(missions: dict[str, Any]) -> None:
    engagement = make_engagement(missions["berlin"], capacity=2)

    def register(i: int) -> str:
        data = {
            "name": f"Visitor {i}",
            "email": f"v{i}@example.org",
            "attendance": "in_person",
            "language": "en",
            "consent_text": "ok",
        }
        return actions.do_register(engagement, data, notify=False).status

    results = _at_once(8, register)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count(RegistrationStatus.CONFIRMED) == 2
    assert engagement.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 2
