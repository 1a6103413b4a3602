"""A platform on 127.0.0.1 for benchmarks and crash tests: it speaks enough of Mastodon's API (with
``Idempotency-Key`` honoured as Mastodon does) and of elshi's webhook to take real deliveries, adds a
fixed latency to every answer, and counts what it received, so that duplicates and losses can be
proved rather than assumed. It also plays Mastodon's OAuth side (``POST /api/v1/apps``,
``GET /oauth/authorize`` approving at once for its one account, ``POST /oauth/token`` checking the
client, the code, the redirect URI and the PKCE verifier), so a channel can be connected end to end.

Every post is recorded *before* the latency is served, as a real platform commits before it answers:
a worker killed during that wait has sent a post whose confirmation it never read.

    with LoopbackPlatform(latency_s=0.1) as platform:
        account = Account(settings={"base_url": platform.url}, token=Token("channel-17"))
        ...
        platform.received_keys()   # Counter of Idempotency-Key / X-Elshi-Delivery values
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = ["LoopbackPlatform", "Received"]

_INSTANCE = {
    "domain": "loopback.test",
    "configuration": {
        "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23}
    },
}


@dataclass(frozen=True, slots=True)
class Received:
    """One post the platform accepted: which token (channel) sent it, its key and text."""

    token: str
    key: str | None
    text: str
    status_id: str
    at: float


_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


def _answer(status: int, body: dict[str, Any] | None = None, location: str = "") -> bytes:
    """Status line, headers and body as one write: the server shares the benchmark machine's cores
    with the worker it measures, so it spends as little of them as it can."""
    data = json.dumps(body).encode() if body is not None else b""
    head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\nContent-Length: {len(data)}\r\n"
    if body is not None:
        head += "Content-Type: application/json\r\n"
    if location:
        head += f"Location: {location}\r\n"
    return (head + "\r\n").encode("ascii") + data


class _Request:
    __slots__ = ("body", "headers", "method", "path")

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method, self.path, self.headers, self.body = method, path, headers, body

    def form(self) -> dict[str, Any]:
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}
        parsed = json.loads(self.body or b"{}")
        return parsed if isinstance(parsed, dict) else {}


def _parse(buffer: bytearray) -> tuple[_Request, int] | None:
    """The first whole HTTP/1.1 request in ``buffer`` (Content-Length bodies, as httpx sends them)
    and how many bytes it took; None while it is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    start = end + 4
    stop = start + int(headers.get("content-length") or 0)
    if len(buffer) < stop:
        return None
    return _Request(method, path, headers, bytes(buffer[start:stop])), stop


class _Connection(asyncio.Protocol):
    """One client connection, kept alive: requests parsed as bytes arrive, each answered after the
    platform's latency (a timer, not a task: the server spends as little CPU as it can)."""

    def __init__(self, platform: LoopbackPlatform) -> None:
        self.platform = platform
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.ready_at = 0.0  # answers leave in the order their requests came

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a TCP server's transports are these
        sock = transport.get_extra_info("socket")
        if sock is not None:  # answers go out at once, without waiting for Nagle's algorithm
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.platform._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.platform._connections.discard(self)
        self.transport = None  # the client is gone (killed, or it gave up): what it sent is recorded

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (parsed := _parse(self.buffer)) is not None:
            request, used = parsed
            del self.buffer[:used]
            answer, delay = self.platform._route(request)
            close = request.headers.get("connection", "").lower() == "close"
            loop = asyncio.get_running_loop()
            self.ready_at = max(loop.time() + delay, self.ready_at)
            if self.ready_at <= loop.time():
                self._answer(answer, close)
            else:
                loop.call_at(self.ready_at, self._answer, answer, close)

    def _answer(self, answer: bytes, close: bool) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)
            if close:
                self.transport.close()


class LoopbackPlatform:
    """Starts on a free port of 127.0.0.1; ``url`` is its base URL."""

    def __init__(self, *, latency_s: float = 0.0) -> None:
        self.latency_s = latency_s
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._by_key: dict[tuple[str, str], Received] = {}
        self.received: list[Received] = []  # every request that created a post
        self.apps: dict[str, dict[str, str]] = {}  # client_id -> registration
        self.tokens: list[str] = []  # access tokens issued through OAuth
        self._codes: dict[str, dict[str, str]] = {}  # authorization code -> what it was issued for
        self.requests = 0  # every posting request, duplicates refused included
        # One asyncio loop on its own thread serves every connection (kept alive, as httpx does).
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=1024)
        host, port = self._socket.getsockname()[:2]
        self.url = f"http://{host!s}:{port}"
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="loopback-platform", daemon=True)

    def _route(self, request: _Request) -> tuple[bytes, float]:
        """The answer to one request and the latency to serve before it (posts only)."""
        path = request.path
        if request.method == "GET":
            if path.startswith("/oauth/authorize?"):
                query = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
                outcome = self.authorize(query)
                if outcome.startswith("error:"):
                    return _answer(400, {"error": outcome.removeprefix("error:")}), 0.0
                return _answer(302, location=outcome), 0.0
            if path == "/api/v2/instance":
                return _answer(200, _INSTANCE), 0.0
            if path.startswith("/api/v1/statuses/"):
                found = self.status(path.rsplit("/", 1)[1])
                if found is None:
                    return _answer(404, {"error": "Record not found"}), 0.0
                return _answer(
                    200,
                    {
                        "id": found.status_id,
                        "content": found.text,
                        "favourites_count": 0,
                        "reblogs_count": 0,
                        "replies_count": 0,
                    },
                ), 0.0
            return _answer(404, {"error": "Not found"}), 0.0
        if request.method != "POST":
            return _answer(404, {"error": "Not found"}), 0.0
        body = request.form()
        if path == "/api/v1/apps":
            return _answer(200, self.register_app(body)), 0.0
        if path == "/oauth/token":
            status, answer = self.token(body)
            return _answer(status, answer), 0.0
        if path == "/api/v1/statuses":
            token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not token:
                return _answer(401, {"error": "The access token is invalid"}), 0.0
            received = self.accept(token, request.headers.get("idempotency-key"), str(body.get("status", "")))
        elif path.startswith("/hooks/"):
            received = self.accept(path, request.headers.get("x-elshi-delivery"), str(body.get("text", "")))
        else:
            return _answer(404, {"error": "Not found"}), 0.0
        # Recorded before the latency is served, as a real platform commits before it answers.
        answer = {
            "id": received.status_id,
            "url": f"{self.url}/@loopback/{received.status_id}",
            "content": received.text,
        }
        return _answer(200, answer), self.latency_s

    def accept(self, token: str, key: str | None, text: str) -> Received:
        """Record a post; the same key from the same token returns the first post (Mastodon's rule)."""
        with self._lock:
            self.requests += 1
            if key is not None and (token, key) in self._by_key:
                return self._by_key[(token, key)]
            received = Received(token, key, text, str(next(self._ids)), time.time())
            self.received.append(received)
            if key is not None:
                self._by_key[(token, key)] = received
            return received

    def register_app(self, form: dict[str, Any]) -> dict[str, str]:
        with self._lock:
            client_id = f"loopback-client-{len(self.apps) + 1}"
            app = {
                "client_id": client_id,
                "client_secret": secrets.token_urlsafe(16),
                "redirect_uri": str(form.get("redirect_uris", "")),
                "name": str(form.get("client_name", "")),
            }
            self.apps[client_id] = app
            return {"id": str(len(self.apps)), **app}

    def authorize(self, query: dict[str, str]) -> str:
        """The account owner approves at once: the redirect back with a code, or ``error:why``."""
        with self._lock:
            app = self.apps.get(query.get("client_id", ""))
            if app is None:
                return "error:unknown client"
            if query.get("redirect_uri") != app["redirect_uri"]:
                return "error:redirect_uri does not match the registered one"
            code = secrets.token_urlsafe(12)
            self._codes[code] = {
                "client_id": app["client_id"],
                "redirect_uri": app["redirect_uri"],
                "challenge": query.get("code_challenge", ""),
            }
        separator = "&" if "?" in app["redirect_uri"] else "?"
        return f"{app['redirect_uri']}{separator}{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            issued = self._codes.pop(str(form.get("code", "")), None)
            app = self.apps.get(str(form.get("client_id", "")))
            if issued is None or app is None or app["client_secret"] != form.get("client_secret"):
                return 400, {"error": "invalid_grant", "error_description": "unknown code or client"}
            if form.get("redirect_uri") != issued["redirect_uri"] or app["client_id"] != issued["client_id"]:
                return 400, {"error": "invalid_grant", "error_description": "redirect_uri or client mismatch"}
            if issued["challenge"]:
                digest = hashlib.sha256(str(form.get("code_verifier", "")).encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != issued["challenge"]:
                    return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            access = f"loopback-token-{len(self.tokens) + 1}-{secrets.token_urlsafe(8)}"
            self.tokens.append(access)
            return 200, {"access_token": access, "token_type": "Bearer", "scope": form.get("scope", "")}

    def status(self, status_id: str) -> Received | None:
        with self._lock:
            return next((r for r in self.received if r.status_id == status_id), None)

    def received_keys(self) -> Counter[str | None]:
        with self._lock:
            return Counter(r.key for r in self.received)

    def start(self) -> LoopbackPlatform:
        self._thread.start()

        async def listen() -> None:
            self._server = await self._loop.create_server(lambda: _Connection(self), sock=self._socket)

        asyncio.run_coroutine_threadsafe(listen(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for connection in list(self._connections):
                if connection.transport is not None:
                    connection.transport.abort()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> LoopbackPlatform:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
