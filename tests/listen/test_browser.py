"""A real browser on the dashboard: every chart draws, the map's topojson comes from elshi, axe is clean."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import LOCAL_HOSTS, axe_serious, log_in

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 11, 20)


def _corpus() -> None:
    from elshi.monitoring.models import Alert, Document, Mention
    from elshi.monitoring.rollup import rebuild

    outlets = [("DE", "de", "zeitung.example"), ("US", "en", "daily.example"), ("RU", "ru", "gazeta.example")]
    for back in range(40):
        day = DAY - dt.timedelta(days=back)
        for i, (oc, lang, outlet) in enumerate(outlets):
            for country in ("KZ", "UZ") if i else ("KZ",):
                doc = Document.objects.create(
                    canonical_url=f"https://{outlet}/{day}/{country}/{i}",
                    source_id="t",
                    title=f"{country} {day}",
                    published_at=dt.datetime.combine(day, dt.time(8 + i), dt.UTC),
                    language=lang,
                    outlet=outlet,
                    outlet_country=oc,
                    content_hash=f"{day}{country}{i}",
                    story_id=f"{day}{country}{i}",
                    narratives=[["transit", 0.9]] if i != 1 else [["energy", 0.8]],
                )
                Mention.objects.create(
                    document=doc,
                    country=country,
                    count=1 + back % 3,
                    day=day,
                    tone_label=("negative", "neutral", "positive")[(back + i) % 3],
                    tone_score=((back + i) % 3 - 1) * 0.5,
                )
    Alert.objects.create(kind="volume", country="KZ", day=DAY, value=30, baseline=5, score=6.1)
    rebuild()


def test_dashboard_draws_every_chart_from_local_files(
    browser_page: Any, live_server: Any, people: dict[str, Any]
) -> None:
    _corpus()
    page, requested = browser_page
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    log_in(page, base, "analyst")
    page.goto(f"{base}/listen/dashboard/?days=30&end={DAY}")
    charts = page.locator("[data-chart]")
    names = [charts.nth(i).get_attribute("data-chart") for i in range(charts.count())]
    assert set(names) == {"volume", "tone", "voice", "narratives", "trend", "map", "languages"}
    for name in names:
        page.locator(f'[data-chart="{name}"] .main-svg').first.wait_for(timeout=20_000)
    # The map drew its countries: the topojson was loaded, and from elshi's own static files.
    page.locator('[data-chart="map"] .choroplethlocation').first.wait_for(timeout=20_000)
    topo = [u for u in requested if u.endswith("world_110m.json")]
    assert topo and all(urlsplit(u).path == "/static/monitoring/topojson/world_110m.json" for u in topo)
    assert all(urlsplit(u).hostname in LOCAL_HOSTS for u in requested if u.startswith("http")), requested
    assert errors == []
    assert "▲" in page.locator(".tiles").inner_text() or "▼" in page.locator(".tiles").inner_text()
    assert axe_serious(page) == []
    page.goto(f"{base}/listen/explorer/?country=KZ&tone=negative")
    page.locator("mark.hit, td").first.wait_for()
    assert axe_serious(page) == []
