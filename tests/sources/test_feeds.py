from __future__ import annotations

import json
from datetime import UTC, datetime

from elshi.documents import Quarantined, RawDocument
from elshi.sources.feeds import FeedState, parse_feed, poll_feed

from .conftest import FIXTURES, LocalServer

NOW = datetime(2024, 10, 23, 0, 0, tzinfo=UTC)


def _docs(name: str, url: str, content_type: str | None = None) -> list[RawDocument | Quarantined]:
    return list(
        parse_feed((FIXTURES / name).read_bytes(), url=url, content_type=content_type, fetched_at=NOW)
    )


def test_rss091_latin1_without_dates() -> None:
    [doc] = _docs("rss091.xml", "https://cafe.example.fr/rss")
    assert isinstance(doc, RawDocument)
    assert doc.title == "Le Kazakhstan et l'énergie" and doc.outlet == "Café Diplomatique"
    assert doc.language_hint == "fr"
    assert doc.published_at == NOW and doc.extra["date_source"] == "fetched (no date in feed)"


def test_rss10_rdf_dates_become_utc() -> None:
    [doc] = _docs("rss10.rdf", "https://steppe.example.org/rss")
    assert isinstance(doc, RawDocument)
    assert doc.published_at == datetime(2024, 10, 21, 3, 30, tzinfo=UTC)
    assert doc.author == "A. Writer" and doc.language_hint == "en"


def test_rss20_windows_1251_with_bad_entries() -> None:
    items = _docs("rss20_cp1251.xml", "https://news.example.ru/rss")
    docs = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert [d.title for d in docs] == [
        "Казахстан и Германия подписали соглашения",
        "Материал из будущего",
        "Без даты",
    ]
    first = docs[0]
    assert first.published_at == datetime(2024, 10, 22, 10, 15, tzinfo=UTC)
    assert first.text == "В Астане прошли переговоры & встречи."
    future = docs[1]
    assert future.url == "https://news.example.ru/2031/01/01/future"  # relative link resolved
    assert future.published_at == NOW and "implausible" in future.extra["date_source"]
    assert len(bad) == 1 and "no http(s) link" in bad[0].reason and "Без ссылки" in bad[0].raw


def test_atom_in_kazakh() -> None:
    [doc] = _docs("atom_kk.xml", "https://elshi.example.kz/atom")
    assert isinstance(doc, RawDocument)
    assert doc.language_hint == "kk" and doc.author == "Айгерім"
    assert doc.published_at == datetime(2024, 10, 22, 10, 0, tzinfo=UTC)
    assert doc.text == "Астанада келіссөздер өтті."


def test_not_a_feed_is_quarantined() -> None:
    [item] = list(parse_feed(b"<html><body>nope</body></html>\x00\xff", url="https://x.example/"))
    assert isinstance(item, Quarantined)


def test_poll_with_conditional_get_and_robots(local_server: LocalServer) -> None:
    body = (FIXTURES / "rss20_cp1251.xml").read_bytes()

    def route(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if headers.get("if-none-match") == '"abc"':
            return 304, {}, b""
        return 200, {"ETag": '"abc"', "Content-Type": "application/rss+xml"}, body

    local_server.routes["/rss"] = route
    local_server.routes["/robots.txt"] = (200, {}, b"User-agent: *\nDisallow: /private\n")
    fetcher = local_server.fetcher()
    first = poll_feed(fetcher, FeedState(url=local_server.base + "/rss"))
    assert len(first.items) == 4 and first.state.etag == '"abc"'
    second = poll_feed(fetcher, FeedState.from_json(json.loads(json.dumps(first.state.to_json()))))
    assert second.not_modified and second.items == []
    paths = [p for p, _ in local_server.requests]
    assert paths == ["/robots.txt", "/rss", "/rss"]


def test_failed_poll_keeps_its_error_and_validators(local_server: LocalServer) -> None:
    local_server.routes["/rss"] = (503, {}, b"busy")
    state = FeedState(url=local_server.base + "/rss", etag='"old"')
    poll = poll_feed(local_server.fetcher(), state, clock=lambda: NOW)
    assert poll.items == [] and not poll.not_modified
    assert poll.state.etag == '"old"'
    assert poll.state.last_error == "2024-10-23T00:00:00+00:00 retryable: HTTP 503"
