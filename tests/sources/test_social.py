from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from elshi.documents import Quarantined, RawDocument
from elshi.sources.bluesky import BlueskySearch, parse_search_page, post_url
from elshi.sources.errors import BadInput
from elshi.sources.mastodon import MastodonSource, parse_statuses
from elshi.sources.telegram import TelegramChannel, parse_count, parse_preview_page

from .conftest import FIXTURES, LocalServer, mock_fetcher


def _fx(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- Bluesky -------------------------------------------------------------------------------------


def test_bluesky_search_pages_through_cursor() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        page = (
            "bluesky_search_page2.json"
            if request.url.params.get("cursor") == "25"
            else "bluesky_search_page1.json"
        )
        return httpx.Response(200, content=_fx(page), headers={"content-type": "application/json"})

    search = BlueskySearch(mock_fetcher(handler), access_token="tok")
    items = list(
        search.search("Kazakhstan OR Kasachstan", since=datetime(2024, 10, 1, tzinfo=UTC), lang="de")
    )
    docs = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(docs) == 2 and len(bad) == 2
    first = docs[0]
    assert first.url == "https://bsky.app/profile/kz-berlin.bsky.social/post/3l6xkq2bmtq2a"
    assert first.engagement == {"reply": 2, "repost": 14, "like": 57, "quote": 1}
    assert (
        first.language_hint == "de"
        and first.platform == "bluesky"
        and first.author == "kz-berlin.bsky.social"
    )
    assert docs[1].published_at == datetime(2024, 10, 22, 3, 58, 31, 512000, tzinfo=UTC)
    assert "time zone" in bad[0].reason and "likeCount" in bad[1].reason
    params = requests[0].url.params
    assert params["q"] == "Kazakhstan OR Kasachstan" and params["since"] == "2024-10-01T00:00:00.000Z"
    assert params["sort"] == "latest" and params["lang"] == "de"
    assert requests[0].headers["authorization"] == "Bearer tok"
    assert len(requests) == 2


def test_bluesky_bad_answers() -> None:
    [item], cursor = parse_search_page(b'{"error":"AuthMissing"}')
    assert isinstance(item, Quarantined) and cursor is None
    with pytest.raises(ValueError):
        post_url("at://did:plc:x/app.bsky.feed.like/abc", "h")
    with pytest.raises(BadInput):
        list(BlueskySearch(mock_fetcher(lambda r: httpx.Response(200))).search(" "))


# --- Mastodon ------------------------------------------------------------------------------------


def test_mastodon_hashtag_timeline_unwraps_boosts(local_server: LocalServer) -> None:
    local_server.routes["/api/v1/timelines/tag/kazakhstan"] = (200, {}, _fx("mastodon_tag_kazakhstan.json"))
    source = MastodonSource(local_server.fetcher(), local_server.base)
    items = list(source.hashtag("#kazakhstan", max_pages=2))
    docs = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(docs) == 4 and len(bad) == 2  # the same page twice: max_id is sent, the server ignores it
    first, boost = docs[0], docs[1]
    assert (
        first.text == "Astana hosts the Central Asia & Germany summit today. #Kazakhstan\nSecond paragraph."
    )
    assert first.engagement == {"reply": 3, "boost": 8, "favourite": 21}
    assert boost.url == "https://social.example.kz/@novosti/113349990000000000"
    assert boost.text == "Казахстан и Германия подписали соглашения.\nПодробности позже."
    assert (
        boost.language_hint == "ru"
        and boost.title == "Politics"
        and boost.author == "novosti@social.example.kz"
    )
    assert "created_at" in bad[0].reason
    second_query = local_server.requests[1][0]
    assert "max_id=113350000000000001" in second_query


def test_mastodon_search_sends_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = (
            _fx("mastodon_search_kazakhstan.json")
            if "max_id" not in request.url.params
            else b'{"statuses": []}'
        )
        return httpx.Response(200, content=body)

    source = MastodonSource(mock_fetcher(handler), "mastodon.example", access_token="secret")
    [doc] = list(source.search("Kasachstan"))
    assert isinstance(doc, RawDocument) and doc.language_hint == "de"
    assert seen[0].url.path == "/api/v2/search" and seen[0].url.params["type"] == "statuses"
    assert seen[0].headers["authorization"] == "Bearer secret"


def test_mastodon_garbage() -> None:
    [item], oldest = parse_statuses(b"<html>rate limited</html>", instance="m.example")
    assert isinstance(item, Quarantined) and oldest is None


# --- Telegram ------------------------------------------------------------------------------------


def test_parse_count() -> None:
    assert [parse_count(v) for v in ("987", "1.2K", "12,4K", "3.4M")] == [987, 1200, 12400, 3_400_000]
    with pytest.raises(ValueError):
        parse_count("many")


def test_telegram_preview_page() -> None:
    items, smallest = parse_preview_page(_fx("telegram_preview_page.html"), channel="mfa_kazakhstan")
    docs = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert smallest == 1201 and len(docs) == 2 and len(bad) == 1
    first = docs[0]
    assert first.url == "https://t.me/mfa_kazakhstan/1201" and first.author == "МИД Казахстана"
    assert first.text == "Министр иностранных дел провёл переговоры в Берлине.\n\nПодробнее на сайте."
    assert first.engagement == {"view": 12400}
    assert docs[1].published_at == datetime(2024, 10, 22, 6, 0, tzinfo=UTC)
    assert "no time" in bad[0].reason


def test_telegram_channel_against_a_local_server(local_server: LocalServer) -> None:
    local_server.routes["/s/mfa_kazakhstan"] = (
        200,
        {"Content-Type": "text/html"},
        _fx("telegram_preview_page.html"),
    )
    local_server.routes["/s/private_one"] = (
        200,
        {"Content-Type": "text/html"},
        b"<html><body>Preview</body></html>",
    )
    channel = TelegramChannel(local_server.fetcher(), base=local_server.base)
    items = list(channel.posts("@mfa_kazakhstan", max_pages=2))
    assert sum(isinstance(i, RawDocument) for i in items) == 4
    assert any("before=1201" in p for p, _ in local_server.requests)
    [missing] = list(channel.posts("private_one"))
    assert isinstance(missing, Quarantined) and "no public posts" in missing.reason
    with pytest.raises(BadInput):
        list(channel.posts("../etc/passwd"))


def test_bluesky_against_a_local_appview(local_server: LocalServer) -> None:
    def route(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, _fx("bluesky_search_page2.json")

    local_server.routes["/xrpc/app.bsky.feed.searchPosts"] = route
    items = list(BlueskySearch(local_server.fetcher(), appview=local_server.base).search("kazakhstan"))
    assert len(items) == 2 and all(isinstance(i, Quarantined) for i in items)
    path = local_server.requests[0][0]
    assert path.startswith("/xrpc/app.bsky.feed.searchPosts?") and "q=kazakhstan" in path
