from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

from elshi.documents import Quarantined, RawDocument
from elshi.sources.articles import extract_article, with_article_text
from elshi.sources.sitemaps import crawl_sitemaps, parse_sitemap

from .conftest import FIXTURES, LocalServer

NOW = datetime(2024, 10, 23, tzinfo=UTC)
SITEMAP = (FIXTURES / "news_sitemap.xml").read_bytes()


def test_news_sitemap() -> None:
    parsed = parse_sitemap(SITEMAP, url="https://astana.example.kz/sitemap.xml", fetched_at=NOW)
    docs = [i for i in parsed.items if isinstance(i, RawDocument)]
    bad = [i for i in parsed.items if isinstance(i, Quarantined)]
    assert len(docs) == 4 and len(bad) == 1 and "not an http(s) URL" in bad[0].reason
    en, ru, old, bad_date = docs
    assert en.title == "Central Asia - Germany summit opens in Astana" and en.outlet == "Astana Example"
    assert en.published_at == datetime(2024, 10, 22, 10, 0, tzinfo=UTC) and en.language_hint == "en"
    assert ru.published_at == datetime(2024, 10, 22, tzinfo=UTC) and ru.language_hint == "ru"
    assert old.extra["date_source"] == "lastmod" and old.published_at.year == 2019
    assert bad_date.published_at == NOW and "unusable" in bad_date.extra["date_source"]


def test_gzipped_sitemap_and_gzip_bomb() -> None:
    assert len(parse_sitemap(gzip.compress(SITEMAP), fetched_at=NOW).items) == 5
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024))
    [item] = parse_sitemap(bomb).items
    assert isinstance(item, Quarantined) and "inflates past" in item.reason


def test_entity_expansion_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset>&b;</urlset>'
    )
    [item] = parse_sitemap(laughs).items
    assert isinstance(item, Quarantined) and "not a sitemap" in item.reason


def test_crawl_index_respects_robots(local_server: LocalServer) -> None:
    index = (FIXTURES / "sitemap_index.xml").read_text().replace("{base}", local_server.base).encode()
    local_server.routes.update(
        {
            "/robots.txt": (200, {}, b"User-agent: *\nDisallow: /private/\n"),
            "/sitemap_index.xml": (200, {}, index),
            "/news_sitemap.xml": (200, {}, SITEMAP),
            "/private/sitemap.xml": (200, {}, SITEMAP),
        }
    )
    items = list(
        crawl_sitemaps(
            local_server.fetcher(),
            local_server.base + "/sitemap_index.xml",
            since=datetime(2024, 1, 1, tzinfo=UTC),
        )
    )
    docs = [i for i in items if isinstance(i, RawDocument)]
    refused = [i for i in items if isinstance(i, Quarantined) and "robots.txt" in i.reason]
    assert len(refused) == 1 and "/private/" in refused[0].raw
    assert "/private/sitemap.xml" not in [p for p, _ in local_server.requests]
    assert all(d.published_at > datetime(2024, 1, 1, tzinfo=UTC) for d in docs)
    assert {d.url for d in docs} >= {"https://astana.example.kz/en/news/c5-germany-summit"}


def test_article_in_windows_1251_with_its_own_date() -> None:
    article = extract_article(
        (FIXTURES / "article_cp1251.html").read_bytes(), "https://news.example.ru/a", fetched_at=NOW
    )
    assert article is not None
    assert "Срединный коридор" in article.text and "Главная" not in article.text
    assert article.title.startswith("Казахстан и Германия")
    assert article.published_at is not None and article.published_at.date() == date(2024, 10, 22)


def test_footer_years_are_not_taken_as_dates() -> None:
    article = extract_article(
        (FIXTURES / "article_nodate.html").read_bytes(), "https://steppe.example.org/x", fetched_at=NOW
    )
    assert article is not None and "saiga" in article.text
    assert article.published_at is None


def test_feed_item_gets_its_text_from_a_local_page(local_server: LocalServer) -> None:
    local_server.routes["/a"] = (
        200,
        {"Content-Type": "text/html"},
        (FIXTURES / "article_cp1251.html").read_bytes(),
    )
    doc = RawDocument(
        source_id="feed",
        url=local_server.base + "/a",
        title="",
        text="",
        published_at=NOW,
        extra={"date_source": "fetched (no date in feed)"},
    )
    enriched = with_article_text(local_server.fetcher(), doc)
    assert isinstance(enriched, RawDocument)
    assert "Срединный коридор" in enriched.text and enriched.extra["date_source"] == "page metadata"
    missing = with_article_text(
        local_server.fetcher(),
        RawDocument(source_id="feed", url=local_server.base + "/gone", title="", text="", published_at=NOW),
    )
    assert isinstance(missing, Quarantined) and "404" in missing.reason
