"""The virtual embassy: served pages, feed, hreflang, the editor with its refusals, and the static export."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from elshi.audit.models import AuditEvent
from elshi.engagements.models import MissionSite

from .conftest import make_engagement

pytestmark = pytest.mark.django_db
LANGS = ["kk", "ru", "en", "de"]


def test_home_news_numbers_and_escaping(
    client: Any, site: Any, published: dict[str, Any], missions: Any
) -> None:
    make_engagement(missions["berlin"], titles={"en": "Side <b>event</b>"})
    make_engagement(missions["berlin"], titles={"en": "Staff retreat"}, visibility="internal")
    home = client.get("/m/berlin/en/").content.decode()
    assert "Welcome to the &lt;em&gt;virtual&lt;/em&gt; embassy." in home
    assert "Side &lt;b&gt;event&lt;/b&gt;" in home and "Staff retreat" not in home
    assert "Kazakhstan opens a trade house in Berlin." in home and "DRAFT secret plan" not in home
    numbers = client.get("/m/berlin/en/numbers/").content.decode()
    assert "E-Government Index" in numbers and "Unverified figure" not in numbers
    assert "https://publicadministration.un.org/egovkb" in numbers and "#24" in numbers
    contacts = client.get("/m/berlin/en/contacts/").content.decode()
    assert "Consular hours" in contacts
    kk = client.get("/m/berlin/kk/").content.decode()
    assert '<html lang="kk">' in kk and "Виртуалды елшілікке қош келдіңіз." in kk


def test_hreflang_between_every_language(client: Any, site: Any) -> None:
    for lang in LANGS:
        page = client.get(f"/m/berlin/{lang}/news/").content.decode()
        found = dict(re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)"', page))
        assert set(found) == {*LANGS, "x-default"}
        assert found["de"] == "http://testserver/m/berlin/de/news/"
        assert found["x-default"] == "http://testserver/m/berlin/en/news/"
    assert client.get("/m/berlin/fr/").status_code == 404
    assert client.get("/m/berlin/")["Location"].startswith("/m/berlin/")


def test_feed_holds_only_published_news(client: Any, site: Any, published: dict[str, Any]) -> None:
    import feedparser  # type: ignore[import-untyped]

    response = client.get("/m/berlin/en/feed.xml")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert [e.link for e in feed.entries] == ["https://berlin.example/@kz/1"]
    assert "DRAFT" not in response.content.decode()


def test_unpublished_site_is_not_found(client: Any, site: Any) -> None:
    site.is_published = False
    site.save()
    for url in ["/m/berlin/", "/m/berlin/en/", "/m/berlin/en/news/", "/m/berlin/en/feed.xml"]:
        assert client.get(url).status_code == 404
    assert client.get("/m/washington/en/").status_code == 404


def test_editor_edits_and_previews_and_others_are_refused(login: Any, missions: Any) -> None:
    client = login("author")
    assert client.get("/engage/virtual-embassy/?mission=berlin").status_code == 200
    response = client.post(
        "/engage/virtual-embassy/",
        {
            "mission": "berlin",
            "messages_en": "Hello <script>",
            "contacts_kk": "Байланыс",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    site = MissionSite.objects.get(mission=missions["berlin"])
    assert (
        site.is_published
        and site.messages == {"en": "Hello <script>"}
        and site.contacts == {"kk": "Байланыс"}
    )
    assert AuditEvent.objects.filter(action="site.create", mission_slug="berlin").exists()
    preview = client.get("/engage/virtual-embassy/berlin/preview/?lang=en").content.decode()
    assert "Hello &lt;script&gt;" in preview
    # a Washington editor may not edit Berlin's site; viewers and analysts edit no site at all
    outsider = login("outsider")
    assert outsider.get("/engage/virtual-embassy/?mission=berlin").status_code == 403
    assert (
        outsider.post("/engage/virtual-embassy/", {"mission": "berlin", "messages_en": "x"}).status_code
        == 403
    )
    assert outsider.get("/engage/virtual-embassy/berlin/preview/").status_code == 403
    for who in ("viewer", "analyst"):
        assert login(who).get("/engage/virtual-embassy/").status_code == 403
    site.refresh_from_db()
    assert site.messages == {"en": "Hello <script>"}


def test_static_export_has_every_page_and_working_relative_links(
    site: Any, published: dict[str, Any], missions: Any, tmp_path: Path
) -> None:
    import typer
    from typer.testing import CliRunner

    from elshi.cli.site import site_app

    cli = typer.Typer()
    cli.add_typer(site_app, name="site")  # as src/elshi/cli.py registers it

    engagement = make_engagement(missions["berlin"])
    result = CliRunner().invoke(cli, ["site", "export", "berlin", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for lang in LANGS:
        for page in [
            "",
            "news/",
            "engagements/",
            "numbers/",
            "stories/",
            "contacts/",
            f"engagements/{engagement.pk}/",
        ]:
            assert (tmp_path / lang / page / "index.html").is_file(), (lang, page)
        assert (tmp_path / lang / "feed.xml").is_file()
    assert (tmp_path / "assets" / "site.css").is_file()
    checked = 0
    for html in tmp_path.rglob("*.html"):
        text = html.read_text("utf-8")
        assert "/m/berlin" not in text and "csrfmiddlewaretoken" not in text
        for href in re.findall(r'(?:href|src)="([^"]+)"', text):
            if href.startswith(("https://", "http://", "#")):
                continue
            target = Path(unquote(urlsplit(urljoin(html.as_uri(), href)).path))
            assert target.is_file(), f"{html}: {href}"
            checked += 1
    assert checked > 500
    with_base = CliRunner().invoke(
        cli,
        ["site", "export", "berlin", "-o", str(tmp_path / "b"), "--base-url", "https://elshi.example.org"],
    )
    assert with_base.exit_code == 0, with_base.output
    page = (tmp_path / "b" / "en" / "engagements" / str(engagement.pk) / "index.html").read_text()
    assert f'hreflang="kk" href="https://elshi.example.org/m/berlin/kk/engagements/{engagement.pk}/"' in page
    assert f'href="https://elshi.example.org/m/berlin/en/engagements/{engagement.pk}/"' in page
    not_published = CliRunner().invoke(cli, ["site", "export", "washington", "-o", str(tmp_path / "w")])
    assert not_published.exit_code == 1


def test_stories_are_assets_that_went_out_with_a_published_post(
    client: Any,
    site: Any,
    published: dict[str, Any],
    people: Any,
    missions: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    from elshi.content.models import Asset

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "cards").mkdir()
    made = {}
    for name in ("out", "internal"):
        (tmp_path / "cards" / f"{name}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + name.encode())
        made[name] = Asset.objects.create(
            mission=missions["berlin"],
            kind="card",
            title=f"Card {name}",
            file=f"cards/{name}.png",
            alt_text=f"Alt of {name}",
            state="ready",
            created_by=people["author"],
        )
    variant = published["published"].variants.get()
    variant.media = [{"url": "/media/cards/out.png", "alt": "Alt of out"}]
    variant.save()
    page = client.get("/m/berlin/en/stories/").content.decode()
    assert "Alt of out" in page and "Card internal" not in page
    assert client.get(f"/m/berlin/media/{made['out'].pk}/").status_code == 200
    assert client.get(f"/m/berlin/media/{made['internal'].pk}/").status_code == 404
    from elshi.engagements.export import export_site

    export_site(site, tmp_path / "site")
    assert (tmp_path / "site" / "assets" / "media" / "cards" / "out.png").is_file()
    assert not (tmp_path / "site" / "assets" / "media" / "cards" / "internal.png").exists()
    assert (
        'src="../../assets/media/cards/out.png"'
        in (tmp_path / "site" / "en" / "stories" / "index.html").read_text()
    )
