from __future__ import annotations

import gzip
import zlib

import httpx
import pytest

from elshi.sources.errors import FetchError, FetchRefused, ResponseTooLarge, TooManyRedirects
from elshi.sources.fetch import FetchPolicy, SafeFetcher
from elshi.sources.netguard import check_url, is_public_address
from elshi.sources.politeness import HostThrottle

from .conftest import LocalServer, mock_fetcher


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "224.0.0.1",
        "0.0.0.0",  # noqa: S104
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "ff02::1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(address)


def test_public_addresses() -> None:
    assert is_public_address("93.184.216.34") and is_public_address("2606:2800:220:1:248:1893:25c8:1946")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/x", "non-public"),
        ("http://[::1]:8080/", "non-public"),
        ("http://169.254.169.254/latest/meta-data/", "non-public"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://example.org/", "scheme"),
        ("http://user:pw@example.org/", "credentials"),
        ("http:///nohost", "no host"),
    ],
)
def test_refusals(url: str, message: str) -> None:
    with pytest.raises(FetchRefused, match=message):
        check_url(url, resolver=lambda h, p: ["93.184.216.34"])


def test_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(FetchRefused, match="10.0.0.5"):
        check_url("https://intranet.example/", resolver=lambda h, p: ["93.184.216.34", "10.0.0.5"])


def test_real_local_server_refused_unless_allow_listed(local_server: LocalServer) -> None:
    local_server.routes["/a"] = (200, {}, b"hello")
    refusing = SafeFetcher(httpx.Client(), FetchPolicy())
    with pytest.raises(FetchRefused, match="127.0.0.1"):
        refusing.get(local_server.base + "/a")
    assert local_server.requests == []  # nothing was sent
    assert local_server.fetcher().get(local_server.base + "/a").content == b"hello"


def test_redirect_to_a_private_address_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://10.0.0.1/admin"})

    seen: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        seen.append(host)
        return ["93.184.216.34"]

    fetcher = SafeFetcher(httpx.Client(transport=httpx.MockTransport(handler)), resolver=resolver)
    with pytest.raises(FetchRefused, match="10.0.0.1"):
        fetcher.get("https://news.example/")


def test_redirect_limit_and_relative_redirects(local_server: LocalServer) -> None:
    for i in range(8):
        local_server.routes[f"/r{i}"] = (302, {"Location": f"/r{i + 1}"}, b"")
    local_server.routes["/r8"] = (200, {}, b"end")
    fetcher = local_server.fetcher(max_redirects=10)
    result = fetcher.get(local_server.base + "/r0")
    assert result.content == b"end" and len(result.redirects) == 8
    with pytest.raises(TooManyRedirects):
        local_server.fetcher(max_redirects=3).get(local_server.base + "/r0")


def test_size_limits_declared_and_streamed(local_server: LocalServer) -> None:
    local_server.routes["/big"] = (200, {}, b"x" * 5000)
    with pytest.raises(ResponseTooLarge, match="Content-Length 5000"):
        local_server.fetcher(max_bytes=1000).get(local_server.base + "/big")

    def chunked(request: httpx.Request) -> httpx.Response:  # no Content-Length: counted while streaming
        return httpx.Response(200, content=iter([b"y" * 600, b"y" * 600]))

    with pytest.raises(ResponseTooLarge, match="1000-byte limit"):
        mock_fetcher(chunked, max_bytes=1000).get("https://example.org/")


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_decompression_bomb_stops_at_the_limit(encoding: str, local_server: LocalServer) -> None:
    plain = b"\0" * (50 * 1024 * 1024)
    body = gzip.compress(plain, 9) if encoding == "gzip" else zlib.compress(plain, 9)
    assert len(body) < 100_000
    local_server.routes["/bomb"] = (200, {"Content-Encoding": encoding}, body)
    with pytest.raises(ResponseTooLarge):
        local_server.fetcher(max_bytes=1024 * 1024).get(local_server.base + "/bomb")
    small = gzip.compress(b"fine") if encoding == "gzip" else zlib.compress(b"fine")
    local_server.routes["/ok"] = (200, {"Content-Encoding": encoding}, small)
    assert local_server.fetcher().get(local_server.base + "/ok").content == b"fine"


def test_corrupt_compressed_body_is_a_clear_error(local_server: LocalServer) -> None:
    local_server.routes["/bad"] = (200, {"Content-Encoding": "gzip"}, b"not gzip at all")
    with pytest.raises(FetchError, match="undecodable"):
        local_server.fetcher().get(local_server.base + "/bad")


def test_http_errors_say_if_permanent() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path == "/gone" else 503)

    fetcher = mock_fetcher(handler)
    with pytest.raises(FetchError) as gone:
        fetcher.get("https://example.org/gone")
    assert gone.value.permanent
    with pytest.raises(FetchError) as busy:
        fetcher.get("https://example.org/busy")
    assert not busy.value.permanent


def test_timeout_is_a_retryable_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchError, match="timed out") as err:
        mock_fetcher(handler).get("https://example.org/")
    assert not err.value.permanent


def test_conditional_get(local_server: LocalServer) -> None:
    def route(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Sat, 28 Nov 2026 00:00:00 GMT"}, b"<rss/>"

    local_server.routes["/feed"] = route
    fetcher = local_server.fetcher()
    first = fetcher.get(local_server.base + "/feed")
    assert first.content == b"<rss/>" and first.etag == '"v1"'
    second = fetcher.get(local_server.base + "/feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""
    assert local_server.requests[1][1]["if-modified-since"] == "Sat, 28 Nov 2026 00:00:00 GMT"


def test_robots_txt_is_respected(local_server: LocalServer) -> None:
    local_server.routes["/robots.txt"] = (200, {}, b"User-agent: *\nDisallow: /private/\n")
    local_server.routes["/news/1"] = (200, {}, b"ok")
    local_server.routes["/private/1"] = (200, {}, b"secret")
    fetcher = local_server.fetcher()
    assert fetcher.get(local_server.base + "/news/1", respect_robots=True).content == b"ok"
    with pytest.raises(FetchRefused, match="robots.txt"):
        fetcher.get(local_server.base + "/private/1", respect_robots=True)
    fetcher.get(local_server.base + "/news/1", respect_robots=True)
    assert [p for p, _ in local_server.requests].count("/robots.txt") == 1  # cached


def test_robots_missing_allows_and_server_error_denies(local_server: LocalServer) -> None:
    local_server.routes["/a"] = (200, {}, b"ok")
    assert local_server.fetcher().get(local_server.base + "/a", respect_robots=True).content == b"ok"
    local_server.routes["/robots.txt"] = (500, {}, b"")
    with pytest.raises(FetchRefused):
        local_server.fetcher().get(local_server.base + "/a", respect_robots=True)


def test_politeness_delay_per_host() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    throttle = HostThrottle(delay_s=2.0, clock=lambda: now[0], sleep=sleep)
    fetcher = mock_fetcher(lambda r: httpx.Response(200, content=b"ok"))
    fetcher.throttle = throttle
    fetcher.get("https://a.example/1")
    fetcher.get("https://a.example/2")
    fetcher.get("https://b.example/1")
    now[0] += 0.5
    fetcher.get("https://a.example/3")
    assert slept == [2.0, 1.5]


def test_download_streams_to_a_file(tmp_path, local_server: LocalServer) -> None:  # type: ignore[no-untyped-def]
    local_server.routes["/f.zip"] = (200, {}, b"z" * 100_000)
    local_server.fetcher().download(local_server.base + "/f.zip", tmp_path / "f.zip")
    assert (tmp_path / "f.zip").stat().st_size == 100_000
    with pytest.raises(ResponseTooLarge):
        local_server.fetcher(max_bytes=1000).download(local_server.base + "/f.zip", tmp_path / "g.zip")
    assert not (tmp_path / "g.zip").exists() and not (tmp_path / "g.zip.part").exists()


def test_rate_limit_answer_carries_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/seconds":
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})

    fetcher = mock_fetcher(handler)
    with pytest.raises(FetchError) as limited:
        fetcher.get("https://api.example/seconds")
    assert limited.value.retry_after == 7.0 and not limited.value.permanent
    with pytest.raises(FetchError) as down:
        fetcher.get("https://api.example/date")
    assert down.value.retry_after == 0.0  # a date in the past: retry now


def test_slow_local_server_times_out(local_server: LocalServer) -> None:
    import time

    def slow(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        time.sleep(0.6)
        return 200, {}, b"late"

    local_server.routes["/slow"] = slow
    with pytest.raises(FetchError, match="timed out") as err:
        local_server.fetcher(timeout_s=0.2).get(local_server.base + "/slow")
    assert not err.value.permanent


def test_credentials_are_not_carried_to_another_origin() -> None:
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host + request.url.path] = request.headers.get("authorization")
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": "/same"})
        if request.url.path == "/same":
            return httpx.Response(302, headers={"Location": "https://elsewhere.example/x"})
        return httpx.Response(200, content=b"ok")

    mock_fetcher(handler).get("https://api.example/start", headers={"Authorization": "Bearer t"})
    assert seen == {
        "api.example/start": "Bearer t",
        "api.example/same": "Bearer t",
        "elsewhere.example/x": None,
    }
