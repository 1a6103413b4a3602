"""Alerts: robust z-score spikes with a minimum volume, raised once, told to people and webhooks, acted on."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from elshi.missions.models import Notification
from elshi.monitoring.alerting import check_day
from elshi.monitoring.models import Alert, Document, Mention
from elshi.monitoring.spikes import robust_z, spike

DAY = dt.date(2026, 11, 20)


def test_robust_z_matches_a_hand_computation() -> None:
    baseline = [10, 12, 11, 9, 10, 13, 11]  # median 11, MAD 1
    z, median = robust_z(20, baseline, floor=1.0)
    assert median == 11 and round(z, 3) == round(0.6745 * 9 / 1, 3)
    assert spike(20, baseline, threshold=3.5) is not None
    assert spike(13, baseline, threshold=3.5) is None  # within the usual range
    assert spike(20, baseline[:3]) is None  # too short a baseline
    assert spike(4, [0.0] * 28, minimum=10) is None  # a quiet day never alarms, however unusual


def _mentions(country: str, day: dt.date, n: int, negative: int = 0, prefix: str = "d") -> None:
    for i in range(n):
        doc = Document.objects.create(
            canonical_url=f"https://x.example/{prefix}{day}-{country}-{i}",
            source_id="t",
            title=f"story {i}",
            published_at=dt.datetime.combine(day, dt.time(12), dt.UTC),
            language="en",
            content_hash=f"{prefix}{day}{country}{i}",
            story_id=f"s{day}{i}",
        )
        Mention.objects.create(
            document=doc,
            country=country,
            count=1,
            day=day,
            tone_label="negative" if i < negative else "neutral",
            tone_score=0.0,
        )


@pytest.fixture
def history(db: Any) -> None:
    for back in range(1, 29):
        _mentions("KZ", DAY - dt.timedelta(days=back), 10 + back % 3, negative=1)


def test_volume_and_negativity_spikes_are_raised_once(history: None, settings: Any) -> None:
    settings.ELSHI_ALERT_WEBHOOKS = []
    _mentions("KZ", DAY, 40, negative=30, prefix="spike")
    raised = check_day(DAY, ["KZ", "UZ"])
    assert sorted(a.kind for a in raised) == ["negativity", "volume"]
    volume = Alert.objects.get(kind="volume")
    assert volume.value == 40 and volume.baseline == 11 and volume.score >= 3.5
    assert check_day(DAY, ["KZ", "UZ"]) == []  # idempotent
    assert Alert.objects.count() == 2


def test_an_ordinary_day_raises_nothing(history: None) -> None:
    _mentions("KZ", DAY, 11, negative=1, prefix="calm")
    assert check_day(DAY, ["KZ"]) == []


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_POST(self) -> None:  # noqa: N802
        type(self).received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()


@pytest.fixture
def hook() -> Iterator[str]:
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/elshi"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_alert_is_told_in_app_and_to_the_webhook(
    history: None, people: dict[str, Any], settings: Any, hook: str
) -> None:
    settings.ELSHI_ALERT_WEBHOOKS = [hook]
    _mentions("KZ", DAY, 40, prefix="spike")
    [alert] = check_day(DAY, ["KZ"])
    assert Notification.objects.filter(user=people["analyst"], kind="alert").exists()
    assert not Notification.objects.filter(user=people["author"], kind="alert").exists()
    assert _Hook.received[0]["type"] == "elshi.alert" and _Hook.received[0]["country"] == "KZ"

    analyst = Client()
    analyst.force_login(people["analyst"])
    page = analyst.get(f"/listen/alerts/{alert.pk}/").content.decode()
    assert "Mentions that drove it" in page and f"country=KZ&amp;from={DAY}" in page
    analyst.post(f"/listen/alerts/{alert.pk}/", {"action": "acknowledge", "note": "Looking into it"})
    alert.refresh_from_db()
    assert alert.state == "acknowledged"
    author = Client()
    author.force_login(people["author"])
    assert author.post(f"/listen/alerts/{alert.pk}/", {"action": "resolve"}).status_code == 403
    assert "volume spike" in author.get("/listen/alerts/?state=all").content.decode()


def _narrative_mentions(day: dt.date, n: int, narrative: str, negative: int = 0, prefix: str = "n") -> None:
    for i in range(n):
        doc = Document.objects.create(
            canonical_url=f"https://x.example/{prefix}{day}-{narrative}-{i}",
            source_id="t",
            title=f"{narrative} {i}",
            published_at=dt.datetime.combine(day, dt.time(12), dt.UTC),
            language="en",
            content_hash=f"{prefix}{day}{narrative}{i}",
            story_id=f"{prefix}{day}{i}",
            narratives=[[narrative, 0.9]],
        )
        Mention.objects.create(
            document=doc,
            country="KZ",
            count=1,
            day=day,
            tone_label="negative" if i < negative else "neutral",
            tone_score=0.0,
        )


def test_a_narrative_spike_raises_a_narrative_alert(
    history: None, settings: Any, people: dict[str, Any]
) -> None:
    from elshi.monitoring.rollup import rebuild

    settings.ELSHI_ALERT_WEBHOOKS = []
    for back in range(1, 29):  # the ecology narrative: 2 or 3 documents a day, hardly any negative
        _narrative_mentions(DAY - dt.timedelta(days=back), 2 + back % 2, "ecology", negative=back % 7 == 0)
    # On DAY: 30 ecology documents, 25 negative; the country's total stays ordinary.
    _narrative_mentions(DAY, 30, "ecology", negative=25, prefix="spike")
    _narrative_mentions(DAY, 2, "transit", prefix="calm")
    rebuild()
    from elshi.monitoring.alerting import check_narratives

    raised = check_narratives(DAY, ["KZ"])
    assert sorted((a.kind, a.narrative) for a in raised) == [("negativity", "ecology"), ("volume", "ecology")]
    volume = next(a for a in raised if a.kind == "volume")
    assert volume.value == 30 and volume.baseline in (2.0, 2.5, 3.0) and volume.score >= 3.5
    assert check_narratives(DAY, ["KZ"]) == []  # once per signal and day
    client = Client()
    client.force_login(people["analyst"])
    page = client.get(f"/listen/alerts/{volume.pk}/").content.decode()
    assert "narrative ecology" in page and "narrative=ecology" in page
    negativity = next(a for a in raised if a.kind == "negativity")
    drivers = client.get(f"/listen/alerts/{negativity.pk}/").content.decode()
    assert drivers.count("ecology ") >= 20 or "ecology 0" in drivers  # negative ecology documents listed


def test_a_quiet_narrative_never_alarms(history: None, settings: Any) -> None:
    from elshi.monitoring.alerting import check_narratives
    from elshi.monitoring.rollup import rebuild

    for back in range(1, 29):
        _narrative_mentions(DAY - dt.timedelta(days=back), back % 7 == 0, "sport")
    _narrative_mentions(DAY, 4, "sport", negative=4, prefix="few")  # unusual, but under the minimum volume
    rebuild()
    settings.ELSHI_ALERT_MIN_VOLUME = 10
    assert check_narratives(DAY, ["KZ"]) == []
