"""A second country end to end: with ELSHI_PROFILE=uz, listening ingests for Uzbekistan and the
dashboard, the API, the brief and the forms show Uzbekistan; none of them says Kazakhstan."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from elshi.common.profile import current_profile
from elshi.monitoring.models import Mention

FIXTURE = Path(__file__).with_name("fixtures") / "uzbekistan_export.csv"
KAZAKHSTAN = re.compile("Kazakhstan|Казахстан|Қазақстан|Kasachstan|Kazakistan", re.IGNORECASE)
START, END = dt.date(2026, 11, 16), dt.date(2026, 11, 22)


@pytest.fixture
def uz(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.ELSHI_PROFILE = "uz"
    monkeypatch.setenv("ELSHI_PROFILE", "uz")  # what a worker process would see too


@pytest.fixture
def imported(uz: None, transactional_db: Any) -> str:
    """Through the real import path: `elshi listen import`, with no --profile (the configured one)."""
    from elshi.cli import app

    result = CliRunner().invoke(
        app, ["listen", "import", "--kind", "csv", "--tone-model", "lexicon", str(FIXTURE)]
    )
    assert result.exit_code == 0, result.output
    return str(result.output)


def _uz_mentions() -> int:
    """What the index counts: every occurrence, title and body (the fixture names it about twice)."""
    return sum(Mention.objects.filter(country="UZ").values_list("count", flat=True))


def _analyst(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["analyst"])
    return client


def test_ingest_follows_the_configured_profile(imported: str) -> None:
    assert current_profile().target == "UZ"
    assert imported.strip().splitlines()[-1].startswith("parsed=6 quarantined=0 new=6")
    uz = Mention.objects.filter(country="UZ")
    assert uz.count() == 6
    assert set(uz.values_list("document__language", flat=True)) >= {"en", "de", "ru", "tr"}
    assert Mention.objects.filter(country="KG").count() == 1  # a peer of the uz profile
    assert not Mention.objects.filter(country="KZ").exists()


def test_dashboard_and_api_show_uzbekistan_only(imported: str, people: dict[str, Any]) -> None:
    client = _analyst(people)
    page = client.get(f"/listen/dashboard/?days=7&end={END}").content.decode()
    assert 'class="target"><th scope="row"><a href="/listen/explorer/?country=UZ">UZ</a>' in page
    assert "Tone toward UZ per day" in page
    assert not KAZAKHSTAN.search(page), KAZAKHSTAN.search(page)
    summary = client.get(f"/api/v1/listen/summary?from={START}&to={END}").json()
    assert summary["target"] == "UZ" and "UZ" not in summary["peers"]
    target = next(r for r in summary["countries"] if r["country"] == "UZ")
    assert target["mentions"] == _uz_mentions() > 6
    explorer = client.get("/listen/explorer/?country=UZ").content.decode()
    assert "Usbekistan" in explorer and "<mark" in explorer  # highlighted with the uz profile's finder
    brief_form = client.get("/measure/briefs/").content.decode()
    assert 'name="country" value="UZ"' in brief_form


def test_the_brief_is_about_uzbekistan(imported: str, people: dict[str, Any]) -> None:
    from elshi.reports.actions import brief_file, do_generate_brief

    brief = do_generate_brief("UZ", START, END, None, "en", acting_user=None, pdf=False)
    assert brief.data["country_name"] == "Uzbekistan" and brief.data["mentions"] == _uz_mentions()
    assert brief.data["peers"] == list(current_profile().peers)
    html = brief_file(brief.html_file).read_text("utf-8")
    assert "Nation-image brief: Uzbekistan" in html
    # Kazakhstan is one of the uz profile's peers: its row in the peer table is the only place it may
    # appear, and with the peer row taken out nothing else names it (no hard-coded country anywhere).
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert "Kazakhstan" in rows
    assert not KAZAKHSTAN.search(html.replace('<th scope="row">Kazakhstan</th>', ""))
    detail = _analyst(people).get(f"/measure/briefs/{brief.pk}/").content.decode()
    assert "Uzbekistan" in detail
    assert not KAZAKHSTAN.search(detail.replace('<th scope="row">Kazakhstan</th>', ""))

    without = do_generate_brief("UZ", START, END, ["KG", "TJ"], "ru", acting_user=None, pdf=False)
    html_ru = brief_file(without.html_file).read_text("utf-8")
    assert "Узбекистан" in html_ru and not KAZAKHSTAN.search(html_ru)


def test_cli_brief_defaults_to_the_profile_target(imported: str, tmp_path: Path) -> None:
    from elshi.cli import app

    out = tmp_path / "brief.html"
    result = CliRunner().invoke(
        app, ["report", "brief", "--from", str(START), "--to", str(END), "--peers", "KG", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "brief UZ" in result.output and f"{_uz_mentions()} mentions" in result.output
    assert not KAZAKHSTAN.search(out.read_text("utf-8"))


def test_every_cache_is_keyed_by_the_configured_profile(settings: Any) -> None:
    """Switching ELSHI_PROFILE switches the profile, the explorer's finder and the worker's analyser."""
    from elshi.monitoring import explore, polling
    from elshi.reports.brief import default_peers

    settings.ELSHI_TONE_MODEL = "lexicon"
    seen = {}
    for key in ("uz", "kz", "uz"):
        settings.ELSHI_PROFILE = key
        profile = current_profile()
        assert explore._finder().profile is profile
        assert polling.analyzer().profile is profile
        assert default_peers() == list(profile.peers)
        seen.setdefault(key, profile.target)
    assert seen == {"uz": "UZ", "kz": "KZ"}


def test_demo_corpus_follows_the_profile(uz: None) -> None:
    from elshi.monitoring.demo import corpus

    docs = corpus(days=5)
    uzbekistan = re.compile("Uzbekistan|Узбекистан|Өзбекстан|Usbekistan|Özbekistan|乌兹别克斯坦")
    about_target = sum(bool(uzbekistan.search(d.text)) for d in docs)
    about_kazakhstan = sum(bool(KAZAKHSTAN.search(d.text) or "哈萨克斯坦" in d.text) for d in docs)
    assert about_target > 2 * about_kazakhstan  # the target most days, Kazakhstan now and then as a peer
