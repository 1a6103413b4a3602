"""Dashboard breadth: rollups kept by the store path, the comparison, narratives, map, relations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from elshi.monitoring.models import (
    DailyBreakdown,
    DailyIndex,
    DailyNarrative,
    DailyOutlet,
    Document,
    Mention,
    MonthlyOutlet,
)
from tests.conftest import SHARED_DATA

FIXTURE = Path(__file__).with_name("fixtures") / "monitoring_export.csv"
EVENTS = SHARED_DATA / "gdelt" / "events" / "20241218140000.export.CSV"


def _snapshot() -> list[Any]:
    return [
        sorted(m.objects.values_list(*[f.name for f in m._meta.fields if f.name != "id"]))
        for m in (DailyIndex, DailyBreakdown, DailyNarrative, DailyOutlet, MonthlyOutlet)
    ]


@pytest.fixture
def imported(db: Any) -> Any:
    from elshi.monitoring.ingest import import_paths

    return import_paths("csv", [FIXTURE], tone="lexicon")


def _doc(
    url: str,
    day: dt.date,
    country: str,
    label: str,
    *,
    lang: str = "en",
    oc: str = "US",
    narratives: list[Any] | None = None,
    outlet: str = "daily.example.com",
) -> None:
    doc = Document.objects.create(
        canonical_url=url,
        source_id="t",
        title=url,
        published_at=dt.datetime.combine(day, dt.time(9), dt.UTC),
        language=lang,
        outlet=outlet,
        outlet_country=oc,
        content_hash=url,
        story_id=url,
        narratives=narratives or [],
    )
    Mention.objects.create(
        document=doc,
        country=country,
        count=2,
        day=day,
        tone_label=label,
        tone_score={"positive": 0.5, "negative": -0.5}.get(label, 0.0),
    )


def test_store_path_keeps_rollups_equal_to_a_full_rebuild(imported: Any) -> None:
    from elshi.monitoring.ingest import import_paths
    from elshi.monitoring.rollup import rebuild

    kept = _snapshot()
    assert kept[0], "the import filled the daily index"
    kz = DailyIndex.objects.filter(country="KZ")
    assert sum(r.documents for r in kz) == Mention.objects.filter(country="KZ").count()
    rebuild()
    assert _snapshot() == kept
    import_paths("csv", [FIXTURE], tone="lexicon")  # a re-import changes nothing
    assert _snapshot() == kept


def test_a_document_moved_to_another_day_leaves_no_stale_rollup(imported: Any, tmp_path: Path) -> None:
    from elshi.monitoring.ingest import import_paths

    moved = tmp_path / "moved.csv"
    text = FIXTURE.read_text().replace("2026-11-20T09:00:00Z", "2026-11-25T09:00:00Z")
    moved.write_text(text.replace("ein großer Fortschritt", "ein sehr großer Fortschritt"))
    import_paths("csv", [moved], tone="lexicon")
    assert not DailyIndex.objects.filter(day=dt.date(2026, 11, 20)).exists()
    assert DailyIndex.objects.get(day=dt.date(2026, 11, 25), country="KZ").documents == 1


def test_dashboard_compares_with_the_previous_period(db: Any, people: dict[str, Any]) -> None:
    from elshi.monitoring.rollup import rebuild

    end = dt.date(2026, 11, 30)
    for i in range(4):  # previous period (1-15 Nov against 16-30 Nov): 4 mentions rows, 1 negative
        _doc(
            f"https://a.example/p{i}",
            dt.date(2026, 11, 5),
            "KZ",
            "negative" if i == 0 else "positive",
            narratives=[["transit", 0.8]],
        )
    for i in range(6):  # this period: 6 rows, 3 negative, German outlets, two narratives
        _doc(
            f"https://a.example/n{i}",
            dt.date(2026, 11, 20),
            "KZ",
            "negative" if i < 3 else "neutral",
            lang="de",
            oc="DE",
            narratives=[["transit", 0.9]] + ([["energy", 0.7]] if i < 2 else []),
        )
    _doc("https://a.example/uz", dt.date(2026, 11, 20), "UZ", "neutral")
    rebuild()
    client = Client()
    client.force_login(people["analyst"])
    page = client.get(f"/listen/dashboard/?days=15&end={end}&peers=UZ").content.decode()
    # Mentions 12 against 8 (+50.0%), negative share 50% against 25% (+25 pt, worse): arrow, sign and words.
    assert "+50.0%" in page and "+25.0 pt" in page and "worse" in page and "▲" in page
    assert "2026-11-01 – 2026-11-15" in page
    assert "transit is the largest narrative: 100.0% of documents." in page
    assert "Most coverage came from outlets in DE (100.0% of documents)." in page
    assert "monitoring/topojson/" in page and "cdn" not in page.lower()
    # The peer set is the one chosen: KG is not compared.
    assert ">UZ</a></th>" in page and ">KG</a></th>" not in page
    assert "elshi listen import --kind gdelt-events" in page  # relations' empty state says how to fill it
    # DE on the map as ISO-3 for Plotly.
    from elshi.monitoring.dashboard import context

    data = context("KZ", ["UZ"], dt.date(2026, 11, 16), end)
    assert data["charts"]["map"][0]["locations"] == ["DEU"] and data["charts"]["map"][0]["z"] == [6]
    energy = next(n for n in data["narratives"] if n.key == "energy")
    assert (energy.share, energy.previous_share, energy.change_points) == (0.333, 0.0, 33.3)


def test_bad_end_date_is_said_not_raised(imported: Any, people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["analyst"])
    response = client.get("/listen/dashboard/?end=yesterday")
    assert response.status_code == 200 and "The end date must be a date" in response.content.decode()


def test_dashboard_refuses_people_without_listen(imported: Any, people: dict[str, Any]) -> None:
    # Listening is ministry-wide by decision: an editor of another mission sees it; a viewer does not.
    client = Client()
    client.force_login(people["viewer"])
    assert client.get("/listen/dashboard/").status_code == 403
    client.force_login(people["outsider"])
    assert client.get("/listen/dashboard/").status_code == 200
    assert Client().get("/listen/dashboard/").status_code == 302  # anonymous: to the login page


@pytest.mark.skipif(
    not EVENTS.is_file(), reason="../shared/data/gdelt/events absent (a fresh clone has none)"
)
def test_relations_from_a_real_gdelt_events_file(db: Any, people: dict[str, Any]) -> None:
    from elshi.monitoring.index import relations_for
    from elshi.monitoring.ingest import import_paths
    from elshi.monitoring.models import RelationEvent
    from elshi.sources.events import iter_events
    from elshi.sources.relations import relations

    summary = import_paths("gdelt-events", [EVENTS], tone="lexicon", countries=["KZ"])
    assert summary.events > 0 and "events=" in summary.line()
    stored = RelationEvent.objects.count()
    import_paths("gdelt-events", [EVENTS], tone="lexicon", countries=["KZ"])
    assert RelationEvent.objects.count() == stored  # idempotent per GDELT event id
    expected = relations(iter_events(EVENTS), "KZ")
    got = relations_for("KZ", dt.date(2000, 1, 1), dt.date(2100, 1, 1), limit=100)
    assert expected and [(r.counterpart, r.events, r.mentions) for r in got] == [
        (r.counterpart, r.events, r.mentions) for r in expected
    ]
    assert [round(r.goldstein, 3) for r in got] == [round(r.goldstein, 3) for r in expected]
    client = Client()
    client.force_login(people["analyst"])
    day = RelationEvent.objects.order_by("-day").first().day  # type: ignore[union-attr]
    page = client.get(f"/listen/dashboard/?days=3650&end={day}").content.decode()
    assert "Cooperation versus conflict by partner country" in page
    assert f'<th scope="row">{expected[0].counterpart}</th>' in page


def test_api_summary_matches_the_dashboard(imported: Any, people: dict[str, Any]) -> None:
    from elshi.missions import actions

    _token, plain = actions.do_create_token(people["analyst"], "t", acting_user=None)
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    body = api.get("/api/v1/listen/summary?from=2026-11-16&to=2026-11-30&peers=UZ").json()
    assert body["peers"] == ["UZ"] and body["previous_period"] == {"from": "2026-11-01", "to": "2026-11-15"}
    kz = next(c for c in body["countries"] if c["country"] == "KZ")
    assert kz["documents"] == Mention.objects.filter(country="KZ").count() == 3
    assert {s["key"] for s in body["outlet_countries"]} == {"US", "DE"}
    assert api.get("/api/v1/listen/summary?from=2026-12-01&to=2026-11-01").status_code == 422
    _token, viewer = actions.do_create_token(people["viewer"], "t", acting_user=None)
    viewer_api = Client(headers={"Authorization": f"Bearer {viewer}"})
    assert viewer_api.get("/api/v1/listen/summary").status_code == 403


def test_top_outlets_from_months_and_edge_days_equal_the_daily_sum(db: Any) -> None:
    from django.db.models import Sum

    from elshi.monitoring.index import top_outlets
    from elshi.monitoring.rollup import rebuild

    day = dt.date(2026, 1, 25)
    for i in range(70):  # late January to early April, three outlets at different rates
        for k, outlet in enumerate(("a.example", "b.example", "c.example")):
            if i % (k + 1) == 0:
                _doc(
                    f"https://{outlet}/{i}",
                    day + dt.timedelta(days=i),
                    "KZ",
                    "negative" if i % 4 else "positive",
                    outlet=outlet,
                )
    rebuild()
    assert MonthlyOutlet.objects.filter(month=dt.date(2026, 2, 1)).exists()
    for start, end in [
        (dt.date(2026, 1, 28), dt.date(2026, 3, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 2, 3), dt.date(2026, 2, 20)),
        (dt.date(2026, 1, 25), dt.date(2026, 4, 4)),
    ]:
        expected = list(
            DailyOutlet.objects.filter(country="KZ", day__gte=start, day__lte=end)
            .values("outlet", "outlet_country")
            .annotate(documents=Sum("documents"), negative=Sum("negative"), positive=Sum("positive"))
            .order_by("-documents", "outlet")
        )
        assert top_outlets("KZ", start, end) == [dict(r) for r in expected], (start, end)
