"""The one fetcher every outbound request goes through.

It wraps an injected :class:`httpx.Client` (the seam tests replace with ``MockTransport``) and adds:
the SSRF guard on the first URL and on every redirect (:mod:`elshi.sources.netguard`), a redirect
limit, a body limit that counts *decompressed* bytes (so a gzip bomb stops at the limit), an
up-front refusal when ``Content-Length`` is over the limit, conditional GET (ETag and
Last-Modified), a per-host politeness delay and robots.txt when asked. Credentials
(``Authorization``, ``Cookie``) are not carried across a redirect to another origin.

The name is resolved here and again when the client connects; build the client with
:func:`elshi.sources.http.guarded_client` so that the connection goes to an address that is checked
too (DNS rebinding).
"""

from __future__ import annotations

import email.utils
import time
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from elshi.sources.errors import FetchError, FetchRefused, ResponseTooLarge, TooManyRedirects
from elshi.sources.netguard import Resolver, check_url, system_resolver
from elshi.sources.politeness import HostThrottle, RobotsRules, robots_from_response

__all__ = ["FetchPolicy", "FetchResult", "SafeFetcher", "USER_AGENT"]

USER_AGENT = "elshi/0.1 (+https://github.com/elshi; digital diplomacy monitoring)"
_REDIRECTS = {301, 302, 303, 307, 308}
_CREDENTIALS = {"authorization", "cookie", "proxy-authorization"}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 20.0
    max_bytes: int = 32 * 1024 * 1024
    max_redirects: int = 5
    allowed_hosts: frozenset[str] = frozenset()
    user_agent: str = USER_AGENT
    robots_ttl_s: float = 3600.0


@dataclass
class FetchResult:
    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes = b""
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class SafeFetcher:
    """GET with limits and refusals. ``allowed_hosts`` lists hosts that may be private (tests: 127.0.0.1)."""

    def __init__(
        self,
        client: httpx.Client,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
        throttle: HostThrottle | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.policy = policy or FetchPolicy()
        self.resolver = resolver
        self.throttle = throttle
        self._clock = clock
        self._robots: dict[str, tuple[float, RobotsRules]] = {}

    def check(self, url: str) -> None:
        check_url(url, allowed_hosts=self.policy.allowed_hosts, resolver=self.resolver)

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = False,
        max_bytes: int | None = None,
        accept_status: Collection[int] = (),
    ) -> FetchResult:
        """Fetch ``url``; raises :class:`FetchError` on a refused, failed or non-2xx answer.

        A 304 answer to a conditional request gives ``not_modified=True`` and no content.
        Statuses in ``accept_status`` are returned instead of raised.
        """
        if params:
            url = str(httpx.URL(url).copy_merge_params(dict(params)))
        if respect_robots and not self.robots_allow(url):
            raise FetchRefused("disallowed by robots.txt", url=url)
        send_headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"}
        send_headers.update(headers or {})
        if etag:
            send_headers["If-None-Match"] = etag
        if last_modified:
            send_headers["If-Modified-Since"] = last_modified
        limit = self.policy.max_bytes if max_bytes is None else max_bytes
        chunks: list[bytes] = []
        result = self._send(url, send_headers, limit, chunks.append, accept_status)
        result.content = b"".join(chunks)
        return result

    def download(self, url: str, dest: str | Path, *, max_bytes: int | None = None) -> FetchResult:
        """Stream ``url`` into ``dest`` (written atomically) without holding it in memory."""
        target = Path(dest)
        tmp = target.with_name(target.name + ".part")
        limit = self.policy.max_bytes if max_bytes is None else max_bytes
        try:
            with tmp.open("wb") as out:
                headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"}
                result = self._send(url, headers, limit, out.write, ())
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return result

    def robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(origin)
        if cached is None or self._clock() - cached[0] > self.policy.robots_ttl_s:
            try:
                answer = self.get(origin + "/robots.txt", max_bytes=512 * 1024, accept_status=range(400, 600))
                rules = robots_from_response(answer.status, answer.content)
            except FetchRefused:
                raise
            except FetchError:
                rules = RobotsRules(deny_all=True)  # unreachable: RFC 9309 says assume disallowed
            cached = (self._clock(), rules)
            self._robots[origin] = cached
        rules = cached[1]
        if self.throttle is not None:
            delay = rules.crawl_delay(self.policy.user_agent)
            if delay is not None and parts.hostname:
                held = self.throttle.delays.get(parts.hostname, self.throttle.delay_s)
                self.throttle.delays[parts.hostname] = max(held, delay)
        return rules.allowed(url, self.policy.user_agent)

    def _send(
        self,
        url: str,
        headers: dict[str, str],
        limit: int,
        sink: Callable[[bytes], object],
        accept_status: Collection[int],
    ) -> FetchResult:
        redirects: list[str] = []
        while True:
            response = self._open(url, headers)
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    if len(redirects) >= self.policy.max_redirects:
                        raise TooManyRedirects(f"more than {self.policy.max_redirects} redirects", url=url)
                    redirects.append(url)
                    target = urljoin(url, response.headers["location"])
                    if _origin(target) != _origin(url):
                        headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIALS}
                    url = target
                    continue  # checked again by _open before anything is sent
                result = FetchResult(url=url, status=response.status_code, headers=response.headers,
                                     redirects=redirects)
                if response.status_code == 304:
                    result.not_modified = True
                    return result
                if not (200 <= response.status_code < 300 or response.status_code in accept_status):
                    permanent = response.status_code in (400, 401, 403, 404, 405, 410, 451)
                    raise FetchError(f"HTTP {response.status_code}", url=url, permanent=permanent,
                                     retry_after=_retry_after(response.headers.get("retry-after", "")))
                self._read_body(response, url, limit, sink)
                return result
            finally:
                response.close()

    def _open(self, url: str, headers: dict[str, str]) -> httpx.Response:
        self.check(url)
        host = urlsplit(url).hostname or ""
        if self.throttle is not None:
            self.throttle.wait(host)
        timeout = self.policy.timeout_s
        try:
            request = self.client.build_request("GET", url, headers=headers, timeout=timeout)
            return self.client.send(request, stream=True, follow_redirects=False)
        except FetchRefused:
            raise  # the guarded transport's refusal is also an httpx.ConnectError: keep it a refusal
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {timeout:g} s", url=url) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"request failed: {exc}", url=url) from exc

    def _read_body(
        self, response: httpx.Response, url: str, limit: int, sink: Callable[[bytes], object]
    ) -> None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLarge(f"Content-Length {declared} is over the {limit}-byte limit", url=url)
        decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), limit, url)
        try:
            # A response built in memory (MockTransport) has no stream left to read.
            raws = [response.content] if response.is_stream_consumed else response.iter_raw(16 * 1024)
            for raw in raws:
                for piece in decoder.feed(raw):
                    sink(piece)
            for piece in decoder.flush():
                sink(piece)
        except httpx.TimeoutException as exc:
            seconds = self.policy.timeout_s
            raise FetchError(f"timed out reading the body after {seconds:g} s", url=url) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"reading the body failed: {exc}", url=url) from exc

def _retry_after(value: str) -> float | None:
    """``Retry-After`` as seconds: either a number of seconds or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _BoundedDecoder:
    """Undoes Content-Encoding while never producing more than ``limit`` bytes in all.

    zlib's ``max_length`` caps each step, so a compressed bomb costs at most ``limit`` bytes of
    memory before it is refused, whatever its ratio.
    """

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        self.produced = 0
        enc = encoding.strip().lower()
        if enc in ("", "identity"):
            self._z: zlib._Decompress | None = None
        elif enc in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}", url=url, permanent=True)

    def _count(self, piece: bytes) -> bytes:
        self.produced += len(piece)
        if self.produced > self.limit:
            raise ResponseTooLarge(f"body passed the {self.limit}-byte limit", url=self.url)
        return piece

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._z is None:
            yield self._count(data)
            return
        pending = data
        try:
            while pending:
                piece = self._z.decompress(pending, self.limit - self.produced + 1)
                yield self._count(piece)
                pending = self._z.unconsumed_tail
        except zlib.error as exc:
            raise FetchError(f"undecodable {self.url} body: {exc}", url=self.url, permanent=True) from exc

    def flush(self) -> Iterator[bytes]:
        if self._z is not None:
            yield self._count(self._z.flush())
