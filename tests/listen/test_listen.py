"""Listening in the app: idempotent import with quarantine, the index, the explorer, pages per role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from elshi.monitoring.models import Document, Mention, QuarantinedItem
from tests.conftest import SHARED_DATA

FIXTURE = Path(__file__).with_name("fixtures") / "monitoring_export.csv"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def imported(db: Any) -> Any:
    from elshi.monitoring.ingest import ProfileAnalyzer, import_paths

    return import_paths("csv", [FIXTURE], analyzer=ProfileAnalyzer("kz", "lexicon"))


def test_import_stores_analyses_and_quarantines_the_bad_row(imported: Any) -> None:
    assert (imported.parsed, imported.quarantined, imported.new) == (4, 1, 4)
    [bad] = QuarantinedItem.objects.all()
    assert "no http(s) URL" in bad.reason and "not-a-url" in bad.raw
    kz = Mention.objects.filter(country="KZ")
    assert kz.count() == 3
    assert set(Mention.objects.filter(country="UZ").values_list("document__canonical_url", flat=True)) == {
        "https://daily.example.com/story/2",
        "https://zeitung.example.ru/news/5",
    }
    protest = kz.get(document__canonical_url="https://daily.example.com/story/3")
    assert protest.tone_label == "negative" and protest.in_title
    praised = kz.get(document__canonical_url="https://daily.example.com/story/2")
    assert praised.tone_label == "positive"
    assert Document.objects.get(canonical_url="https://news.example.de/artikel/1").language == "de"


def test_reimport_duplicates_nothing(imported: Any) -> None:
    from elshi.monitoring.ingest import ProfileAnalyzer, import_paths

    again = import_paths("csv", [FIXTURE], analyzer=ProfileAnalyzer("kz", "lexicon"))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert Document.objects.count() == 4 and Mention.objects.count() == 5


def test_index_matches_hand_computed_figures(imported: Any) -> None:
    import datetime as dt

    from elshi.monitoring.index import country_rows

    rows = {
        r.country: r for r in country_rows(dt.date(2026, 11, 1), dt.date(2026, 11, 30), ["KZ", "UZ", "KG"])
    }
    kz, uz = rows["KZ"], rows["UZ"]
    total = kz.mentions + uz.mentions
    assert kz.documents == 3 and uz.documents == 2 and rows["KG"].mentions == 0
    assert kz.share_of_voice == round(kz.mentions / total, 3)
    toned = Mention.objects.filter(country="KZ").exclude(tone_label="")
    positive = toned.filter(tone_label="positive").count() / toned.count()
    negative = toned.filter(tone_label="negative").count() / toned.count()
    assert kz.image_score == round(50 + 50 * (positive - negative), 1)


@pytest.mark.parametrize("who,status", [("analyst", 200), ("author", 200), ("viewer", 403), ("admin", 200)])
def test_listen_pages_need_the_listen_permission(
    imported: Any, people: dict[str, Any], who: str, status: int
) -> None:
    client = _client(people[who])
    for url in ("/listen/dashboard/", "/listen/explorer/", "/listen/quarantine/", "/listen/methodology/"):
        assert client.get(url).status_code == status, url


def test_dashboard_chart_table_and_export(imported: Any, people: dict[str, Any]) -> None:
    client = _client(people["analyst"])
    page = client.get("/listen/dashboard/?days=30&end=2026-11-30").content.decode()
    assert "share of voice" in page and "/lib/plotly.min.js" in page and "cdn" not in page.lower()
    assert 'id="chart-data"' in page
    export = client.get("/listen/dashboard/?days=30&end=2026-11-30&format=csv").content.decode()
    assert export.splitlines()[0].startswith("country,mentions,documents")
    assert any(line.startswith("KZ,") for line in export.splitlines())
    js = client.get("/lib/plotly.min.js")
    assert js.status_code == 200 and js["Content-Type"] == "text/javascript"


def test_explorer_filters_stay_in_the_url(imported: Any, people: dict[str, Any]) -> None:
    client = _client(people["analyst"])
    negative = client.get("/listen/explorer/?country=KZ&tone=negative").content.decode()
    assert "Protest in Kazakhstan" in negative and "praised" not in negative
    german = client.get("/listen/explorer/?outlet_country=DE").content.decode()
    assert "Mittleren Korridor" in german and "Protest" not in german
    assert "No mentions match" in client.get("/listen/explorer/?country=MN").content.decode()


@pytest.mark.django_db(transaction=True)
def test_cli_import_reports_counts_and_exit_codes(tmp_path: Path) -> None:
    from elshi.cli import app

    runner = CliRunner()
    result = runner.invoke(
        app, ["listen", "import", "--kind", "csv", "--tone-model", "lexicon", str(FIXTURE)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("parsed=4 quarantined=1 new=4")
    assert runner.invoke(app, ["listen", "import", "--kind", "nope", str(FIXTURE)]).exit_code == 2
    assert (
        runner.invoke(app, ["listen", "import", "--kind", "csv", str(tmp_path / "missing.csv")]).exit_code
        == 2
    )


@pytest.mark.skipif(
    not (SHARED_DATA / "gdelt").is_dir(), reason="../shared/data/gdelt absent (a fresh clone has none)"
)
def test_real_gdelt_file_imports_idempotently(db: Any) -> None:
    from elshi.monitoring.ingest import ProfileAnalyzer, import_paths

    path = SHARED_DATA / "gdelt" / "gkg" / "20230702153000.gkg.csv.zip"
    analyzer = ProfileAnalyzer("kz", "lexicon")
    first = import_paths(
        "gdelt-gkg", [path], analyzer=analyzer, countries=["KZ", "UZ", "KG", "TJ", "TM", "AZ", "GE", "MN"]
    )
    assert first.parsed > 0 and first.new == first.parsed
    assert (
        Document.objects.filter(gdelt_tone__isnull=False).count() == first.parsed
    )  # GDELT's tone kept beside
    second = import_paths(
        "gdelt-gkg", [path], analyzer=analyzer, countries=["KZ", "UZ", "KG", "TJ", "TM", "AZ", "GE", "MN"]
    )
    assert second.new == 0 and second.unchanged == first.parsed
